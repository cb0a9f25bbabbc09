// Opaque, unforgeable keyset page tokens (AIP-158), and the watch's resume
// tokens.
//
// A token holds the sort key of the last item of a page, so the next page
// starts right after it ("WHERE key < last"), and page 10,000 costs what page 1
// costs. It also holds a fingerprint of the query (parent, filter, order,
// show_deleted): a token presented with another query is rejected. The whole
// is sealed with AES-256-GCM under the servers' shared secret: a client can
// neither read a token (nothing to depend on: the layout may change) nor
// edit or forge one (the authentication tag fails). Every server that shares
// the secret reads every other's tokens; a secret listed after the first is
// still accepted, so secrets rotate without breaking listings in progress.
//
//   auto fingerprint = QueryFingerprint({parent, filter, order_by});
//   std::string token = EncodePageToken(fingerprint, {publish_time, episode_id});
//   auto keys = DecodePageToken(token, fingerprint);   // {publish_time, episode_id}
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace podmeta::domain {

uint64_t QueryFingerprint(std::initializer_list<absl::string_view> query_parts);

// The secrets tokens are sealed with: the first seals, every one opens.
// Until this is called, a random secret of this process (tokens then die
// with it). Each secret is any non-empty string (hashed into a key).
void SetPageTokenSecrets(const std::vector<std::string>& secrets);

std::string EncodePageToken(uint64_t query_fingerprint, const std::vector<std::string>& last_keys);

// INVALID_ARGUMENT (on field "page_token") for a malformed or edited token or
// one issued for another query.
absl::StatusOr<std::vector<std::string>> DecodePageToken(absl::string_view token, uint64_t query_fingerprint);

// The page size to use: the default for 0, the maximum for anything larger;
// INVALID_ARGUMENT for a negative size.
absl::StatusOr<int32_t> EffectivePageSize(int32_t requested);

}  // namespace podmeta::domain
