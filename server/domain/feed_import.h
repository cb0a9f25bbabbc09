// What importing a feed changes, with no I/O: which stored episode an item
// is, which id a new item gets, which fields a feed writes over what is
// stored, and when its chapters may replace the stored ones.
//
// Episode ids (stable, never colliding):
//   1. An item matched to a stored episode keeps that episode's id, always.
//   2. A new item gets the first of these that no episode of the podcast
//      (deleted ones included) has and no other item of this import took:
//        "N"          its number, when it is a full episode and no other
//                     item of the feed has that number (today's short ids);
//        "sSeN"       season S, episode N, when it has both (numbers that
//                     restart each season);
//        slug         its title's slug (trailers, bonus items, no number);
//        slug-XXXXXXXX  the slug cut to 54 characters and 8 hex digits of
//                     a hash of its guid;
//        then "-2", "-3", ... appended to that.
// Matching an item to a stored episode: by guid; without one (or no match)
// by enclosure URL; then by title and publish time.
#pragma once

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "domain/feed.h"

namespace podmeta::domain {

// Writes what the feed says over `stored`; keeps the name, guid, etag,
// times, snip count and (see below) chapters.
void ApplyFeedPodcast(const v1::Podcast& imported, v1::Podcast& stored);
void ApplyFeedEpisode(const v1::Episode& imported, v1::Episode& stored);

enum class ChaptersDecision { kReplace, kKeep, kKeepEditedThroughApi };

// Whether an item's chapters (with their source; none when the item offers
// none) replace the stored ones: never when the stored ones were edited
// through the API; not by show-note guesses over chapters of unknown
// origin; never by nothing.
ChaptersDecision DecideChapters(const v1::Episode& item, const v1::Episode& stored);

// The id of a new item (see above). `numbers_in_feed` counts the items of
// the whole feed per episode number; `taken` holds every id in use and is
// updated with the one chosen.
std::string NewFeedEpisodeId(const v1::Episode& item, const absl::flat_hash_map<int32_t, int>& numbers_in_feed,
                             absl::flat_hash_set<std::string>& taken);

}  // namespace podmeta::domain
