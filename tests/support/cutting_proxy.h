// A TCP proxy on loopback between a gRPC client and server that loses a
// connection at the worst moment for a write: after the server has done the
// call's work and committed it, before the client hears the answer. It reads
// the HTTP/2 frames the server sends and, while armed, closes both sides
// instead of forwarding a response's HEADERS frame (the first thing the
// server sends for a finished unary call). The client sees UNAVAILABLE, as
// after any dropped connection, and cannot know the write took effect.
//
//   CuttingProxy proxy(server().address());
//   proxy.CutNextResponses(1);
//   Client client({.address = proxy.address()});   // retries on UNAVAILABLE
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace podmeta::testing {

class CuttingProxy {
 public:
  // `upstream`: "127.0.0.1:PORT" of the server.
  explicit CuttingProxy(const std::string& upstream);
  ~CuttingProxy();
  CuttingProxy(const CuttingProxy&) = delete;
  CuttingProxy& operator=(const CuttingProxy&) = delete;

  // "127.0.0.1:PORT" to connect to instead of the server.
  std::string address() const;
  // Cuts the connections of the next `count` responses.
  void CutNextResponses(int count) { armed_ = count; }
  // How many responses were cut so far.
  int cuts() const { return cuts_; }

 private:
  void Accept();
  void Pump(int client, int server);

  int listener_ = -1;
  int port_ = 0;
  int upstream_port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> armed_{0};
  std::atomic<int> cuts_{0};
  absl::Mutex mutex_;
  std::vector<std::thread> pumps_ ABSL_GUARDED_BY(mutex_);
  std::thread acceptor_;
};

}  // namespace podmeta::testing
