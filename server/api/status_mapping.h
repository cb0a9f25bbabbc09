// The one place domain statuses become gRPC statuses. Every non-OK status
// carries exactly one google.rpc.ErrorInfo (its reason and the domain
// "podmeta"; see docs/errors.md). Field violations travel
// as a google.rpc.Status with a google.rpc.BadRequest detail in the
// `grpc-status-details-bin` trailer (AIP-193), which every gRPC client library
// can decode.
#pragma once

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace podmeta::api {

grpc::Status ToGrpcStatus(const absl::Status& status);

// INVALID_ARGUMENT for request bytes that are no valid message of the
// method's request type (not protobuf, or a string field that is not UTF-8).
absl::Status MalformedRequestStatus();

}  // namespace podmeta::api
