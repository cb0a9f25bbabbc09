#include "storage/sql_errors.h"

#include <spdlog/spdlog.h>

#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "domain/errors.h"

namespace podmeta::storage {

absl::Status StatusFromSqlError(const std::exception& error, absl::string_view doing) {
  // The exception's text (SQL, constraint and column names) is for the
  // operator's log; the caller gets a code and a sentence it can act on.
  const std::string what = absl::StrCat(doing, ": ", error.what());
  if (dynamic_cast<const pqxx::in_doubt_error*>(&error) != nullptr) {
    spdlog::warn("{}", what);
    return domain::Error(
        domain::Reason::kCommitOutcomeUnknown,
        "database unavailable during the commit: the outcome of the write is unknown; retry with the same "
        "request_id");
  }
  if (dynamic_cast<const pqxx::broken_connection*>(&error) != nullptr) {
    spdlog::warn("{}", what);
    return domain::Error(domain::Reason::kDatabaseUnavailable, absl::StrCat("database unavailable (", doing, ")"));
  }
  if (dynamic_cast<const pqxx::unique_violation*>(&error) != nullptr) {
    spdlog::info("{}", what);
    return domain::Error(domain::Reason::kDuplicateResource, "a resource with the same id or guid already exists");
  }
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&error)) {
    const std::string& state = sql->sqlstate();
    if (state == "40001" || state == "40P01") {
      spdlog::info("{}", what);
      return domain::Error(domain::Reason::kWriteConflict, "the write conflicted with a concurrent one; retry it");
    }
    if (state == "25006") {
      spdlog::warn("{}", what);
      return domain::Error(domain::Reason::kDatabaseUnavailable,
                           "the database takes no writes now (a standby, or read-only); retry once a primary answers");
    }
    if (state == "57014") {
      spdlog::info("{}", what);
      return domain::Error(domain::Reason::kQueryTimeout, "the call's time ran out while the database worked on it");
    }
    // Class 08 (connection exception), 57P0x (server shutting down), 53
    // (insufficient resources: out of connections, disk or memory). No
    // SQLSTATE at all: the error is libpq's own, not the server's; in
    // practice the connection died during the statement ("server closed the
    // connection unexpectedly"), which libpqxx 6.4 reports as an sql_error
    // rather than broken_connection. A commit that dies so is in_doubt_error
    // (above), so this is never a write whose outcome is unknown.
    if (state.empty() || state.rfind("08", 0) == 0 || state.rfind("57P0", 0) == 0 || state.rfind("53", 0) == 0) {
      spdlog::warn("{}", what);
      return domain::Error(domain::Reason::kDatabaseUnavailable, absl::StrCat("database unavailable (", doing, ")"));
    }
    // Class 22 (data exception): a value the request carried that the
    // database cannot take (out of range, not a valid timestamp, ...).
    if (state.rfind("22", 0) == 0) {
      spdlog::info("{}", what);
      return domain::InvalidField("request", "holds a value outside what podmeta can store or compare",
                                  domain::Reason::kUnstorableValue);
    }
  }
  return domain::Error(domain::Reason::kInternal, what);  // logged by the api layer, not sent
}

bool ServerIsNotPrimary(const std::exception& error) {
  const auto* sql = dynamic_cast<const pqxx::sql_error*>(&error);
  return sql != nullptr && sql->sqlstate() == "25006";
}

}  // namespace podmeta::storage
