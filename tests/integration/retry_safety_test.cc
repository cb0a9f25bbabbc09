// Retry-safe writes (AIP-155/194) over real gRPC and PostgreSQL: the
// connection is lost after the server committed a write and before the
// client heard of it (support/cutting_proxy.h); the client library retries,
// and the write takes effect exactly once.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/api_test.h"
#include "support/cutting_proxy.h"
#include "support/grpc_test_helpers.h"

namespace podmeta {
namespace {

using ::podmeta::testing::MakeChapter;
using ::podmeta::testing::MakeEpisode;

class RetrySafetyTest : public testing::ApiTest {
 protected:
  // A client through `proxy` that retries UNAVAILABLE, as shipped.
  static std::unique_ptr<Client> RetryingClient(const testing::CuttingProxy& proxy) {
    ClientOptions options;
    options.address = proxy.address();
    options.max_attempts = 6;  // a resend may also catch the dying connection
    options.initial_backoff = std::chrono::milliseconds(20);
    return std::make_unique<Client>(options);
  }

  void SetUp() override {
    ApiTest::SetUp();
    v1::Episode seed = CreateEpisode(MakeEpisode("Seed", 1, 1, {MakeChapter(0, "Intro"), MakeChapter(600, "Main")}));
    ASSERT_FALSE(seed.name().empty());
    episode_ = seed;
  }

