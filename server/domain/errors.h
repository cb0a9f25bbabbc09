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
  bool empty() const { return list_.empty(); }
  const std::vector<FieldViolation>& list() const { return list_; }
  // INVALID_ARGUMENT listing every violation; OK when there are none.
  absl::Status ToStatus() const;

 private:
  std::vector<FieldViolation> list_;
};

// A value from a request, quoted for an error message and cut to a length
// that keeps error trailers small whatever the client sent.
std::string Quoted(absl::string_view value);

// INVALID_ARGUMENT for a single bad field.
absl::Status InvalidField(std::string field, std::string description);

// The field violations an INVALID_ARGUMENT carries (none for other statuses).
std::vector<FieldViolation> FieldViolationsOf(const absl::Status& status);

}  // namespace podmeta::domain
