// Podcasts in PostgreSQL.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "domain/requests.h"
#include "podmeta/v1/resources.pb.h"
#include "storage/database.h"

namespace podmeta::storage {

struct PodcastPage {
  std::vector<v1::Podcast> podcasts;
  // The id of the last podcast, when more follow.
  std::optional<std::string> next_after;
  int32_t total_size = 0;
};

class PodcastStore {
 public:
  // Reads (Get, List, BatchGet) go to `reads`, which may be a replica;
  // everything else to `database`, the primary.
  PodcastStore(Database& database, Database& reads) : database_(database), reads_(reads) {}

  absl::StatusOr<v1::Podcast> Get(const std::string& podcast_id, Deadline deadline);

  // Podcasts with ids after `query.after` (all when empty), by id.
  absl::StatusOr<PodcastPage> List(const domain::PodcastListQuery& query, Deadline deadline);

  // Stores a validated podcast (guid set); see EpisodeStore::Create for
  // request_id.
  absl::StatusOr<v1::Podcast> Create(const std::string& podcast_id, const v1::Podcast& podcast,
                                     const domain::RequestIdentity& identity, Deadline deadline);

  // See EpisodeStore::Modify. A mutation that deletes the podcast also
  // soft-deletes its live episodes (domain::MarkPodcastDeleted allows that
  // only with force).
  using Mutation = std::function<absl::Status(v1::Podcast&)>;
  absl::StatusOr<v1::Podcast> Modify(const std::string& podcast_id, const domain::RequestIdentity& identity,
                                     const Mutation& mutate, Deadline deadline);

 private:
  static absl::StatusOr<v1::Podcast> Mutate(pqxx::work& transaction, const std::string& podcast_id,
                                            const Mutation& mutate);

  Database& database_;
  Database& reads_;
};

}  // namespace podmeta::storage
