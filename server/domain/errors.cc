#include "domain/errors.h"

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "google/rpc/error_details.pb.h"

namespace podmeta::domain {

const std::vector<ReasonInfo>& AllReasons() {
  using C = absl::StatusCode;
  static const auto* const kCatalog = new std::vector<ReasonInfo>{
      {Reason::kInvalidFields, "INVALID_FIELDS", C::kInvalidArgument},
      {Reason::kMalformedRequest, "MALFORMED_REQUEST", C::kInvalidArgument},
      {Reason::kInvalidPageToken, "INVALID_PAGE_TOKEN", C::kInvalidArgument},
      {Reason::kPageTokenMismatch, "PAGE_TOKEN_MISMATCH", C::kInvalidArgument},
      {Reason::kInvalidResumeToken, "INVALID_RESUME_TOKEN", C::kInvalidArgument},
      {Reason::kResumeTokenMismatch, "RESUME_TOKEN_MISMATCH", C::kInvalidArgument},
      {Reason::kUnstorableValue, "UNSTORABLE_VALUE", C::kInvalidArgument},
      {Reason::kRequestIdReused, "REQUEST_ID_REUSED", C::kInvalidArgument},
      {Reason::kPodcastNotFound, "PODCAST_NOT_FOUND", C::kNotFound},
      {Reason::kEpisodeNotFound, "EPISODE_NOT_FOUND", C::kNotFound},
      {Reason::kChapterNotFound, "CHAPTER_NOT_FOUND", C::kNotFound},
      {Reason::kAlreadyDeleted, "ALREADY_DELETED", C::kNotFound},
      {Reason::kResourceDeleted, "RESOURCE_DELETED", C::kNotFound},
      {Reason::kRouteNotFound, "ROUTE_NOT_FOUND", C::kNotFound},
      {Reason::kPodcastExists, "PODCAST_EXISTS", C::kAlreadyExists},
      {Reason::kEpisodeExists, "EPISODE_EXISTS", C::kAlreadyExists},
      {Reason::kNotDeleted, "NOT_DELETED", C::kAlreadyExists},
      {Reason::kDuplicateResource, "DUPLICATE_RESOURCE", C::kAlreadyExists},
      {Reason::kParentDeleted, "PARENT_DELETED", C::kFailedPrecondition},
      {Reason::kPodcastHasEpisodes, "PODCAST_HAS_EPISODES", C::kFailedPrecondition},
      {Reason::kFeedOfOtherPodcast, "FEED_OF_OTHER_PODCAST", C::kFailedPrecondition},
      {Reason::kFeedTooLarge, "FEED_TOO_LARGE", C::kFailedPrecondition},
      {Reason::kFeedTooManyRedirects, "FEED_TOO_MANY_REDIRECTS", C::kFailedPrecondition},
      {Reason::kFeedRefused, "FEED_REFUSED", C::kFailedPrecondition},
      {Reason::kServerMisconfigured, "SERVER_MISCONFIGURED", C::kFailedPrecondition},
      {Reason::kResumeTokenExpired, "RESUME_TOKEN_EXPIRED", C::kFailedPrecondition},
      {Reason::kEtagMismatch, "ETAG_MISMATCH", C::kAborted},
      {Reason::kWriteConflict, "WRITE_CONFLICT", C::kAborted},
      {Reason::kDatabaseUnavailable, "DATABASE_UNAVAILABLE", C::kUnavailable},
      {Reason::kCommitOutcomeUnknown, "COMMIT_OUTCOME_UNKNOWN", C::kUnavailable},
      {Reason::kFeedUnreachable, "FEED_UNREACHABLE", C::kUnavailable},
      {Reason::kFeedServerError, "FEED_SERVER_ERROR", C::kUnavailable},
      {Reason::kFeedRateLimited, "FEED_RATE_LIMITED", C::kUnavailable},
      {Reason::kServerStarting, "SERVER_STARTING", C::kUnavailable},
      {Reason::kListenFailed, "LISTEN_FAILED", C::kUnavailable},
      {Reason::kDeadlinePassedWaiting, "DEADLINE_PASSED_WAITING", C::kDeadlineExceeded},
      {Reason::kQueryTimeout, "QUERY_TIMEOUT", C::kDeadlineExceeded},
      {Reason::kFeedFetchTimeout, "FEED_FETCH_TIMEOUT", C::kDeadlineExceeded},
      {Reason::kServerOverloaded, "SERVER_OVERLOADED", C::kResourceExhausted},
      {Reason::kTooManyWatchers, "TOO_MANY_WATCHERS", C::kResourceExhausted},
      {Reason::kAnswerTooLarge, "ANSWER_TOO_LARGE", C::kResourceExhausted},
      {Reason::kTokenMissing, "TOKEN_MISSING", C::kUnauthenticated},
      {Reason::kTokenMalformed, "TOKEN_MALFORMED", C::kUnauthenticated},
      {Reason::kTokenNotAllowed, "TOKEN_NOT_ALLOWED", C::kPermissionDenied},
      {Reason::kReadOnlyServer, "READ_ONLY_SERVER", C::kPermissionDenied},
      {Reason::kCallCancelled, "CALL_CANCELLED", C::kCancelled},
      {Reason::kInternal, "INTERNAL_ERROR", C::kInternal},
  };
  return *kCatalog;
}

const ReasonInfo& InfoOf(Reason reason) { return AllReasons()[static_cast<size_t>(reason)]; }

absl::Status WithReason(absl::Status status, Reason reason, const ErrorMetadata& metadata) {
  if (status.ok()) return status;
  google::rpc::ErrorInfo info;
  info.set_reason(std::string(InfoOf(reason).name));
  info.set_domain(std::string(kErrorDomain));
  for (const auto& [key, value] : metadata) (*info.mutable_metadata())[key] = Truncated(ValidUtf8(value), 200);
  status.SetPayload(kErrorInfoTypeUrl, absl::Cord(info.SerializeAsString()));
  return status;
}

absl::Status WithRetryDelay(absl::Status status, std::chrono::seconds delay) {
  if (status.ok()) return status;
  google::rpc::RetryInfo retry;
  retry.mutable_retry_delay()->set_seconds(delay.count());
  status.SetPayload(kRetryInfoTypeUrl, absl::Cord(retry.SerializeAsString()));
  return status;
}

absl::Status Error(Reason reason, std::string message, const ErrorMetadata& metadata) {
  return WithReason(absl::Status(InfoOf(reason).code, message), reason, metadata);
}

std::optional<Reason> ReasonOf(const absl::Status& status) {
  const auto payload = status.GetPayload(kErrorInfoTypeUrl);
  google::rpc::ErrorInfo info;
  if (!payload || !info.ParseFromString(std::string(*payload))) return std::nullopt;
  for (const ReasonInfo& known : AllReasons()) {
    if (known.name == info.reason()) return known.reason;
  }
  return std::nullopt;
}

void Violations::Add(std::string field, std::string description) {
  list_.push_back({ValidUtf8(field), ValidUtf8(description)});
}

void Violations::Merge(const absl::Status& status, absl::string_view field) {
  if (status.ok()) return;
  if (const std::optional<Reason> reason = ReasonOf(status);
      !merged_reason_ && reason && *reason != Reason::kInvalidFields && InfoOf(*reason).code == status.code() &&
      status.code() == absl::StatusCode::kInvalidArgument) {
    merged_reason_ = reason;
  }
  std::vector<FieldViolation> carried = FieldViolationsOf(status);
  if (carried.empty()) {
    Add(std::string(field), std::string(status.message().empty() ? "is not valid" : status.message()));
    return;
  }
  Append(carried);
}

void Violations::Append(const std::vector<FieldViolation>& more) {
  for (const FieldViolation& violation : more) Add(violation.field, violation.description);
}

namespace {

// Error trailers travel in HTTP/2 headers; clients refuse large ones (8 KiB
// by default), so what one status carries is bounded: the message (sent
// percent-encoded, up to three bytes a byte, and again inside the details)
// and the serialized field violations (sent in base64) stay well under it.
constexpr size_t kMaxQuotedBytes = 80;
constexpr size_t kMaxDetailedViolations = 50;
constexpr size_t kMaxFieldBytes = 200;
constexpr size_t kMaxDescriptionBytes = 400;
constexpr size_t kMaxDetailBytes = 2500;

// Cuts at a character boundary, at most `limit` bytes.
absl::string_view Prefix(absl::string_view text, size_t limit) {
  if (text.size() <= limit) return text;
  size_t cut = limit;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return text.substr(0, cut);
}

// Length of the valid UTF-8 character at the start of `text`, 0 if none.
size_t Utf8CharLength(absl::string_view text) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(0);
  size_t length = 0;
  unsigned char low = 0x80, high = 0xBF;  // bounds of the second byte
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;   // no overlong forms
    if (lead == 0xED) high = 0x9F;  // no surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;
    if (lead == 0xF4) high = 0x8F;
  } else {
    return 0;
  }
  if (text.size() < length || byte(1) < low || byte(1) > high) return 0;
  for (size_t i = 2; i < length; ++i) {
    if ((byte(i) & 0xC0) != 0x80) return 0;
  }
  return length;
}

}  // namespace

