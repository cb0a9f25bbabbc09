// What every candidate HTTP server of bench/run serves: one file's bytes for
// any GET, with the headers podmeta's chapters.json carries, and 304 when
// If-None-Match names the ETag. The servers differ only in the library.
#pragma once

#include <csignal>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

namespace http_static {

struct Config {
  std::string host;
  int port = 0;
  std::string body;
  std::string etag;
  int threads = 2;
};

inline constexpr char kContentType[] = "application/json+chapters";
inline constexpr char kCacheControl[] = "public, max-age=60";

// usage: NAME HOST PORT BODY_FILE ETAG [THREADS]
inline Config ParseArgs(int argc, char** argv) {
  if (argc < 5) {
    std::cerr << "usage: " << argv[0] << " HOST PORT BODY_FILE ETAG [THREADS]\n";
    std::exit(2);
  }
  Config config;
  config.host = argv[1];
  config.port = std::atoi(argv[2]);
  std::ifstream in(argv[3], std::ios::binary);
  if (!in) {
    std::cerr << argv[0] << ": cannot read " << argv[3] << "\n";
    std::exit(1);
  }
  std::ostringstream body;
  body << in.rdbuf();
  config.body = body.str();
  config.etag = argv[4];
  if (argc > 5) config.threads = std::atoi(argv[5]);
  // A client that goes away must not end the server (h2o writes with
  // plain send(2), as servers that ignore SIGPIPE do).
  std::signal(SIGPIPE, SIG_IGN);
  return config;
}

}  // namespace http_static
