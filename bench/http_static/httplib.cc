// The static chapters.json on cpp-httplib: a blocking server whose thread pool
// holds one thread per open connection (so bench/run gives it a thread for
// every connection it opens), with TCP_NODELAY (off by default in 0.11, which
// costs a delayed ACK, ~40 ms, per answer).
#include <httplib.h>

#include "common.h"

int main(int argc, char** argv) {
  const http_static::Config config = http_static::ParseArgs(argc, argv);
  httplib::Server server;
  server.new_task_queue = [&config] { return new httplib::ThreadPool(static_cast<size_t>(config.threads)); };
  server.Get(".*", [&config](const httplib::Request& request, httplib::Response& response) {
    response.set_header("ETag", config.etag);
    response.set_header("Cache-Control", http_static::kCacheControl);
    response.set_header("Access-Control-Allow-Origin", "*");
    if (request.get_header_value("If-None-Match") == config.etag) {
      response.status = 304;
      return;
    }
    response.set_content(config.body, http_static::kContentType);
  });
  server.set_keep_alive_max_count(1000000);
  server.set_tcp_nodelay(true);
  if (!server.listen(config.host, config.port)) {
    std::cerr << "httplib: cannot listen\n";
    return 1;
  }
}
