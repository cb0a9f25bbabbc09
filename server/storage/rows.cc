#include "storage/rows.h"

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/message_differencer.h"
#include "storage/row_mapping.h"

namespace podmeta::storage::rows {
namespace {

using google::protobuf::util::MessageDifferencer;

bool SameChapters(const v1::Episode& a, const v1::Episode& b) {
  if (a.chapters_size() != b.chapters_size()) return false;
  for (int i = 0; i < a.chapters_size(); ++i) {
    if (!MessageDifferencer::Equals(a.chapters(i), b.chapters(i))) return false;
  }
  return true;
}

std::optional<int32_t> OptionalNumber(bool present, int32_t value) {
  return present ? std::optional<int32_t>(value) : std::nullopt;
}

void InsertChapters(pqxx::work& transaction, const std::string& podcast_id, const std::vector<EpisodeRow>& episodes) {
  const ChapterArrays arrays = ChapterArraysOf(episodes);
  transaction.exec_prepared(StatementName(kInsertChapters), podcast_id, arrays.episode_ids, arrays.positions,
                            arrays.start_ms, arrays.end_ms, arrays.titles, arrays.image_uris, arrays.link_uris,
                            arrays.tocs, arrays.parts);
}

void WriteChapters(pqxx::work& transaction, const domain::EpisodeKey& key, const v1::Episode& episode) {
  transaction.exec_prepared(StatementName(kDeleteChapters), key.podcast_id, key.episode_id);
  if (!episode.chapters().empty()) InsertChapters(transaction, key.podcast_id, {{key.episode_id, &episode}});
}

}  // namespace

absl::StatusOr<v1::Podcast> ReadPodcast(pqxx::transaction_base& transaction, const std::string& podcast_id,
                                        const NamedQuery& query) {
  const pqxx::result rows = transaction.exec_prepared(StatementName(query), podcast_id);
  if (rows.empty()) {
    return absl::NotFoundError(absl::StrCat("podcast ", domain::PodcastName(podcast_id), " does not exist"));
  }
  return PodcastFromRow(rows[0]);
}

void InsertPodcast(pqxx::work& transaction, const std::string& podcast_id, const v1::Podcast& podcast) {
  transaction.exec_prepared(StatementName(kInsertPodcast), podcast_id, podcast.guid(), podcast.title(),
                            podcast.description(), PeopleToJson(podcast.people()), podcast.language(),
                            podcast.image_uri(), podcast.feed_uri());
}

void UpdatePodcast(pqxx::work& transaction, const std::string& podcast_id, const v1::Podcast& podcast) {
  transaction.exec_prepared(StatementName(kUpdatePodcast), podcast_id, podcast.title(), podcast.description(),
                            PeopleToJson(podcast.people()), podcast.language(), podcast.image_uri(), podcast.feed_uri(),
                            podcast.has_delete_time());
}

std::vector<v1::Episode> ReadEpisodes(const std::string& podcast_id, const pqxx::result& rows) {
  std::vector<v1::Episode> episodes;
  episodes.reserve(rows.size());
  for (const pqxx::row& row : rows) episodes.push_back(EpisodeFromRow(podcast_id, row));
  return episodes;
}

absl::StatusOr<v1::Episode> ReadEpisode(pqxx::transaction_base& transaction, const domain::EpisodeKey& key,
                                        const NamedQuery& query) {
  const pqxx::result rows = transaction.exec_prepared(StatementName(query), key.podcast_id, key.episode_id);
  if (rows.empty()) {
    return absl::NotFoundError(absl::StrCat("episode ", domain::EpisodeName(key), " does not exist"));
  }
  return EpisodeFromRow(key.podcast_id, rows[0]);
}

void InsertEpisodes(pqxx::work& transaction, const std::string& podcast_id, const std::vector<EpisodeRow>& episodes) {
  if (episodes.empty()) return;
  const EpisodeArrays arrays = EpisodeArraysOf(episodes);
  transaction.exec_prepared(StatementName(kInsertEpisodes), podcast_id, arrays.episode_ids, arrays.guids,
                            arrays.numbers, arrays.seasons, arrays.types, arrays.titles, arrays.descriptions,
                            arrays.publish_micros, arrays.duration_ms, arrays.people, arrays.snip_counts);
  InsertChapters(transaction, podcast_id, episodes);
}

void UpdateEpisode(pqxx::work& transaction, const domain::EpisodeKey& key, const v1::Episode& current,
                   const v1::Episode& changed) {
  transaction.exec_prepared(
      StatementName(kUpdateEpisode), key.podcast_id, key.episode_id,
      OptionalNumber(changed.has_number(), changed.number()), OptionalNumber(changed.has_season(), changed.season()),
      static_cast<int>(changed.type()), changed.title(), changed.description(), MicrosOf(changed.publish_time()),
      MillisOf(changed.duration()), PeopleToJson(changed.people()), changed.snip_count(), changed.has_delete_time());
  if (!SameChapters(changed, current)) WriteChapters(transaction, key, changed);
}

}  // namespace podmeta::storage::rows
