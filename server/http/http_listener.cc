#include "http/http_listener.h"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <sys/resource.h>
#include <zlib.h>

#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <optional>
#include <random>
#include <thread>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "domain/errors.h"
#include "observability/logging.h"
#include "sync/mutex.h"

namespace podmeta::http {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

// Bodies smaller than this are sent as they are: gzip would gain little.
constexpr size_t kMinGzipBytes = 256;
constexpr std::chrono::milliseconds kAcceptBackoff{100};

std::string NewRequestId() {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  return absl::StrFormat("%016x", generator());
}

// A client's X-Request-Id is kept when it is short and plain.
bool IsSaneRequestId(absl::string_view id) {
  return !id.empty() && id.size() <= 64 &&
         std::all_of(id.begin(), id.end(), [](char c) { return absl::ascii_isalnum(c) || c == '-' || c == '_'; });
}

bool AcceptsGzip(absl::string_view accept_encoding) {
  for (absl::string_view coding : absl::StrSplit(accept_encoding, ',')) {
    std::vector<absl::string_view> parts = absl::StrSplit(coding, ';');
    if (absl::AsciiStrToLower(absl::StripAsciiWhitespace(parts[0])) != "gzip") continue;
    for (size_t i = 1; i < parts.size(); ++i) {
      absl::string_view parameter = absl::StripAsciiWhitespace(parts[i]);
      double q = 1;
      if (absl::ConsumePrefix(&parameter, "q=") && absl::SimpleAtod(parameter, &q) && q <= 0) return false;
    }
    return true;
  }
  return false;
}

bool IsCompressible(absl::string_view content_type) {
  return absl::StartsWith(content_type, "text/") || absl::StrContains(content_type, "json") ||
         absl::StrContains(content_type, "xml");
}

std::optional<std::string> Compress(absl::string_view data) {
  z_stream stream{};
  if (deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    return std::nullopt;
  }
  std::string out(deflateBound(&stream, data.size()), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  const int result = deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  if (result != Z_STREAM_END) return std::nullopt;
  return out;
}

const char* kCorsAllowHeaders = "If-None-Match, If-Modified-Since, Accept-Encoding, X-Request-Id";
const char* kCorsExposeHeaders = "ETag, Last-Modified, X-Request-Id";

}  // namespace

std::optional<std::string> Gzip(absl::string_view data) { return Compress(data); }

class Session;

struct HttpListener::State : std::enable_shared_from_this<HttpListener::State> {
  State(const ListenerOptions& listener_options, Handler& request_handler, prometheus::Registry* registry)
      : options(listener_options),
        handler(request_handler),
        accept_strand(net::make_strand(io)),
        acceptor(accept_strand) {
    if (registry != nullptr) {
      requests = &prometheus::BuildCounter()
                      .Name("podmeta_http_requests_total")
                      .Help("HTTP requests answered, by route and status code")
                      .Register(*registry);
      latency = &prometheus::BuildHistogram()
                     .Name("podmeta_http_request_duration_seconds")
                     .Help("Time from a request's arrival to its answer being written, by route")
                     .Register(*registry);
    }
  }

  void Record(const std::string& route, int status, double seconds, const std::string& request_id,
              const std::string& method, const std::string& target) {
    if (requests != nullptr) {
      requests->Add({{"route", route}, {"code", std::to_string(status)}}).Increment();
      latency
          ->Add({{"route", route}}, prometheus::Histogram::BucketBoundaries{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                                            0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10})
          .Observe(seconds);
    }
    const spdlog::level::level_enum level = status < 400 ? spdlog::level::debug : spdlog::level::warn;
    if (!spdlog::should_log(level)) return;
    observability::LogEvent(level, "http",
                            {{"method", method},
                             {"target", target.substr(0, 200)},
                             {"route", route},
                             {"status", std::to_string(status)},
                             {"duration_ms", absl::StrFormat("%.3f", seconds * 1000)},
                             {"request_id", request_id}});
  }

