// WatchEpisodes against a real PostgreSQL: events for every kind of change,
// in order, and resuming from a token misses nothing and repeats nothing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/grpc_test_helpers.h"
#include "support/test_server.h"

namespace podmeta {
namespace {

using ::podmeta::testing::MakeChapter;
using ::podmeta::testing::MakeEpisode;

// One open watch stream.
class Watcher {
 public:
  Watcher(v1::EpisodeService::Stub& stub, const std::string& parent, const std::string& resume_token = "") {
    v1::WatchEpisodesRequest request;
    request.set_parent(parent);
    request.set_resume_token(resume_token);
    context_.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    reader_ = stub.WatchEpisodes(&context_, request);
    // Once initial metadata is here, the server has fixed where it starts.
    reader_->WaitForInitialMetadata();
  }
  ~Watcher() {
    if (finished_) return;
    context_.TryCancel();
    (void)Finish();
  }

  v1::EpisodeChange Next() {
    v1::EpisodeChange change;
    EXPECT_TRUE(reader_->Read(&change)) << "the stream ended early: " << Finish().error_message();
    return change;
  }

  grpc::Status Finish() {
    v1::EpisodeChange ignored;
    while (reader_->Read(&ignored)) {
    }
    finished_ = true;
    return reader_->Finish();
  }

 private:
  bool finished_ = false;
  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReader<v1::EpisodeChange>> reader_;
};

class WatchTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new testing::TestServer();
    for (const char* id : {"watched", "elsewhere"}) ASSERT_TRUE(server_->CreatePodcast(id).ok());
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }

  static v1::Episode Create(const std::string& parent, int number) {
    v1::CreateEpisodeRequest request;
    request.set_parent(parent);
    *request.mutable_episode() =
        MakeEpisode("Episode " + std::to_string(number), number, number, {MakeChapter(0, "A")});
    grpc::ClientContext context;
    v1::Episode created;
    EXPECT_TRUE(server_->episodes().CreateEpisode(&context, request, &created).ok());
    return created;
  }

  static void Rename(const std::string& name, const std::string& title) {
    v1::UpdateEpisodeRequest request;
    request.mutable_episode()->set_name(name);
    request.mutable_episode()->set_title(title);
    request.mutable_update_mask()->add_paths("title");
    grpc::ClientContext context;
    v1::Episode updated;
    EXPECT_TRUE(server_->episodes().UpdateEpisode(&context, request, &updated).ok());
  }

  static testing::TestServer* server_;
};

testing::TestServer* WatchTest::server_ = nullptr;

TEST_F(WatchTest, StreamsCreatedUpdatedAndDeletedInOrderForThatPodcastOnly) {
  Watcher watcher(server_->episodes(), "podcasts/watched");
  const v1::Episode created = Create("podcasts/watched", 1);
  Create("podcasts/elsewhere", 1);
  Rename(created.name(), "Renamed");
  {
    v1::DeleteEpisodeRequest request;
    request.set_name(created.name());
    grpc::ClientContext context;
    v1::Episode deleted;
    ASSERT_TRUE(server_->episodes().DeleteEpisode(&context, request, &deleted).ok());
  }
  const v1::EpisodeChange first = watcher.Next();
  EXPECT_EQ(first.kind(), v1::EpisodeChange::CREATED);
  EXPECT_EQ(first.episode().name(), created.name());
  EXPECT_EQ(first.episode().chapters_size(), 1);
  const v1::EpisodeChange second = watcher.Next();
  EXPECT_EQ(second.kind(), v1::EpisodeChange::UPDATED);
  EXPECT_EQ(second.episode().name(), created.name());
  const v1::EpisodeChange third = watcher.Next();
  EXPECT_EQ(third.kind(), v1::EpisodeChange::DELETED);
  EXPECT_FALSE(first.resume_token().empty());
  EXPECT_NE(first.resume_token(), second.resume_token());
}

TEST_F(WatchTest, ResumingFromATokenDeliversEveryMissedEventExactlyOnceInOrder) {
  const v1::Episode episode = Create("podcasts/watched", 2);
  std::string token;
  {
    Watcher watcher(server_->episodes(), "podcasts/watched");
    Rename(episode.name(), "seen");
    token = watcher.Next().resume_token();
  }  // disconnected
  for (const char* title : {"missed 1", "missed 2", "missed 3"}) Rename(episode.name(), title);

  Watcher resumed(server_->episodes(), "podcasts/watched", token);
  for (const char* title : {"missed 1", "missed 2", "missed 3"}) {
    const v1::EpisodeChange change = resumed.Next();
    EXPECT_EQ(change.kind(), v1::EpisodeChange::UPDATED);
    // Each event carries the episode as it is when sent; what matters is
    // one event per change, so count and order are checked via tokens.
    EXPECT_FALSE(change.resume_token().empty()) << title;
    token = change.resume_token();
  }
  // The next event is the next change, not a repeat.
  Rename(episode.name(), "after");
  const v1::EpisodeChange next = resumed.Next();
  EXPECT_EQ(next.episode().title(), "after");
  EXPECT_NE(next.resume_token(), token);
}

