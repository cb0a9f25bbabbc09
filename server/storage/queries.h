// Every SQL statement podmeta runs with a fixed text is a file under
// storage/queries/, named after the statement; the build compiles them in
// (storage/query_list.h, generated) and the pool prepares each on every
// connection. Statements read their results by column name (rows.h).
// Times travel as microseconds since the Unix epoch and durations as
// milliseconds, so no text parsing of dates happens anywhere.
#pragma once

#include <string>
#include <string_view>

namespace podmeta::storage {

struct NamedQuery {
  std::string_view name;
  std::string_view sql;
};

// libpqxx 6.4 takes statement names as std::string only.
inline std::string StatementName(const NamedQuery& query) { return std::string(query.name); }

}  // namespace podmeta::storage

#include "storage/query_list.h"  // IWYU pragma: export
