// Ends database work that outlives its deadline. statement_timeout bounds
// each statement on its own, so a transaction of several statements could
// run for several times the call's cap; the watchdog cancels whatever
// statement a transaction runs once its deadline has passed, and again every
// 100 ms until the transaction ends, so no call's database work outlasts its
// deadline by more than that.
//
//   QueryWatchdog::Watch watch(watchdog, deadline, connection);  // until it goes out of scope
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <pqxx/connection>
#include <thread>

#include "sync/mutex.h"

namespace podmeta::storage {

class QueryWatchdog {
 public:
  using Deadline = std::chrono::system_clock::time_point;

  QueryWatchdog();
  ~QueryWatchdog();
  QueryWatchdog(const QueryWatchdog&) = delete;
  QueryWatchdog& operator=(const QueryWatchdog&) = delete;

  // Watches `connection` from construction to destruction.
  class Watch {
   public:
    Watch(QueryWatchdog& watchdog, Deadline deadline, pqxx::connection_base& connection);
    ~Watch();
    Watch(const Watch&) = delete;
    Watch& operator=(const Watch&) = delete;

    // True once a cancel was sent. The server handles a cancel
    // asynchronously, so it could still hit a later statement: such a
    // connection must not go back to the pool.
    bool fired() const;

   private:
    friend class QueryWatchdog;
    QueryWatchdog& watchdog_;
    pqxx::connection_base& connection_;
    std::pair<Deadline, uint64_t> key_;
    bool fired_ ABSL_GUARDED_BY(watchdog_.mutex_) = false;
  };

 private:
  void Run();
  // Called by Run with mutex_ held, for a watch of this watchdog: the
  // analysis cannot see that watch.watchdog_ is *this.
  static void MarkFired(Watch& watch) ABSL_NO_THREAD_SAFETY_ANALYSIS { watch.fired_ = true; }

  mutable sync::Mutex mutex_;
  std::condition_variable wake_;
  std::map<std::pair<Deadline, uint64_t>, Watch*> watched_ ABSL_GUARDED_BY(mutex_);  // by deadline
  uint64_t next_id_ ABSL_GUARDED_BY(mutex_) = 0;
  Deadline sleeping_until_ ABSL_GUARDED_BY(mutex_) = Deadline::min();  // when the watchdog looks next
  bool stopping_ ABSL_GUARDED_BY(mutex_) = false;
  std::thread thread_;
};

}  // namespace podmeta::storage
