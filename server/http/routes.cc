#include "http/routes.h"

#include <grpcpp/client_context.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/support/byte_buffer.h>

#include <optional>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "api/episode_watch.h"
#include "api/status_mapping.h"
#include "api/unary_call.h"
#include "domain/chapter_formats.h"
#include "domain/errors.h"
#include "domain/resource_names.h"
#include "google/api/annotations.pb.h"
#include "google/protobuf/util/json_util.h"
#include "google/rpc/status.pb.h"

namespace podmeta::http {
namespace {

using Respond = std::function<void(Response)>;

std::optional<std::string> PercentDecoded(absl::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      if (!absl::ascii_isxdigit(text[i + 1]) || !absl::ascii_isxdigit(text[i + 2])) return std::nullopt;
      const int value = std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16);
      if (value == 0) return std::nullopt;  // NUL in a name or parameter: never useful, often an attack
      out += static_cast<char>(value);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

// Protobuf's canonical JSON (lowerCamelCase names), on one line.
std::optional<std::string> CanonicalJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = false;
  std::string json;
  if (!google::protobuf::util::MessageToJsonString(message, &json, options).ok()) return std::nullopt;
  return json;
}

Response JsonAnswer(int status, const google::protobuf::Message& message, std::string route) {
  Response response;
  response.status = status;
  response.content_type = "application/json";
  response.route = std::move(route);
  if (std::optional<std::string> json = CanonicalJson(message)) {
    response.body = *std::move(json);
  } else {
    response.status = 500;
    response.body = R"({"code":13,"message":"the answer could not be written as JSON"})";
  }
  response.body += '\n';
  return response;
}

// A gRPC status as a google.rpc.Status (with its details).
google::rpc::Status StatusBody(const grpc::Status& status) {
  google::rpc::Status body;
  // error_details, when set, is the whole google.rpc.Status the server sent.
  if (status.error_details().empty() || !body.ParseFromString(status.error_details())) body.Clear();
  body.set_code(static_cast<int>(status.error_code()));
  body.set_message(status.error_message());
  return body;
}

// A gRPC status as its JSON google.rpc.Status, with the mapped HTTP code.
Response ErrorAnswer(const grpc::Status& status, std::string route) {
  return JsonAnswer(HttpStatusOf(static_cast<absl::StatusCode>(status.error_code())), StatusBody(status),
                    std::move(route));
}

Response ErrorAnswer(const absl::Status& status, std::string route) {
  return ErrorAnswer(api::ToGrpcStatus(status), std::move(route));
}

std::string HttpDate(int64_t unix_seconds) {
  return absl::FormatTime("%a, %d %b %Y %H:%M:%S GMT", absl::FromUnixSeconds(unix_seconds), absl::UTCTimeZone());
}

std::optional<int64_t> ParseHttpDate(absl::string_view text) {
  absl::Time time;
  std::string error;
  if (!absl::ParseTime("%a, %d %b %Y %H:%M:%S GMT", std::string(text), absl::UTCTimeZone(), &time, &error)) {
    return std::nullopt;
  }
  return absl::ToUnixSeconds(time);
}

// If-None-Match (weak comparison, as RFC 9110 says for it): "*" or a list.
bool EtagMatches(absl::string_view header, absl::string_view etag) {
  absl::string_view bare = etag;
  absl::ConsumePrefix(&bare, "W/");
  for (absl::string_view candidate : absl::StrSplit(header, ',')) {
    candidate = absl::StripAsciiWhitespace(candidate);
    if (candidate == "*") return true;
    absl::ConsumePrefix(&candidate, "W/");
    if (candidate == bare) return true;
  }
  return false;
}

// Whether the client's copy is current (RFC 9110 13.1: If-None-Match, and
// If-Modified-Since only without it).
bool NotModified(const Request& request, const std::string& etag, std::optional<int64_t> modified) {
  if (!request.if_none_match.empty()) return EtagMatches(request.if_none_match, etag);
  if (request.if_modified_since.empty() || !modified) return false;
  std::optional<int64_t> since = ParseHttpDate(request.if_modified_since);
  return since && *modified <= *since;
}

// A cacheable answer, or 304 when the client's copy is current.
Response Cacheable(const Request& request, Response response, const std::string& etag, std::optional<int64_t> modified,
                   int max_age) {
  response.headers.emplace_back("ETag", etag);
  if (modified) response.headers.emplace_back("Last-Modified", HttpDate(*modified));
  response.headers.emplace_back("Cache-Control", absl::StrCat("public, max-age=", max_age));
  if (NotModified(request, etag, modified)) {
    response.status = 304;
    response.body.clear();
    response.shared_body.reset();
    response.gzip_body.reset();
  }
  return response;
}

std::optional<v1::ChapterFormat> ChapterFormatOf(absl::string_view file) {
  if (file == "chapters.json") return v1::PODCASTING2_JSON;
  if (file == "chapters.vtt") return v1::WEBVTT;
  if (file == "chapters.psc") return v1::PODLOVE_SIMPLE_CHAPTERS;
  if (file == "chapters.txt") return v1::PLAIN_TEXT;
  return std::nullopt;
}

// Query parameters into a request's fields, by field name (snake_case or
// lowerCamelCase). Path-bound fields (name, parent) cannot be set.
absl::Status SetQueryFields(absl::string_view query, google::protobuf::Message& request) {
  const google::protobuf::Descriptor* descriptor = request.GetDescriptor();
  const google::protobuf::Reflection* reflection = request.GetReflection();
  for (absl::string_view pair : absl::StrSplit(query, '&', absl::SkipEmpty())) {
    std::vector<absl::string_view> parts = absl::StrSplit(pair, absl::MaxSplits('=', 1));
    std::optional<std::string> key = PercentDecoded(parts[0], true);
    std::optional<std::string> value = PercentDecoded(parts.size() > 1 ? parts[1] : "", true);
    if (!key || !value) return domain::Error(domain::Reason::kInvalidFields, "the query is not valid percent-encoding");
    const google::protobuf::FieldDescriptor* field = descriptor->FindFieldByName(*key);
    if (field == nullptr) field = descriptor->FindFieldByLowercaseName(*key);
    if (field == nullptr) field = descriptor->FindFieldByCamelcaseName(*key);
    if (field == nullptr || field->name() == "name" || field->name() == "parent" ||
        field->type() == google::protobuf::FieldDescriptor::TYPE_MESSAGE) {
      return domain::Error(domain::Reason::kInvalidFields,
                           absl::StrCat("unknown query parameter ", domain::Quoted(*key)));
    }
    const auto bad = [&] {
      return domain::Error(
          domain::Reason::kInvalidFields,
          absl::StrCat("query parameter ", *key, ": ", domain::Quoted(*value), " is not a ", field->type_name()));
    };
    switch (field->cpp_type()) {
      case google::protobuf::FieldDescriptor::CPPTYPE_STRING:
        if (field->is_repeated()) {
          reflection->AddString(&request, field, *value);
        } else {
          reflection->SetString(&request, field, *value);
        }
        break;
      case google::protobuf::FieldDescriptor::CPPTYPE_INT32: {
        int32_t number = 0;
        if (!absl::SimpleAtoi(*value, &number) || field->is_repeated()) return bad();
        reflection->SetInt32(&request, field, number);
        break;
      }
      case google::protobuf::FieldDescriptor::CPPTYPE_BOOL: {
        bool flag = false;
        if (!absl::SimpleAtob(*value, &flag) || field->is_repeated()) return bad();
        reflection->SetBool(&request, field, flag);
        break;
      }
      case google::protobuf::FieldDescriptor::CPPTYPE_ENUM: {
        const google::protobuf::EnumValueDescriptor* named = field->enum_type()->FindValueByName(*value);
        if (named == nullptr || field->is_repeated()) return bad();
        reflection->SetEnum(&request, field, named);
        break;
      }
      default:
        return bad();
    }
  }
  return absl::OkStatus();
}

struct Path {
  std::vector<std::string> segments;  // decoded
  std::string query;                  // still encoded
};

std::optional<Path> ParseTarget(absl::string_view target) {
  Path path;
  const size_t question = target.find('?');
  if (question != absl::string_view::npos) path.query = std::string(target.substr(question + 1));
  absl::string_view raw = target.substr(0, question);
  if (!absl::ConsumePrefix(&raw, "/")) return std::nullopt;
  for (absl::string_view segment : absl::StrSplit(raw, '/')) {
    std::optional<std::string> decoded = PercentDecoded(segment, false);
    if (!decoded) return std::nullopt;
    path.segments.push_back(*std::move(decoded));
  }
  return path;
}

}  // namespace

