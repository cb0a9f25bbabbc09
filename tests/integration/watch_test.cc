// WatchEpisodes against a real PostgreSQL, through the client library
// (testing::ApiTest): events for every kind of change, in order, and
// resuming from a token misses nothing and repeats nothing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <condition_variable>
#include <deque>
#include <future>
#include <mutex>
#include <set>
#include <thread>

#include "support/api_test.h"
#include "support/grpc_test_helpers.h"
#include "support/watcher.h"

namespace podmeta {
namespace {

using ::podmeta::testing::MakeChapter;
using ::podmeta::testing::MakeEpisode;
using ::podmeta::testing::Watcher;

class WatchTest : public testing::ApiTest {
 protected:
  v1::Episode Create(int number) {
    return CreateEpisode(MakeEpisode("Episode " + std::to_string(number), number, number, {MakeChapter(0, "A")}));
  }

  void Rename(const std::string& name, const std::string& title) {
    v1::UpdateEpisodeRequest request;
    request.mutable_episode()->set_name(name);
    request.mutable_episode()->set_title(title);
    request.mutable_update_mask()->add_paths("title");
    absl::StatusOr<v1::Episode> updated = client().UpdateEpisode(request);
    EXPECT_TRUE(updated.ok()) << updated.status();
  }
};

TEST_F(WatchTest, StreamsCreatedUpdatedAndDeletedInOrderForThatPodcastOnly) {
  v1::CreatePodcastRequest elsewhere;
  elsewhere.set_podcast_id("elsewhere");
  elsewhere.mutable_podcast()->set_title("Elsewhere");
  ASSERT_TRUE(client().CreatePodcast(elsewhere).ok());
  Watcher watcher(client(), podcast());
  const v1::Episode created = Create(1);
  v1::CreateEpisodeRequest other;
  other.set_parent("podcasts/" + elsewhere.podcast_id());
  *other.mutable_episode() = MakeEpisode("Episode 1", 1, 1, {MakeChapter(0, "A")});
  ASSERT_TRUE(client().CreateEpisode(other).ok());
  Rename(created.name(), "Renamed");
  ASSERT_TRUE(client().DeleteEpisode(created.name()).ok());
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
  const v1::Episode episode = Create(1);
  std::string token;
  {
    Watcher watcher(client(), podcast());
    Rename(episode.name(), "seen");
    token = watcher.Next().resume_token();
  }  // disconnected
  for (const char* title : {"missed 1", "missed 2", "missed 3"}) Rename(episode.name(), title);

  Watcher resumed(client(), podcast(), token);
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
  const v1::Episode episode = Create(1);
  Watcher watcher(client(), podcast());
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
  const v1::Episode episode = Create(1);
  std::string token;
  {
    Watcher watcher(client(), podcast());
    Rename(episode.name(), "start");
    token = watcher.Next().resume_token();
  }
  for (const char* title : {"one", "two", "three"}) Rename(episode.name(), title);
  ASSERT_TRUE(client().DeleteEpisode(episode.name()).ok());
  ASSERT_TRUE(client().UndeleteEpisode(episode.name()).ok());
  // Replayed long after: every event shows the episode as that change left it.
  Watcher resumed(client(), podcast(), token);
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
  const v1::Episode episode = Create(1);
  constexpr int kWatchers = 30;
  constexpr int kChanges = 40;
  std::vector<std::unique_ptr<Watcher>> watchers;
  for (int i = 0; i < kWatchers; ++i) {
    watchers.push_back(std::make_unique<Watcher>(client(), podcast()));
  }
  const uint64_t reads_before = server().server().change_log_reads();
  for (int i = 0; i < kChanges; ++i) Rename(episode.name(), "shared " + std::to_string(i));
  for (auto& watcher : watchers) {
    for (int i = 0; i < kChanges; ++i) {
      const v1::EpisodeChange change = watcher->Next();
      ASSERT_EQ(change.episode().title(), "shared " + std::to_string(i));
    }
  }
  // Each watcher reading the log itself would take at least one read per
  // watcher and change (1,200); shared reads take about one per change.
  const uint64_t reads = server().server().change_log_reads() - reads_before;
  EXPECT_LT(reads, static_cast<uint64_t>(kChanges + 3 * kWatchers)) << reads << " reads of the change log";
}

TEST_F(WatchTest, BadRequestsEndTheStreamWithAnError) {
  EXPECT_EQ(Watcher(client(), "podcasts/missing").Finish().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Watcher(client(), "not a name").Finish().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Watcher(client(), podcast(), "garbage").Finish().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace podmeta
