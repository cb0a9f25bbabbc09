// Opaque keyset page tokens (AIP-158).
//
// A token holds the sort key of the last item of a page, so the next page
// starts right after it ("WHERE key < last"), and page 10,000 costs what page 1
// costs. It also holds a fingerprint of the query (parent, filter, order,
// show_deleted): a token presented with another query is rejected. A checksum
// catches edited or truncated tokens. Tokens are not secret: they only ever
// lead to data the caller could list anyway.
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

std::string EncodePageToken(uint64_t query_fingerprint, const std::vector<std::string>& last_keys);

// INVALID_ARGUMENT (on field "page_token") for a malformed or edited token or
// one issued for another query.
absl::StatusOr<std::vector<std::string>> DecodePageToken(absl::string_view token, uint64_t query_fingerprint);

// The page size to use: the default for 0, the maximum for anything larger;
// INVALID_ARGUMENT for a negative size.
absl::StatusOr<int32_t> EffectivePageSize(int32_t requested);

}  // namespace podmeta::domain