int HttpStatusOf(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kOk:
      return 200;
    case absl::StatusCode::kCancelled:
      return 499;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kOutOfRange:
      return 400;
    case absl::StatusCode::kDeadlineExceeded:
      return 504;
    case absl::StatusCode::kNotFound:
      return 404;
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kAborted:
      return 409;
    case absl::StatusCode::kPermissionDenied:
      return 403;
    case absl::StatusCode::kUnauthenticated:
      return 401;
    case absl::StatusCode::kResourceExhausted:
      return 429;
    case absl::StatusCode::kUnimplemented:
      return 501;
    case absl::StatusCode::kUnavailable:
      return 503;
    default:
      return 500;
  }
}

namespace {

// A template's or a path's last segment and its verb: "episodes:search" is
// {"episodes", "search"}; without a colon the verb is empty.
std::pair<absl::string_view, absl::string_view> SplitVerb(absl::string_view last) {
  const size_t colon = last.rfind(':');
  if (colon == absl::string_view::npos) return {last, ""};
  return {last.substr(0, colon), last.substr(colon + 1)};
}

}  // namespace

// One GET binding of a method (google.api.http), compiled: each path segment
// a literal or "*"; variables cover runs of segments.
struct Routes::Binding {
  std::string method;  // "/podmeta.v1.EpisodeService/GetEpisode"
  const google::protobuf::Descriptor* input = nullptr;
  const google::protobuf::Descriptor* output = nullptr;
  std::vector<std::string> segments;  // literal, or "*"
  std::string verb;
  struct Variable {
    const google::protobuf::FieldDescriptor* field;
    size_t begin, end;
  };
  std::vector<Variable> variables;
  std::string route;  // for metrics: the method's name

