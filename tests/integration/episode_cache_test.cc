// The episode cache against a real PostgreSQL and two servers on one
// database, as replicas run in production: hits are served from memory, and
// no change (through this server, another server, or plain SQL) leaves a
// stale episode behind.
#include <gtest/gtest.h>

#include <atomic>
#include <pqxx/pqxx>
#include <thread>

#include "absl/strings/str_cat.h"
#include "support/api_test.h"
#include "support/grpc_test_helpers.h"

namespace podmeta {
namespace {

using ::podmeta::testing::MakeChapter;
using ::podmeta::testing::MakeEpisode;

// Notifications travel through PostgreSQL, so another server's cache learns
// of a change a moment after the commit; this bounds the wait, it is not a
// speed requirement.
constexpr auto kPropagationLimit = std::chrono::seconds(10);

// A second server on the first one's database.
class Replica {
 public:
  explicit Replica(const std::string& database_url) {
    ServerConfig config;
    config.listen = "127.0.0.1:0";
    config.database_url = database_url;
    config.pool_size = 4;
    config.worker_threads = 4;
    auto started = Server::Start(config);
    if (!started.ok()) throw std::runtime_error("replica did not start: " + started.status().ToString());
    server_ = std::move(*started);
    episodes_ = v1::EpisodeService::NewStub(
        grpc::CreateChannel("127.0.0.1:" + std::to_string(server_->port()), grpc::InsecureChannelCredentials()));
  }
  ~Replica() {
    server_->Shutdown(std::chrono::seconds(5));
    server_->Wait();
  }
  v1::EpisodeService::Stub& episodes() { return *episodes_; }

 private:
  std::unique_ptr<Server> server_;
  std::unique_ptr<v1::EpisodeService::Stub> episodes_;
};

v1::Episode Get(v1::EpisodeService::Stub& episodes, const std::string& name) {
  v1::GetEpisodeRequest request;
  request.set_name(name);
  grpc::ClientContext context;
  v1::Episode episode;
  const grpc::Status status = episodes.GetEpisode(&context, request, &episode);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return episode;
}

// Waits until `episodes` answers with `title`; the title it last saw.
std::string AwaitTitle(v1::EpisodeService::Stub& episodes, const std::string& name, const std::string& title) {
  const auto give_up = std::chrono::steady_clock::now() + kPropagationLimit;
  std::string seen = Get(episodes, name).title();
  while (seen != title && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    seen = Get(episodes, name).title();
  }
  return seen;
}

// Each test has its own podcast with one episode; the other server (the
// replica) runs on this test binary's database for the whole suite.
class EpisodeCacheTest : public testing::ApiTest {
 protected:
  static void SetUpTestSuite() { replica_ = new Replica(server().database_url()); }
  static void TearDownTestSuite() {
    delete replica_;
    replica_ = nullptr;
  }

  void SetUp() override {
    ApiTest::SetUp();
    episode_ = CreateEpisode(MakeEpisode("Original", 1, 1, {MakeChapter(0, "Intro")}));
    episode_id_ = episode_.name().substr(episode_.name().rfind('/') + 1);
  }

  v1::Episode Rename(const std::string& title) {
    v1::UpdateEpisodeRequest request;
    request.mutable_episode()->set_name(episode_.name());
    request.mutable_episode()->set_title(title);
    request.mutable_update_mask()->add_paths("title");
    absl::StatusOr<v1::Episode> updated = client().UpdateEpisode(request);
    EXPECT_TRUE(updated.ok()) << updated.status();
    return updated.ok() ? *updated : v1::Episode();
  }

  // Runs `statement` on the database behind both servers' backs.
  static void Sql(const std::string& statement) {
    pqxx::connection connection(server().database_url());
    pqxx::nontransaction(connection).exec(statement);
  }
  // This test's episode in SQL.
  std::string EpisodeRow() const {
    return absl::StrCat("podcast_id = '", podcast_id(), "' AND episode_id = '", episode_id_, "'");
  }

