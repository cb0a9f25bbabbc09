#include "http/routes.h"

#include <grpcpp/client_context.h>

#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "api/status_mapping.h"
#include "domain/chapter_formats.h"
#include "domain/resource_names.h"
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

Response JsonAnswer(int status, const google::protobuf::Message& message, std::string route) {
  Response response;
  response.status = status;
  response.content_type = "application/json";
  response.route = std::move(route);
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = false;  // canonical JSON: lowerCamelCase
  if (!google::protobuf::util::MessageToJsonString(message, &response.body, options).ok()) {
    response.status = 500;
    response.body = R"({"code":13,"message":"the answer could not be written as JSON"})";
  }
  response.body += '\n';
  return response;
}

// A gRPC status as its JSON google.rpc.Status (with its details).
Response ErrorAnswer(const grpc::Status& status, std::string route) {
  google::rpc::Status body;
  if (!status.error_details().empty() && body.ParseFromString(status.error_details())) {
    // error_details is the whole google.rpc.Status the server sent.
  } else {
    body.Clear();
  }
  body.set_code(static_cast<int>(status.error_code()));
  body.set_message(status.error_message());
  return JsonAnswer(HttpStatusOf(static_cast<absl::StatusCode>(status.error_code())), body, std::move(route));
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

// A cacheable answer, or 304 when the client's copy is current.
Response Cacheable(const Request& request, Response response, const std::string& etag, std::optional<int64_t> modified,
                   int max_age) {
  response.headers.emplace_back("ETag", etag);
  if (modified) response.headers.emplace_back("Last-Modified", HttpDate(*modified));
  response.headers.emplace_back("Cache-Control", absl::StrCat("public, max-age=", max_age));
  bool not_modified = false;
  if (!request.if_none_match.empty()) {
    not_modified = EtagMatches(request.if_none_match, etag);
  } else if (!request.if_modified_since.empty() && modified) {
    std::optional<int64_t> since = ParseHttpDate(request.if_modified_since);
    not_modified = since && *modified <= *since;
  }
  if (not_modified) {
    response.status = 304;
    response.body.clear();
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
    if (!key || !value) return absl::InvalidArgumentError("the query is not valid percent-encoding");
    const google::protobuf::FieldDescriptor* field = descriptor->FindFieldByName(*key);
    if (field == nullptr) field = descriptor->FindFieldByLowercaseName(*key);
    if (field == nullptr) field = descriptor->FindFieldByCamelcaseName(*key);
    if (field == nullptr || field->name() == "name" || field->name() == "parent" ||
        field->type() == google::protobuf::FieldDescriptor::TYPE_MESSAGE) {
      return absl::InvalidArgumentError(absl::StrCat("unknown query parameter ", domain::Quoted(*key)));
    }
    const auto bad = [&] {
      return absl::InvalidArgumentError(
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

void Routes::Connect(const std::shared_ptr<grpc::Channel>& channel) {
  podcasts_ = v1::PodcastService::NewStub(channel);
  episodes_ = v1::EpisodeService::NewStub(channel);
}

namespace {

// One JSON read through the in-process channel: the request from the path
// and query, the answer as JSON.
template <typename RequestMessage, typename ResponseMessage, typename Call>
void JsonRead(const Request& http_request, RequestMessage request, const std::string& query,
              std::chrono::milliseconds timeout, std::string route, Call call, Respond respond) {
  if (absl::Status fields = SetQueryFields(query, request); !fields.ok()) {
    return respond(ErrorAnswer(domain::InvalidField("query", std::string(fields.message())), route));
  }
  struct State {
    grpc::ClientContext context;
    RequestMessage request;
    ResponseMessage response;
  };
  auto state = std::make_shared<State>();
  state->request = std::move(request);
  state->context.set_deadline(std::chrono::system_clock::now() + timeout);
  state->context.AddMetadata("x-request-id", http_request.request_id);
  call(&state->context, &state->request, &state->response,
       [state, respond = std::move(respond), route = std::move(route)](grpc::Status status) {
         respond(status.ok() ? JsonAnswer(200, state->response, route) : ErrorAnswer(status, route));
       });
}

}  // namespace

void Routes::Handle(const Request& request, Respond respond) {
  std::optional<Path> path = ParseTarget(request.target);
  if (!path) {
    return respond(ErrorAnswer(absl::InvalidArgumentError("the path is not valid percent-encoding"), "bad-path"));
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
    return respond(ErrorAnswer(absl::NotFoundError("no such route; podmeta's routes start with /v1/"), "unknown"));
  }
  const auto no_route = [&] {
    respond(ErrorAnswer(absl::NotFoundError(absl::StrCat("no route for ", domain::Quoted(request.target))), "unknown"));
  };

  // Chapter files, straight from the episode cache.
  if (s.size() == 6 && s[1] == "podcasts" && s[3] == "episodes") {
    std::optional<v1::ChapterFormat> format = ChapterFormatOf(s[5]);
    if (!format) return no_route();
    absl::StatusOr<domain::EpisodeKey> key =
        domain::ParseEpisodeName(absl::StrCat("podcasts/", s[2], "/episodes/", s[4]), "name");
    if (!key.ok()) return respond(ErrorAnswer(key.status(), "chapters"));
    const int max_age = options_.max_age_seconds;
    reader_.Read(api::Caller::Until(std::chrono::system_clock::now() + timeout), *std::move(key),
                 api::EpisodeReader::Consistency::kCached,
                 [request, format = *format, max_age, respond](absl::StatusOr<api::EpisodeReader::Bytes> bytes) {
                   if (!bytes.ok()) return respond(ErrorAnswer(bytes.status(), "chapters"));
                   v1::Episode episode;
                   episode.ParseFromString(**bytes);  // bytes this server serialized
                   if (episode.has_delete_time()) {
                     Response gone = ErrorAnswer(
                         absl::NotFoundError(absl::StrCat("episode ", episode.name(), " is deleted")), "chapters");
                     gone.status = 410;
                     return respond(std::move(gone));
                   }
                   absl::StatusOr<v1::ExportChaptersResponse> file = domain::ExportChapterFile(episode, format);
                   if (!file.ok()) return respond(ErrorAnswer(file.status(), "chapters"));
                   Response response;
                   response.content_type = file->content_type();
                   response.body = std::move(*file->mutable_content());
                   response.route = "chapters";
                   respond(Cacheable(request, std::move(response), absl::StrCat("W/", episode.etag()),
                                     episode.update_time().seconds(), max_age));
                 });
    return;
  }
  if (s.size() == 4 && s[1] == "podcasts" && s[3] == "feed.xml") {
    v1::ExportFeedRequest export_request;
    export_request.set_name(absl::StrCat("podcasts/", s[2]));
    const int max_age = options_.max_age_seconds;
    // The importer outlives the executor's threads; this object need not.
    api::FeedImporter* feeds = &feeds_;
    const bool queued = executor_.TrySubmit([feeds, request, export_request, timeout, max_age, respond] {
      absl::StatusOr<v1::ExportFeedResponse> feed =
          feeds->Export(export_request, std::chrono::system_clock::now() + timeout);
      if (!feed.ok()) return respond(ErrorAnswer(feed.status(), "feed"));
      Response response;
      response.content_type = feed->content_type();
      response.body = std::move(*feed->mutable_content());
      response.route = "feed";
      const std::string etag = absl::StrFormat("W/\"%016x\"", std::hash<std::string>{}(response.body));
      respond(Cacheable(request, std::move(response), etag, std::nullopt, max_age));
    });
    if (!queued) respond(ErrorAnswer(absl::ResourceExhaustedError("the server is busy; try again"), "feed"));
    return;
  }

  // JSON reads, through the gRPC methods.
  if (podcasts_ == nullptr || episodes_ == nullptr) {
    return respond(ErrorAnswer(absl::UnavailableError("the server is starting"), "json"));
  }
  const std::string& query = path->query;
  auto* podcasts = podcasts_.get();
  auto* episodes = episodes_.get();
  if (s.size() == 2 && s[1] == "podcasts") {
    return JsonRead<v1::ListPodcastsRequest, v1::ListPodcastsResponse>(
        request, {}, query, timeout, "list-podcasts",
        [podcasts](auto* c, auto* q, auto* r, auto done) { podcasts->async()->ListPodcasts(c, q, r, std::move(done)); },
        std::move(respond));
  }
  if (s.size() == 2 && s[1] == "episodes:search") {
    return JsonRead<v1::SearchEpisodesRequest, v1::SearchEpisodesResponse>(
        request, {}, query, timeout, "search",
        [episodes](auto* c, auto* q, auto* r, auto done) {
          episodes->async()->SearchEpisodes(c, q, r, std::move(done));
        },
        std::move(respond));
  }
  if (s.size() < 3 || s[1] != "podcasts") return no_route();
  const std::string podcast = absl::StrCat("podcasts/", s[2]);
  if (s.size() == 3) {
    v1::GetPodcastRequest get;
    get.set_name(podcast);
    return JsonRead<v1::GetPodcastRequest, v1::Podcast>(
        request, std::move(get), query, timeout, "podcast",
        [podcasts](auto* c, auto* q, auto* r, auto done) { podcasts->async()->GetPodcast(c, q, r, std::move(done)); },
        std::move(respond));
  }
  if (s.size() == 4 && s[3] == "episodes") {
    v1::ListEpisodesRequest list;
    list.set_parent(podcast);
    return JsonRead<v1::ListEpisodesRequest, v1::ListEpisodesResponse>(
        request, std::move(list), query, timeout, "list-episodes",
        [episodes](auto* c, auto* q, auto* r, auto done) { episodes->async()->ListEpisodes(c, q, r, std::move(done)); },
        std::move(respond));
  }
  if (s.size() == 4 && s[3] == "episodes:batchGet") {
    v1::BatchGetEpisodesRequest batch;
    batch.set_parent(podcast);
    return JsonRead<v1::BatchGetEpisodesRequest, v1::BatchGetEpisodesResponse>(
        request, std::move(batch), query, timeout, "batch-get-episodes",
        [episodes](auto* c, auto* q, auto* r, auto done) {
          episodes->async()->BatchGetEpisodes(c, q, r, std::move(done));
        },
        std::move(respond));
  }
  if (s.size() == 4 && s[3] == "episodes:search") {
    v1::SearchEpisodesRequest search;
    search.set_parent(podcast);
    return JsonRead<v1::SearchEpisodesRequest, v1::SearchEpisodesResponse>(
        request, std::move(search), query, timeout, "search",
        [episodes](auto* c, auto* q, auto* r, auto done) {
          episodes->async()->SearchEpisodes(c, q, r, std::move(done));
        },
        std::move(respond));
  }
  if (s.size() == 5 && s[3] == "episodes") {
    absl::string_view episode = s[4];
    if (absl::ConsumeSuffix(&episode, ":exportChapters")) {
      v1::ExportChaptersRequest export_request;
      export_request.set_name(absl::StrCat(podcast, "/episodes/", episode));
      return JsonRead<v1::ExportChaptersRequest, v1::ExportChaptersResponse>(
          request, std::move(export_request), query, timeout, "export-chapters",
          [episodes](auto* c, auto* q, auto* r, auto done) {
            episodes->async()->ExportChapters(c, q, r, std::move(done));
          },
          std::move(respond));
    }
    v1::GetEpisodeRequest get;
    get.set_name(absl::StrCat(podcast, "/episodes/", episode));
    return JsonRead<v1::GetEpisodeRequest, v1::Episode>(
        request, std::move(get), query, timeout, "episode",
        [episodes](auto* c, auto* q, auto* r, auto done) { episodes->async()->GetEpisode(c, q, r, std::move(done)); },
        std::move(respond));
  }
  no_route();
}

}  // namespace podmeta::http
