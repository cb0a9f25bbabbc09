// Domain errors. Every layer below the gRPC handlers reports failure as an
// absl::Status; an INVALID_ARGUMENT may carry field violations (as a
// google.rpc.BadRequest payload) naming each bad field, which the api layer
// forwards to the client unchanged.
//
//   Violations violations;
//   violations.Add("episode.title", "must not be empty");
//   if (!violations.empty()) return violations.ToStatus();
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"

namespace podmeta::domain {

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
  void Merge(const absl::Status& status, absl::string_view field);
  bool empty() const { return list_.empty(); }
  const std::vector<FieldViolation>& list() const { return list_; }
  // INVALID_ARGUMENT listing every violation; OK when there are none.
  absl::Status ToStatus() const;

 private:
  std::vector<FieldViolation> list_;
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
absl::Status InvalidField(std::string field, std::string description);

// The field violations an INVALID_ARGUMENT carries (none for other statuses).
std::vector<FieldViolation> FieldViolationsOf(const absl::Status& status);

}  // namespace podmeta::domain
