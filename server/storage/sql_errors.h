// Maps what libpqxx throws to domain statuses, in one place:
//   broken connection            → UNAVAILABLE (retryable)
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

}  // namespace podmeta::storage