  static Replica* replica_;
  v1::Episode episode_;
  std::string episode_id_;
};

Replica* EpisodeCacheTest::replica_ = nullptr;

TEST_F(EpisodeCacheTest, AFreshReadOnAnotherServerSeesTheWriteAtOnce) {
  // Warm the other server's cache, then write through this one: a fresh read
  // there sees the write with no wait for the change feed, every time.
  for (int round = 0; round < 20; ++round) {
    EXPECT_EQ(AwaitTitle(replica_->episodes(), episode_.name(),
                         round == 0 ? "Original" : "fresh " + std::to_string(round - 1)),
              round == 0 ? "Original" : "fresh " + std::to_string(round - 1));
    Rename("fresh " + std::to_string(round));
    v1::GetEpisodeRequest request;
    request.set_name(episode_.name());
    grpc::ClientContext context;
    context.AddMetadata("x-podmeta-consistency", "fresh");
    v1::Episode episode;
    ASSERT_TRUE(replica_->episodes().GetEpisode(&context, request, &episode).ok());
    EXPECT_EQ(episode.title(), "fresh " + std::to_string(round));
  }
}

TEST_F(EpisodeCacheTest, RepeatedGetsAreServedFromMemory) {
  // The creation in SetUp notifies the change feed a moment later, and that
  // notification (rightly) drops what a read kept before it. A watch wakes
  // only after the feed has dropped the podcast's entries, so once it reports
  // a later change, nothing is pending.
  grpc::ClientContext watch_context;
  watch_context.set_deadline(std::chrono::system_clock::now() + kPropagationLimit);
  v1::WatchEpisodesRequest watch;
  watch.set_parent(podcast());
  auto changes = server().episodes().WatchEpisodes(&watch_context, watch);
  changes->WaitForInitialMetadata();
  Rename("Cached");
  v1::EpisodeChange change;
  ASSERT_TRUE(changes->Read(&change));
  watch_context.TryCancel();
  while (changes->Read(&change)) {
  }
  (void)changes->Finish();

  EXPECT_EQ(Get(server().episodes(), episode_.name()).title(), "Cached");
  // Without its trigger a change sends no notification: only a cache can
  // still answer with the old title.
  Sql("ALTER TABLE episodes DISABLE TRIGGER episodes_changes_recorded_on_update");
  Sql("UPDATE episodes SET title = 'Changed behind the cache' WHERE " + EpisodeRow());
  Sql("ALTER TABLE episodes ENABLE TRIGGER episodes_changes_recorded_on_update");
  const v1::Episode cached = Get(server().episodes(), episode_.name());
  EXPECT_EQ(cached.title(), "Cached");
  EXPECT_EQ(cached.chapters_size(), 1);
}

TEST_F(EpisodeCacheTest, AWriteIsSeenByTheNextReadOnTheSameServer) {
  EXPECT_EQ(Get(server().episodes(), episode_.name()).title(), "Original");
  const v1::Episode renamed = Rename("Renamed");
  const v1::Episode read = Get(server().episodes(), episode_.name());
  EXPECT_EQ(read.title(), "Renamed");
  EXPECT_EQ(read.etag(), renamed.etag());
}

TEST_F(EpisodeCacheTest, AWriteThroughAnotherServerReachesTheCache) {
  EXPECT_EQ(Get(replica_->episodes(), episode_.name()).title(), "Original");
  EXPECT_EQ(Get(replica_->episodes(), episode_.name()).title(), "Original");
  Rename("Renamed on the other server");
  EXPECT_EQ(AwaitTitle(replica_->episodes(), episode_.name(), "Renamed on the other server"),
            "Renamed on the other server");
}

TEST_F(EpisodeCacheTest, AChangeMadeInSqlReachesTheCache) {
  EXPECT_EQ(Get(server().episodes(), episode_.name()).title(), "Original");
  Sql("UPDATE episodes SET title = 'Changed in SQL', revision = nextval('revisions') WHERE " + EpisodeRow());
  EXPECT_EQ(AwaitTitle(server().episodes(), episode_.name(), "Changed in SQL"), "Changed in SQL");
}

TEST_F(EpisodeCacheTest, ReadersRacingWithWritersEndWithTheLastWrite) {
  std::atomic<bool> writing{true};
  std::vector<std::thread> readers;
  for (int i = 0; i < 4; ++i) {
    readers.emplace_back([&, i] {
      v1::EpisodeService::Stub& episodes = i % 2 == 0 ? server().episodes() : replica_->episodes();
      while (writing) Get(episodes, episode_.name());
    });
  }
  std::string last;
  for (int round = 0; round < 100; ++round) last = Rename(absl::StrCat("Round ", round)).etag();
  writing = false;
  for (std::thread& reader : readers) reader.join();

  EXPECT_EQ(Get(server().episodes(), episode_.name()).etag(), last);
  EXPECT_EQ(AwaitTitle(replica_->episodes(), episode_.name(), "Round 99"), "Round 99");
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(Get(server().episodes(), episode_.name()).etag(), last);
    EXPECT_EQ(Get(replica_->episodes(), episode_.name()).etag(), last);
  }
}

}  // namespace
}  // namespace podmeta
