#include "storage/request_ids.h"

#include <optional>

#include "absl/strings/escaping.h"
#include "domain/errors.h"
#include "domain/resource_names.h"
#include "podmeta/v1/resources.pb.h"
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

namespace {

// The episode `response` holds, for erasing it later: its id for an episode,
// "" for a podcast (no episode), nullopt for anything else (an import's
// answer may hold any episode of its podcast).
std::optional<std::string> EpisodeHeldBy(const google::protobuf::Message& response) {
  if (const auto* episode = dynamic_cast<const v1::Episode*>(&response)) {
    absl::StatusOr<domain::EpisodeKey> key = domain::ParseEpisodeName(episode->name(), "name");
    if (key.ok()) return key->episode_id;
    return std::nullopt;
  }
  if (dynamic_cast<const v1::Podcast*>(&response) != nullptr) return std::string();
  return std::nullopt;
}

}  // namespace

void RememberResponse(pqxx::work& transaction, const std::string& podcast_id, const domain::RequestIdentity& identity,
                      const google::protobuf::Message& response) {
  if (identity.empty()) return;
  const std::string bytes = absl::Base64Escape(response.SerializeAsString());
  if (std::optional<std::string> held = EpisodeHeldBy(response)) {
    transaction.exec_prepared(StatementName(kInsertRequestId), podcast_id, identity.request_id, bytes,
                              identity.fingerprint, *held);
  } else {
    transaction.exec_prepared(StatementName(kInsertRequestId), podcast_id, identity.request_id, bytes,
                              identity.fingerprint, nullptr);
  }
}

}  // namespace podmeta::storage
