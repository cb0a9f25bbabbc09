// Who may write: bearer tokens from a token file, reloaded on demand; reads
// stay open; no token file means loopback only.
#include "api/write_access.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "podmeta/client.h"
#include "support/grpc_test_helpers.h"
#include "support/test_server.h"

namespace podmeta {
namespace {

std::string WriteTokenFile(const std::string& content) {
  const auto path = std::filesystem::temp_directory_path() / ("podmeta-tokens-" + std::to_string(getpid()));
  std::ofstream(path) << content;
  return path.string();
}

grpc::Status CreatePodcast(testing::TestServer& server, const std::string& id, const std::string& token) {
  v1::CreatePodcastRequest request;
  request.set_podcast_id(id);
  request.mutable_podcast()->set_title(id);
  grpc::ClientContext context;
  if (!token.empty()) context.AddMetadata("authorization", token);
  v1::Podcast created;
  return server.podcasts().CreatePodcast(&context, request, &created);
}

TEST(WriteAccess, WritesNeedAValidBearerTokenAndReadsDoNot) {
  const std::string tokens = WriteTokenFile("# deploy tokens\nfirst-secret\n\n  second-secret  \n");
  testing::TestServer server(tokens);
  EXPECT_EQ(CreatePodcast(server, "none", "").error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(CreatePodcast(server, "basic", "Basic Zm9vOmJhcg==").error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(CreatePodcast(server, "wrong", "Bearer first-secreT").error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(CreatePodcast(server, "prefix", "Bearer first").error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(CreatePodcast(server, "comment", "Bearer # deploy tokens").error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // Each refusal names its cause (docs/errors.md).
  EXPECT_EQ(ErrorReason(FromGrpcStatus(CreatePodcast(server, "none", ""))), "TOKEN_MISSING");
  EXPECT_EQ(ErrorReason(FromGrpcStatus(CreatePodcast(server, "basic", "Basic Zm9vOmJhcg=="))), "TOKEN_MALFORMED");
  EXPECT_EQ(ErrorReason(FromGrpcStatus(CreatePodcast(server, "wrong", "Bearer first-secreT"))), "TOKEN_NOT_ALLOWED");
  EXPECT_TRUE(CreatePodcast(server, "first", "Bearer first-secret").ok());
  EXPECT_TRUE(CreatePodcast(server, "second", "Bearer second-secret").ok());

  // Every kind of write is guarded, episodes and chapters too.
  v1::CreateEpisodeRequest create;
  create.set_parent("podcasts/first");
  *create.mutable_episode() = testing::MakeEpisode("E", 1, 0);
  grpc::ClientContext create_context;
  v1::Episode episode;
  EXPECT_EQ(server.episodes().CreateEpisode(&create_context, create, &episode).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  v1::ImportChaptersRequest chapters;
  chapters.set_name("podcasts/first/episodes/1");
  chapters.set_content("(00:00:00) A\n");
  grpc::ClientContext chapters_context;
  EXPECT_EQ(server.episodes().ImportChapters(&chapters_context, chapters, &episode).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);

  // Reads are open.
  v1::GetPodcastRequest get;
  get.set_name("podcasts/first");
  grpc::ClientContext get_context;
  v1::Podcast podcast;
  EXPECT_TRUE(server.podcasts().GetPodcast(&get_context, get, &podcast).ok());

  // A reload replaces the tokens.
  std::ofstream(tokens) << "rotated-secret\n";
  ASSERT_TRUE(server.server().ReloadTokens().ok());
  EXPECT_EQ(CreatePodcast(server, "old", "Bearer first-secret").error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(CreatePodcast(server, "rotated", "Bearer rotated-secret").ok());

  // The scheme is case-insensitive (RFC 6750); it needs a space after it.
  EXPECT_TRUE(CreatePodcast(server, "lower", "bearer rotated-secret").ok());
  EXPECT_TRUE(CreatePodcast(server, "upper", "BEARER  rotated-secret").ok());
  EXPECT_EQ(CreatePodcast(server, "glued", "Bearerrotated-secret").error_code(), grpc::StatusCode::UNAUTHENTICATED);

  // A file that cannot be read keeps the tokens that work.
  std::filesystem::remove(tokens);
  EXPECT_FALSE(server.server().ReloadTokens().ok());
  EXPECT_TRUE(CreatePodcast(server, "kept", "Bearer rotated-secret").ok());

  // A file emptied of tokens revokes them all.
  std::ofstream(tokens) << "# nothing\n";
  EXPECT_TRUE(server.server().ReloadTokens().ok());
  EXPECT_EQ(CreatePodcast(server, "revoked", "Bearer rotated-secret").error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  std::filesystem::remove(tokens);
}

TEST(WriteAccess, OnlyLoopbackAddressesAndUnixSocketsAreLocal) {
  for (const char* local : {"127.0.0.1:50051", "127.1.2.3:1", "[::1]:50051", "localhost:50051", "unix:/tmp/s",
                            "ipv4:127.0.0.1:80", "unix-abstract:podmeta"}) {
    EXPECT_TRUE(api::ListenerIsLocal(local)) << local;
  }
  for (const char* remote : {"0.0.0.0:50051", "127.example.com:50051", "127.0.0.1.evil.net:1", "[::]:50051",
                             "10.0.0.1:50051", "localhost.example.com:1", "[::ffff:127.0.0.1]:1", "127.0.0.1"}) {
    EXPECT_FALSE(api::ListenerIsLocal(remote)) << remote;
  }
}

TEST(WriteAccess, WithoutATokenFileOnlyLocalListenersAreAllowed) {
  ServerConfig config;
  config.listen = "0.0.0.0:0";
  config.database_url = "postgresql:///never-used";
  auto refused = Server::Start(config);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(refused.status().message()), ::testing::HasSubstr("--auth-token-file"));
}

}  // namespace
}  // namespace podmeta