  // Hands an answer to a session's thread, unless the listener is stopping
  // (then the session ends with the caller's last reference); false then.
  template <typename Work>
  bool PostUnlessStopping(const net::any_io_executor& executor, Work work) {
    sync::MutexLock lock(mutex);
    if (stopping_locked) return false;
    net::post(executor, std::move(work));
    return true;
  }

  // Counts a connection from `client`, unless the listener or that client
  // is at its limit.
  bool Admit(const net::ip::address& client) {
    if (connections.fetch_add(1) >= max_connections) {
      connections.fetch_sub(1);
      return false;
    }
    sync::MutexLock lock(mutex);
    int& from_client = per_client[client.to_string()];
    if (from_client >= static_cast<int>(options.max_connections_per_client)) {
      connections.fetch_sub(1);
      return false;
    }
    ++from_client;
    return true;
  }
  void Leave(const net::ip::address& client) {
    connections.fetch_sub(1);
    sync::MutexLock lock(mutex);
    auto found = per_client.find(client.to_string());
    if (found != per_client.end() && --found->second <= 0) per_client.erase(found);
  }

  ListenerOptions options;
  Handler& handler;
  // options.max_connections, or half the process's file descriptors if
  // fewer: the other half stays for gRPC, the database and files, so
  // anonymous HTTP clients cannot take the descriptors gRPC accepts with.
  size_t max_connections = 0;
  std::atomic<size_t> connections{0};
  std::atomic<bool> stopping{false};
  sync::Mutex mutex;
  bool stopping_locked ABSL_GUARDED_BY(mutex) = false;
  // Open sessions, to close them on Stop.
  std::vector<std::weak_ptr<Session>> sessions ABSL_GUARDED_BY(mutex);
  // Open connections by client address.
  absl::flat_hash_map<std::string, int> per_client ABSL_GUARDED_BY(mutex);
  // Waits before accepting again after accept() failed (out of file
  // descriptors): accepting again at once would spin a core.
  std::optional<net::steady_timer> accept_backoff;
  net::io_context io;
  net::strand<net::io_context::executor_type> accept_strand;
  tcp::acceptor acceptor;
  std::vector<std::thread> threads;
  prometheus::Family<prometheus::Counter>* requests = nullptr;
  prometheus::Family<prometheus::Histogram>* latency = nullptr;
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, net::ip::address client, std::shared_ptr<HttpListener::State> state)
      : stream_(std::move(socket)), client_(std::move(client)), state_(std::move(state)) {}
  ~Session() { state_->Leave(client_); }

  void Start() { net::dispatch(stream_.get_executor(), beast::bind_front_handler(&Session::Read, shared_from_this())); }

  // Closes the connection (on its own strand), ending its event stream.
  void Shut() {
    net::post(stream_.get_executor(), [self = shared_from_this()] {
      beast::error_code ignored;
      self->stream_.socket().close(ignored);
      self->EndEvents();
    });
  }