TEST_F(WatchTest, ManyChangesArriveInOrderWithoutGaps) {
  const v1::Episode episode = Create("podcasts/watched", 3);
  Watcher watcher(server_->episodes(), "podcasts/watched");
  constexpr int kChanges = 250;  // more than one read batch
  for (int i = 0; i < kChanges; ++i) Rename(episode.name(), "title " + std::to_string(i));
  std::set<std::string> tokens;
  for (int i = 0; i < kChanges; ++i) {
    const v1::EpisodeChange change = watcher.Next();
    EXPECT_TRUE(tokens.insert(change.resume_token()).second) << "event " << i << " repeated";
  }
  EXPECT_EQ(tokens.size(), static_cast<size_t>(kChanges));
}

TEST_F(WatchTest, ReplayedEventsCarryTheStateAfterTheirChangeAndDeletedCarriesItsDeleteTime) {
  const v1::Episode episode = Create("podcasts/watched", 4);
  std::string token;
  {
    Watcher watcher(server_->episodes(), "podcasts/watched");
    Rename(episode.name(), "start");
    token = watcher.Next().resume_token();
  }
  for (const char* title : {"one", "two", "three"}) Rename(episode.name(), title);
  for (const bool deleting : {true, false}) {
    grpc::ClientContext context;
    v1::Episode changed;
    if (deleting) {
      v1::DeleteEpisodeRequest request;
      request.set_name(episode.name());
      ASSERT_TRUE(server_->episodes().DeleteEpisode(&context, request, &changed).ok());
    } else {
      v1::UndeleteEpisodeRequest request;
      request.set_name(episode.name());
      ASSERT_TRUE(server_->episodes().UndeleteEpisode(&context, request, &changed).ok());
    }
  }
  // Replayed long after: every event shows the episode as that change left it.
  Watcher resumed(server_->episodes(), "podcasts/watched", token);
  for (const char* title : {"one", "two", "three"}) {
    const v1::EpisodeChange change = resumed.Next();
    EXPECT_EQ(change.kind(), v1::EpisodeChange::UPDATED);
    EXPECT_EQ(change.episode().title(), title);
    EXPECT_FALSE(change.episode().has_delete_time());
  }
  const v1::EpisodeChange deleted = resumed.Next();
  EXPECT_EQ(deleted.kind(), v1::EpisodeChange::DELETED);
  EXPECT_TRUE(deleted.episode().has_delete_time());
  EXPECT_EQ(deleted.episode().title(), "three");
  const v1::EpisodeChange undeleted = resumed.Next();
  EXPECT_EQ(undeleted.kind(), v1::EpisodeChange::UPDATED);
  EXPECT_FALSE(undeleted.episode().has_delete_time());
  EXPECT_NE(deleted.episode().etag(), undeleted.episode().etag());
}

TEST_F(WatchTest, ManyWatchersShareOneReadOfEachChange) {
  const v1::Episode episode = Create("podcasts/watched", 5);
  constexpr int kWatchers = 30;
  constexpr int kChanges = 40;
  std::vector<std::unique_ptr<Watcher>> watchers;
  for (int i = 0; i < kWatchers; ++i) {
    watchers.push_back(std::make_unique<Watcher>(server_->episodes(), "podcasts/watched"));
  }
  const uint64_t reads_before = server_->server().change_log_reads();
  for (int i = 0; i < kChanges; ++i) Rename(episode.name(), "shared " + std::to_string(i));
  for (auto& watcher : watchers) {
    for (int i = 0; i < kChanges; ++i) {
      const v1::EpisodeChange change = watcher->Next();
      ASSERT_EQ(change.episode().title(), "shared " + std::to_string(i));
    }
  }
  // Each watcher reading the log itself would take at least one read per
  // watcher and change (1,200); shared reads take about one per change.
  const uint64_t reads = server_->server().change_log_reads() - reads_before;
  EXPECT_LT(reads, static_cast<uint64_t>(kChanges + 3 * kWatchers)) << reads << " reads of the change log";
}

TEST_F(WatchTest, BadRequestsEndTheStreamWithAnError) {
  EXPECT_EQ(Watcher(server_->episodes(), "podcasts/missing").Finish().error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Watcher(server_->episodes(), "not a name").Finish().error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Watcher(server_->episodes(), "podcasts/watched", "garbage").Finish().error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

}  // namespace
}  // namespace podmeta