  v1::Episode episode_;
};

TEST_F(RetrySafetyTest, AnInsertChapterWhoseAnswerWasLostIsAppliedOnce) {
  testing::CuttingProxy proxy(server().address());
  std::unique_ptr<Client> retrying = RetryingClient(proxy);
  proxy.CutNextResponses(1);
  v1::InsertChapterRequest insert;
  insert.set_name(episode_.name());
  *insert.mutable_chapter() = MakeChapter(300, "Inserted once");
  absl::StatusOr<v1::Episode> inserted = retrying->InsertChapter(insert);
  ASSERT_TRUE(inserted.ok()) << inserted.status();
  EXPECT_EQ(proxy.cuts(), 1);  // the first answer was lost after the commit

  absl::StatusOr<v1::Episode> stored = client().GetEpisode(episode_.name());
  ASSERT_TRUE(stored.ok()) << stored.status();
  ASSERT_EQ(stored->chapters_size(), 3);
  EXPECT_EQ(stored->chapters(1).title(), "Inserted once");
  EXPECT_EQ(inserted->etag(), stored->etag());  // the retry got the first write's answer
}

TEST_F(RetrySafetyTest, ADeleteEpisodeWhoseAnswerWasLostSucceedsOnce) {
  testing::CuttingProxy proxy(server().address());
  std::unique_ptr<Client> retrying = RetryingClient(proxy);
  proxy.CutNextResponses(2);  // the first attempt's and the first retry's answers
  absl::StatusOr<v1::Episode> deleted = retrying->DeleteEpisode(episode_.name());
  // Without the request id the retry would be NOT_FOUND (ALREADY_DELETED).
  ASSERT_TRUE(deleted.ok()) << deleted.status();
  EXPECT_EQ(proxy.cuts(), 2);
  EXPECT_TRUE(deleted->has_delete_time());
  absl::StatusOr<v1::Episode> stored = client().GetEpisode(episode_.name());
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_EQ(deleted->etag(), stored->etag());
}

TEST_F(RetrySafetyTest, WithoutARequestIdTheLostWriteIsNotRetried) {
  // The raw stub sends no request id, so a lost answer is the caller's to
  // resolve: the same DeleteChapter sent again deletes a second chapter.
  testing::CuttingProxy proxy(server().address());
  auto channel = grpc::CreateChannel(proxy.address(), grpc::InsecureChannelCredentials());
  auto stub = v1::EpisodeService::NewStub(channel);
  proxy.CutNextResponses(1);
  v1::DeleteChapterRequest remove;
  remove.set_name(episode_.name());
  remove.set_index(0);
  const auto send = [&] {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    context.set_wait_for_ready(true);  // a resend waits for the channel to reconnect
    v1::Episode answer;
    return stub->DeleteChapter(&context, remove, &answer);
  };
  EXPECT_EQ(send().error_code(), grpc::StatusCode::UNAVAILABLE);  // applied, answer lost
  // The caller sends it again until it hears back; a send that catches the
  // dying connection never reaches the server.
  grpc::Status resent = send();
  for (int attempt = 1; attempt < 5 && resent.error_code() == grpc::StatusCode::UNAVAILABLE; ++attempt) resent = send();
  EXPECT_TRUE(resent.ok()) << resent.error_message();
  EXPECT_EQ(client().GetEpisode(episode_.name())->chapters_size(), 0);  // applied twice

  // With one request id, any number of sends apply it once.
  v1::InsertChapterRequest insert;
  insert.set_name(episode_.name());
  insert.set_request_id("f47ac10b-58cc-4372-a567-0e02b2c3d479");
  *insert.mutable_chapter() = MakeChapter(0, "Sent thrice, applied once");
  for (int attempt = 0; attempt < 3; ++attempt) {
    absl::StatusOr<v1::Episode> answer = client().InsertChapter(insert);
    ASSERT_TRUE(answer.ok()) << answer.status();
    EXPECT_EQ(answer->chapters_size(), 1);
  }
  EXPECT_EQ(client().GetEpisode(episode_.name())->chapters_size(), 1);
}

TEST_F(RetrySafetyTest, ARequestIdSentWithAnotherRequestIsRefused) {
  v1::UpdateEpisodeRequest update;
  update.mutable_episode()->set_name(episode_.name());
  update.mutable_episode()->set_title("First title");
  update.set_request_id("reused-id");
  ASSERT_TRUE(client().UpdateEpisode(update).ok());
  update.mutable_episode()->set_title("Second title");
  const absl::Status reused = client().UpdateEpisode(update).status();
  EXPECT_EQ(reused.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ErrorReason(reused), "REQUEST_ID_REUSED");
  EXPECT_EQ(client().GetEpisode(episode_.name())->title(), "First title");

  update.set_request_id("not ascii: é");
  EXPECT_EQ(ErrorReason(client().UpdateEpisode(update).status()), "INVALID_FIELDS");
}

TEST_F(RetrySafetyTest, EveryWriteOfTheLibraryCarriesARequestIdAndSurvivesALostAnswer) {
  testing::CuttingProxy proxy(server().address());
  std::unique_ptr<Client> retrying = RetryingClient(proxy);
  const auto lose_next = [&] { proxy.CutNextResponses(1); };

  lose_next();
  v1::UpdateEpisodeRequest update;
  update.mutable_episode()->set_name(episode_.name());
  update.mutable_episode()->set_title("Renamed");
  absl::StatusOr<v1::Episode> updated = retrying->UpdateEpisode(update);
  ASSERT_TRUE(updated.ok()) << updated.status();

  lose_next();
  v1::DeleteChapterRequest remove;
  remove.set_name(episode_.name());
  remove.set_index(0);
  absl::StatusOr<v1::Episode> removed = retrying->DeleteChapter(remove);
  ASSERT_TRUE(removed.ok()) << removed.status();
  EXPECT_EQ(removed->chapters_size(), 1);  // deleted once, not twice

  lose_next();
  v1::CreateEpisodeRequest create;
  create.set_parent(podcast());
  *create.mutable_episode() = MakeEpisode("Created once", 2, 2);
  absl::StatusOr<v1::Episode> created = retrying->CreateEpisode(create);
  ASSERT_TRUE(created.ok()) << created.status();  // not ALREADY_EXISTS

  lose_next();
  v1::DeletePodcastRequest delete_podcast;
  delete_podcast.set_name(podcast());
  delete_podcast.set_force(true);
  absl::StatusOr<v1::Podcast> deleted = retrying->DeletePodcast(delete_podcast);
  ASSERT_TRUE(deleted.ok()) << deleted.status();  // not ALREADY_DELETED
  EXPECT_EQ(proxy.cuts(), 4);
  EXPECT_EQ(client().GetEpisode(episode_.name())->chapters_size(), 1);
}

}  // namespace
}  // namespace podmeta
