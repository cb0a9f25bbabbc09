#include "api/status_mapping.h"

#include <spdlog/spdlog.h>

#include <optional>
#include <string>

#include "domain/errors.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace podmeta::api {

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  // absl::StatusCode and grpc::StatusCode share google.rpc.Code's numbering.
  const auto code = static_cast<grpc::StatusCode>(status.code());
  std::string message = domain::Truncated(domain::ValidUtf8(status.message()), domain::kMaxMessageBytes);
  if (code == grpc::StatusCode::INTERNAL || code == grpc::StatusCode::UNKNOWN) {
    // What went wrong inside is for the operator (it may hold SQL or
    // internals), not the caller.
    spdlog::error("internal error: {}", message);
    message = "internal error; the server's log has the details";
  }
  google::rpc::Status details;
  details.set_code(static_cast<int>(status.code()));
  details.set_message(message);
  const std::vector<domain::FieldViolation> violations = domain::FieldViolationsOf(status);
  if (!violations.empty()) {
    google::rpc::BadRequest bad_request;
    for (const domain::FieldViolation& violation : violations) {
      auto* added = bad_request.add_field_violations();
      added->set_field(violation.field);
      added->set_description(violation.description);
    }
    details.add_details()->PackFrom(bad_request);
  }
  // When to retry, where the error says (a host's 429).
  if (const auto retry = status.GetPayload(domain::kRetryInfoTypeUrl)) {
    google::rpc::RetryInfo info;
    if (info.ParseFromString(std::string(*retry))) details.add_details()->PackFrom(info);
  }
  // Exactly one ErrorInfo (AIP-193), after any BadRequest (clients written
  // before ErrorInfo was sent look at the first detail): the reason attached
  // where the error was made; a status from a library without one gets the
  // code's name, and an internal error no metadata (it may name internals).
  google::rpc::ErrorInfo info;
  const auto attached = status.GetPayload(domain::kErrorInfoTypeUrl);
  if (!attached || !info.ParseFromString(std::string(*attached)) || info.reason().empty()) {
    info.Clear();
    info.set_reason(code == grpc::StatusCode::INTERNAL ? std::string(domain::InfoOf(domain::Reason::kInternal).name)
                                                       : absl::StatusCodeToString(status.code()));
    info.set_domain(std::string(domain::kErrorDomain));
  }
  if (code == grpc::StatusCode::INTERNAL || code == grpc::StatusCode::UNKNOWN) info.clear_metadata();
  details.add_details()->PackFrom(info);
  return grpc::Status(code, message, details.SerializeAsString());
}

absl::Status MalformedRequestStatus() {
  return domain::InvalidField(
      "request", "is not a valid protobuf message for this method (malformed, or a string field that is not UTF-8)",
      domain::Reason::kMalformedRequest);
}

}  // namespace podmeta::api
