// Domain errors. Every layer below the gRPC handlers reports failure as an
// absl::Status made here, with a Reason: a machine-readable cause that
// travels to the client as a google.rpc.ErrorInfo (AIP-193), so programs can
// branch on the cause instead of parsing messages. An INVALID_ARGUMENT may
// also carry field violations (as a google.rpc.BadRequest payload) naming
// each bad field, which the api layer forwards to the client unchanged.
//
//   Violations violations;
//   violations.Add("episode.title", "must not be empty");
//   if (!violations.empty()) return violations.ToStatus();
//
//   return Error(Reason::kEpisodeNotFound, "episode ... does not exist", {{"episode", name}});
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"

namespace podmeta::domain {

// Every cause of an error podmeta reports, one reason each. The catalog
// below gives each its ErrorInfo.reason and its one status code;
// docs/errors.md documents each (a test keeps the two in step).
enum class Reason {
  // INVALID_ARGUMENT
  kInvalidFields,        // fields of the request are at fault; BadRequest names them
  kMalformedRequest,     // the bytes are no message of the method's request type
  kInvalidPageToken,     // not a page token podmeta issued, or edited
  kPageTokenMismatch,    // a page token from another query
  kInvalidResumeToken,   // not a resume token podmeta issued, or edited
  kResumeTokenMismatch,  // a resume token from another podcast's watch
  kUnstorableValue,      // a value the database cannot store or compare
  kRequestIdReused,      // a request_id already used by a different request
  // NOT_FOUND
  kPodcastNotFound,
  kEpisodeNotFound,
  kChapterNotFound,  // UpdateChapter or DeleteChapter by a chapter_id the episode does not have
  kAlreadyDeleted,   // Delete of a soft-deleted resource (AIP-164)
  kResourceDeleted,  // a file or feed of a soft-deleted resource (HTTP 410)
  kRouteNotFound,    // HTTP: no such route
  // ALREADY_EXISTS
  kPodcastExists,
  kEpisodeExists,
  kNotDeleted,         // Undelete of a resource that is not deleted (AIP-164)
  kDuplicateResource,  // a concurrent write stored the same id or guid first
  // FAILED_PRECONDITION
  kParentDeleted,       // a write under a soft-deleted podcast
  kPodcastHasEpisodes,  // DeletePodcast of a podcast with live episodes, without force
  kFeedOfOtherPodcast,  // the target podcast imports another feed
  kFeedTooLarge,        // the fetched feed exceeds the byte limit
  kFeedTooManyRedirects,
  kFeedRefused,          // the feed's server answered 4xx
  kServerMisconfigured,  // startup: a flag or file the server cannot use
  kResumeTokenExpired,   // the change log no longer holds what followed the token
  // ABORTED
  kEtagMismatch,
  kWriteConflict,  // a concurrent write won; retrying is safe
  // UNAVAILABLE
  kDatabaseUnavailable,
  kCommitOutcomeUnknown,  // the commit's outcome is unknown; retry with the same request_id
  kFeedUnreachable,
  kFeedServerError,  // the feed's server answered 5xx
  kFeedRateLimited,  // the feed's server answered 429; RetryInfo says when to try again
  kServerStarting,
  kListenFailed,  // startup: an address the server cannot listen on
  // DEADLINE_EXCEEDED
  kDeadlinePassedWaiting,  // the deadline passed before the work started
  kQueryTimeout,           // the deadline passed while the database worked
  kFeedFetchTimeout,
  // RESOURCE_EXHAUSTED
  kServerOverloaded,
  kTooManyWatchers,
  kAnswerTooLarge,  // a BatchGetEpisodes answer above its byte limit
  // UNAUTHENTICATED
  kTokenMissing,
  kTokenMalformed,
  // PERMISSION_DENIED
  kTokenNotAllowed,
  kReadOnlyServer,
  // CANCELLED
  kCallCancelled,
  // INTERNAL
  kInternal,
};

struct ReasonInfo {
  Reason reason;
  absl::string_view name;  // ErrorInfo.reason, UPPER_SNAKE_CASE
  absl::StatusCode code;
};

// The whole catalog, in the order of the enum.
const std::vector<ReasonInfo>& AllReasons();
const ReasonInfo& InfoOf(Reason reason);

// ErrorInfo.domain of every podmeta error.
inline constexpr absl::string_view kErrorDomain = "podmeta";

// The payload key under which an absl::Status carries a serialized
// google.rpc.ErrorInfo.
inline constexpr absl::string_view kErrorInfoTypeUrl = "type.googleapis.com/google.rpc.ErrorInfo";

// Values a message names (a resource, a limit), for ErrorInfo.metadata;
// keys are lowerCamelCase.
using ErrorMetadata = std::vector<std::pair<std::string, std::string>>;

// A status with the reason's code, `message`, and an ErrorInfo.
absl::Status Error(Reason reason, std::string message, const ErrorMetadata& metadata = {});

// `status` with `reason` attached (its code unchanged); OK stays OK.
absl::Status WithReason(absl::Status status, Reason reason, const ErrorMetadata& metadata = {});

// The reason attached to `status`, if any.
std::optional<Reason> ReasonOf(const absl::Status& status);

// The payload key under which an absl::Status carries a serialized
// google.rpc.RetryInfo: how long the caller should wait before retrying.
inline constexpr absl::string_view kRetryInfoTypeUrl = "type.googleapis.com/google.rpc.RetryInfo";
absl::Status WithRetryDelay(absl::Status status, std::chrono::seconds delay);

// The payload key under which an absl::Status carries a serialized
// google.rpc.BadRequest.
inline constexpr absl::string_view kBadRequestTypeUrl = "type.googleapis.com/google.rpc.BadRequest";

struct FieldViolation {
  std::string field;
  std::string description;
};

// Collects every problem in a request, so a client learns about all of them
// at once instead of one per round trip.
class Violations {
 public:
  void Add(std::string field, std::string description);
  void Append(const std::vector<FieldViolation>& more);
  // Adds what an error says: its field violations, or, when it carries none
  // (another code, or a detail that does not parse), one violation of
  // `field` with its message, so an error is never dropped. OK adds nothing.
  // The first merged reason more specific than INVALID_FIELDS (say,
  // PAGE_TOKEN_MISMATCH) becomes the reason of ToStatus.
  void Merge(const absl::Status& status, absl::string_view field);
  bool empty() const { return list_.empty(); }
  const std::vector<FieldViolation>& list() const { return list_; }
  // INVALID_ARGUMENT listing every violation; OK when there are none.
  absl::Status ToStatus(Reason reason = Reason::kInvalidFields) const;

 private:
  std::vector<FieldViolation> list_;
  std::optional<Reason> merged_reason_;
};

// `text` as valid UTF-8: each byte that is not part of a valid UTF-8
// character becomes U+FFFD. Error texts and field violations pass through
// it, because a protobuf string holding invalid UTF-8 cannot be parsed.
std::string ValidUtf8(absl::string_view text);

// At most `limit` bytes of `text`, cut at a character boundary, with "…"
// added when cut.
std::string Truncated(absl::string_view text, size_t limit);

// A value from a request, quoted for an error message and cut to a length
// that keeps error trailers small whatever the client sent.
std::string Quoted(absl::string_view value);

// The most bytes of message a status sent to a client carries (see
// ToStatus); longer messages are cut at a character boundary.
inline constexpr size_t kMaxMessageBytes = 512;

// INVALID_ARGUMENT for a single bad field.
absl::Status InvalidField(std::string field, std::string description, Reason reason = Reason::kInvalidFields);

// The field violations an INVALID_ARGUMENT carries (none for other statuses).
std::vector<FieldViolation> FieldViolationsOf(const absl::Status& status);

}  // namespace podmeta::domain
