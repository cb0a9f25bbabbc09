// The one way storage code talks to PostgreSQL: a pooled connection, one
// transaction per call (or none, for a read of one statement), the caller's
// deadline applied as statement_timeout, and every exception turned into a
// domain status.
//
//   absl::StatusOr<v1::Episode> episode = database.Transact(deadline,
//       [&](pqxx::work& transaction) -> absl::StatusOr<v1::Episode> { ... });
//
// The work function returns a status (or StatusOr); the transaction commits
// only when it is OK, so an error part-way through writes nothing.
#pragma once

#include <chrono>
#include <functional>
#include <pqxx/pqxx>
#include <string>
#include <type_traits>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "storage/connection_pool.h"
#include "storage/query_watchdog.h"
#include "storage/sql_errors.h"

namespace podmeta::storage {

inline constexpr Deadline kNoDeadline = Deadline::max();

// kNever runs the work and rolls it back: a dry run sees exactly what a real
// run would do, including constraint checks, and writes nothing.
enum class Commit { kIfOk, kNever };

class Database {
 public:
  // `pool_size` connections at most; each is prepared with every named
  // query. No transaction runs longer than `max_call_time`. With a
  // `deleted_retention`, resources read carry expire_time (delete_time plus
  // it; the setting podmeta.deleted_retention_seconds of each connection).
  Database(std::string dsn, size_t pool_size, std::chrono::milliseconds max_call_time,
           std::chrono::seconds deleted_retention = std::chrono::seconds{0});

  // Every connection has statement_timeout = max_call_time; only a call with
  // a tighter deadline pays a round trip to lower it.
  template <typename Work>
  auto Transact(Deadline deadline, Work&& work, Commit commit = Commit::kIfOk)
      -> std::invoke_result_t<Work, pqxx::work&>;

  // For reads of one statement, which is atomic by itself: no BEGIN and
  // COMMIT round trips unless the deadline needs a lower statement_timeout.
  // `work` takes a pqxx::transaction_base&.
  template <typename Work>
  auto Read(Deadline deadline, Work&& work) -> std::invoke_result_t<Work, pqxx::work&>;

  // For reads that need one transaction (SET LOCAL settings, one snapshot):
  // Transact that never commits, so it never asks what it changed for the
  // commit hook.
  template <typename Work>
  auto ReadTransaction(Deadline deadline, Work&& work) -> std::invoke_result_t<Work, pqxx::work&> {
    return Transact(deadline, std::forward<Work>(work), Commit::kNever);
  }

  ConnectionPool& pool() { return pool_; }

  // The server was seen not to answer (or to take no writes): idle
  // connections are closed, and calls whose transaction has waited on it
  // longer than `waited` fail now (UNAVAILABLE) instead of at their
  // deadlines. New calls open new connections, which find the primary.
  void GiveUpOnServer(std::chrono::milliseconds waited) {
    pool_.CloseIdle();
    watchdog_.AbandonOlderThan(waited);
  }

  // Called after every transaction that changed episodes has committed
  // (or whose commit's outcome is unknown), with the podcasts whose episodes
  // it changed, found in the change log the database's triggers write: no
  // writer has to remember to call it. Set once, before the first call.
  using EpisodesCommitted = std::function<void(const std::vector<std::string>& podcast_ids)>;
  void OnEpisodesCommitted(EpisodesCommitted observer) { episodes_committed_ = std::move(observer); }
  // For committed changes the change log does not show (purges erase their
  // entries): tells the observer as a commit would.
  void ReportEpisodesCommitted(const std::vector<std::string>& podcast_ids) {
    if (episodes_committed_) episodes_committed_(podcast_ids);
  }

 private:
  // SET LOCAL statement_timeout to what is left until the deadline, so a
  // query never outlives the call that asked for it.
  static absl::Status ApplyDeadline(pqxx::transaction_base& transaction, Deadline deadline);
  static Deadline AcquireDeadline(Deadline deadline);
  // The answers when the watchdog gave up on a server that did not answer,
  // and when PostgreSQL stopped waiting for a commit's synchronous
  // replication.
  static absl::Status Abandoned();
  static absl::Status ReplicationWaitCancelled();

  template <typename Transaction, typename Work>
  auto Run(Deadline deadline, bool lower_statement_timeout, Work&& work, Commit commit)
      -> std::invoke_result_t<Work, pqxx::work&>;

  // The podcasts whose episodes `transaction` changed, asked just before it
  // commits (storage/queries/changed_podcasts.sql).
  static std::vector<std::string> ChangedPodcasts(pqxx::transaction_base& transaction);

