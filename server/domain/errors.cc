#include "domain/errors.h"

#include "absl/strings/cord.h"
#include "google/rpc/error_details.pb.h"

namespace podmeta::domain {

void Violations::Add(std::string field, std::string description) {
  list_.push_back({std::move(field), std::move(description)});
}

void Violations::Append(const std::vector<FieldViolation>& more) {
  list_.insert(list_.end(), more.begin(), more.end());
}

absl::Status Violations::ToStatus() const {
  if (list_.empty()) return absl::OkStatus();
  std::string message;
  google::rpc::BadRequest bad_request;
  for (const FieldViolation& violation : list_) {
    if (!message.empty()) message += "; ";
    message += violation.field + ": " + violation.description;
    auto* added = bad_request.add_field_violations();
    added->set_field(violation.field);
    added->set_description(violation.description);
  }
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
