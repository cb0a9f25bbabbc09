// Chapter files: writing and reading the formats podcast apps use.
//
//   PODCASTING2_JSON         Podcasting 2.0 JSON chapters 1.2.0 (`startTime` in seconds)
//   PODLOVE_SIMPLE_CHAPTERS  Podlove Simple Chapters 1.2 XML (`start` as normal play time)
//   WEBVTT                   WebVTT chapter cues
//   PLAIN_TEXT               `(HH:MM:SS) Title` lines, as in episode descriptions
//
// Export takes an episode whose chapter ends are derived (DeriveChapterEnds).
// Podcasting 2.0 JSON carries every chapter field, locations, untitled
// (toc false) chapters and the episode's chapter_file_info; the other
// formats have no place for those and leave untitled chapters out.
// Reading what Export wrote gives back the same chapters (plain text keeps
// whole seconds only, and parts come back from "PART n:" titles). Readers
// report problems with line numbers as field "content" violations.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "podmeta/v1/episode_service.pb.h"

namespace podmeta::domain {

using ChapterList = google::protobuf::RepeatedPtrField<v1::Chapter>;

// INVALID_ARGUMENT (field "format") for CHAPTER_FORMAT_UNSPECIFIED.
absl::StatusOr<std::string> ExportChapters(const v1::Episode& episode, v1::ChapterFormat format);

// The media type of a format's files.
std::string ChapterContentType(v1::ChapterFormat format);

// ExportChapters' file with its media type: ExportChapters' answer.
absl::StatusOr<v1::ExportChaptersResponse> ExportChapterFile(const v1::Episode& episode, v1::ChapterFormat format);

// The format a file's content is in, from its first non-blank characters.
v1::ChapterFormat DetectChapterFormat(absl::string_view content);

// Reads a chapter file; CHAPTER_FORMAT_UNSPECIFIED detects the format.
absl::StatusOr<ChapterList> ReadChapters(absl::string_view content, v1::ChapterFormat format);

// A chapter file whole: the format it was read as, its chapters and, from
// Podcasting 2.0 JSON, what the file says about itself (author, title,
// podcastName, ...; empty for the other formats).
struct ChapterFile {
  v1::ChapterFormat format = v1::CHAPTER_FORMAT_UNSPECIFIED;
  ChapterList chapters;
  v1::ChapterFileInfo info;
  // The fields from which characters XML cannot carry were dropped
  // ("chapters[2].title", "info.author"): a file may hold them (JSON as
  // \u0001), podmeta's feeds and Podlove files could not.
  std::vector<std::string> repaired_fields;
};
absl::StatusOr<ChapterFile> ReadChapterFile(absl::string_view content, v1::ChapterFormat format);

// Sets the episode's chapter_file_info, or clears it when `info` says
// nothing, so an empty one is never stored.
void SetChapterFileInfo(const v1::ChapterFileInfo& info, v1::Episode& episode);

}  // namespace podmeta::domain
