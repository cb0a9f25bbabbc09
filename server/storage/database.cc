#include "storage/database.h"

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
            [max_call_time, deleted_retention](pqxx::connection& connection) {
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

DatabaseProbe::~DatabaseProbe() = default;

absl::Status DatabaseProbe::Check(std::chrono::milliseconds timeout) {
  try {
    if (connection_ == nullptr || !connection_->is_open()) connection_ = std::make_unique<pqxx::connection>(dsn_);
    pqxx::nontransaction transaction(*connection_);
    transaction.exec("SET statement_timeout = " + std::to_string(timeout.count()));
    transaction.exec("SELECT 1");
    return absl::OkStatus();
  } catch (const std::exception& error) {
    connection_.reset();
    return domain::Error(domain::Reason::kDatabaseUnavailable, absl::StrCat("database unreachable: ", error.what()));
  }
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
