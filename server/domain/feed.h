// Podcast feeds: RSS 2.0 with the iTunes (`itunes:`), Podcasting 2.0
// (`podcast:`), content (`content:encoded`) and Atom (`atom:link`)
// namespaces, read into podmeta.v1 messages and written back from them. No
// I/O: fetching the feed and its chapters files is the caller's.
//
// Reading is lenient the way podcast apps are, and says what it repaired:
// undefined HTML entities (`&nbsp;`), a bare `&`, an XML declaration after a
// comment, undeclared namespace prefixes, unescaped HTML in a description,
// dates in any format seen in feeds (RFC 822 with or without the day name,
// zone names such as EST or PDT, ISO 8601) and `itunes:duration` as
// seconds, MM:SS or HH:MM:SS. Each repair is a warning with its line. An
// item that cannot be read (no title, no date, a date that is no date, bad
// chapters) is a problem with its line; a document that is no RSS feed, or
// that declares entities (XML bombs, external entities), is an error.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "domain/show_page.h"
#include "google/protobuf/duration.pb.h"
#include "google/protobuf/timestamp.pb.h"
#include "podmeta/v1/resources.pb.h"

namespace podmeta::domain {

struct FeedItem {
  v1::Episode episode;  // no name; guid as the feed has it (may be empty)
  int line = 0;         // the <item>'s line
  bool valid = true;    // false when a problem names this item
  // The `podcast:chapters` JSON file, when the item links one (then
  // `episode` has no chapters: they are the file's, fetched by the caller).
  std::string chapters_uri;
  // Chapters from timestamps in the show notes, whether or not the item
  // links a file (used when the file cannot be).
  google::protobuf::RepeatedPtrField<v1::Chapter> show_notes_chapters;
};

struct Feed {
  v1::Podcast podcast;  // no name; guid is the feed's podcast:guid (may be empty)
  // The feed's own URL as it states it (`atom:link rel="self"`, else
  // `itunes:new-feed-url`); empty when it does not say.
  std::string self_uri;
  std::vector<FeedItem> items;        // in the feed's order
  std::vector<PageProblem> problems;  // items that cannot be imported
  std::vector<PageProblem> warnings;  // what was read with a repair
};

// INVALID_ARGUMENT (field "content", "line N: ...") when the bytes are no RSS
// feed at all or declare entities; else the feed, with every problem and
// warning.
absl::StatusOr<Feed> ParseFeed(absl::string_view bytes);

// What a feed is known by: its URL (its own self link, else the URL it was
// fetched from) and its guid (podcast:guid, else FeedGuidOf that URL; empty
// when the feed has neither).
struct FeedIdentity {
  std::string feed_uri;
  std::string guid;
};
FeedIdentity FeedIdentityOf(const Feed& feed, absl::string_view fetched_uri);

// `uri` as anyone may see it: without credentials. Private feeds (paid
// shows, members' feeds) carry them as user:password@ or in the query
// (auth=, token=, key=, signature=, ...); such a URL is fetched as given but
// read back, exported (atom:link rel="self"), answered and logged only as
// this. Query parameters whose name holds one of those words are dropped;
// the rest of the URI is kept as it is. Not a URI: returned as it is.
std::string PublicUri(absl::string_view uri);

// A date as feeds write them; nullopt when it is none. `standard` is set to
// whether it was RFC 822 as RSS requires (with a numeric zone, GMT or UT).
std::optional<google::protobuf::Timestamp> ParseFeedDate(absl::string_view text, bool* standard);

// `itunes:duration`: seconds ("3725", "90.5"), MM:SS or HH:MM:SS.
std::optional<google::protobuf::Duration> ParseFeedDuration(absl::string_view text);

// The Podcasting 2.0 guid of a feed without one: UUIDv5 in the namespace's
// own namespace UUID of the URL without its scheme and trailing slashes.
std::string FeedGuidOf(absl::string_view feed_uri);

// Chapters from timestamps in show notes (plain text): lines such as
// "00:00 Intro", "(01:02:03) Title", "1:02 - Title", "[12:30] Title". At
// least two, increasing, none after the episode's duration (when known);
// else none.
google::protobuf::RepeatedPtrField<v1::Chapter> ShowNotesChapters(absl::string_view text,
                                                                  const google::protobuf::Duration& duration);

// The text of an HTML fragment: tags dropped, entities decoded, paragraphs
// and line breaks as new lines, runs of spaces as one.
std::string PlainTextOfHtml(absl::string_view html);

struct FeedWriteOptions {
  // When set (e.g. "https://podmeta.example.com"), every episode with
  // chapters links its chapters file under it:
  // {base}/v1/podcasts/{podcast}/episodes/{episode}/chapters.json. Else an
  // episode links the chapters file it was imported with, if any.
  std::string public_base_uri;
};

// The podcast and its episodes (newest first, as given) as an RSS 2.0 feed.
// Reading it back gives the same podcast and episodes.
std::string WriteFeed(const v1::Podcast& podcast, const std::vector<v1::Episode>& episodes,
                      const FeedWriteOptions& options);

}  // namespace podmeta::domain
