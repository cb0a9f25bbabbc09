#include "domain/errors.h"

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "google/rpc/error_details.pb.h"

namespace podmeta::domain {

void Violations::Add(std::string field, std::string description) {
  list_.push_back({ValidUtf8(field), ValidUtf8(description)});
}

void Violations::Merge(const absl::Status& status, absl::string_view field) {
  if (status.ok()) return;
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

absl::Status Violations::ToStatus() const {
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