std::string ValidUtf8(absl::string_view text) {
  std::string valid;
  valid.reserve(text.size());
  while (!text.empty()) {
    const size_t length = Utf8CharLength(text);
    if (length == 0) {
      valid += "\xEF\xBF\xBD";  // U+FFFD
      text.remove_prefix(1);
    } else {
      valid.append(text.data(), length);
      text.remove_prefix(length);
    }
  }
  return valid;
}

std::string Truncated(absl::string_view text, size_t limit) {
  const absl::string_view shown = Prefix(text, limit);
  return shown.size() < text.size() ? absl::StrCat(shown, "…") : std::string(shown);
}

std::string Quoted(absl::string_view value) { return absl::StrCat("\"", Truncated(value, kMaxQuotedBytes), "\""); }

absl::Status Violations::ToStatus(Reason reason) const {
  if (list_.empty()) return absl::OkStatus();
  std::string message;
  std::string more;
  google::rpc::BadRequest bad_request;
  size_t detail_bytes = 0;
  for (size_t i = 0; i < list_.size(); ++i) {
    const FieldViolation& violation = list_[i];
    google::rpc::BadRequest::FieldViolation added;
    added.set_field(Truncated(violation.field, kMaxFieldBytes));
    added.set_description(Truncated(violation.description, kMaxDescriptionBytes));
    const size_t added_bytes = added.ByteSizeLong() + 4;
    if (i == kMaxDetailedViolations || detail_bytes + added_bytes > kMaxDetailBytes) {
      more = absl::StrCat("; and ", list_.size() - i, " more");
      break;
    }
    if (!message.empty()) message += "; ";
    absl::StrAppend(&message, added.field(), ": ", added.description());
    detail_bytes += added_bytes;
    *bad_request.add_field_violations() = std::move(added);
  }
  absl::Status status =
      absl::InvalidArgumentError(absl::StrCat(Truncated(message, kMaxMessageBytes - more.size() - 3), more));
  status.SetPayload(kBadRequestTypeUrl, absl::Cord(bad_request.SerializeAsString()));
  return WithReason(std::move(status), reason == Reason::kInvalidFields && merged_reason_ ? *merged_reason_ : reason);
}

absl::Status InvalidField(std::string field, std::string description, Reason reason) {
  Violations violations;
  violations.Add(std::move(field), std::move(description));
  return violations.ToStatus(reason);
}

std::vector<FieldViolation> FieldViolationsOf(const absl::Status& status) {
  std::vector<FieldViolation> result;
  auto payload = status.GetPayload(kBadRequestTypeUrl);
  google::rpc::BadRequest bad_request;
  if (!payload || !bad_request.ParseFromString(std::string(*payload))) return result;
  for (const auto& violation : bad_request.field_violations()) {
    result.push_back({violation.field(), violation.description()});
  }
  return result;
}

}  // namespace podmeta::domain
