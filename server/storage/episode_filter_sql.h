// Turns a parsed ListEpisodes filter and order into SQL over the episodes
// table (alias `e`). Only fixed SQL text is generated; every value becomes a
// numbered parameter appended to `params`.
#pragma once

#include <string>
#include <vector>

#include "domain/episode_query.h"

namespace podmeta::storage {

// A boolean SQL expression for the filter.
std::string FilterSql(const domain::FilterNode& filter, std::vector<std::string>& params);

// The expression episodes are sorted by for `order` (ties broken by
// episode_id in the same direction).
std::string SortKeySql(domain::OrderField field);

// A cursor value of that sort key, cast to its SQL type, as parameter $n.
std::string SortKeyParameterSql(domain::OrderField field, size_t parameter);

}  // namespace podmeta::storage
