#include "storage/sql_errors.h"

#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"

namespace podmeta::storage {

absl::Status StatusFromSqlError(const std::exception& error, absl::string_view doing) {
  const std::string what = absl::StrCat(doing, ": ", error.what());
  if (dynamic_cast<const pqxx::in_doubt_error*>(&error) != nullptr) {
    return absl::UnavailableError(absl::StrCat("the outcome of the write is unknown; retry with the same request_id (",
                                               what, ")"));
  }
  if (dynamic_cast<const pqxx::broken_connection*>(&error) != nullptr) {
    return absl::UnavailableError(absl::StrCat("database unavailable: ", what));
  }
  if (dynamic_cast<const pqxx::unique_violation*>(&error) != nullptr) return absl::AlreadyExistsError(what);
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&error)) {
    const std::string& state = sql->sqlstate();
    if (state == "40001" || state == "40P01") return absl::AbortedError(what);
    if (state == "57014") return absl::DeadlineExceededError(what);
    // Class 08 (connection exception) and 57P0x (server shutting down).
    if (state.rfind("08", 0) == 0 || state.rfind("57P0", 0) == 0) {
      return absl::UnavailableError(absl::StrCat("database unavailable: ", what));
    }
  }
  return absl::InternalError(what);
}

}  // namespace podmeta::storage
