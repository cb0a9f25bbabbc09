// How long podmeta keeps what it keeps beyond live resources (see
// storage/lifecycle_store.h, which enforces it).
#pragma once

#include <chrono>

namespace podmeta::storage {

struct Retention {
  // Soft-deleted podcasts and episodes, after their delete_time (their
  // expire_time is delete_time plus this).
  std::chrono::seconds deleted{30 * 24 * 3600};
  // Write responses kept so a retry with the same request_id gets them.
  std::chrono::seconds request_ids{7 * 24 * 3600};
  // The change log behind WatchEpisodes; older resume tokens expire.
  std::chrono::seconds changes{7 * 24 * 3600};
};

}  // namespace podmeta::storage
