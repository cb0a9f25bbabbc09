// A fixed set of threads for work that blocks (database calls). gRPC's
// callback API runs handlers on its own event threads, which must never wait
// on I/O; handlers hand their work to this executor and finish the call from
// there.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <thread>
#include <vector>

#include "sync/mutex.h"

namespace podmeta::api {

class BlockingExecutor {
 public:
  // `max_queued`: how many tasks TrySubmit lets wait at most.
  BlockingExecutor(size_t threads, size_t max_queued);
  // Runs what was submitted, then joins the threads.
  ~BlockingExecutor();
  BlockingExecutor(const BlockingExecutor&) = delete;
  BlockingExecutor& operator=(const BlockingExecutor&) = delete;

  // Queues `task` whatever the queue's length: for the server's own work,
  // whose amount is bounded elsewhere (one read per watch, pool-size batches).
  void Submit(std::function<void()> task);
  // Admission control for calls: queues `task` unless `max_queued` tasks
  // already wait; false (and `task` dropped) when full.
  bool TrySubmit(std::function<void()> task);
  size_t max_queued() const { return max_queued_; }

 private:
  void Work();

  sync::Mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> tasks_ ABSL_GUARDED_BY(mutex_);
  const size_t max_queued_;
  bool stopping_ ABSL_GUARDED_BY(mutex_) = false;
  std::vector<std::thread> threads_;
};

}  // namespace podmeta::api
