// The server's locks: a std::mutex with Clang's thread-safety annotations
// (abseil's macros), so that the clang build (-Wthread-safety, an error
// there) proves at compile time that every field marked
// ABSL_GUARDED_BY(mutex_) is touched only with that mutex held, and that
// every function marked ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) is called so.
//
// Why not absl::Mutex, which carries the annotations itself: Debian builds
// abseil without ThreadSanitizer's hooks, so TSan could not see the order
// absl::Mutex imposes and would report races that are none; std::mutex is a
// pthread mutex, which TSan understands.
//
//   sync::Mutex mutex_;
//   int count_ ABSL_GUARDED_BY(mutex_) = 0;
//   ...
//   sync::MutexLock lock(mutex_);
//   while (count_ == 0) mutex_.Wait(changed_);
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

#include "absl/base/thread_annotations.h"

namespace podmeta::sync {

class ABSL_LOCKABLE Mutex {
 public:
  void Lock() ABSL_EXCLUSIVE_LOCK_FUNCTION() { mutex_.lock(); }
  void Unlock() ABSL_UNLOCK_FUNCTION() { mutex_.unlock(); }

  // Releases the mutex while it waits for `condition`, and holds it again
  // on return (spurious wake-ups included: callers wait in a loop).
  void Wait(std::condition_variable& condition) ABSL_EXCLUSIVE_LOCKS_REQUIRED(this) {
    std::unique_lock<std::mutex> native(mutex_, std::adopt_lock);
    condition.wait(native);
    native.release();
  }
  // As Wait, until `deadline`; false once it passed.
  template <typename Clock, typename Duration>
  bool WaitUntil(std::condition_variable& condition, std::chrono::time_point<Clock, Duration> deadline)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(this) {
    std::unique_lock<std::mutex> native(mutex_, std::adopt_lock);
    const bool woken = condition.wait_until(native, deadline) == std::cv_status::no_timeout;
    native.release();
    return woken;
  }

 private:
  std::mutex mutex_;
};

// Holds `mutex` for its scope.
class ABSL_SCOPED_LOCKABLE MutexLock {
 public:
  explicit MutexLock(Mutex& mutex) ABSL_EXCLUSIVE_LOCK_FUNCTION(mutex) : mutex_(mutex) { mutex_.Lock(); }
  ~MutexLock() ABSL_UNLOCK_FUNCTION() { mutex_.Unlock(); }
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

 private:
  Mutex& mutex_;
};

}  // namespace podmeta::sync
