#include "domain/page_token.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/escaping.h"
#include "domain/errors.h"

namespace podmeta::domain {
namespace {

using ::testing::ElementsAre;

TEST(PageToken, RoundTripsKeysForTheSameQuery) {
  const uint64_t query = QueryFingerprint({"episodes", "podcasts/core-py", ""});
  const std::string token = EncodePageToken(query, {"1725321600000000", "14", std::string("a\0b", 3)});
  auto keys = DecodePageToken(token, query);
  ASSERT_TRUE(keys.ok()) << keys.status();
  EXPECT_THAT(*keys, ElementsAre("1725321600000000", "14", std::string("a\0b", 3)));
}

TEST(PageToken, IsRejectedForAnotherQuery) {
  const std::string token = EncodePageToken(QueryFingerprint({"episodes", "podcasts/a"}), {"1", "x"});
  auto keys = DecodePageToken(token, QueryFingerprint({"episodes", "podcasts/b"}));
  ASSERT_EQ(keys.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldViolationsOf(keys.status()).at(0).field, "page_token");
}

TEST(PageToken, FingerprintSeparatesItsParts) {
  EXPECT_NE(QueryFingerprint({"ab", "c"}), QueryFingerprint({"a", "bc"}));
}

TEST(PageToken, AnyEditedCharacterIsDetected) {
  const uint64_t query = QueryFingerprint({"q"});
  const std::string token = EncodePageToken(query, {"1725321600000000", "episode-id"});
  for (size_t i = 0; i < token.size(); ++i) {
    std::string edited = token;
    edited[i] = edited[i] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(DecodePageToken(edited, query).ok()) << "edit at " << i << " went unnoticed";
  }
}

TEST(PageToken, IsOpaqueAndDiffersEachTime) {
  const uint64_t query = QueryFingerprint({"q"});
  const std::string token = EncodePageToken(query, {"episode-id-readable"});
  std::string raw;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(token, &raw));
  EXPECT_EQ(raw.find("episode-id-readable"), std::string::npos);
  EXPECT_NE(EncodePageToken(query, {"episode-id-readable"}), token);  // a fresh nonce each time
}

TEST(PageToken, OnlyServersSharingTheSecretReadEachOthersTokensAndSecretsRotate) {
  const uint64_t query = QueryFingerprint({"q"});
  SetPageTokenSecrets({"old secret"});
  const std::string old_token = EncodePageToken(query, {"k"});
  SetPageTokenSecrets({"another deployment's secret"});
  const absl::Status foreign = DecodePageToken(old_token, query).status();
  EXPECT_EQ(ReasonOf(foreign), Reason::kInvalidPageToken);
  // Rotation: the new secret seals, the old one still opens.
  SetPageTokenSecrets({"new secret", "old secret"});
  ASSERT_TRUE(DecodePageToken(old_token, query).ok());
  const std::string new_token = EncodePageToken(query, {"k"});
  SetPageTokenSecrets({"new secret"});
  EXPECT_TRUE(DecodePageToken(new_token, query).ok());
  EXPECT_FALSE(DecodePageToken(old_token, query).ok());
  // Empty secrets are ignored, never a key anyone could guess.
  SetPageTokenSecrets({""});
  EXPECT_TRUE(DecodePageToken(new_token, query).ok());
}

TEST(PageToken, GarbageAndTruncationAreInvalidArgument) {
  const uint64_t query = QueryFingerprint({"q"});
  for (const std::string& garbage : {std::string("not a token"), std::string("AAAA"), std::string("")}) {
    EXPECT_EQ(DecodePageToken(garbage, query).status().code(), absl::StatusCode::kInvalidArgument);
  }
  const std::string token = EncodePageToken(query, {"k"});
  EXPECT_FALSE(DecodePageToken(token.substr(0, token.size() - 2), query).ok());
}

TEST(PageSize, DefaultsClampsAndRejectsNegative) {
  EXPECT_EQ(*EffectivePageSize(0), 50);
  EXPECT_EQ(*EffectivePageSize(7), 7);
  EXPECT_EQ(*EffectivePageSize(5000), 1000);
  EXPECT_EQ(EffectivePageSize(-1).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace podmeta::domain
