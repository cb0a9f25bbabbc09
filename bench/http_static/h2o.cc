// The static chapters.json on libh2o (its evloop build): one event loop and
// one SO_REUSEPORT listener per thread, as h2o's own server runs them. Speaks
// HTTP/1.1 and cleartext HTTP/2 (prior knowledge).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <thread>
#include <vector>

#define H2O_USE_LIBUV 0  // the evloop build of libh2o
extern "C" {
#include <h2o.h>
}

#include "common.h"

namespace {

const http_static::Config* config;
h2o_globalconf_t globalconf;

int Answer(h2o_handler_t*, h2o_req_t* request) {
  static h2o_generator_t generator = {nullptr, nullptr};
  h2o_add_header(&request->pool, &request->res.headers, H2O_TOKEN_ETAG, nullptr, config->etag.data(),
                 config->etag.size());
  h2o_add_header(&request->pool, &request->res.headers, H2O_TOKEN_CACHE_CONTROL, nullptr, http_static::kCacheControl,
                 sizeof(http_static::kCacheControl) - 1);
  h2o_add_header(&request->pool, &request->res.headers, H2O_TOKEN_ACCESS_CONTROL_ALLOW_ORIGIN, nullptr, "*", 1);
  const ssize_t at = h2o_find_header(&request->headers, H2O_TOKEN_IF_NONE_MATCH, -1);
  if (at != -1 && h2o_memis(request->headers.entries[at].value.base, request->headers.entries[at].value.len,
                            config->etag.data(), config->etag.size())) {
    request->res.status = 304;
    request->res.reason = "Not Modified";
    h2o_start_response(request, &generator);
    h2o_send(request, nullptr, 0, H2O_SEND_STATE_FINAL);
    return 0;
  }
  request->res.status = 200;
  request->res.reason = "OK";
  request->res.content_length = config->body.size();
  h2o_add_header(&request->pool, &request->res.headers, H2O_TOKEN_CONTENT_TYPE, nullptr, http_static::kContentType,
                 sizeof(http_static::kContentType) - 1);
  h2o_iovec_t body = h2o_iovec_init(config->body.data(), config->body.size());
  h2o_start_response(request, &generator);
  h2o_send(request, &body, 1, H2O_SEND_STATE_FINAL);
  return 0;
}

struct Loop {
  h2o_context_t context;
  h2o_accept_ctx_t accept;
};

void OnAccept(h2o_socket_t* listener, const char* error) {
  if (error != nullptr) return;
  h2o_socket_t* socket = h2o_evloop_socket_accept(listener);
  if (socket != nullptr) h2o_accept(static_cast<h2o_accept_ctx_t*>(listener->data), socket);
}

void Run() {
  Loop loop{};
  h2o_context_init(&loop.context, h2o_evloop_create(), &globalconf);
  loop.accept.ctx = &loop.context;
  loop.accept.hosts = globalconf.hosts;
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  const int on = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
  setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof(on));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(config->port));
  inet_pton(AF_INET, config->host.c_str(), &address.sin_addr);
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 || listen(fd, SOMAXCONN) != 0) {
    std::cerr << "h2o: cannot listen\n";
    std::exit(1);
  }
  h2o_socket_t* listener = h2o_evloop_socket_create(loop.context.loop, fd, H2O_SOCKET_FLAG_DONT_READ);
  listener->data = &loop.accept;
  h2o_socket_read_start(listener, OnAccept);
  while (h2o_evloop_run(loop.context.loop, INT32_MAX) == 0) {
  }
}

}  // namespace

int main(int argc, char** argv) {
  const http_static::Config parsed = http_static::ParseArgs(argc, argv);
  config = &parsed;
  h2o_config_init(&globalconf);
  h2o_hostconf_t* host = h2o_config_register_host(&globalconf, h2o_iovec_init(H2O_STRLIT("default")), 65535);
  h2o_pathconf_t* path = h2o_config_register_path(host, "/", 0);
  h2o_create_handler(path, sizeof(h2o_handler_t))->on_req = Answer;
  std::vector<std::thread> threads;
  for (int i = 1; i < parsed.threads; ++i) threads.emplace_back(Run);
  Run();
}
