#include "storage/request_ids.h"

#include "absl/strings/escaping.h"
#include "domain/errors.h"
#include "storage/queries.h"

namespace podmeta::storage {

absl::StatusOr<bool> LoadEarlierResponse(pqxx::work& transaction, const std::string& podcast_id,
                                         const domain::RequestIdentity& identity, google::protobuf::Message& response) {
  if (identity.empty()) return false;
  transaction.exec_prepared(StatementName(kLockRequestId), podcast_id, identity.request_id);
  const pqxx::result earlier =
      transaction.exec_prepared(StatementName(kSelectRequestId), podcast_id, identity.request_id);
  if (earlier.empty()) return false;
  const std::string fingerprint = earlier[0]["fingerprint"].as<std::string>();
  if (!fingerprint.empty() && fingerprint != identity.fingerprint) {
    return domain::InvalidField("request_id",
                                "was sent before with a different request; use a new request_id for a new request",
                                domain::Reason::kRequestIdReused);
  }
  std::string bytes;
  if (!absl::Base64Unescape(earlier[0]["response"].c_str(), &bytes) || !response.ParseFromString(bytes)) {
    return domain::Error(domain::Reason::kInternal, "the stored response of an earlier request is unreadable");
  }
  return true;
}

void RememberResponse(pqxx::work& transaction, const std::string& podcast_id, const domain::RequestIdentity& identity,
                      const google::protobuf::Message& response) {
  if (identity.empty()) return;
  transaction.exec_prepared(StatementName(kInsertRequestId), podcast_id, identity.request_id,
                            absl::Base64Escape(response.SerializeAsString()), identity.fingerprint);
}

}  // namespace podmeta::storage
