// The end of a resource's life over real gRPC and PostgreSQL: expire_time on
// soft-deleted resources, PurgePodcast/PurgeEpisode erasing every trace, the
// watch refusing resume tokens from before what is gone, and the purger
// removing what is past its retention.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <pqxx/pqxx>
#include <thread>

#include "google/protobuf/util/time_util.h"
#include "support/api_test.h"
#include "support/grpc_test_helpers.h"
#include "support/watcher.h"

namespace podmeta {
namespace {

using ::google::protobuf::util::TimeUtil;
using ::podmeta::testing::MakeChapter;
using ::podmeta::testing::MakeEpisode;
using ::podmeta::testing::Watcher;

// How many rows of `table` the podcast has, straight from the database.
int64_t RowsOf(const std::string& database_url, const std::string& table, const std::string& podcast_id) {
  pqxx::connection connection(database_url);
  pqxx::nontransaction transaction(connection);
  return transaction.exec_params("SELECT count(*) FROM " + table + " WHERE podcast_id = $1", podcast_id)[0][0]
      .as<int64_t>();
}

class LifecycleTest : public testing::ApiTest {
 protected:
  std::string FirstPageResumeToken() {
    v1::ListEpisodesRequest request;
    request.set_parent(podcast());
    request.set_page_size(1);
    absl::StatusOr<v1::ListEpisodesResponse> listed = client().ListEpisodes(request);
    EXPECT_TRUE(listed.ok()) << listed.status();
    EXPECT_FALSE(listed->resume_token().empty());
    return listed->resume_token();
  }

