#include "storage/query_watchdog.h"

namespace podmeta::storage {
namespace {

constexpr auto kRecancelInterval = std::chrono::milliseconds(100);
// With nothing due sooner, the watchdog looks again after this long, so a
// new transaction wakes it only when its deadline is nearer than that (every
// wake-up is a context switch on the calls' path).
constexpr auto kIdleInterval = std::chrono::seconds(1);

}  // namespace

QueryWatchdog::QueryWatchdog() : thread_([this] { Run(); }) {}

QueryWatchdog::~QueryWatchdog() {
  {
    sync::MutexLock lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

QueryWatchdog::Watch::Watch(QueryWatchdog& watchdog, Deadline deadline, pqxx::connection_base& connection)
    : watchdog_(watchdog), connection_(connection) {
  bool earliest = false;
  {
    sync::MutexLock lock(watchdog_.mutex_);
    key_ = {deadline, watchdog_.next_id_++};
    watchdog_.watched_.emplace(key_, this);
    earliest = deadline < watchdog_.sleeping_until_;
  }
  if (earliest) watchdog_.wake_.notify_all();
}

QueryWatchdog::Watch::~Watch() {
  // Under the lock: once this returns, the watchdog no longer touches the
  // connection (a cancel in progress holds the lock).
  sync::MutexLock lock(watchdog_.mutex_);
  watchdog_.watched_.erase(key_);
}

bool QueryWatchdog::Watch::fired() const {
  sync::MutexLock lock(watchdog_.mutex_);
  return fired_;
}

void QueryWatchdog::Run() {
  sync::MutexLock lock(mutex_);
  while (!stopping_) {
    const Deadline now = std::chrono::system_clock::now();
    const Deadline idle_until = now + kIdleInterval;
    const Deadline first = watched_.empty() ? idle_until : std::min(watched_.begin()->first.first, idle_until);
    if (first > now) {
      sleeping_until_ = first;
      mutex_.WaitUntil(wake_, first);
      continue;
    }
    // Everything past its deadline: cancel what it runs now. PQcancel is
    // made to be called from another thread; it asks the server to end the
    // statement in progress, if any.
    for (auto& [key, watch] : watched_) {
      if (key.first > now) break;
      MarkFired(*watch);
      try {
        watch->connection_.cancel_query();
      } catch (const std::exception&) {
        // A connection that cannot be reached ends its statement anyway.
      }
    }
    sleeping_until_ = now + kRecancelInterval;
    mutex_.WaitUntil(wake_, sleeping_until_);
  }
}

}  // namespace podmeta::storage