  // "/v1/{parent=podcasts/*}/episodes:batchGet"; false for what this
  // transcoder does not serve (nested fields, "**").
  bool Compile(const std::string& path_template) {
    if (path_template.empty() || path_template[0] != '/') return false;
    // Split at '/' outside braces.
    std::vector<std::string> parts;
    std::string current;
    int depth = 0;
    for (size_t i = 1; i < path_template.size(); ++i) {
      const char c = path_template[i];
      if (c == '{') ++depth;
      if (c == '}') --depth;
      if (c == '/' && depth == 0) {
        parts.push_back(current);
        current.clear();
      } else {
        current += c;
      }
    }
    parts.push_back(current);
    if (!parts.empty()) {
      const auto [name, split_verb] = SplitVerb(parts.back());
      verb = std::string(split_verb);
      parts.back() = std::string(name);
    }
    for (const std::string& part : parts) {
      if (part.empty()) return false;
      if (part.front() != '{') {
        if (part == "**" || part.find('}') != std::string::npos) return false;
        segments.push_back(part);
        continue;
      }
      if (part.back() != '}') return false;
      std::string inner = part.substr(1, part.size() - 2);
      std::string pattern = "*";
      if (size_t equals = inner.find('='); equals != std::string::npos) {
        pattern = inner.substr(equals + 1);
        inner.resize(equals);
      }
      const google::protobuf::FieldDescriptor* field = input->FindFieldByName(inner);
      if (field == nullptr || field->cpp_type() != google::protobuf::FieldDescriptor::CPPTYPE_STRING ||
          field->is_repeated()) {
        return false;  // nested ("episode.name"): the write bindings, not served over HTTP
      }
      const size_t begin = segments.size();
      for (absl::string_view piece : absl::StrSplit(pattern, '/')) {
        if (piece == "**" || piece.empty()) return false;
        segments.emplace_back(piece);
      }
      variables.push_back({field, begin, segments.size()});
    }
    return true;
  }

