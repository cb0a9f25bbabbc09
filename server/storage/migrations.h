// Versioned schema migrations, compiled into the binary from
// server/storage/migrations/NNNN_name.sql and applied in order.
//
// ApplyMigrations is safe when several replicas start at once: it holds a
// PostgreSQL advisory lock while it reads which versions are applied and
// applies the rest, each in its own transaction with its row in
// schema_migrations.
#pragma once

#include <pqxx/connection>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace podmeta::storage {

struct Migration {
  int version;
  std::string name;
  std::string sql;
};

// All migrations, by version (generated at build time).
const std::vector<Migration>& Migrations();

// Applies what is missing; returns how many migrations were applied.
absl::StatusOr<int> ApplyMigrations(pqxx::connection& connection);

// Connects to `database_url` and applies what is missing (what both
// `podmeta-server migrate` and the server's start do). UNAVAILABLE when the
// database cannot be reached; the error of the migration that failed else.
absl::StatusOr<int> MigrateDatabase(const std::string& database_url);

// A secret every server of the database shares (table server_secrets, made
// by migration 0008), over a connection of its own.
absl::StatusOr<std::string> ReadServerSecret(const std::string& database_url, const std::string& name);

}  // namespace podmeta::storage
