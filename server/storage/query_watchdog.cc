#include "storage/query_watchdog.h"

namespace podmeta::storage {
namespace {

constexpr auto kRecancelInterval = std::chrono::milliseconds(100);

}  // namespace

QueryWatchdog::QueryWatchdog() : thread_([this] { Run(); }) {}

QueryWatchdog::~QueryWatchdog() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

QueryWatchdog::Watch::Watch(QueryWatchdog& watchdog, Deadline deadline, pqxx::connection_base& connection)
    : watchdog_(watchdog), connection_(connection) {
  bool earliest = false;
  {
    std::lock_guard lock(watchdog_.mutex_);
    key_ = {deadline, watchdog_.next_id_++};
    watchdog_.watched_.emplace(key_, this);
    earliest = watchdog_.watched_.begin()->first == key_;
  }
  if (earliest) watchdog_.wake_.notify_all();
}

QueryWatchdog::Watch::~Watch() {
  // Under the lock: once this returns, the watchdog no longer touches the
  // connection (a cancel in progress holds the lock).
  std::lock_guard lock(watchdog_.mutex_);
  watchdog_.watched_.erase(key_);
}

bool QueryWatchdog::Watch::fired() const {
  std::lock_guard lock(watchdog_.mutex_);
  return fired_;
}

uint64_t QueryWatchdog::cancelled() const {
  std::lock_guard lock(mutex_);
  return cancelled_;
}

void QueryWatchdog::Run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (watched_.empty()) {
      wake_.wait(lock);
      continue;
    }
    const Deadline now = std::chrono::system_clock::now();
    const Deadline first = watched_.begin()->first.first;
    if (first > now) {
      wake_.wait_until(lock, first);
      continue;
    }
    // Everything past its deadline: cancel what it runs now. PQcancel is
    // made to be called from another thread; it asks the server to end the
    // statement in progress, if any.
    for (auto& [key, watch] : watched_) {
      if (key.first > now) break;
      watch->fired_ = true;
      try {
        watch->connection_.cancel_query();
        ++cancelled_;
      } catch (const std::exception&) {
        // A connection that cannot be reached ends its statement anyway.
      }
    }
    wake_.wait_for(lock, kRecancelInterval);
  }
}

}  // namespace podmeta::storage