  void Rename(const std::string& name, const std::string& title) {
    v1::UpdateEpisodeRequest request;
    request.mutable_episode()->set_name(name);
    request.mutable_episode()->set_title(title);
    ASSERT_TRUE(client().UpdateEpisode(request).ok());
  }
};

TEST_F(LifecycleTest, SoftDeletedResourcesSayWhenTheyArePurged) {
  const v1::Episode episode = CreateEpisode(MakeEpisode("Going", 1, 1));
  EXPECT_FALSE(episode.has_expire_time());
  absl::StatusOr<v1::Episode> deleted = client().DeleteEpisode(episode.name());
  ASSERT_TRUE(deleted.ok()) << deleted.status();
  // The default retention: 30 days after the delete.
  EXPECT_EQ(TimeUtil::TimestampToSeconds(deleted->expire_time()) - TimeUtil::TimestampToSeconds(deleted->delete_time()),
            30 * 24 * 3600);
  EXPECT_EQ(client().GetEpisode(episode.name())->expire_time(), deleted->expire_time());
  absl::StatusOr<v1::Episode> restored = client().UndeleteEpisode(episode.name());
  ASSERT_TRUE(restored.ok());
  EXPECT_FALSE(restored->has_expire_time());

  absl::StatusOr<v1::Podcast> gone = client().DeletePodcast(podcast());
  ASSERT_FALSE(gone.ok());  // it has an episode
  v1::DeletePodcastRequest forced;
  forced.set_name(podcast());
  forced.set_force(true);
  gone = client().DeletePodcast(forced);
  ASSERT_TRUE(gone.ok()) << gone.status();
  EXPECT_EQ(TimeUtil::TimestampToSeconds(gone->expire_time()) - TimeUtil::TimestampToSeconds(gone->delete_time()),
            30 * 24 * 3600);
}

TEST_F(LifecycleTest, PurgeEpisodeErasesEveryTraceAndExpiresOlderResumeTokens) {
  const v1::Episode doomed =
      CreateEpisode(MakeEpisode("Taken down", 1, 1, {MakeChapter(0, "A"), MakeChapter(60, "B")}));
  const v1::Episode kept = CreateEpisode(MakeEpisode("Kept", 2, 2, {MakeChapter(0, "A")}));
  const std::string before = FirstPageResumeToken();
  Rename(doomed.name(), "Taken down, renamed");

  v1::PurgeEpisodeRequest purge;
  purge.set_name(doomed.name());
  purge.set_etag("1");  // stale
  EXPECT_EQ(ErrorReason(client().PurgeEpisode(purge)), "ETAG_MISMATCH");
  purge.clear_etag();
  ASSERT_TRUE(client().PurgeEpisode(purge).ok());

  const absl::Status missing = client().GetEpisode(doomed.name()).status();
  EXPECT_EQ(missing.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(ErrorReason(missing), "EPISODE_NOT_FOUND");
  EXPECT_EQ(ErrorReason(client().PurgeEpisode(purge)), "EPISODE_NOT_FOUND");
  purge.set_allow_missing(true);
  EXPECT_TRUE(client().PurgeEpisode(purge).ok());
  // Nothing of it is left: no row, no chapter, no change whose state holds it,
  // no stored write response that may hold it.
  const std::string& url = server().database_url();
  pqxx::connection connection(url);
  pqxx::nontransaction sql(connection);
  const std::string id = doomed.name().substr(doomed.name().rfind('/') + 1);
  for (const char* table : {"episodes", "chapters", "episode_changes"}) {
    EXPECT_EQ(
        sql.exec_params(std::string("SELECT count(*) FROM ") + table + " WHERE podcast_id = $1 AND episode_id = $2",
                        podcast_id(), id)[0][0]
            .as<int64_t>(),
        0)
        << table;
  }
  EXPECT_EQ(sql.exec_params("SELECT count(*) FROM request_ids WHERE podcast_id = $1 AND "
                            "(holds_episode IS NULL OR holds_episode = $2)",
                            podcast_id(), id)[0][0]
                .as<int64_t>(),
            0);
  EXPECT_EQ(client().GetPodcast(podcast())->episode_count(), 1);

  // A token from before the purge would replay a history with a hole in it.
  Watcher stale(client(), podcast(), before);
  const absl::Status expired = stale.Finish();
  EXPECT_EQ(expired.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReason(expired), "RESUME_TOKEN_EXPIRED");
  // Listing again hands over to a watch that works.
  Watcher fresh(client(), podcast(), FirstPageResumeToken());
  Rename(kept.name(), "Kept, renamed");
  const v1::EpisodeChange change = fresh.Next();
  EXPECT_EQ(change.episode().name(), kept.name());
  EXPECT_EQ(change.episode().title(), "Kept, renamed");
}

TEST_F(LifecycleTest, PurgeEpisodeForgetsOnlyTheStoredResponsesThatMayHoldIt) {
  v1::CreateEpisodeRequest create_kept;
  create_kept.set_parent(podcast());
  *create_kept.mutable_episode() = MakeEpisode("Kept", 1, 1);
  create_kept.set_request_id("create-kept");
  absl::StatusOr<v1::Episode> kept = client().CreateEpisode(create_kept);
  ASSERT_TRUE(kept.ok()) << kept.status();
  v1::CreateEpisodeRequest create_doomed;
  create_doomed.set_parent(podcast());
  *create_doomed.mutable_episode() = MakeEpisode("Taken down", 2, 2);
  create_doomed.set_request_id("create-doomed");
  absl::StatusOr<v1::Episode> doomed = client().CreateEpisode(create_doomed);
  ASSERT_TRUE(doomed.ok()) << doomed.status();
  v1::PurgeEpisodeRequest purge;
  purge.set_name(doomed->name());
  ASSERT_TRUE(client().PurgeEpisode(purge).ok());

  // The other episode's create is still retry-safe: its retry gets the first
  // answer back instead of EPISODE_EXISTS.
  absl::StatusOr<v1::Episode> retried = client().CreateEpisode(create_kept);
  ASSERT_TRUE(retried.ok()) << retried.status();
  EXPECT_EQ(retried->etag(), kept->etag());
  EXPECT_EQ(retried->create_time(), kept->create_time());
  // The purged episode's answer is gone with it: the same request runs again
  // and creates the episode anew.
  pqxx::connection connection(server().database_url());
  pqxx::nontransaction sql(connection);
  EXPECT_EQ(sql.exec_params("SELECT count(*) FROM request_ids WHERE podcast_id = $1 AND request_id = $2", podcast_id(),
                            "create-doomed")[0][0]
                .as<int64_t>(),
            0);
  absl::StatusOr<v1::Episode> again = client().CreateEpisode(create_doomed);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->name(), doomed->name());
  EXPECT_GT(TimeUtil::TimestampToMicroseconds(again->create_time()),
            TimeUtil::TimestampToMicroseconds(doomed->create_time()));
}

TEST_F(LifecycleTest, AWatcherThatIsCaughtUpLearnsOfAPurge) {
  const v1::Episode doomed = CreateEpisode(MakeEpisode("Taken down", 1, 1));
  Watcher watcher(client(), podcast());
  Rename(doomed.name(), "Seen live");
  EXPECT_EQ(watcher.Next().episode().title(), "Seen live");
  v1::PurgeEpisodeRequest purge;
  purge.set_name(doomed.name());
  ASSERT_TRUE(client().PurgeEpisode(purge).ok());
  // It showed the episode; it must list again to learn that it is gone.
  EXPECT_EQ(ErrorReason(watcher.Finish()), "RESUME_TOKEN_EXPIRED");
}

TEST_F(LifecycleTest, PurgePodcastErasesItAndEverythingOfIt) {
  CreateEpisode(MakeEpisode("One", 1, 1, {MakeChapter(0, "A")}));
  const v1::Episode two = CreateEpisode(MakeEpisode("Two", 2, 2));
  ASSERT_TRUE(client().DeleteEpisode(two.name()).ok());
  v1::PurgePodcastRequest purge;
  purge.set_name(podcast());
  ASSERT_TRUE(client().PurgePodcast(purge).ok());
  EXPECT_EQ(ErrorReason(client().GetPodcast(podcast()).status()), "PODCAST_NOT_FOUND");
  for (const char* table :
       {"podcasts", "episodes", "chapters", "episode_changes", "request_ids", "podcast_episode_counts"}) {
    EXPECT_EQ(RowsOf(server().database_url(), table, podcast_id()), 0) << table;
  }
  // The id is free again.
  v1::CreatePodcastRequest again;
  again.set_podcast_id(podcast_id());
  again.mutable_podcast()->set_title("Back");
  absl::StatusOr<v1::Podcast> created = client().CreatePodcast(again);
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->episode_count(), 0);
}

// A server whose purger runs every 100 ms with retentions of one second.
TEST(PurgerTest, RemovesWhatIsPastItsRetentionAndNothingElse) {
  testing::TestServer server([](ServerConfig& config) {
    config.retention.deleted = std::chrono::seconds(1);
    config.retention.request_ids = std::chrono::seconds(1);
    config.retention.changes = std::chrono::seconds(1);
    config.purge_interval = std::chrono::milliseconds(100);
  });
  ClientOptions options;
  options.address = server.address();
  Client client(options);
  v1::CreatePodcastRequest create;
  create.set_podcast_id("purged-show");
  create.mutable_podcast()->set_title("Purged show");
  ASSERT_TRUE(client.CreatePodcast(create).ok());
  create.set_podcast_id("live-show");
  ASSERT_TRUE(client.CreatePodcast(create).ok());
  std::vector<v1::Episode> episodes;
  for (int i = 1; i <= 3; ++i) {
    v1::CreateEpisodeRequest request;
    request.set_parent("podcasts/live-show");
    *request.mutable_episode() = MakeEpisode("Episode " + std::to_string(i), i, i);
    absl::StatusOr<v1::Episode> created = client.CreateEpisode(request);
    ASSERT_TRUE(created.ok()) << created.status();
    episodes.push_back(*created);
  }
  v1::ListEpisodesRequest list;
  list.set_parent("podcasts/live-show");
  const std::string old_token = client.ListEpisodes(list)->resume_token();
  ASSERT_TRUE(client.DeleteEpisode(episodes[0].name()).ok());
  ASSERT_TRUE(client.DeletePodcast("podcasts/purged-show").ok());
  v1::UpdateEpisodeRequest rename;
  rename.mutable_episode()->set_name(episodes[1].name());
  rename.mutable_episode()->set_title("Renamed");
  ASSERT_TRUE(client.UpdateEpisode(rename).ok());

  // Within 20 s the purger has run past the one-second retentions.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline &&
         (client.GetEpisode(episodes[0].name()).ok() || client.GetPodcast("podcasts/purged-show").ok() ||
          RowsOf(server.database_url(), "request_ids", "live-show") > 0 ||
          RowsOf(server.database_url(), "episode_changes", "live-show") > 1)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(ErrorReason(client.GetEpisode(episodes[0].name()).status()), "EPISODE_NOT_FOUND");
  EXPECT_EQ(ErrorReason(client.GetPodcast("podcasts/purged-show").status()), "PODCAST_NOT_FOUND");
  EXPECT_EQ(RowsOf(server.database_url(), "request_ids", "live-show"), 0);
  // What is live stays.
  EXPECT_TRUE(client.GetEpisode(episodes[1].name()).ok());
  EXPECT_TRUE(client.GetEpisode(episodes[2].name()).ok());
  absl::StatusOr<v1::Podcast> live = client.GetPodcast("podcasts/live-show");
  ASSERT_TRUE(live.ok());
  EXPECT_EQ(live->episode_count(), 2);
  // The change log keeps each podcast's newest change; older tokens expire.
  EXPECT_EQ(RowsOf(server.database_url(), "episode_changes", "live-show"), 1);
  Watcher stale(client, "podcasts/live-show", old_token);
  EXPECT_EQ(ErrorReason(stale.Finish()), "RESUME_TOKEN_EXPIRED");
  Watcher fresh(client, "podcasts/live-show", client.ListEpisodes(list)->resume_token());
  rename.mutable_episode()->set_title("Renamed again");
  ASSERT_TRUE(client.UpdateEpisode(rename).ok());
  EXPECT_EQ(fresh.Next().episode().title(), "Renamed again");
}

}  // namespace
}  // namespace podmeta