  ConnectionPool pool_;
  const std::chrono::milliseconds max_call_time_;
  QueryWatchdog watchdog_;
  EpisodesCommitted episodes_committed_;
};

// A connection of its own for health checks, so that a pool whose
// connections are all busy is not taken for a database that is down.
// Not thread-safe: one prober (the health monitor) owns it.
class DatabaseProbe {
 public:
  explicit DatabaseProbe(std::string dsn);
  ~DatabaseProbe();
  DatabaseProbe(const DatabaseProbe&) = delete;
  DatabaseProbe& operator=(const DatabaseProbe&) = delete;

  // OK when the database answers within `timeout` and is a primary: a
  // standby (pg_is_in_recovery()) cannot take writes. The timeout is kept on
  // this side, so a server that accepts but never answers fails the check on
  // time; the connection is then dropped. A check after a failed one
  // reconnects first, bounded by the connection string's connect_timeout
  // per host (WithClientTimeouts), not by `timeout`.
  absl::Status Check(std::chrono::milliseconds timeout);

 private:
  const std::string dsn_;
  PGconn* connection_ = nullptr;
};

template <typename Work>
auto Database::Transact(Deadline deadline, Work&& work, Commit commit) -> std::invoke_result_t<Work, pqxx::work&> {
  const Deadline cap = std::chrono::system_clock::now() + max_call_time_;
  return Run<pqxx::work>(std::min(deadline, cap), deadline < cap, std::forward<Work>(work), commit);
}

template <typename Work>
auto Database::Read(Deadline deadline, Work&& work) -> std::invoke_result_t<Work, pqxx::work&> {
  const Deadline cap = std::chrono::system_clock::now() + max_call_time_;
  if (deadline < cap) return Run<pqxx::work>(deadline, true, std::forward<Work>(work), Commit::kNever);
  return Run<pqxx::nontransaction>(cap, false, std::forward<Work>(work), Commit::kNever);
}

template <typename Transaction, typename Work>
auto Database::Run(Deadline deadline, bool lower_statement_timeout, Work&& work, Commit commit)
    -> std::invoke_result_t<Work, pqxx::work&> {
  auto lease = pool_.Acquire(AcquireDeadline(deadline));
  if (!lease.ok()) return lease.status();
  // Past the deadline, whatever statement runs is cancelled (statement_timeout
  // alone bounds each statement, not the transaction).
  QueryWatchdog::Watch watch(watchdog_, deadline, **lease);
  // A connection that got a cancel does not go back to the pool.
  const auto discard_if_cancelled = [&] {
    if (watch.fired()) lease->Discard();
  };
  std::vector<std::string> changed;
  try {
    Transaction transaction(**lease);
    if (lower_statement_timeout) {
      if (absl::Status applied = ApplyDeadline(transaction, deadline); !applied.ok()) return applied;
    }
    auto result = work(transaction);
    if (result.ok() && commit == Commit::kIfOk) {
      if (episodes_committed_) changed = ChangedPodcasts(transaction);
      (**lease).TakeReplicationWaitCancelled();
      watch.Committing();
      transaction.commit();
      if (!changed.empty()) episodes_committed_(changed);
      if ((**lease).TakeReplicationWaitCancelled()) {
        // Committed here, perhaps not on the standby: not acknowledged.
        lease->Discard();
        return ReplicationWaitCancelled();
      }
    }
    discard_if_cancelled();
    return result;
  } catch (const pqxx::broken_connection& error) {
    // The server went away (or stopped answering and the watchdog gave up
    // on it): the idle connections are as dead as this one.
    lease->Discard();
    pool_.CloseIdle();
    if (watch.abandoned()) return Abandoned();
    return StatusFromSqlError(error, "database call");
  } catch (const pqxx::in_doubt_error& error) {
    lease->Discard();
    // The commit may have happened: what it changed is treated as changed.
    if (!changed.empty()) episodes_committed_(changed);
    return StatusFromSqlError(error, "commit");
  } catch (const std::exception& error) {
    // libpqxx 6.4 reports some lost connections ("server closed the
    // connection unexpectedly") as a plain sql_error; the connection's state
    // tells them apart from errors in the statement.
    const bool abandoned = watch.abandoned();
    if (abandoned || !(**lease).is_open()) {
      lease->Discard();
      pool_.CloseIdle();
      return abandoned ? Abandoned() : StatusFromSqlError(pqxx::broken_connection(error.what()), "database call");
    }
    // A server that no longer takes writes (a primary turned standby):
    // every connection to it is as useless as this one.
    if (ServerIsNotPrimary(error)) {
      lease->Discard();
      pool_.CloseIdle();
    }
    discard_if_cancelled();
    return StatusFromSqlError(error, "database call");
  }
}

}  // namespace podmeta::storage
