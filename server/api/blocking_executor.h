// A fixed set of threads for work that blocks (database calls). gRPC's
// callback API runs handlers on its own event threads, which must never wait
// on I/O; handlers hand their work to this executor and finish the call from
// there.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace podmeta::api {

class BlockingExecutor {
 public:
  explicit BlockingExecutor(size_t threads);
  // Runs what was submitted, then joins the threads.
  ~BlockingExecutor();
  BlockingExecutor(const BlockingExecutor&) = delete;
  BlockingExecutor& operator=(const BlockingExecutor&) = delete;

  void Submit(std::function<void()> task);

 private:
  void Work();

  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace podmeta::api
