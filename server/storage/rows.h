// Between PostgreSQL rows and podmeta.v1 messages, and the statements on
// single podcast and episode rows that the stores and the show-page import
// build on (inside a transaction the caller owns), so each statement's use
// lives in one place. Results are read by column name: the names are looked
// up once per result (PodcastColumns, EpisodeColumns), never per row.
#pragma once

#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "domain/resource_names.h"
#include "podmeta/v1/resources.pb.h"
#include "storage/queries.h"

namespace podmeta::storage {

// The podcast columns (storage/queries/columns/podcast.sql) of a result.
class PodcastColumns {
 public:
  explicit PodcastColumns(const pqxx::result& result);
  v1::Podcast Read(const pqxx::row& row) const;

 private:
  pqxx::row_size_type podcast_id_, guid_, title_, description_, people_, language_, image_uri_, feed_uri_,
      episode_count_, create_micros_, update_micros_, delete_micros_, expire_micros_, revision_, feed_;
};

// The episode columns (storage/queries/columns/episode.sql, and migration
// 0004's episode_state) of a result, chapters included.
class EpisodeColumns {
 public:
  explicit EpisodeColumns(const pqxx::result& result);
  v1::Episode Read(absl::string_view podcast_id, const pqxx::row& row) const;

 private:
  pqxx::row_size_type episode_id_, guid_, number_, season_, episode_type_, title_, description_, publish_micros_,
      duration_ms_, people_, snip_count_, create_micros_, update_micros_, delete_micros_, expire_micros_, revision_,
      chapters_, feed_;
};

// The feed-grade fields (those without a column of their own) as the JSON
// of the `feed` column.
std::string PodcastFeedJson(const v1::Podcast& podcast);
std::string EpisodeFeedJson(const v1::Episode& episode);

std::string PeopleToJson(const google::protobuf::RepeatedPtrField<v1::Person>& people);

int64_t MicrosOf(const google::protobuf::Timestamp& time);
int64_t MillisOf(const google::protobuf::Duration& duration);

// An episode to insert, by id.
struct EpisodeRow {
  std::string episode_id;
  const v1::Episode* episode = nullptr;
};

// The parallel arrays kInsertEpisodes and kInsertChapters unnest, as
// PostgreSQL array literals: one statement writes any number of rows.
struct EpisodeArrays {
  std::string episode_ids, guids, numbers, seasons, types, titles, descriptions, publish_micros, duration_ms, people,
      snip_counts, feeds;
};
EpisodeArrays EpisodeArraysOf(const std::vector<EpisodeRow>& rows);

// Every chapter of every row, with its episode id and position.
struct ChapterArrays {
  std::string episode_ids, positions, start_ms, end_ms, titles, image_uris, link_uris, tocs, parts, chapter_ids,
      locations;
};
ChapterArrays ChapterArraysOf(const std::vector<EpisodeRow>& rows);

// A text[] literal: {"a","b"} with quotes and backslashes escaped.
std::string TextArray(const std::vector<std::string>& values);

// The id part of a resource name ("podcasts/a/episodes/b" → "b").
std::string EpisodeIdOf(const v1::Episode& episode);

namespace rows {

// NOT_FOUND when absent. `query` is kSelectPodcast or kSelectPodcastForUpdate.
absl::StatusOr<v1::Podcast> ReadPodcast(pqxx::transaction_base& transaction, const std::string& podcast_id,
                                        const NamedQuery& query);
// The podcast locked for a write (FOR UPDATE), then read by a second
// statement, whose snapshot sees every write committed while the lock was
// awaited: its episode count includes every episode write that held the
// podcast before. NOT_FOUND when absent.
absl::StatusOr<v1::Podcast> ReadPodcastForWrite(pqxx::work& transaction, const std::string& podcast_id);
void InsertPodcast(pqxx::work& transaction, const std::string& podcast_id, const v1::Podcast& podcast);
// Writes the mutable fields and the deleted flag of `podcast`.
void UpdatePodcast(pqxx::work& transaction, const std::string& podcast_id, const v1::Podcast& podcast);

// NOT_FOUND when absent. `query` is kSelectEpisode or kSelectEpisodeForUpdate.
absl::StatusOr<v1::Episode> ReadEpisode(pqxx::transaction_base& transaction, const domain::EpisodeKey& key,
                                        const NamedQuery& query);
// Episodes (with chapters) from rows with the episode columns.
std::vector<v1::Episode> ReadEpisodes(const std::string& podcast_id, const pqxx::result& rows);
// Inserts the episodes and their chapters: two statements, however many.
void InsertEpisodes(pqxx::work& transaction, const std::string& podcast_id, const std::vector<EpisodeRow>& episodes);
// Writes `changed` over `current`: the row, and the chapters only if they differ.
void UpdateEpisode(pqxx::work& transaction, const domain::EpisodeKey& key, const v1::Episode& current,
                   const v1::Episode& changed);

}  // namespace rows
}  // namespace podmeta::storage
