#include "storage/database.h"

#include <poll.h>

#include "absl/strings/ascii.h"
#include "domain/errors.h"
#include "storage/queries.h"

namespace podmeta::storage {
namespace {

// How long a call without a deadline waits for a free connection.
constexpr std::chrono::seconds kDefaultAcquireTimeout{10};

}  // namespace

Database::Database(std::string dsn, size_t pool_size, std::chrono::milliseconds max_call_time,
                   std::chrono::seconds deleted_retention)
    : pool_(std::move(dsn), pool_size,
            [max_call_time, deleted_retention](Connection& connection) {
              connection.set_variable("statement_timeout", std::to_string(max_call_time.count()));
              if (deleted_retention.count() > 0) {
                connection.set_variable("podmeta.deleted_retention_seconds", std::to_string(deleted_retention.count()));
              }
              // Every named statement is a lookup by key or a keyset scan whose
              // plan does not depend on its parameters; PostgreSQL would
              // otherwise re-plan some (the array-driven batched read costs
              // more to plan than to run) on every execution.
              connection.set_variable("plan_cache_mode", "force_generic_plan");
              for (const NamedQuery& query : kAllQueries) {
                connection.prepare(std::string(query.name), std::string(query.sql));
              }
            }),
      max_call_time_(max_call_time) {}

std::vector<std::string> Database::ChangedPodcasts(pqxx::transaction_base& transaction) {
  std::vector<std::string> podcast_ids;
  for (const pqxx::row& row : transaction.exec_prepared(StatementName(kChangedPodcasts))) {
    podcast_ids.emplace_back(row[0].c_str());
  }
  return podcast_ids;
}

DatabaseProbe::DatabaseProbe(std::string dsn) : dsn_(std::move(dsn)) {}

DatabaseProbe::~DatabaseProbe() {
  if (connection_ != nullptr) PQfinish(connection_);
}

absl::Status DatabaseProbe::Check(std::chrono::milliseconds timeout) {
  const auto fail = [this](absl::string_view why) {
    // A copy first: libpq's message dies with the connection closed here.
    const std::string reason(why);
    if (connection_ != nullptr) PQfinish(connection_);
    connection_ = nullptr;
    return domain::Error(domain::Reason::kDatabaseUnavailable, absl::StrCat("database unreachable: ", reason));
  };
  if (connection_ != nullptr && PQstatus(connection_) != CONNECTION_OK) {
    PQfinish(connection_);
    connection_ = nullptr;
  }
  if (connection_ == nullptr) {
    // Blocking, bounded by the connection string's connect_timeout per host
    // (WithClientTimeouts); the check that lost the connection already
    // reported the database unreachable.
    connection_ = PQconnectdb(WithLastHostFirst(dsn_).c_str());
    if (connection_ == nullptr) return fail("out of memory");
    if (PQstatus(connection_) != CONNECTION_OK) {
      return fail(absl::StripTrailingAsciiWhitespace(PQerrorMessage(connection_)));
    }
    RememberHost(dsn_, connection_);
  }
  // The timeout bounds the answer; a (re)connection has its own bound, and a
  // slow one must not use it up (the check would then fail for ever).
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  if (PQsendQuery(connection_, "SELECT pg_is_in_recovery()") == 0) {
    return fail(absl::StripTrailingAsciiWhitespace(PQerrorMessage(connection_)));
  }
  // Results as they come, each wait bounded by what is left of `timeout`.
  std::string in_recovery;
  for (;;) {
    while (PQisBusy(connection_) != 0) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
      pollfd socket{PQsocket(connection_), POLLIN, 0};
      if (left <= 0 || poll(&socket, 1, static_cast<int>(left)) <= 0) {
        return fail(absl::StrCat("no answer within ", timeout.count(), " ms"));
      }
      if (PQconsumeInput(connection_) == 0) {
        return fail(absl::StripTrailingAsciiWhitespace(PQerrorMessage(connection_)));
      }
    }
    PGresult* result = PQgetResult(connection_);
    if (result == nullptr) break;
    const ExecStatusType status = PQresultStatus(result);
    if (status == PGRES_TUPLES_OK && PQntuples(result) == 1) in_recovery = PQgetvalue(result, 0, 0);
    const std::string error = PQresultErrorMessage(result);
    PQclear(result);
    if (status != PGRES_TUPLES_OK) return fail(absl::StripTrailingAsciiWhitespace(error));
  }
  if (in_recovery == "t") {
    return domain::Error(domain::Reason::kDatabaseUnavailable,
                         "the database is a standby (in recovery): it takes no writes");
  }
  if (in_recovery != "f") return fail("pg_is_in_recovery() gave no answer");
  return absl::OkStatus();
}

absl::Status Database::Abandoned() {
  return domain::Error(
      domain::Reason::kDatabaseUnavailable,
      absl::StrCat("the database did not answer within ",
                   std::chrono::duration_cast<std::chrono::milliseconds>(QueryWatchdog::kDefaultAbandonAfter).count(),
                   " ms of the call's deadline; its connection was given up"));
}

absl::Status Database::ReplicationWaitCancelled() {
  return domain::Error(domain::Reason::kCommitOutcomeUnknown,
                       "the write was committed on the primary, but its wait for synchronous replication was "
                       "cancelled: it may be lost if the primary fails; retry with the same request_id");
}

Deadline Database::AcquireDeadline(Deadline deadline) {
  return std::min(deadline, std::chrono::system_clock::now() + kDefaultAcquireTimeout);
}

absl::Status Database::ApplyDeadline(pqxx::transaction_base& transaction, Deadline deadline) {
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::system_clock::now()).count();
  if (left <= 0)
    return domain::Error(domain::Reason::kDeadlinePassedWaiting, "the call's deadline passed before its query started");
  transaction.exec_prepared(std::string(kSetStatementTimeout.name), std::to_string(left));
  return absl::OkStatus();
}

}  // namespace podmeta::storage