  // `path`'s segments with the verb taken off the last, when it matches.
  std::optional<std::vector<absl::string_view>> Match(const std::vector<std::string>& path) const {
    if (path.empty() || path.size() != segments.size()) return std::nullopt;
    const auto [last, path_verb] = SplitVerb(path.back());
    if (path_verb != verb) return std::nullopt;
    for (size_t i = 0; i < segments.size(); ++i) {
      const absl::string_view piece = i + 1 == segments.size() ? last : absl::string_view(path[i]);
      const bool matches =
          segments[i] == "*" ? !piece.empty() && piece.find('/') == absl::string_view::npos : segments[i] == piece;
      if (!matches) return std::nullopt;
    }
    std::vector<absl::string_view> pieces(path.begin(), path.end());
    pieces.back() = last;
    return pieces;
  }

  // The request for matched `pieces`, its path variables filled.
  std::unique_ptr<google::protobuf::Message> Request(const std::vector<absl::string_view>& pieces) const {
    std::unique_ptr<google::protobuf::Message> request(
        google::protobuf::MessageFactory::generated_factory()->GetPrototype(input)->New());
    for (const Variable& variable : variables) {
      const std::vector<absl::string_view> covered(pieces.begin() + static_cast<long>(variable.begin),
                                                   pieces.begin() + static_cast<long>(variable.end));
      request->GetReflection()->SetString(request.get(), variable.field, absl::StrJoin(covered, "/"));
    }
    return request;
  }
};

Routes::~Routes() = default;

Routes::Routes(api::EpisodeReader& reader, api::FeedImporter& feeds, api::BlockingExecutor& executor,
               RouteOptions options)
    : reader_(reader),
      feeds_(feeds),
      executor_(executor),
      options_(options),
      files_(std::make_shared<ChapterFileCache>(options.chapter_file_cache_bytes)),
      feeds_cache_(std::make_shared<FeedCache>(options.feed_cache_bytes)),
      feed_executor_(std::make_unique<api::BlockingExecutor>(kFeedThreads, kFeedQueue)) {
  for (const char* name : {"podmeta.v1.PodcastService", "podmeta.v1.EpisodeService"}) {
    const google::protobuf::ServiceDescriptor* service =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(name);
    if (service == nullptr) continue;
    for (int m = 0; m < service->method_count(); ++m) {
      const google::protobuf::MethodDescriptor* method = service->method(m);
      if (method->client_streaming() || method->server_streaming()) continue;
      const google::api::HttpRule& rule = method->options().GetExtension(google::api::http);
      std::vector<std::string> templates;
      if (!rule.get().empty()) templates.push_back(rule.get());
      for (const google::api::HttpRule& more : rule.additional_bindings()) {
        if (!more.get().empty()) templates.push_back(more.get());
      }
      for (const std::string& path_template : templates) {
        auto binding = std::make_unique<Binding>();
        binding->method = absl::StrCat("/", service->full_name(), "/", method->name());
        binding->input = method->input_type();
        binding->output = method->output_type();
        binding->route = method->name();
        if (binding->Compile(path_template)) bindings_.push_back(std::move(binding));
      }
    }
  }
}

