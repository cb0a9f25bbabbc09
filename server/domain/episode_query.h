// What ListEpisodes may ask for beyond a page: an AIP-160 filter and an
// order. Parsing and checking happen here; storage turns the result into
// parameterized SQL (values never become SQL text).
//
// Filter grammar (AIP-160 subset):
//   expression := sequence { ["AND"] sequence }   juxtaposition means AND too
//   sequence   := factor { "OR" factor }          OR binds tighter than AND, as in AIP-160
//   factor     := ["NOT" | "-"] ( "(" expression ")" | comparison )
//   comparison := field operator value            operators: = != < <= > >= and ":" (has)
// Fields: publish_time (RFC 3339 string), number (integer), person (string;
// ":" matches part of a name, case-insensitively), has_chapters (true/false),
// type (FULL, TRAILER, BONUS), season (integer), guid (string, = and !=: the
// RSS guid, so `guid = "…"` looks an episode up by it).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace podmeta::domain {

enum class FilterField { kPublishTime, kNumber, kPerson, kHasChapters, kType, kSeason, kGuid };
enum class FilterOperator { kEqual, kNotEqual, kLess, kLessOrEqual, kGreater, kGreaterOrEqual, kHas };

struct FilterNode {
  enum class Kind { kAnd, kOr, kNot, kComparison };
  Kind kind = Kind::kComparison;
  std::vector<FilterNode> children;  // two for kAnd/kOr, one for kNot
  // For kComparison. The value is normalized: publish_time as microseconds
  // since the epoch, number and type as integers, has_chapters as "true" or
  // "false", person as given.
  FilterField field = FilterField::kNumber;
  FilterOperator op = FilterOperator::kEqual;
  std::string value;
};

// nullopt for an empty filter; INVALID_ARGUMENT on field "filter" saying at
// which position (1-based character) what is wrong.
absl::StatusOr<std::optional<FilterNode>> ParseEpisodeFilter(absl::string_view filter);

enum class OrderField { kPublishTime, kNumber, kTitle, kSeason };

struct OrderKey {
  OrderField field = OrderField::kPublishTime;
  bool descending = true;
};

// The first sort key, then up to two more for its ties (AIP-132: "season
// desc, number desc"); the episode id breaks what ties remain, in the first
// key's direction.
struct EpisodeOrder {
  OrderField field = OrderField::kPublishTime;
  bool descending = true;
  std::vector<OrderKey> then;
};

// What a ListEpisodes page token is bound to: the same parent, filter, order
// and show_deleted, or the token is rejected.
uint64_t EpisodeListFingerprint(absl::string_view parent, absl::string_view filter, absl::string_view order_by,
                                bool show_deleted);

// Where a page of a listing ends, as its page token carries it: the last
// episode's sort key (as text: microseconds, number or title) and id, and the
// total the listing counted on its first page, so that later pages need not
// count again.
struct EpisodePagePosition {
  std::string sort_key;
  std::string episode_id;
  int32_t total_size = 0;
  std::vector<std::string> then_keys;  // the order's further keys, in order
};
std::string EncodeEpisodePageToken(uint64_t list_fingerprint, const EpisodePagePosition& position);
// INVALID_ARGUMENT (on "page_token") unless `token` came from
// EncodeEpisodePageToken with the same fingerprint.
absl::StatusOr<EpisodePagePosition> DecodeEpisodePageToken(absl::string_view token, uint64_t list_fingerprint);

// "" (publish_time desc), "publish_time", "number desc", "title", or up to
// three of those fields (and season) separated by commas: "season desc,
// number desc"; INVALID_ARGUMENT on field "order_by" otherwise.
absl::StatusOr<EpisodeOrder> ParseEpisodeOrder(absl::string_view order_by);

// Search text as PostgreSQL's web-search syntax should see it: a word's
// leading minus signs (negation) fold into one and words of minus signs
// alone are dropped. Nested negations overflow the database's query parser
// ("tsquery stack too small"), which is no reason for a search to fail.
std::string NormalizeSearchText(absl::string_view text);

}  // namespace podmeta::domain
