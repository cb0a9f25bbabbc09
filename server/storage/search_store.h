// Full-text search over episodes and chapters (PostgreSQL tsvector columns
// with GIN indexes; see migration 0002).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "domain/requests.h"
#include "podmeta/v1/episode_service.pb.h"
#include "storage/database.h"

namespace podmeta::storage {

// Where a page of hits ends (domain/requests.h).
using SearchCursor = domain::SearchPagePosition;

struct SearchPage {
  std::vector<v1::SearchHit> hits;
  std::optional<SearchCursor> next;
};

class SearchStore {
 public:
  explicit SearchStore(Database& database) : database_(database) {}

  // `podcast_id` empty searches every podcast.
  absl::StatusOr<SearchPage> Search(const std::string& podcast_id, const std::string& query, int32_t page_size,
                                    const std::optional<SearchCursor>& after, Deadline deadline);

 private:
  Database& database_;
};

}  // namespace podmeta::storage
