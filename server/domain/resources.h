// The rules for creating and changing podcasts and episodes, with no I/O: the
// handlers call these inside a storage transaction (as the mutation of
// Store::Modify) or before Store::Create.
#pragma once

#include <set>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "domain/resource_names.h"
#include "domain/validation.h"
#include "google/protobuf/field_mask.pb.h"
#include "google/protobuf/util/time_util.h"
#include "podmeta/v1/resources.pb.h"

namespace podmeta::domain {

// Fields UpdatePodcast / UpdateEpisode may change.
const std::set<std::string>& PodcastMutablePaths();
const std::set<std::string>& EpisodeMutablePaths();

// A random RFC 4122 version 4 UUID.
std::string NewGuid();

// A new chapter's id: 10 random characters of a-z and 2-9 (50 bits).
std::string NewChapterId();

// Carries chapter ids over an edit from `before` (the stored chapters) to
// `after` (the new list): a chapter that names an id keeps it, and it must
// be one of `before`'s ids, named once (else INVALID_ARGUMENT on
// "<field>[i].id"); a chapter without one takes the id of an unclaimed
// chapter of `before` with the same start and title; the rest stay without
// an id and get a new one when stored.
absl::Status KeepChapterIds(const google::protobuf::RepeatedPtrField<v1::Chapter>& before,
                            google::protobuf::RepeatedPtrField<v1::Chapter>& after, absl::string_view field);

// A whole new chapter list from an import (show page, feed, chapter file):
// ids kept as KeepChapterIds does.
void ReplaceImportedChapters(const google::protobuf::RepeatedPtrField<v1::Chapter>& imported, v1::Episode& episode);

// The id a new resource gets: the requested one (checked), else derived
// (podcast: slug of the title; episode: its number, else its title's slug).
absl::StatusOr<std::string> ChoosePodcastId(const std::string& requested, const v1::Podcast& podcast);
absl::StatusOr<std::string> ChooseEpisodeId(const std::string& requested, const v1::Episode& episode);

// Clears output-only fields, sets name and (when absent) guid, assigns
// chapter parts, and validates; violations name fields from "podcast." or
// "episode.", as in the create request.
absl::Status PrepareNewPodcast(const std::string& podcast_id, v1::Podcast& podcast);
absl::Status PrepareNewEpisode(const EpisodeKey& key, v1::Episode& episode);

// Applies an update (AIP-134) to the current state, then validates the result.
absl::Status ApplyPodcastUpdate(const v1::Podcast& patch, const google::protobuf::FieldMask& mask,
                                v1::Podcast& current);
absl::Status ApplyEpisodeUpdate(const v1::Episode& patch, const google::protobuf::FieldMask& mask,
                                v1::Episode& current);

// Replaces the chapter list, validated against the episode's duration.
absl::Status ReplaceChapters(const google::protobuf::RepeatedPtrField<v1::Chapter>& chapters, v1::Episode& episode);

// Soft delete and undelete (AIP-164) for podcasts and episodes alike:
// deleting what is deleted is NOT_FOUND (ALREADY_DELETED), undeleting what is
// not deleted ALREADY_EXISTS (NOT_DELETED).
template <typename Resource>
absl::Status MarkDeleted(const std::string& etag, Resource& resource) {
  if (absl::Status matches = CheckEtag(resource.etag(), etag); !matches.ok()) return matches;
  if (resource.has_delete_time()) {
    return Error(Reason::kAlreadyDeleted, absl::StrCat(resource.name(), " is already deleted"),
                 {{"resource", resource.name()}});
  }
  // Only the presence matters: storage stamps the database's clock.
  *resource.mutable_delete_time() = google::protobuf::util::TimeUtil::GetCurrentTime();
  return absl::OkStatus();
}

// A podcast with live episodes is deleted only with `force` (AIP-135);
// FAILED_PRECONDITION (PODCAST_HAS_EPISODES) otherwise.
absl::Status MarkPodcastDeleted(const std::string& etag, bool force, v1::Podcast& podcast);

template <typename Resource>
absl::Status MarkUndeleted(const std::string& etag, Resource& resource) {
  if (absl::Status matches = CheckEtag(resource.etag(), etag); !matches.ok()) return matches;
  if (!resource.has_delete_time()) {
    return Error(Reason::kNotDeleted, absl::StrCat(resource.name(), " is not deleted"),
                 {{"resource", resource.name()}});
  }
  resource.clear_delete_time();
  return absl::OkStatus();
}

// Single-chapter edits; each validates the whole resulting list.
// The new chapter goes where its start_offset puts it.
absl::Status InsertChapter(const v1::Chapter& chapter, v1::Episode& episode);
// The chapter is the one with id `chapter_id` when that is not empty
// (NOT_FOUND, CHAPTER_NOT_FOUND without one), else the one at 0-based
// position `index`; the mask names Chapter fields (empty: the populated
// ones).
struct ChapterRef {
  int32_t index = 0;
  std::string chapter_id;
};
absl::Status UpdateChapter(const ChapterRef& chapter, const v1::Chapter& patch, const google::protobuf::FieldMask& mask,
                           v1::Episode& episode);
absl::Status DeleteChapter(const ChapterRef& chapter, v1::Episode& episode);

}  // namespace podmeta::domain
