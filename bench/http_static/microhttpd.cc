// The static chapters.json on GNU libmicrohttpd: its own epoll threads (a pool
// of N), one persistent response per status.
#include <arpa/inet.h>
#include <microhttpd.h>
#include <unistd.h>

#include <csignal>
#include <cstring>

#include "common.h"

namespace {

const http_static::Config* config;
MHD_Response* ok;
MHD_Response* not_modified;

void AddHeaders(MHD_Response* response) {
  MHD_add_response_header(response, MHD_HTTP_HEADER_ETAG, config->etag.c_str());
  MHD_add_response_header(response, MHD_HTTP_HEADER_CACHE_CONTROL, http_static::kCacheControl);
  MHD_add_response_header(response, MHD_HTTP_HEADER_ACCESS_CONTROL_ALLOW_ORIGIN, "*");
}

MHD_Result Answer(void*, MHD_Connection* connection, const char*, const char* method, const char*, const char*, size_t*,
                  void** request_state) {
  if (std::strcmp(method, "GET") != 0) return MHD_NO;
  // The first call comes with the headers; a response queued then makes
  // libmicrohttpd close the connection, so answer on the second.
  static int headers_seen;
  if (*request_state == nullptr) {
    *request_state = &headers_seen;
    return MHD_YES;
  }
  const char* if_none_match = MHD_lookup_connection_value(connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_NONE_MATCH);
  if (if_none_match != nullptr && config->etag == if_none_match) {
    return MHD_queue_response(connection, MHD_HTTP_NOT_MODIFIED, not_modified);
  }
  return MHD_queue_response(connection, MHD_HTTP_OK, ok);
}

}  // namespace

int main(int argc, char** argv) {
  const http_static::Config parsed = http_static::ParseArgs(argc, argv);
  config = &parsed;
  ok = MHD_create_response_from_buffer(parsed.body.size(), const_cast<char*>(parsed.body.data()),
                                       MHD_RESPMEM_PERSISTENT);
  AddHeaders(ok);
  MHD_add_response_header(ok, MHD_HTTP_HEADER_CONTENT_TYPE, http_static::kContentType);
  not_modified = MHD_create_response_from_buffer(0, nullptr, MHD_RESPMEM_PERSISTENT);
  AddHeaders(not_modified);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(parsed.port));
  inet_pton(AF_INET, parsed.host.c_str(), &address.sin_addr);
  MHD_Daemon* daemon =
      MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL, static_cast<uint16_t>(parsed.port), nullptr,
                       nullptr, &Answer, nullptr, MHD_OPTION_SOCK_ADDR, &address, MHD_OPTION_THREAD_POOL_SIZE,
                       static_cast<unsigned>(parsed.threads), MHD_OPTION_CONNECTION_LIMIT, 10000u, MHD_OPTION_END);
  if (daemon == nullptr) {
    std::cerr << "microhttpd: cannot start\n";
    return 1;
  }
  pause();
}
