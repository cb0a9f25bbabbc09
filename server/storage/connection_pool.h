// A bounded pool of PostgreSQL connections (libpqxx has none).
//
// Connections open lazily, up to `capacity`; each new one runs `prepare` (to
// prepare statements) before first use. Acquire waits until a connection is
// free or the deadline passes (then UNAVAILABLE). A lease returns its
// connection when it goes out of scope, unless Discard() was called because
// the connection broke; the pool then opens a fresh one on demand, which is
// how the server reconnects after PostgreSQL restarts.
//
//   auto lease = pool.Acquire(deadline);
//   if (!lease.ok()) return lease.status();
//   pqxx::work transaction(**lease);
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "storage/pg_connection.h"
#include "sync/mutex.h"

namespace podmeta::storage {

using Deadline = std::chrono::system_clock::time_point;

class ConnectionPool {
 public:
  using Prepare = std::function<void(Connection&)>;

  // `dsn` is used as given (WithClientTimeouts is the caller's choice).
  ConnectionPool(std::string dsn, size_t capacity, Prepare prepare);
  ~ConnectionPool();
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  class Lease {
   public:
    Lease(ConnectionPool* pool, std::unique_ptr<Connection> connection);
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    Connection& operator*() const { return *connection_; }
    // The connection is broken: close it instead of returning it.
    void Discard() { discard_ = true; }

   private:
    ConnectionPool* pool_;
    std::unique_ptr<Connection> connection_;
    bool discard_ = false;
  };

  absl::StatusOr<Lease> Acquire(Deadline deadline);

  struct Stats {
    size_t open = 0;
    size_t in_use = 0;
    size_t waiting = 0;
  };
  Stats stats() const;

  // Closes idle connections; later acquires open new ones.
  void CloseIdle();

 private:
  void Release(std::unique_ptr<Connection> connection, bool discard);

  const std::string dsn_;
  const size_t capacity_;
  const Prepare prepare_;
  mutable sync::Mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<Connection>> idle_ ABSL_GUARDED_BY(mutex_);
  size_t open_ ABSL_GUARDED_BY(mutex_) = 0;  // idle + leased + being opened
  size_t waiting_ ABSL_GUARDED_BY(mutex_) = 0;
};

}  // namespace podmeta::storage
