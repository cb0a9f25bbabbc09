// Between PostgreSQL rows and podmeta.v1 messages: the column order of
// queries.h's column lists, people as JSON, chapter lists as array literals.
#pragma once

#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "podmeta/v1/resources.pb.h"

namespace podmeta::storage {

v1::Podcast PodcastFromRow(const pqxx::row& row);
// With its chapters (queries.h's episode columns carry them).
v1::Episode EpisodeFromRow(absl::string_view podcast_id, const pqxx::row& row);

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
      snip_counts;
};
EpisodeArrays EpisodeArraysOf(const std::vector<EpisodeRow>& rows);

// Every chapter of every row, with its episode id and position.
struct ChapterArrays {
  std::string episode_ids, positions, start_ms, end_ms, titles, image_uris, link_uris, tocs, parts;
};
ChapterArrays ChapterArraysOf(const std::vector<EpisodeRow>& rows);

// A text[] literal: {"a","b"} with quotes and backslashes escaped.
std::string TextArray(const std::vector<std::string>& values);

// The id part of a resource name ("podcasts/a/episodes/b" → "b").
std::string EpisodeIdOf(const v1::Episode& episode);

}  // namespace podmeta::storage
