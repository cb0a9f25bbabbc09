// The static chapters.json on Boost.Beast: Asio's io_context on N threads,
// one coroutine-free session per connection, keep-alive.
// clang-format off
#include <utility>  // first: Boost 1.74's Asio uses std::exchange without including it
// clang-format on
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <memory>
#include <thread>
#include <vector>

#include "common.h"

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

const http_static::Config* config;

class Session : public std::enable_shared_from_this<Session> {
 public:
  explicit Session(tcp::socket socket) : stream_(std::move(socket)) {}
  void Read() {
    request_ = {};
    bhttp::async_read(stream_, buffer_, request_,
                      [self = shared_from_this()](beast::error_code error, size_t) { self->OnRead(error); });
  }

 private:
  void OnRead(beast::error_code error) {
    if (error) return;
    response_ = {};
    response_.version(request_.version());
    response_.keep_alive(request_.keep_alive());
    response_.set(bhttp::field::etag, config->etag);
    response_.set(bhttp::field::cache_control, http_static::kCacheControl);
    response_.set(bhttp::field::access_control_allow_origin, "*");
    if (request_[bhttp::field::if_none_match] == config->etag) {
      response_.result(bhttp::status::not_modified);
    } else {
      response_.result(bhttp::status::ok);
      response_.set(bhttp::field::content_type, http_static::kContentType);
      response_.body() = config->body;
    }
    response_.prepare_payload();
    bhttp::async_write(stream_, response_, [self = shared_from_this()](beast::error_code error, size_t) {
      if (!error && self->response_.keep_alive()) self->Read();
    });
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  bhttp::request<bhttp::empty_body> request_;
  bhttp::response<bhttp::string_body> response_;
};

void Accept(tcp::acceptor& acceptor) {
  acceptor.async_accept([&acceptor](beast::error_code error, tcp::socket socket) {
    if (!error) std::make_shared<Session>(std::move(socket))->Read();
    Accept(acceptor);
  });
}

}  // namespace

int main(int argc, char** argv) {
  const http_static::Config parsed = http_static::ParseArgs(argc, argv);
  config = &parsed;
  net::io_context io(parsed.threads);
  tcp::acceptor acceptor(io, {net::ip::make_address(parsed.host), static_cast<unsigned short>(parsed.port)});
  Accept(acceptor);
  std::vector<std::thread> threads;
  for (int i = 1; i < parsed.threads; ++i) threads.emplace_back([&io] { io.run(); });
  io.run();
}