namespace {

// WatchEpisodes as Server-Sent Events: one call on the in-process channel;
// each EpisodeChange is an event whose id is its resume token (a browser's
// EventSource sends it back as Last-Event-ID when it reconnects) and whose
// data is the change as canonical JSON. The HTTP answer waits for the call's
// first word: its initial metadata (the podcast exists, the watch is
// subscribed) makes a 200 stream; a status before it (not found, a resume
// token too old, too many watchers) an error answer. One change is read at a
// time, when the listener asks for it: gRPC's flow control then holds a slow
// client's backlog in the server's change log, not here.
class WatchEvents final : public EventStream,
                          public grpc::ClientReadReactor<v1::EpisodeChange>,
                          public std::enable_shared_from_this<WatchEvents> {
 public:
  // `open` counts this stream (counted by the caller) until it is gone.
  static void Start(v1::EpisodeService::Stub& stub, v1::WatchEpisodesRequest request, const std::string& request_id,
                    std::shared_ptr<std::atomic<size_t>> open, std::function<void(Response)> respond) {
    auto watch = std::shared_ptr<WatchEvents>(new WatchEvents(std::move(request), std::move(respond)));
    watch->open_ = std::move(open);
    watch->self_ = watch;  // until OnDone: gRPC holds the reactor
    watch->context_.AddMetadata("x-request-id", request_id);
    stub.async()->WatchEpisodes(&watch->context_, &watch->request_, watch.get());
    {
      sync::MutexLock lock(watch->mutex_);
      watch->reading_ = true;
    }
    watch->StartRead(&watch->change_);
    watch->StartCall();
  }

  void Next(std::function<void(std::optional<std::string>)> done) override {
    std::optional<std::string> ready;
    bool read = false;
    bool ended = false;
    {
      sync::MutexLock lock(mutex_);
      if (ready_) {
        ready = std::move(ready_);
        ready_.reset();
      } else if (done_) {
        ended = true;
      } else {
        next_ = std::move(done);
        read = !reading_;
        reading_ = true;
      }
    }
    if (ready || ended) return done(std::move(ready));
    if (read) StartRead(&change_);
  }

  void Cancel() override {
    {
      sync::MutexLock lock(mutex_);
      cancelled_ = true;
      next_ = nullptr;
    }
    context_.TryCancel();
  }

  void OnReadInitialMetadataDone(bool ok) override {
    // Without the watch's mark the call is ending with an error (a status
    // can come with bare initial metadata): OnDone answers.
    if (!ok || context_.GetServerInitialMetadata().count(api::EpisodeWatch::kOpenMetadata) == 0) return;
    std::function<void(Response)> respond;
    {
      sync::MutexLock lock(mutex_);
      respond = std::move(respond_);
      respond_ = nullptr;
    }
    Response stream;
    stream.route = "watch";
    stream.content_type = "text/event-stream; charset=utf-8";  // HEAD's answer has it too
    stream.events = shared_from_this();
    if (respond) respond(std::move(stream));
  }

  void OnReadDone(bool ok) override {
    std::function<void(std::optional<std::string>)> give;
    std::string event;
    if (ok) event = Event(change_);
    {
      sync::MutexLock lock(mutex_);
      reading_ = false;
      if (!ok) return;  // the stream ended: OnDone follows
      if (next_) {
        give = std::move(next_);
        next_ = nullptr;
      } else {
        ready_ = std::move(event);
      }
    }
    if (give) give(std::move(event));
  }

  void OnDone(const grpc::Status& status) override {
    std::function<void(Response)> respond;
    std::function<void(std::optional<std::string>)> give;
    std::optional<std::string> last;
    {
      sync::MutexLock lock(mutex_);
      done_ = true;
      respond = std::move(respond_);
      respond_ = nullptr;
      // A stream that ends on an error says why, as its last event.
      if (!respond && !cancelled_ && !status.ok()) {
        last = absl::StrCat("event: error\ndata: ", CanonicalJson(StatusBody(status)).value_or("{}"), "\n\n");
      }
      if (next_) {
        give = std::move(next_);
        next_ = nullptr;
      } else if (last) {
        ready_ = std::move(last);
        last.reset();
      }
    }
    if (respond) respond(ErrorAnswer(status, "watch"));
    if (give) give(std::move(last));
    std::shared_ptr<WatchEvents> self = std::move(self_);  // may be the last reference
  }

 public:
  ~WatchEvents() override {
    if (open_) open_->fetch_sub(1);
  }

 private:
  WatchEvents(v1::WatchEpisodesRequest request, std::function<void(Response)> respond)
      : request_(std::move(request)), respond_(std::move(respond)) {}

  static std::string Event(const v1::EpisodeChange& change) {
    // JSON escapes line breaks inside strings, so the data is one line.
    return absl::StrCat("id: ", change.resume_token(), "\ndata: ", CanonicalJson(change).value_or("{}"), "\n\n");
  }

  grpc::ClientContext context_;
  v1::WatchEpisodesRequest request_;
  std::shared_ptr<std::atomic<size_t>> open_;  // the event streams open, this one counted
  v1::EpisodeChange change_;                   // written by gRPC between StartRead and OnReadDone
  std::shared_ptr<WatchEvents> self_;
  sync::Mutex mutex_;
  std::function<void(Response)> respond_ ABSL_GUARDED_BY(mutex_);
  std::function<void(std::optional<std::string>)> next_ ABSL_GUARDED_BY(mutex_);
  std::optional<std::string> ready_ ABSL_GUARDED_BY(mutex_);
  bool reading_ ABSL_GUARDED_BY(mutex_) = false;
  bool done_ ABSL_GUARDED_BY(mutex_) = false;
  bool cancelled_ ABSL_GUARDED_BY(mutex_) = false;
};

}  // namespace

