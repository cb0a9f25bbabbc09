// Ends database work that outlives its deadline, and gives up on a server
// that stops answering.
//
// statement_timeout bounds each statement on its own, so a transaction of
// several statements could run for several times the call's cap; the
// watchdog sends a cancel request for whatever statement a transaction runs
// once its deadline has passed, and again every 100 ms. A server that does
// not end the statement within `abandon_after` of the deadline (hung, frozen,
// or cut off from us while its host still acknowledges packets) is abandoned:
// the watchdog shuts the connection's socket down, so the waiting thread gets
// a broken connection at once instead of waiting for TCP to notice.
//
// A COMMIT is never cancelled: PostgreSQL answers a cancelled wait for
// synchronous replication with success although the standby may not have the
// commit. A commit still running at deadline + abandon_after is abandoned
// instead, and the caller learns that its outcome is unknown.
//
// The watchdog never waits on the network: cancel requests (each a
// connection to the server) are sent from threads of their own, at most
// kMaxCancelsInFlight at once; its lock is never held across I/O.
//
//   QueryWatchdog::Watch watch(watchdog, deadline, connection);  // until it goes out of scope
//   ... watch.Committing(); transaction.commit();
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <thread>

#include "storage/pg_connection.h"
#include "sync/mutex.h"

namespace podmeta::storage {

class QueryWatchdog {
 public:
  using Deadline = std::chrono::system_clock::time_point;
  static constexpr std::chrono::milliseconds kDefaultAbandonAfter{1000};
  static constexpr int kMaxCancelsInFlight = 4;

  explicit QueryWatchdog(std::chrono::milliseconds abandon_after = kDefaultAbandonAfter);
  ~QueryWatchdog();
  QueryWatchdog(const QueryWatchdog&) = delete;
  QueryWatchdog& operator=(const QueryWatchdog&) = delete;

  // Abandons, at once, every watched connection whose transaction started
  // more than `age` ago: for when the server has been seen not to answer
  // (the health probe), so calls stuck on it fail now instead of at their
  // deadlines. Returns how many it abandoned.
  int AbandonOlderThan(std::chrono::milliseconds age);

  // Watches `connection` from construction to destruction.
  class Watch {
   public:
    Watch(QueryWatchdog& watchdog, Deadline deadline, Connection& connection);
    ~Watch();
    Watch(const Watch&) = delete;
    Watch& operator=(const Watch&) = delete;

    // From now on the connection runs COMMIT: never cancelled, only
    // abandoned.
    void Committing();

    // True once a cancel was sent or the connection abandoned. The server
    // handles a cancel asynchronously, so it could still hit a later
    // statement: such a connection must not go back to the pool.
    bool fired() const;
    // True once the socket was shut down because the server did not answer
    // in time.
    bool abandoned() const;

   private:
    friend class QueryWatchdog;
    QueryWatchdog& watchdog_;
    Connection& connection_;
    std::pair<Deadline, uint64_t> key_;
    const Deadline started_ = std::chrono::system_clock::now();
    bool fired_ ABSL_GUARDED_BY(watchdog_.mutex_) = false;
    bool abandoned_ ABSL_GUARDED_BY(watchdog_.mutex_) = false;
    bool committing_ ABSL_GUARDED_BY(watchdog_.mutex_) = false;
  };

 private:
  struct CancelsInFlight;

  void Run();
  // For a watch of this watchdog, called by Run with mutex_ held: the
  // analysis cannot see that watch.watchdog_ is *this. Returns when Run
  // should look at it again.
  Deadline Enforce(Watch& watch, Deadline now) ABSL_NO_THREAD_SAFETY_ANALYSIS;
  // Shuts the watch's socket down unless it was already; with mutex_ held,
  // like Enforce. Returns whether it did.
  static bool Abandon(Watch& watch) ABSL_NO_THREAD_SAFETY_ANALYSIS;
  // Sends a cancel request for the statement `connection` runs, from a
  // thread of its own; skipped when kMaxCancelsInFlight are still under way
  // (a server that does not answer them is abandoned anyway).
  void SendCancel(const Connection& connection);

  const std::chrono::milliseconds abandon_after_;
  std::shared_ptr<CancelsInFlight> cancels_;
  mutable sync::Mutex mutex_;
  std::condition_variable wake_;
  std::map<std::pair<Deadline, uint64_t>, Watch*> watched_ ABSL_GUARDED_BY(mutex_);  // by deadline
  uint64_t next_id_ ABSL_GUARDED_BY(mutex_) = 0;
  Deadline sleeping_until_ ABSL_GUARDED_BY(mutex_) = Deadline::min();  // when the watchdog looks next
  bool stopping_ ABSL_GUARDED_BY(mutex_) = false;
  std::thread thread_;
};

}  // namespace podmeta::storage