 private:
  void Read() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(state_->options.max_header_bytes));
    parser_->body_limit(0);
    stream_.expires_after(state_->options.request_timeout);
    bhttp::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&Session::OnRead, shared_from_this()));
  }

  void OnRead(beast::error_code error, size_t) {
    if (error == bhttp::error::end_of_stream || error == net::error::eof || error == beast::error::timeout ||
        error == net::error::operation_aborted || error == net::error::connection_reset) {
      return Close();
    }
    started_ = std::chrono::steady_clock::now();
    request_id_ = NewRequestId();
    head_ = gzip_ = false;
    method_ = "?";
    target_.clear();
    if (error == bhttp::error::header_limit) {
      return Answer(Plain(431, "request header fields too large"), /*close=*/true);
    }
    if (error == bhttp::error::body_limit) return Answer(Plain(413, "requests have no body"), true);
    if (error) return Answer(Plain(400, "malformed request: " + error.message()), true);

    const auto& message = parser_->get();
    method_ = std::string(message.method_string());
    target_ = std::string(message.target());
    keep_alive_ = message.keep_alive();
    // HTTP/1.1's framing rules (RFC 9112): an HTTP/1.0 message with
    // Transfer-Encoding has faulty framing, so the connection closes after
    // it; a request without Host (HTTP/1.1) or with more than one is 400.
    if (message.version() < 11 && message.count(bhttp::field::transfer_encoding) > 0) keep_alive_ = false;
    const size_t hosts = message.count(bhttp::field::host);
    if (hosts > 1 || (hosts == 0 && message.version() >= 11)) {
      return Answer(Plain(400, hosts > 1 ? "more than one Host header" : "an HTTP/1.1 request needs a Host header"),
                    /*close=*/true);
    }
    head_ = message.method() == bhttp::verb::head;
    gzip_ = AcceptsGzip(std::string(message[bhttp::field::accept_encoding]));
    const absl::string_view client_id(message["X-Request-Id"].data(), message["X-Request-Id"].size());
    if (IsSaneRequestId(client_id)) request_id_ = std::string(client_id);

    if (message.method() == bhttp::verb::options) {
      Response preflight;
      preflight.status = 204;
      preflight.route = "preflight";
      preflight.headers = {{"Access-Control-Allow-Methods", "GET, HEAD, OPTIONS"},
                           {"Access-Control-Allow-Headers", kCorsAllowHeaders},
                           {"Access-Control-Max-Age", "86400"}};
      return Answer(std::move(preflight), !keep_alive_);
    }
    if (message.method() != bhttp::verb::get && !head_) {
      Response refused = Plain(405, "podmeta's HTTP routes are read-only: GET, HEAD and OPTIONS");
      refused.headers.emplace_back("Allow", "GET, HEAD, OPTIONS");
      return Answer(std::move(refused), !keep_alive_);
    }
    Request request;
    request.method = head_ ? "HEAD" : "GET";
    request.target = target_;
    request.if_none_match = std::string(message[bhttp::field::if_none_match]);
    request.if_modified_since = std::string(message[bhttp::field::if_modified_since]);
    request.last_event_id = std::string(message["Last-Event-ID"]);
    request.request_id = request_id_;
    state_->handler.Handle(request, [self = shared_from_this()](Response response) {
      const std::shared_ptr<EventStream> events = response.events;
      const bool handed_over = self->state_->PostUnlessStopping(
          self->stream_.get_executor(), [self, response = std::move(response)]() mutable {
            if (response.events && !self->head_) return self->StartEvents(std::move(response));
            if (response.events) response.events->Cancel();  // HEAD: the headers only
            self->Answer(std::move(response), !self->keep_alive_);
          });
      if (!handed_over && events) events->Cancel();  // the listener stops: no one will read it
    });
  }

  static Response Plain(int status, std::string text) {
    Response response;
    response.status = status;
    response.content_type = "text/plain; charset=utf-8";
    response.body = std::move(text) + "\n";
    response.route = "refused";
    return response;
  }

  // What every answer carries: status, server, request id, CORS, and the
  // handler's headers.
  template <typename Body>
  void SetHeaders(bhttp::response<Body>& out, const Response& response) const {
    out.version(11);
    out.result(static_cast<unsigned>(response.status));
    out.set(bhttp::field::server, "podmeta");
    out.set("X-Request-Id", request_id_);
    out.set(bhttp::field::access_control_allow_origin, "*");
    out.set(bhttp::field::access_control_expose_headers, kCorsExposeHeaders);
    if (!response.content_type.empty()) out.set(bhttp::field::content_type, response.content_type);
    for (const auto& [name, value] : response.headers) out.set(name, value);
  }

  void Record(const Response& response) {
    state_->Record(response.route, response.status,
                   std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count(), request_id_,
                   method_, target_);
  }

  void Answer(Response response, bool close) {
    if (response.shared_body) return AnswerShared(std::move(response), close);
    auto& out = answer_;
    out = {};
    SetHeaders(out, response);
    std::string body = std::move(response.body);
    if (IsCompressible(response.content_type)) {
      out.set(bhttp::field::vary, "Accept-Encoding");
      if (gzip_ && body.size() >= kMinGzipBytes) {
        if (std::optional<std::string> compressed = Compress(body)) {
          body = *std::move(compressed);
          out.set(bhttp::field::content_encoding, "gzip");
        }
      }
    }
    const size_t length = body.size();
    if (!head_) out.body() = std::move(body);
    // No Content-Length on 204 and 304: they never have a body.
    if (response.status != 204 && response.status != 304) out.content_length(length);
    out.keep_alive(!close);
    close_after_write_ = close;
    Record(response);
    stream_.expires_after(state_->options.write_timeout);
    bhttp::async_write(stream_, answer_, beast::bind_front_handler(&Session::OnWrite, shared_from_this()));
  }

  // An answer whose body is shared: the connection holds a reference to it
  // (and to its gzip form), never a copy.
  void AnswerShared(Response response, bool close) {
    shared_answer_.emplace();
    auto& out = *shared_answer_;
    SetHeaders(out, response);
    shared_body_ = std::move(response.shared_body);
    if (IsCompressible(response.content_type)) {
      out.set(bhttp::field::vary, "Accept-Encoding");
      if (gzip_ && response.gzip_body) {
        shared_body_ = std::move(response.gzip_body);
        out.set(bhttp::field::content_encoding, "gzip");
      }
    }
    // span_body only reads the bytes when it serializes; it wants them
    // mutable because the same type also parses.
    if (!head_)
      out.body() = bhttp::span_body<char>::value_type(const_cast<char*>(shared_body_->data()), shared_body_->size());
    out.content_length(shared_body_->size());
    out.keep_alive(!close);
    close_after_write_ = close;
    Record(response);
    stream_.expires_after(state_->options.write_timeout);
    bhttp::async_write(stream_, *shared_answer_, beast::bind_front_handler(&Session::OnWrite, shared_from_this()));
  }

  // Event streams. All on the session's strand: the header, then one chunk
  // at a time; the next event is asked for once the last one is written.
  void StartEvents(Response response) {
    events_ = std::move(response.events);
    response.status = 200;
    response.content_type = "text/event-stream; charset=utf-8";
    event_header_.emplace();
    auto& out = *event_header_;
    SetHeaders(out, response);
    out.set(bhttp::field::cache_control, "no-cache");
    out.set("X-Accel-Buffering", "no");  // nginx and ingresses: do not buffer
    out.keep_alive(false);
    out.chunked(true);
    event_serializer_.emplace(out);
    Record(response);
    stream_.expires_after(state_->options.write_timeout);
    bhttp::async_write_header(stream_, *event_serializer_,
                              [self = shared_from_this()](beast::error_code error, size_t) {
                                if (error) return self->EndEvents();
                                self->WatchForClose();
                                self->AskForEvent();
                              });
  }

  // An event stream's client sends nothing more: the socket turning
  // readable means it closed (or broke the protocol), and the stream ends
  // at once, freeing its watch, instead of at the next heartbeat's failed
  // write.
  void WatchForClose() {
    stream_.socket().async_wait(tcp::socket::wait_read, [self = shared_from_this()](beast::error_code error) {
      net::post(self->stream_.get_executor(), [self, error] {
        if (error != net::error::operation_aborted) self->EndEvents();
      });
    });
  }

  void AskForEvent() {
    if (!events_) return;
    waiting_for_event_ = true;
    ArmHeartbeat();
    events_->Next([self = shared_from_this()](std::optional<std::string> event) {
      self->state_->PostUnlessStopping(self->stream_.get_executor(),
                                       [self, event = std::move(event)]() mutable { self->OnEvent(std::move(event)); });
    });
  }

  void OnEvent(std::optional<std::string> event) {
    if (!events_) return;
    waiting_for_event_ = false;
    if (!event) {
      events_.reset();
      heartbeat_.reset();
      return WriteChunk(std::nullopt);
    }
    if (writing_chunk_) {
      pending_event_ = std::move(event);  // after the heartbeat in flight
      return;
    }
    WriteChunk(std::move(event));
  }

  void ArmHeartbeat() {
    if (!heartbeat_) heartbeat_.emplace(stream_.get_executor());
    heartbeat_->expires_after(state_->options.event_heartbeat);
    heartbeat_->async_wait([self = shared_from_this()](beast::error_code error) {
      if (error || !self->events_ || !self->waiting_for_event_ || self->writing_chunk_) return;
      self->WriteChunk(std::string(":\n\n"));
    });
  }

  // One chunk; nullopt: the last (empty) chunk, then the connection closes.
  void WriteChunk(std::optional<std::string> data) {
    writing_chunk_ = true;
    stream_.expires_after(state_->options.write_timeout);
    const auto written = [self = shared_from_this(), last = !data](beast::error_code error, size_t) {
      self->writing_chunk_ = false;
      if (error || last) return self->EndEvents();
      if (self->pending_event_) {
        std::optional<std::string> next = std::move(self->pending_event_);
        self->pending_event_.reset();
        return self->WriteChunk(std::move(next));
      }
      if (self->waiting_for_event_) return self->ArmHeartbeat();  // that was a heartbeat
      self->AskForEvent();
    };
    if (!data) return net::async_write(stream_, bhttp::make_chunk_last(), written);
    chunk_ = std::move(*data);
    net::async_write(stream_, bhttp::make_chunk(net::buffer(chunk_)), written);
  }

  void EndEvents() {
    if (events_) {
      events_->Cancel();
      events_.reset();
    }
    if (heartbeat_) heartbeat_->cancel();
    if (event_header_) {
      Close();
      beast::error_code ignored;
      stream_.socket().cancel(ignored);  // the wait for the client's close
    }
  }

  void OnWrite(beast::error_code error, size_t) {
    shared_answer_.reset();
    shared_body_.reset();
    if (error || close_after_write_ || state_->stopping.load()) return Close();
    Read();  // a pipelined request may already be in buffer_
  }

  void Close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  beast::tcp_stream stream_;
  const net::ip::address client_;
  std::shared_ptr<HttpListener::State> state_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::empty_body>> parser_;
  bhttp::response<bhttp::string_body> answer_;
  std::optional<bhttp::response<bhttp::span_body<char>>> shared_answer_;
  std::shared_ptr<const std::string> shared_body_;  // what shared_answer_'s body points into
  std::shared_ptr<EventStream> events_;
  std::optional<bhttp::response<bhttp::empty_body>> event_header_;
  std::optional<bhttp::response_serializer<bhttp::empty_body>> event_serializer_;
  std::optional<net::steady_timer> heartbeat_;
  std::optional<std::string> pending_event_;
  std::string chunk_;
  bool waiting_for_event_ = false;
  bool writing_chunk_ = false;
  std::chrono::steady_clock::time_point started_;
  std::string request_id_, method_, target_;
  bool keep_alive_ = true;
  bool head_ = false;
  bool gzip_ = false;
  bool close_after_write_ = false;
};

