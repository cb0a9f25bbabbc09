// The episode read path's two protocols against a real PostgreSQL:
// - the database layer tells the cache what every committed transaction
//   changed, whoever wrote it and however (Database::OnEpisodesCommitted);
// - a coalesced read ends by its callers' deadline, so a blocked statement
//   does not outlive the calls that wanted it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <pqxx/pqxx>
#include <thread>

#include "domain/requests.h"
#include "storage/database.h"
#include "storage/episode_store.h"
#include "storage/migrations.h"
#include "storage/podcast_store.h"
#include "support/grpc_test_helpers.h"
#include "support/test_database.h"
#include "support/test_server.h"

namespace podmeta {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(CommitHook, EveryCommittedEpisodeChangeIsReportedWhoeverWroteIt) {
  testing::TestDatabase database;
  ASSERT_TRUE(storage::MigrateDatabase(database.url()).ok());
  storage::Database db(database.url(), 2, std::chrono::milliseconds(10'000));
  std::vector<std::vector<std::string>> reported;
  db.OnEpisodesCommitted([&](const std::vector<std::string>& podcast_ids) { reported.push_back(podcast_ids); });
  storage::PodcastStore podcasts(db, db);
  storage::EpisodeStore episodes(db, db);

  for (const std::string id : {"hooked", "other"}) {
    v1::CreatePodcastRequest create;
    create.set_podcast_id(id);
    create.mutable_podcast()->set_title(id);
    absl::StatusOr<domain::NewPodcast> podcast = domain::NewPodcastOf(create);
    ASSERT_TRUE(podcast.ok()) << podcast.status();
    ASSERT_TRUE(podcasts.Create(podcast->podcast_id, podcast->podcast, {}, storage::kNoDeadline).ok());
  }
  EXPECT_THAT(reported, IsEmpty()) << "a podcast row is no episode change";

  v1::CreateEpisodeRequest create;
  create.set_parent("podcasts/hooked");
  *create.mutable_episode() = testing::MakeEpisode("First", 1, 1);
  absl::StatusOr<domain::NewEpisode> episode = domain::NewEpisodeOf(create);
  ASSERT_TRUE(episode.ok()) << episode.status();
  ASSERT_TRUE(episodes.Create(episode->key, episode->episode, {}, storage::kNoDeadline).ok());
  EXPECT_THAT(reported, ElementsAre(ElementsAre("hooked")));

  // Plain SQL through the database layer: no store, no cache call, still reported.
  reported.clear();
  const auto rename = [](pqxx::work& transaction) -> absl::Status {
    transaction.exec("UPDATE episodes SET title = 'Renamed', revision = nextval('revisions')");
    return absl::OkStatus();
  };
  ASSERT_TRUE(db.Transact(storage::kNoDeadline, rename).ok());
  EXPECT_THAT(reported, ElementsAre(ElementsAre("hooked")));

  // Nothing committed, nothing reported: a dry run, a failed transaction, a read.
  reported.clear();
  ASSERT_TRUE(db.Transact(storage::kNoDeadline, rename, storage::Commit::kNever).ok());
  const absl::Status failed = db.Transact(storage::kNoDeadline, [&](pqxx::work& transaction) -> absl::Status {
    if (absl::Status renamed = rename(transaction); !renamed.ok()) return renamed;
    return absl::FailedPreconditionError("changed my mind");
  });
  EXPECT_EQ(failed.code(), absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(episodes.Get(episode->key, storage::kNoDeadline).ok());
  EXPECT_THAT(reported, IsEmpty());
  EXPECT_EQ(episodes.Get(episode->key, storage::kNoDeadline)->title(), "Renamed");
}

// Statements of this server waiting on a lock, as PostgreSQL sees them.
int WaitingReads(pqxx::connection& connection) {
  pqxx::nontransaction query(connection);
  return query
      .exec(
          "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
          " AND query LIKE '%unnest%'")[0][0]
      .as<int>();
}

TEST(ReadBatcher, ACoalescedReadEndsByItsCallersDeadline) {
  testing::TestServer server;
  ASSERT_TRUE(server.CreatePodcast("locked").ok());
  v1::CreateEpisodeRequest create;
  create.set_parent("podcasts/locked");
  *create.mutable_episode() = testing::MakeEpisode("Never read yet", 1, 1);
  v1::Episode created;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(server.episodes().CreateEpisode(&context, create, &created).ok());
  }
  // Another session holds the episodes table: every read of it waits.
  pqxx::connection locker(server.database_url());
  pqxx::work lock(locker);
  lock.exec("LOCK TABLE episodes IN ACCESS EXCLUSIVE MODE");

  v1::GetEpisodeRequest request;
  request.set_name(created.name());
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(500));
  v1::Episode episode;
  EXPECT_EQ(server.episodes().GetEpisode(&context, request, &episode).error_code(),
            grpc::StatusCode::DEADLINE_EXCEEDED);

  // The statement ends with its call; the server's cap (30 s) would keep it
  // waiting on the lock long after the caller gave up.
  pqxx::connection observer(server.database_url());
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  int waiting = WaitingReads(observer);
  while (waiting > 0 && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    waiting = WaitingReads(observer);
  }
  EXPECT_EQ(waiting, 0) << "the batched read still waits on the lock after its caller's deadline";
  lock.abort();

  // Once the table is free, the episode reads as usual.
  grpc::ClientContext again;
  EXPECT_TRUE(server.episodes().GetEpisode(&again, request, &episode).ok());
  EXPECT_EQ(episode.title(), "Never read yet");
}

}  // namespace
}  // namespace podmeta
