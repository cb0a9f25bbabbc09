#include "storage/connection_pool.h"

#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "domain/errors.h"

namespace podmeta::storage {

ConnectionPool::ConnectionPool(std::string dsn, size_t capacity, Prepare prepare)
    : dsn_(std::move(dsn)), capacity_(capacity), prepare_(std::move(prepare)) {}

ConnectionPool::~ConnectionPool() = default;

ConnectionPool::Lease::Lease(ConnectionPool* pool, std::unique_ptr<Connection> connection)
    : pool_(pool), connection_(std::move(connection)) {}

ConnectionPool::Lease::Lease(Lease&& other) noexcept
    : pool_(other.pool_), connection_(std::move(other.connection_)), discard_(other.discard_) {}

ConnectionPool::Lease::~Lease() {
  if (connection_) pool_->Release(std::move(connection_), discard_);
}

absl::StatusOr<ConnectionPool::Lease> ConnectionPool::Acquire(Deadline deadline) {
  {
    sync::MutexLock lock(mutex_);
    ++waiting_;
    bool ready = true;
    while (idle_.empty() && open_ >= capacity_ && ready) ready = mutex_.WaitUntil(available_, deadline);
    --waiting_;
    if (idle_.empty() && open_ >= capacity_) {
      return domain::Error(domain::Reason::kDatabaseUnavailable,
                           absl::StrCat("no database connection became free in time (all ", capacity_, " in use)"));
    }
    if (!idle_.empty()) {
      std::unique_ptr<Connection> connection = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(connection));
    }
    ++open_;
  }
  // Connecting takes a round trip or more: outside the lock.
  try {
    auto connection = std::make_unique<Connection>(dsn_);
    if (prepare_) prepare_(*connection);
    return Lease(this, std::move(connection));
  } catch (const std::exception& error) {
    {
      sync::MutexLock lock(mutex_);
      --open_;
    }
    available_.notify_one();
    return domain::Error(domain::Reason::kDatabaseUnavailable,
                         absl::StrCat("cannot connect to the database: ", error.what()));
  }
}

void ConnectionPool::Release(std::unique_ptr<Connection> connection, bool discard) {
  {
    sync::MutexLock lock(mutex_);
    if (discard || !connection->is_open()) {
      --open_;
    } else {
      idle_.push_back(std::move(connection));
    }
  }
  available_.notify_one();
  // A discarded connection is destroyed here, outside the lock.
}

ConnectionPool::Stats ConnectionPool::stats() const {
  sync::MutexLock lock(mutex_);
  return Stats{open_, open_ - idle_.size(), waiting_};
}

void ConnectionPool::CloseIdle() {
  std::vector<std::unique_ptr<Connection>> closing;
  {
    sync::MutexLock lock(mutex_);
    open_ -= idle_.size();
    closing.swap(idle_);
  }
  available_.notify_all();
}

}  // namespace podmeta::storage
