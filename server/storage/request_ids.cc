#include "storage/request_ids.h"

#include "absl/strings/escaping.h"
#include "domain/errors.h"
#include "storage/queries.h"

namespace podmeta::storage {

absl::StatusOr<bool> LoadEarlierResponse(pqxx::work& transaction, const std::string& podcast_id,
                                         const std::string& request_id, google::protobuf::Message& response) {
  transaction.exec_prepared(StatementName(kLockRequestId), podcast_id, request_id);
  const pqxx::result earlier = transaction.exec_prepared(StatementName(kSelectRequestId), podcast_id, request_id);
  if (earlier.empty()) return false;
  std::string bytes;
  if (!absl::Base64Unescape(earlier[0][0].c_str(), &bytes) || !response.ParseFromString(bytes)) {
    return domain::Error(domain::Reason::kInternal, "the stored response of an earlier request is unreadable");
  }
  return true;
}

void RememberResponse(pqxx::work& transaction, const std::string& podcast_id, const std::string& request_id,
                      const google::protobuf::Message& response) {
  transaction.exec_prepared(StatementName(kInsertRequestId), podcast_id, request_id,
                            absl::Base64Escape(response.SerializeAsString()));
}

}  // namespace podmeta::storage
