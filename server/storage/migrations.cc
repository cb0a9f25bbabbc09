#include "storage/migrations.h"

#include <memory>
#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "domain/errors.h"
#include "storage/queries.h"
#include "storage/sql_errors.h"

namespace podmeta::storage {
namespace {

// Arbitrary but fixed: the advisory lock key that serializes migrators.
constexpr int64_t kMigrationLockKey = 0x706f646d657461;  // "podmeta"

}  // namespace

absl::StatusOr<int> ApplyMigrations(pqxx::connection& connection) {
  try {
    pqxx::nontransaction session(connection);
    session.exec_params("SELECT pg_advisory_lock($1)", kMigrationLockKey);
    session.exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version integer PRIMARY KEY, name text NOT NULL,"
        " applied_at timestamptz NOT NULL DEFAULT now())");
    session.commit();
  } catch (const std::exception& error) {
    return StatusFromSqlError(error, "taking the migration lock");
  }
  int applied = 0;
  absl::Status status;
  for (const Migration& migration : Migrations()) {
    try {
      pqxx::work transaction(connection);
      const pqxx::result done =
          transaction.exec_params("SELECT 1 FROM schema_migrations WHERE version = $1", migration.version);
      if (!done.empty()) continue;
      transaction.exec(migration.sql);
      transaction.exec_params("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", migration.version,
                              migration.name);
      transaction.commit();
      ++applied;
    } catch (const std::exception& error) {
      status =
          StatusFromSqlError(error, absl::StrCat("applying migration ", migration.version, " (", migration.name, ")"));
      break;
    }
  }
  try {
    pqxx::nontransaction session(connection);
    // Fresh statistics for what the migrations made or changed: plans made
    // from a table never analyzed assume it is tiny, and pooled connections
    // keep their plans.
    if (status.ok() && applied > 0) session.exec("ANALYZE");
    session.exec_params("SELECT pg_advisory_unlock($1)", kMigrationLockKey);
  } catch (const std::exception& error) {
    if (status.ok()) status = StatusFromSqlError(error, "releasing the migration lock");
  }
  if (!status.ok()) return status;
  return applied;
}

absl::StatusOr<int> MigrateDatabase(const std::string& database_url) {
  std::unique_ptr<pqxx::connection> connection;
  try {
    connection = std::make_unique<pqxx::connection>(database_url);
  } catch (const std::exception& error) {
    return domain::Error(domain::Reason::kDatabaseUnavailable,
                         absl::StrCat("cannot connect to the database: ", error.what()));
  }
  return ApplyMigrations(*connection);
}

absl::StatusOr<std::string> ReadServerSecret(const std::string& database_url, const std::string& name) {
  try {
    pqxx::connection connection(database_url);
    pqxx::nontransaction transaction(connection);
    const pqxx::result found = transaction.exec_params(std::string(kSelectServerSecret.sql), name);
    if (found.empty()) {
      return domain::Error(domain::Reason::kServerMisconfigured,
                           absl::StrCat("the database has no server secret \"", name, "\" (migration 0008)"));
    }
    return std::string(found[0]["secret"].c_str());
  } catch (const std::exception& error) {
    return StatusFromSqlError(error, "reading a server secret");
  }
}

}  // namespace podmeta::storage
