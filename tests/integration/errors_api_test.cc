// Errors a program can branch on (AIP-193), over real gRPC and PostgreSQL:
// each cause arrives with its ErrorInfo reason and the values it names.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/api_test.h"
#include "support/grpc_test_helpers.h"

namespace podmeta {
namespace {

using ::podmeta::testing::MakeEpisode;
using ::podmeta::testing::ViolatedFields;
using ::testing::ElementsAre;

class ErrorsApiTest : public testing::ApiTest {};

TEST_F(ErrorsApiTest, MissingResourcesNameWhatIsMissing) {
  const absl::Status episode = client().GetEpisode(podcast() + "/episodes/404").status();
  EXPECT_EQ(episode.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(ErrorReason(episode), "EPISODE_NOT_FOUND");
  EXPECT_EQ(ErrorMetadata(episode)["episode"], podcast() + "/episodes/404");

  const absl::Status show = client().GetPodcast("podcasts/no-such-show").status();
  EXPECT_EQ(show.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(ErrorReason(show), "PODCAST_NOT_FOUND");
  EXPECT_EQ(ErrorMetadata(show)["podcast"], "podcasts/no-such-show");
}

TEST_F(ErrorsApiTest, TakenIdsStaleEtagsAndBadFieldsHaveTheirOwnReasons) {
  const v1::Episode created = CreateEpisode(MakeEpisode("One", 1, 1));
  v1::CreateEpisodeRequest again;
  again.set_parent(podcast());
  again.set_episode_id(created.name().substr(created.name().rfind('/') + 1));
  *again.mutable_episode() = MakeEpisode("One again", 2, 2);
  const absl::Status taken = client().CreateEpisode(again).status();
  EXPECT_EQ(taken.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(ErrorReason(taken), "EPISODE_EXISTS");
  EXPECT_EQ(ErrorMetadata(taken)["episode"], created.name());

  v1::UpdateEpisodeRequest update;
  update.mutable_episode()->set_name(created.name());
  update.mutable_episode()->set_title("Renamed");
  update.mutable_episode()->set_etag("12345");
  update.mutable_update_mask()->add_paths("title");
  const absl::Status stale = client().UpdateEpisode(update).status();
  EXPECT_EQ(stale.code(), absl::StatusCode::kAborted);
  EXPECT_EQ(ErrorReason(stale), "ETAG_MISMATCH");
  EXPECT_EQ(ErrorMetadata(stale)["currentEtag"], created.etag());
  EXPECT_EQ(ErrorMetadata(stale)["requestedEtag"], "12345");

  update.mutable_episode()->clear_etag();
  update.mutable_episode()->set_title("");
  const absl::Status empty = client().UpdateEpisode(update).status();
  EXPECT_EQ(empty.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ErrorReason(empty), "INVALID_FIELDS");
  EXPECT_THAT(ViolatedFields(empty), ElementsAre("episode.title"));
}

TEST_F(ErrorsApiTest, PageTokensOfAnotherQueryAreToldApartFromForgedOnes) {
  for (int i = 1; i <= 3; ++i) CreateEpisode(MakeEpisode("Paged " + std::to_string(i), i, i));
  v1::ListEpisodesRequest request;
  request.set_parent(podcast());
  request.set_page_size(1);
  absl::StatusOr<v1::ListEpisodesResponse> first = client().ListEpisodes(request);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_FALSE(first->next_page_token().empty());

  request.set_page_token(first->next_page_token());
  request.set_filter("number > 1");
  const absl::Status other = client().ListEpisodes(request).status();
  EXPECT_EQ(other.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ErrorReason(other), "PAGE_TOKEN_MISMATCH");
  EXPECT_THAT(ViolatedFields(other), ElementsAre("page_token"));

  request.set_page_token("Zm9yZ2Vk");
  EXPECT_EQ(ErrorReason(client().ListEpisodes(request).status()), "INVALID_PAGE_TOKEN");

  v1::WatchEpisodesRequest watch;
  watch.set_parent("podcasts/another-show");
  watch.set_resume_token(first->next_page_token());
  const absl::Status watched = client().WatchEpisodes(watch, [](const v1::EpisodeChange&) {});
  EXPECT_EQ(watched.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ErrorReason(watched), "RESUME_TOKEN_MISMATCH");
}

TEST_F(ErrorsApiTest, APodcastWithEpisodesIsDeletedOnlyWithForceWhichDeletesThemToo) {
  const v1::Episode one = CreateEpisode(MakeEpisode("One", 1, 1));
  const v1::Episode two = CreateEpisode(MakeEpisode("Two", 2, 2));
  ASSERT_TRUE(client().DeleteEpisode(two.name()).ok());

  const absl::Status refused = client().DeletePodcast(podcast()).status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReason(refused), "PODCAST_HAS_EPISODES");
  EXPECT_EQ(ErrorMetadata(refused)["liveEpisodes"], "1");
  absl::StatusOr<v1::Podcast> kept = client().GetPodcast(podcast());
  ASSERT_TRUE(kept.ok()) << kept.status();
  EXPECT_FALSE(kept->has_delete_time());

  v1::DeletePodcastRequest forced;
  forced.set_name(podcast());
  forced.set_force(true);
  absl::StatusOr<v1::Podcast> deleted = client().DeletePodcast(forced);
  ASSERT_TRUE(deleted.ok()) << deleted.status();
  EXPECT_TRUE(deleted->has_delete_time());
  EXPECT_EQ(deleted->episode_count(), 0);
  absl::StatusOr<v1::Episode> cascaded = client().GetEpisode(one.name());
  ASSERT_TRUE(cascaded.ok()) << cascaded.status();
  EXPECT_TRUE(cascaded->has_delete_time());

  // Writes under the deleted podcast name their cause.
  const absl::Status under = client().UndeleteEpisode(one.name()).status();
  EXPECT_EQ(under.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReason(under), "PARENT_DELETED");
  EXPECT_EQ(ErrorMetadata(under)["podcast"], podcast());

  // Undeleting the podcast leaves its episodes deleted.
  absl::StatusOr<v1::Podcast> restored = client().UndeletePodcast(podcast());
  ASSERT_TRUE(restored.ok()) << restored.status();
  EXPECT_TRUE(client().GetEpisode(one.name())->has_delete_time());
}

}  // namespace
}  // namespace podmeta
