// Reads and writes of single podcast and episode rows inside a transaction
// the caller owns. The stores and the show-page import build on these, so
// each statement's use lives in one place.
#pragma once

#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "domain/resource_names.h"
#include "podmeta/v1/resources.pb.h"
#include "storage/queries.h"
#include "storage/row_mapping.h"

namespace podmeta::storage::rows {

// NOT_FOUND when absent. `query` is kSelectPodcast or kSelectPodcastForUpdate.
absl::StatusOr<v1::Podcast> ReadPodcast(pqxx::transaction_base& transaction, const std::string& podcast_id,
                                        const NamedQuery& query);
void InsertPodcast(pqxx::work& transaction, const std::string& podcast_id, const v1::Podcast& podcast);
// Writes the mutable fields and the deleted flag of `podcast`.
void UpdatePodcast(pqxx::work& transaction, const std::string& podcast_id, const v1::Podcast& podcast);

// NOT_FOUND when absent. `query` is kSelectEpisode or kSelectEpisodeForUpdate.
absl::StatusOr<v1::Episode> ReadEpisode(pqxx::transaction_base& transaction, const domain::EpisodeKey& key,
                                        const NamedQuery& query);
// Episodes (with chapters) from rows of queries.h's episode columns.
std::vector<v1::Episode> ReadEpisodes(const std::string& podcast_id, const pqxx::result& rows);
// Inserts the episodes and their chapters: two statements, however many.
void InsertEpisodes(pqxx::work& transaction, const std::string& podcast_id, const std::vector<EpisodeRow>& episodes);
// Writes `changed` over `current`: the row, and the chapters only if they differ.
void UpdateEpisode(pqxx::work& transaction, const domain::EpisodeKey& key, const v1::Episode& current,
                   const v1::Episode& changed);

}  // namespace podmeta::storage::rows
