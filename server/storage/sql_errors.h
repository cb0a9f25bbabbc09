// Maps what libpqxx throws to domain statuses, in one place:
//   broken connection            → UNAVAILABLE (retryable)
//   the server is not a primary  → UNAVAILABLE (retryable on the new primary)
//   unique violation             → ALREADY_EXISTS
//   serialization failure        → ABORTED (retry the transaction)
//   query cancelled / timed out  → DEADLINE_EXCEEDED
//   an outcome that is unknown   → UNAVAILABLE, saying so
//   anything else                → INTERNAL
#pragma once

#include <exception>
#include <string_view>

#include "absl/status/status.h"

namespace podmeta::storage {

absl::Status StatusFromSqlError(const std::exception& error, absl::string_view doing);

// True when `error` says the server takes no writes (SQLSTATE 25006: a
// standby, such as a primary that was demoted, or a server set read-only):
// its connections are of no use to a writer.
bool ServerIsNotPrimary(const std::exception& error);

}  // namespace podmeta::storage
