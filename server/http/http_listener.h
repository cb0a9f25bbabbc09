// podmeta's HTTP/1.1 listener, on Boost.Beast (Asio): it parses requests,
// enforces the limits, and leaves what a request means to a Handler.
//
// What it does for every route, so handlers need not:
//   - keep-alive; each request must arrive whole within `request_timeout`
//     (a client that trickles bytes is cut off), each answer must be taken
//     within `write_timeout`; at most `max_connections` at once;
//   - header block at most `max_header_bytes` (431), bodies refused (GET
//     and HEAD only: 405 for other methods, with Allow);
//   - HEAD: the GET answer's headers, no body;
//   - gzip when the client accepts it and the body is text of some size;
//   - CORS: every answer may be read from any origin; OPTIONS preflights
//     answer 204;
//   - a request id per request (X-Request-Id, the client's when it is
//     sane), a log line and Prometheus counters per request;
//   - event streams (Response::events): chunked, pulled at the client's
//     pace, with heartbeats, ended when the client or the listener goes.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace prometheus {
class Registry;
}

namespace podmeta::http {

struct Request {
  std::string method;  // GET or HEAD (the listener answers the rest)
  std::string target;  // path and query, as sent
  std::string if_none_match;
  std::string if_modified_since;
  std::string last_event_id;  // Last-Event-ID, sent by a reconnecting EventSource
  std::string request_id;
};

// The body of an answer that is a stream of Server-Sent Events
// (text/event-stream) rather than bytes known at once. The listener pulls:
// it asks for the next event once the client has taken the last one, so a
// slow client slows the source instead of filling memory; while it waits it
// sends a comment now and then, so proxies keep the connection. Next's
// callback may run on any thread, once per call; nullopt ends the stream.
// Cancel (the client went away, or the listener stops) may come at any
// time, also while a Next is pending, whose callback may then never run.
class EventStream {
 public:
  virtual ~EventStream() = default;
  // `event` is one whole event ("id: ...\ndata: ...\n\n").
  virtual void Next(std::function<void(std::optional<std::string> event)> done) = 0;
  virtual void Cancel() = 0;
};

struct Response {
  int status = 200;
  std::string content_type;
  std::string body;
  // Set: the body instead of `body`, shared with every other answer that
  // sends it (a feed rendered once goes to every client without a copy per
  // connection, so a client that does not read costs no memory of its own),
  // with its gzip form for clients that take it when `gzip_body` is set.
  std::shared_ptr<const std::string> shared_body;
  std::shared_ptr<const std::string> gzip_body;
  // More headers (ETag, Last-Modified, Cache-Control, ...).
  std::vector<std::pair<std::string, std::string>> headers;
  // A label for metrics and logs ("chapters", "episode", ...).
  std::string route = "unknown";
  // Set: the body is this stream of events (body is ignored; no gzip, no
  // Content-Length; the connection closes when the stream ends).
  std::shared_ptr<EventStream> events;
};

// `data` compressed as gzip; nullopt if zlib fails.
std::optional<std::string> Gzip(absl::string_view data);

// Answers one request; `respond` may run on any thread, once.
class Handler {
 public:
  virtual ~Handler() = default;
  virtual void Handle(const Request& request, std::function<void(Response)> respond) = 0;
};

struct ListenerOptions {
  std::string listen = "127.0.0.1:8080";  // HOST:PORT; port 0 picks one
  int threads = 2;
  std::chrono::milliseconds request_timeout{10'000};
  std::chrono::milliseconds write_timeout{30'000};
  size_t max_header_bytes = 16 * 1024;
  size_t max_connections = 10'000;          // and at most half the process's file descriptors
  size_t max_connections_per_client = 256;  // from one IP address
  // An event stream with nothing to send gets a comment this often.
  std::chrono::milliseconds event_heartbeat{15'000};
};

class HttpListener {
 public:
  // Binds and starts serving; fails if the address cannot be bound.
  static absl::StatusOr<std::unique_ptr<HttpListener>> Start(const ListenerOptions& options, Handler& handler,
                                                             prometheus::Registry* registry);
  ~HttpListener();

  int port() const;
  // Stops accepting, closes connections, joins the threads.
  void Stop();

  struct State;

 private:
  explicit HttpListener(std::shared_ptr<State> state) : state_(std::move(state)) {}
  std::shared_ptr<State> state_;
};

}  // namespace podmeta::http