namespace {

void Accept(std::shared_ptr<HttpListener::State> state) {
  state->acceptor.async_accept(net::make_strand(state->io), [state](beast::error_code error, tcp::socket socket) {
    if (error == net::error::operation_aborted || state->stopping.load()) return;
    if (error) {
      // Out of file descriptors (or another failure of accept itself): try
      // again shortly, not at once.
      state->accept_backoff.emplace(state->accept_strand, kAcceptBackoff);
      state->accept_backoff->async_wait([state](beast::error_code waited) {
        if (waited != net::error::operation_aborted) Accept(state);
      });
      return;
    }
    {
      beast::error_code unknown;
      const net::ip::address client = socket.remote_endpoint(unknown).address();
      if (unknown || !state->Admit(client)) {
        beast::error_code ignored;
        socket.close(ignored);  // over a limit: refused at once
      } else {
        auto session = std::make_shared<Session>(std::move(socket), client, state);
        {
          sync::MutexLock lock(state->mutex);
          if (state->sessions.size() > 64 && state->sessions.size() % 64 == 0) {
            std::erase_if(state->sessions, [](const std::weak_ptr<Session>& s) { return s.expired(); });
          }
          state->sessions.push_back(session);
        }
        session->Start();
      }
    }
    Accept(state);
  });
}

}  // namespace

