// The one place domain statuses become gRPC statuses. Field violations travel
// as a google.rpc.Status with a google.rpc.BadRequest detail in the
// `grpc-status-details-bin` trailer (AIP-193), which every gRPC client library
// can decode.
#pragma once

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace podmeta::api {

grpc::Status ToGrpcStatus(const absl::Status& status);

}  // namespace podmeta::api
