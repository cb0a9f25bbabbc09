// Episodes and their chapters in PostgreSQL. Every write is one transaction:
// an episode is never stored without its chapters, or with half of them.
#pragma once

#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "domain/episode_query.h"
#include "domain/requests.h"
#include "domain/resource_names.h"
#include "podmeta/v1/episode_service.pb.h"
#include "podmeta/v1/resources.pb.h"
#include "storage/database.h"
#include "storage/episode_cache.h"

namespace podmeta::storage {

// What ListEpisodes asks for (domain/requests.h).
using EpisodeListQuery = domain::EpisodeListQuery;

struct EpisodePage {
  std::vector<v1::Episode> episodes;
  // Set when more episodes follow the page.
  std::optional<domain::EpisodePagePosition> next;
  int32_t total_size = 0;
  // A listing's first page: the podcast's latest change, read before the
  // page, where a watch picks up without missing a change.
  std::optional<int64_t> latest_change;
};

struct EpisodeChangeRecord {
  int64_t change_id = 0;
  v1::EpisodeChange::Kind kind = v1::EpisodeChange::KIND_UNSPECIFIED;
  v1::Episode episode;  // as that change left it
};

// A page of the change log.
struct ChangePage {
  std::vector<EpisodeChangeRecord> changes;
  // The log may hold changes after the last one: the page ended at its
  // count or its bytes.
  bool more = false;
};

class EpisodeStore {
 public:
  // Reads (Get, List, BatchGet) go to `reads`, which may be a replica;
  // everything else to `database`, the primary.
  EpisodeStore(Database& database, Database& reads) : database_(database), reads_(reads) {}

  // Episodes read together, and where the database stood when it read them.
  struct EpisodesRead {
    std::vector<v1::Episode> episodes;
    // What a replica had replayed before it read, or
    // EpisodeCache::kReadFromPrimary (see EpisodeCache::Store).
    uint64_t replayed_lsn = EpisodeCache::kReadFromPrimary;
  };

  absl::StatusOr<v1::Episode> Get(const domain::EpisodeKey& key, Deadline deadline);
  // From the primary, never a replica: sees every write acknowledged before it.
  absl::StatusOr<v1::Episode> GetFromPrimary(const domain::EpisodeKey& key, Deadline deadline);

  // The episodes that exist among `keys` (of any podcasts), in no particular
  // order, read by one statement.
  absl::StatusOr<EpisodesRead> GetMany(const std::vector<domain::EpisodeKey>& keys, Deadline deadline);

  // In the order of `episode_ids`; NOT_FOUND naming the first missing one.
  absl::StatusOr<std::vector<v1::Episode>> BatchGet(const std::string& podcast_id,
                                                    const std::vector<std::string>& episode_ids, Deadline deadline);

  // NOT_FOUND when the podcast does not exist.
  absl::StatusOr<EpisodePage> List(const EpisodeListQuery& query, Deadline deadline);

  // Stores a validated episode (name and guid set). With a request id, a
  // repeated call returns the first call's result and writes nothing (so for
  // Modify).
  absl::StatusOr<v1::Episode> Create(const domain::EpisodeKey& key, const v1::Episode& episode,
                                     const domain::RequestIdentity& identity, Deadline deadline);

  // Reads the episode locked for update, lets `mutate` change it (and refuse
  // with a status), and writes the result back if it differs. A set
  // delete_time marks the episode deleted (the database's clock is used).
  // Episodes of a deleted podcast are not written (PARENT_DELETED).
  using Mutation = std::function<absl::Status(v1::Episode&)>;
  absl::StatusOr<v1::Episode> Modify(const domain::EpisodeKey& key, const domain::RequestIdentity& identity,
                                     const Mutation& mutate, Deadline deadline);

  // The id of the podcast's latest change (0 if none); NOT_FOUND when the
  // podcast does not exist.
  absl::StatusOr<int64_t> LatestChange(const std::string& podcast_id, Deadline deadline);

  // Reads of the change log (ChangesAfter) since start.
  uint64_t change_log_reads() const { return change_log_reads_.load(); }

  // Up to `limit` changes after `after_change_id`, oldest first, and no more
  // of them than fit in `max_bytes` as stored (at least one).
  absl::StatusOr<ChangePage> ChangesAfter(const std::string& podcast_id, int64_t after_change_id, int32_t limit,
                                          int64_t max_bytes, Deadline deadline);

 private:
  Database& database_;
  Database& reads_;
  std::atomic<uint64_t> change_log_reads_{0};
};

}  // namespace podmeta::storage