absl::StatusOr<std::unique_ptr<HttpListener>> HttpListener::Start(const ListenerOptions& options, Handler& handler,
                                                                  prometheus::Registry* registry) {
  const size_t colon = options.listen.rfind(':');
  int port = 0;
  if (colon == std::string::npos || !absl::SimpleAtoi(options.listen.substr(colon + 1), &port) || port < 0 ||
      port > 65535) {
    return domain::Error(domain::Reason::kServerMisconfigured,
                         absl::StrCat("--http-listen must be HOST:PORT, not ", options.listen));
  }
  std::string host = options.listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  auto state = std::make_shared<State>(options, handler, registry);
  state->max_connections = options.max_connections;
  if (rlimit files{}; getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur != RLIM_INFINITY) {
    state->max_connections = std::min<size_t>(options.max_connections, std::max<size_t>(16, files.rlim_cur / 2));
  }
  beast::error_code error;
  const net::ip::address address = net::ip::make_address(host.empty() ? "0.0.0.0" : host, error);
  if (error)
    return domain::Error(domain::Reason::kServerMisconfigured,
                         absl::StrCat("--http-listen: ", host, " is not an IP address"));
  const tcp::endpoint endpoint(address, static_cast<unsigned short>(port));
  state->acceptor.open(endpoint.protocol(), error);
  if (!error) state->acceptor.set_option(net::socket_base::reuse_address(true), error);
  if (!error) state->acceptor.bind(endpoint, error);
  if (!error) state->acceptor.listen(net::socket_base::max_listen_connections, error);
  if (error)
    return domain::Error(domain::Reason::kListenFailed,
                         absl::StrCat("cannot listen for HTTP on ", options.listen, ": ", error.message()));
  Accept(state);
  for (int i = 0; i < std::max(1, options.threads); ++i) {
    state->threads.emplace_back([state] { state->io.run(); });
  }
  return std::unique_ptr<HttpListener>(new HttpListener(std::move(state)));
}

HttpListener::~HttpListener() { Stop(); }

int HttpListener::port() const { return state_->acceptor.local_endpoint().port(); }

void HttpListener::Stop() {
  if (state_->stopping.exchange(true)) return;
  {
    // From here no answer is handed to a session: one that waits for its
    // answer ends when the handler lets go of it.
    sync::MutexLock lock(state_->mutex);
    state_->stopping_locked = true;
    for (const std::weak_ptr<Session>& weak : state_->sessions) {
      if (std::shared_ptr<Session> session = weak.lock()) session->Shut();
    }
    state_->sessions.clear();
  }
  net::post(state_->accept_strand, [state = state_] {
    beast::error_code ignored;
    state->acceptor.close(ignored);
    if (state->accept_backoff) state->accept_backoff->cancel();
  });
  // The threads return once every closed connection has finished.
  for (std::thread& thread : state_->threads) thread.join();
  state_->threads.clear();
}

}  // namespace podmeta::http
