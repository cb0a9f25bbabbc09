// Idempotent creates (AIP-155): the response of a create made with a
// request_id is kept, and a retry with the same id gets it back instead of a
// second write or an ALREADY_EXISTS.
#pragma once

#include <pqxx/pqxx>
#include <string>

#include "absl/status/statusor.h"
#include "google/protobuf/message.h"

namespace podmeta::storage {

// Locks the request id for the rest of the transaction (so concurrent
// retries run one after the other) and loads an earlier response into
// `response`; true when there was one.
absl::StatusOr<bool> LoadEarlierResponse(pqxx::work& transaction, const std::string& podcast_id,
                                         const std::string& request_id, google::protobuf::Message& response);

void RememberResponse(pqxx::work& transaction, const std::string& podcast_id, const std::string& request_id,
                      const google::protobuf::Message& response);

}  // namespace podmeta::storage