void Routes::Connect(const std::shared_ptr<grpc::Channel>& channel) {
  stub_ = std::make_unique<grpc::GenericStub>(channel);
  episodes_ = v1::EpisodeService::NewStub(channel);
}

void Routes::Handle(const Request& request, Respond respond) {
  std::optional<Path> path = ParseTarget(request.target);
  if (!path) {
    return respond(ErrorAnswer(domain::InvalidField("path", "is not valid percent-encoding"), "bad-path"));
  }
  const std::vector<std::string>& s = path->segments;
  const std::chrono::milliseconds timeout = options_.timeout;
  if (s.size() == 1 && s[0] == "healthz") {
    Response ok;
    ok.content_type = "text/plain; charset=utf-8";
    ok.body = "ok\n";
    ok.route = "healthz";
    return respond(std::move(ok));
  }
  if (s.empty() || s[0] != "v1") {
    return respond(ErrorAnswer(
        domain::Error(domain::Reason::kRouteNotFound, "no such route; podmeta's routes start with /v1/"), "unknown"));
  }
  const auto no_route = [&] {
    respond(ErrorAnswer(
        domain::Error(domain::Reason::kRouteNotFound, absl::StrCat("no route for ", domain::Quoted(request.target))),
        "unknown"));
  };

  // Chapter files, straight from the episode cache.
  if (s.size() == 6 && s[1] == "podcasts" && s[3] == "episodes") {
    std::optional<v1::ChapterFormat> format = ChapterFormatOf(s[5]);
    if (!format) return no_route();
    absl::StatusOr<domain::EpisodeKey> key =
        domain::ParseEpisodeName(absl::StrCat("podcasts/", s[2], "/episodes/", s[4]), "name");
    if (!key.ok()) return respond(ErrorAnswer(key.status(), "chapters"));
    const int max_age = options_.max_age_seconds;
    std::shared_ptr<ChapterFileCache> files = files_;
    reader_.Read(api::Caller::Until(std::chrono::system_clock::now() + timeout), *std::move(key),
                 api::EpisodeReader::Consistency::kCached,
                 [request, format = *format, max_age, files, respond](absl::StatusOr<api::EpisodeReader::Bytes> bytes) {
                   if (!bytes.ok()) return respond(ErrorAnswer(bytes.status(), "chapters"));
                   absl::StatusOr<ChapterFileCache::FilePtr> file = files->Get(*bytes, format);
                   if (!file.ok()) return respond(ErrorAnswer(file.status(), "chapters"));
                   const ChapterFileCache::File& chapters = **file;
                   if (chapters.deleted) {
                     Response gone = ErrorAnswer(domain::Error(domain::Reason::kResourceDeleted,
                                                               absl::StrCat("episode ", chapters.name, " is deleted")),
                                                 "chapters");
                     gone.status = 410;
                     return respond(std::move(gone));
                   }
                   Response response;
                   response.content_type = chapters.content_type;
                   response.route = "chapters";
                   if (!NotModified(request, chapters.etag, chapters.modified)) response.body = chapters.body;
                   respond(Cacheable(request, std::move(response), chapters.etag, chapters.modified, max_age));
                 });
    return;
  }
  if (s.size() == 4 && s[1] == "podcasts" && s[3] == "feed.xml") {
    const std::string podcast_id(s[2]);
    if (absl::Status name = domain::ParsePodcastName(absl::StrCat("podcasts/", podcast_id), "name").status();
        !name.ok()) {
      return respond(ErrorAnswer(name, "feed"));
    }
    const int max_age = options_.max_age_seconds;
    // The importer outlives the feed executor's threads; this object need
    // not (the cache is shared with the tasks).
    api::FeedImporter* feeds = &feeds_;
    const std::shared_ptr<FeedCache> cache = feeds_cache_;
    // On an executor of its own: renderings of large feeds never hold the
    // threads that answer gRPC calls.
    const bool queued = feed_executor_->TrySubmit([feeds, cache, podcast_id, request, timeout, max_age, respond] {
      const auto deadline = std::chrono::system_clock::now() + timeout;
      absl::StatusOr<std::string> version = feeds->Version(podcast_id, deadline);
      if (!version.ok()) return respond(ErrorAnswer(version.status(), "feed"));
      Response response;
      response.content_type = api::kFeedContentType;
      response.route = "feed";
      FeedCache::FeedPtr feed = cache->Find(podcast_id, *version);
      // A current copy needs no rendering, even of a feed too large to keep.
      if (feed != nullptr && NotModified(request, feed->etag, std::nullopt)) {
        return respond(Cacheable(request, std::move(response), feed->etag, std::nullopt, max_age));
      }
      if (feed == nullptr || feed->body == nullptr) {
        absl::StatusOr<api::FeedImporter::Rendered> rendered = feeds->Render(podcast_id, deadline);
        if (!rendered.ok()) return respond(ErrorAnswer(rendered.status(), "feed"));
        feed = cache->Insert(podcast_id, rendered->version, std::move(rendered->content));
      }
      response.shared_body = feed->body;
      response.gzip_body = feed->gzip;
      respond(Cacheable(request, std::move(response), feed->etag, std::nullopt, max_age));
    });
    if (!queued)
      respond(ErrorAnswer(domain::Error(domain::Reason::kServerOverloaded, "the server is busy; try again"), "feed"));
    return;
  }

  // Changes to a podcast's episodes as they happen (WatchEpisodes).
  if (s.size() == 4 && s[1] == "podcasts" && s[3] == "episodes:watch") {
    v1::WatchEpisodesRequest watch;
    if (absl::Status query = SetQueryFields(path->query, watch); !query.ok()) {
      return respond(ErrorAnswer(query, "watch"));
    }
    watch.set_parent(absl::StrCat("podcasts/", s[2]));
    if (watch.resume_token().empty()) watch.set_resume_token(request.last_event_id);
    // HEAD starts the watch too, so an unknown podcast is a 404 for it as
    // for GET; the listener then sends the headers alone and cancels it.
    if (event_streams_->fetch_add(1) >= options_.max_event_streams) {
      event_streams_->fetch_sub(1);
      return respond(ErrorAnswer(
          domain::Error(domain::Reason::kTooManyWatchers, absl::StrCat("at most ", options_.max_event_streams,
                                                                       " event streams are open at once; retry later")),
          "watch"));
    }
    return WatchEvents::Start(*episodes_, std::move(watch), request.request_id, event_streams_, std::move(respond));
  }

  // JSON reads: the methods' google.api.http GET bindings, through the
  // in-process channel.
  for (const std::unique_ptr<Binding>& binding : bindings_) {
    std::optional<std::vector<absl::string_view>> pieces = binding->Match(s);
    if (!pieces) continue;
    std::unique_ptr<google::protobuf::Message> message = binding->Request(*pieces);
    if (stub_ == nullptr)
      return respond(ErrorAnswer(domain::Error(domain::Reason::kServerStarting, "the server is starting"), "json"));
    if (absl::Status fields = SetQueryFields(path->query, *message); !fields.ok()) {
      return respond(ErrorAnswer(domain::InvalidField("query", std::string(fields.message())), binding->route));
    }
    struct Call {
      grpc::ClientContext context;
      grpc::ByteBuffer request, response;
      std::unique_ptr<google::protobuf::Message> answer;
    };
    auto call = std::make_shared<Call>();
    call->request = api::ByteBufferOf(message->SerializeAsString());
    call->answer.reset(google::protobuf::MessageFactory::generated_factory()->GetPrototype(binding->output)->New());
    call->context.set_deadline(std::chrono::system_clock::now() + timeout);
    call->context.AddMetadata("x-request-id", request.request_id);
    stub_->UnaryCall(&call->context, binding->method, grpc::StubOptions(), &call->request, &call->response,
                     [call, route = binding->route, respond = std::move(respond)](grpc::Status status) {
                       if (!status.ok()) return respond(ErrorAnswer(status, route));
                       if (!api::ParseMessage(call->response, *call->answer)) {
                         return respond(ErrorAnswer(
                             domain::Error(domain::Reason::kInternal, "the answer could not be read"), route));
                       }
                       respond(JsonAnswer(200, *call->answer, route));
                     });
    return;
  }
  no_route();
}

}  // namespace podmeta::http
