// The end of a podcast's or episode's life: purged for good once a soft
// delete is older than the retention, or at once by PurgePodcast and
// PurgeEpisode (takedowns, erasure requests); and the retention of what
// podmeta keeps beside the resources (write responses for retries, the
// change log behind watches). Erasing an episode erases its chapters, its
// change log entries (their states hold it) and the podcast's stored write
// responses; the podcast's change horizon then rises, so a resume token from
// before is refused (RESUME_TOKEN_EXPIRED) instead of replaying a history
// with holes.
//
//   LifecycleStore lifecycle(database);
//   absl::StatusOr<PurgeCounts> purged = lifecycle.PurgeExpired(retention, 500);
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "domain/resource_names.h"
#include "storage/database.h"
#include "storage/retention.h"

namespace podmeta::storage {

struct PurgeCounts {
  int64_t podcasts = 0;
  int64_t episodes = 0;
  int64_t request_ids = 0;
  int64_t change_podcasts = 0;  // podcasts whose change log was trimmed
  int64_t total() const { return podcasts + episodes + request_ids + change_podcasts; }
};

class LifecycleStore {
 public:
  explicit LifecycleStore(Database& database) : database_(database) {}

  // One pass over everything past its retention, at most `batch` rows of
  // each kind, each kind in a transaction of its own; rows another server's
  // purger holds are skipped. Run it until it purges nothing.
  absl::StatusOr<PurgeCounts> PurgeExpired(const Retention& retention, int32_t batch);

  // Erases the podcast (everything of it) now. NOT_FOUND (PODCAST_NOT_FOUND)
  // unless `allow_missing`; ABORTED on a stale etag.
  absl::Status PurgePodcast(const std::string& podcast_id, const std::string& etag, bool allow_missing,
                            Deadline deadline);
  // Erases the episode now; as PurgePodcast.
  absl::Status PurgeEpisode(const domain::EpisodeKey& key, const std::string& etag, bool allow_missing,
                            Deadline deadline);

 private:
  Database& database_;
};

}  // namespace podmeta::storage
