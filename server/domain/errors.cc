#include "domain/errors.h"

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "google/rpc/error_details.pb.h"

namespace podmeta::domain {

void Violations::Add(std::string field, std::string description) {
  list_.push_back({std::move(field), std::move(description)});
}

void Violations::Append(const std::vector<FieldViolation>& more) {
  list_.insert(list_.end(), more.begin(), more.end());
}

namespace {

// Error trailers travel in HTTP/2 headers; clients refuse large ones (8 KiB
// by default), so what one status carries is bounded.
constexpr size_t kMaxQuotedBytes = 80;
constexpr size_t kMaxMessageBytes = 1024;
constexpr size_t kMaxDetailedViolations = 50;

// Cuts at a character boundary, at most `limit` bytes.
absl::string_view Prefix(absl::string_view text, size_t limit) {
  if (text.size() <= limit) return text;
  size_t cut = limit;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return text.substr(0, cut);
}

}  // namespace

std::string Quoted(absl::string_view value) {
  const absl::string_view shown = Prefix(value, kMaxQuotedBytes);
  return absl::StrCat("\"", shown, shown.size() < value.size() ? "…" : "", "\"");
}

absl::Status Violations::ToStatus() const {
  if (list_.empty()) return absl::OkStatus();
  std::string message;
  google::rpc::BadRequest bad_request;
  for (const FieldViolation& violation : list_) {
    if (bad_request.field_violations_size() == static_cast<int>(kMaxDetailedViolations)) {
      absl::StrAppend(&message, "; and ", list_.size() - kMaxDetailedViolations, " more");
      break;
    }
    if (!message.empty()) message += "; ";
    message += violation.field + ": " + violation.description;
    auto* added = bad_request.add_field_violations();
    added->set_field(violation.field);
    added->set_description(violation.description);
  }
  if (message.size() > kMaxMessageBytes) message = absl::StrCat(Prefix(message, kMaxMessageBytes), "…");
  absl::Status status = absl::InvalidArgumentError(message);
  status.SetPayload(kBadRequestTypeUrl, absl::Cord(bad_request.SerializeAsString()));
  return status;
}

absl::Status InvalidField(std::string field, std::string description) {
  Violations violations;
  violations.Add(std::move(field), std::move(description));
  return violations.ToStatus();
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
