// Every limit podmeta enforces, in one place.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace podmeta::domain {

inline constexpr size_t kMaxTitleBytes = 512;
inline constexpr size_t kMaxDescriptionBytes = 64 * 1024;
inline constexpr size_t kMaxUriBytes = 2048;
inline constexpr size_t kMaxPeople = 100;
// Short labels: roles, groups, MIME types, category names, season names.
inline constexpr size_t kMaxShortTextBytes = 128;
// Show notes as HTML (`content:encoded`).
inline constexpr size_t kMaxShowNotesBytes = 256 * 1024;
// Transcripts, soundbites, categories, funding links of one resource.
inline constexpr size_t kMaxListedItems = 100;
// A feed, fetched or sent (gRPC messages are capped at 4 MiB; a fetched
// feed may be larger).
inline constexpr size_t kMaxFeedBytes = 32 * 1024 * 1024;
inline constexpr size_t kMaxChapters = 1000;
inline constexpr size_t kMaxRequestIdBytes = 128;
inline constexpr size_t kMaxGuidBytes = 256;
inline constexpr size_t kMaxShowPageBytes = 3 * 1024 * 1024;
inline constexpr size_t kMaxChapterFileBytes = 1024 * 1024;
inline constexpr size_t kMaxSearchQueryBytes = 1000;
// One line of a show page or of a line-based chapter file (text, WebVTT).
inline constexpr size_t kMaxLineBytes = 64 * 1024;

inline constexpr int32_t kDefaultPageSize = 50;
inline constexpr int32_t kMaxPageSize = 1000;
inline constexpr size_t kMaxBatchGet = 1000;
// A listing's page ends before the episode that would take it past this
// (a page always holds one), whatever page_size asked: answers stay well
// below gRPC's default 4 MiB receive limit.
inline constexpr size_t kPageByteBudget = 1024 * 1024;
// A BatchGetEpisodes answer cannot end early; above this it is refused.
inline constexpr size_t kMaxBatchAnswerBytes = 3 * 1024 * 1024;

// Show pages list durations rounded to the minute, so a chapter may start up
// to this long after the listed end.
inline constexpr std::chrono::milliseconds kDurationRounding{60'000};

}  // namespace podmeta::domain
