#include "storage/query_watchdog.h"

#include <sys/socket.h>

#include <atomic>

namespace podmeta::storage {
namespace {

constexpr auto kRecancelInterval = std::chrono::milliseconds(100);
// With nothing due sooner, the watchdog looks again after this long, so a
// new transaction wakes it only when its deadline is nearer than that (every
// wake-up is a context switch on the calls' path).
constexpr auto kIdleInterval = std::chrono::seconds(1);

}  // namespace

// Shared with the cancel threads, which may outlive the watchdog (a cancel
// request to a hung server waits until the server answers or dies).
struct QueryWatchdog::CancelsInFlight {
  std::atomic<int> count{0};
};

QueryWatchdog::QueryWatchdog(std::chrono::milliseconds abandon_after)
    : abandon_after_(abandon_after), cancels_(std::make_shared<CancelsInFlight>()), thread_([this] { Run(); }) {}

QueryWatchdog::~QueryWatchdog() {
  {
    sync::MutexLock lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

QueryWatchdog::Watch::Watch(QueryWatchdog& watchdog, Deadline deadline, Connection& connection)
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
  // connection (it only ever touches it with the lock held).
  sync::MutexLock lock(watchdog_.mutex_);
  watchdog_.watched_.erase(key_);
}

void QueryWatchdog::Watch::Committing() {
  sync::MutexLock lock(watchdog_.mutex_);
  committing_ = true;
}

bool QueryWatchdog::Watch::fired() const {
  sync::MutexLock lock(watchdog_.mutex_);
  return fired_;
}

bool QueryWatchdog::Watch::abandoned() const {
  sync::MutexLock lock(watchdog_.mutex_);
  return abandoned_;
}

void QueryWatchdog::SendCancel(const Connection& connection) {
  // PQgetCancel copies what a cancel request needs (address, process id,
  // key) out of the connection: the request can outlive the connection.
  PGcancel* cancel = PQgetCancel(connection.handle());
  if (cancel == nullptr) return;
  if (cancels_->count.fetch_add(1) >= kMaxCancelsInFlight) {
    cancels_->count.fetch_sub(1);
    PQfreeCancel(cancel);
    return;
  }
  std::thread([cancel, cancels = cancels_] {
    char error[256];
    PQcancel(cancel, error, sizeof error);  // a server that cannot be reached ends nothing: abandoned later
    PQfreeCancel(cancel);
    cancels->count.fetch_sub(1);
  }).detach();
}

bool QueryWatchdog::Abandon(Watch& watch) {
  if (watch.abandoned_) return false;
  // Makes every blocked read and write of the connection fail at once; the
  // descriptor stays open (and so cannot be reused) until libpq closes it.
  shutdown(PQsocket(watch.connection_.handle()), SHUT_RDWR);
  watch.fired_ = true;
  watch.abandoned_ = true;
  return true;
}

int QueryWatchdog::AbandonOlderThan(std::chrono::milliseconds age) {
  const Deadline started_before = std::chrono::system_clock::now() - age;
  int abandoned = 0;
  sync::MutexLock lock(mutex_);
  for (auto& [key, watch] : watched_) {
    if (watch->started_ < started_before && Abandon(*watch)) ++abandoned;
  }
  return abandoned;
}

QueryWatchdog::Deadline QueryWatchdog::Enforce(Watch& watch, Deadline now) {
  const Deadline deadline = watch.key_.first;
  const Deadline abandon_at = deadline + abandon_after_;
  if (watch.abandoned_) return Deadline::max();
  if (now >= abandon_at) {
    Abandon(watch);
    return Deadline::max();
  }
  if (watch.committing_) return abandon_at;
  watch.fired_ = true;
  SendCancel(watch.connection_);
  return std::min(abandon_at, now + kRecancelInterval);
}

void QueryWatchdog::Run() {
  sync::MutexLock lock(mutex_);
  while (!stopping_) {
    const Deadline now = std::chrono::system_clock::now();
    Deadline next = now + kIdleInterval;
    for (auto& [key, watch] : watched_) {
      if (key.first > now) {
        next = std::min(next, key.first);
        break;
      }
      next = std::min(next, Enforce(*watch, now));
    }
    sleeping_until_ = next;
    mutex_.WaitUntil(wake_, next);
  }
}

}  // namespace podmeta::storage
