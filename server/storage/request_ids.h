// Retry-safe writes (AIP-155): the response of a write made with a
// request_id is kept in the write's own transaction, and a retry with the
// same id gets it back instead of writing again (or failing: a retried
// DeleteEpisode answers with the deleted episode, not ALREADY_DELETED). The
// id sent again with a different request is REQUEST_ID_REUSED.
//
//   return Once<v1::Episode>(transaction, podcast_id, identity, [&]() -> absl::StatusOr<v1::Episode> {
//     ... the write, in `transaction` ...
//   });
#pragma once

#include <pqxx/pqxx>
#include <string>

#include "absl/status/statusor.h"
#include "domain/requests.h"
#include "google/protobuf/message.h"

namespace podmeta::storage {

// Request ids of writes whose podcast is only known inside the transaction
// (imports) live under this podcast id.
inline constexpr char kImportRequests[] = "";

// Locks the request id for the rest of the transaction (so concurrent
// retries run one after the other) and loads an earlier response into
// `response`; true when there was one. No request id: false, nothing locked.
absl::StatusOr<bool> LoadEarlierResponse(pqxx::work& transaction, const std::string& podcast_id,
                                         const domain::RequestIdentity& identity, google::protobuf::Message& response);

// Keeps `response` for retries (nothing without a request id).
void RememberResponse(pqxx::work& transaction, const std::string& podcast_id, const domain::RequestIdentity& identity,
                      const google::protobuf::Message& response);

// Runs `write` (in `transaction`) unless a request with this identity ran
// before, whose response it then returns; a successful response is kept.
template <typename Response, typename Write>
absl::StatusOr<Response> Once(pqxx::work& transaction, const std::string& podcast_id,
                              const domain::RequestIdentity& identity, Write&& write) {
  Response first;
  absl::StatusOr<bool> repeated = LoadEarlierResponse(transaction, podcast_id, identity, first);
  if (!repeated.ok()) return repeated.status();
  if (*repeated) return first;
  absl::StatusOr<Response> written = write();
  if (written.ok()) RememberResponse(transaction, podcast_id, identity, *written);
  return written;
}

}  // namespace podmeta::storage
