#include "api/blocking_executor.h"

namespace podmeta::api {

BlockingExecutor::BlockingExecutor(size_t threads, size_t max_queued) : max_queued_(max_queued) {
  threads_.reserve(threads);
  for (size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { Work(); });
}

BlockingExecutor::~BlockingExecutor() {
  {
    sync::MutexLock lock(mutex_);
    stopping_ = true;
  }
  ready_.notify_all();
  for (std::thread& thread : threads_) thread.join();
}

void BlockingExecutor::Submit(std::function<void()> task) {
  {
    sync::MutexLock lock(mutex_);
    tasks_.push_back(std::move(task));
  }
  ready_.notify_one();
}

bool BlockingExecutor::TrySubmit(std::function<void()> task) {
  {
    sync::MutexLock lock(mutex_);
    if (tasks_.size() >= max_queued_) return false;
    tasks_.push_back(std::move(task));
  }
  ready_.notify_one();
  return true;
}

void BlockingExecutor::Work() {
  for (;;) {
    std::function<void()> task;
    {
      sync::MutexLock lock(mutex_);
      while (!stopping_ && tasks_.empty()) mutex_.Wait(ready_);
      if (tasks_.empty()) return;
      task = std::move(tasks_.front());
      tasks_.pop_front();
    }
    task();
  }
}

}  // namespace podmeta::api
