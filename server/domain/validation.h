// Validation of podcasts, episodes and chapters as API.md's rules state them.
// Each function adds every violation it finds to `violations`, naming fields by
// their path from `prefix` (e.g. "episode.chapters[3].start_offset"), so one
// round trip reports all problems.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/errors.h"
#include "podmeta/v1/episode_service.pb.h"
#include "podmeta/v1/resources.pb.h"

namespace podmeta::domain {

void ValidatePodcast(const v1::Podcast& podcast, absl::string_view prefix, Violations& violations);

// Also validates the episode's chapters against its duration.
void ValidateEpisode(const v1::Episode& episode, absl::string_view prefix, Violations& violations);

// Chapter rules: start offsets strictly increase, none starts after the
// episode's end (plus the rounding minute) when the duration is known, an end
// is after its start and not after the next start, titles are non-empty valid
// UTF-8 of at most 512 bytes.
void ValidateChapters(const google::protobuf::RepeatedPtrField<v1::Chapter>& chapters,
                      const google::protobuf::Duration& episode_duration, absl::string_view prefix,
                      Violations& violations);

// Fills in what a chapter list implies: a chapter without a part takes the
// part of the chapter before it, a chapter titled "PART n: ..." starts that
// part, and an absent toc flag is true. Idempotent.
void NormalizeChapters(google::protobuf::RepeatedPtrField<v1::Chapter>& chapters);

// Sets the end_offset of chapters that have none: the next chapter's start,
// or for the last one the episode's duration when that is after its start.
// Applied to what is returned, never stored, so a later change of duration
// or of the next chapter moves a derived end along.
void DeriveChapterEnds(v1::Episode& episode);

// An episode as every answer carries it: the chapter ends its chapters imply
// (DeriveChapterEnds) and chapter_count.
void PresentEpisode(v1::Episode& episode);

// An absolute http or https URI podmeta stores (the rule every *_uri field
// follows).
bool IsHttpUri(absl::string_view uri);

// ABORTED when `requested` is set and differs from `current`.
absl::Status CheckEtag(absl::string_view current, absl::string_view requested);

// The boundary check every request passes before anything reads it: no
// string field, at any depth, holds a NUL character (PostgreSQL cannot store
// one, and libpq would silently cut the value there) or any other character
// XML cannot carry (one would make a whole public feed.xml ill-formed).
// INVALID_ARGUMENT names each such field by its path
// ("episode.chapters[2].title") and the character.
absl::Status CheckRequestText(const google::protobuf::Message& request);
// The same check for GetEpisode's request, whose only field is `name`,
// without reflection: it runs on every call of the hottest method. A unit
// test keeps the two equal and fails when the message gains a field.
absl::Status CheckRequestText(const v1::GetEpisodeRequest& request);

// Valid UTF-8 (no overlong forms, no surrogates).
bool IsValidUtf8(absl::string_view text);

// XML 1.0 carries tab, line feed, carriage return and every character from
// U+0020 up, except the surrogates and U+FFFE and U+FFFF. Any other character
// in a title makes the feed.xml or Podlove chapter file that holds it
// ill-formed, which breaks it for every reader.
bool IsXmlCharacter(char32_t c);
// The first character of UTF-8 `text` that XML cannot carry, if any.
std::optional<char32_t> FirstNonXmlCharacter(absl::string_view text);
// `text` without the characters XML cannot carry.
std::string WithoutNonXmlCharacters(absl::string_view text);
// Removes those characters from every string field of `message`, at any
// depth (imports read them from files and repair them); returns the paths of
// the fields it changed, in field order.
std::vector<std::string> DropNonXmlCharacters(google::protobuf::Message& message);

}  // namespace podmeta::domain
