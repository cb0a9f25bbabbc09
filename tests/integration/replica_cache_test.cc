// The episode cache with reads from a real streaming replica: a replica that
// has not replayed a change yet must never put the old episode in the cache.
// The test starts the replica itself (pg_basebackup -R from the test's
// PostgreSQL, scripts/pg replica) and delays its replay on purpose.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <pqxx/pqxx>
#include <string>
#include <thread>

#include "support/grpc_test_helpers.h"
#include "support/test_server.h"

namespace podmeta {
namespace {

using namespace std::chrono_literals;

// The value of `host=` in a libpq URL.
std::string SocketDirOf(const std::string& url) {
  const size_t start = url.find("host=") + 5;
  return url.substr(start, url.find('&', start) - start);
}

// `url` with its socket directory replaced by `dir`.
std::string WithSocketDir(const std::string& url, const std::string& dir) {
  const size_t start = url.find("host=") + 5;
  return url.substr(0, start) + dir + url.substr(url.find('&', start));
}

std::string Run(const std::string& command) {
  std::string output;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) throw std::runtime_error("cannot run " + command);
  char buffer[512];
  while (fgets(buffer, sizeof buffer, pipe) != nullptr) output += buffer;
  if (pclose(pipe) != 0) throw std::runtime_error(command + " failed: " + output);
  return output;
}

// A hot standby of the test cluster, streaming from it, in a directory of
// its own; stopped and removed at the end.
class Replica {
 public:
  explicit Replica(const std::string& primary_url) {
    char pattern[] = "/tmp/podmeta-replica-XXXXXX";
    if (mkdtemp(pattern) == nullptr) throw std::runtime_error("mkdtemp failed");
    dir_ = pattern;
    Run(std::string(PODMETA_PG_SCRIPT) + " replica " + dir_ + " " + SocketDirOf(primary_url) + " 2>&1");
  }
  ~Replica() {
    std::system((std::string(PODMETA_PG_SCRIPT) + " stop " + dir_ + " >/dev/null 2>&1").c_str());
    std::filesystem::remove_all(dir_);
  }
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
};

class ReplicaCacheTest : public ::testing::Test {
 protected:
  ReplicaCacheTest()
      : server_([this](ServerConfig& config) {
          // After the test's database exists, so the base backup has it;
          // the server's migrations then stream over.
          replica_ = std::make_unique<Replica>(config.database_url);
          replica_url_ = WithSocketDir(config.database_url, replica_->dir());
          config.read_database_url = replica_url_;
          config.episode_cache_bytes = 16 << 20;
        }) {}

  absl::StatusOr<std::string> TitleThroughTheServer(const std::string& name) {
    v1::GetEpisodeRequest request;
    request.set_name(name);
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + 5s);
    v1::Episode episode;
    const grpc::Status status = server_.episodes().GetEpisode(&context, request, &episode);
    if (!status.ok()) return absl::UnavailableError(status.error_message());
    return episode.title();
  }

  // The title as the replica itself has it now ("" before the row exists).
  std::string TitleOnTheReplica(const std::string& episode_id) {
    pqxx::connection connection(replica_url_);
    pqxx::nontransaction query(connection);
    const pqxx::result rows =
        query.exec_params("SELECT title FROM episodes WHERE podcast_id = 'replicated' AND episode_id = $1", episode_id);
    return rows.empty() ? "" : rows[0][0].c_str();
  }

  void SetReplayDelay(const std::string& delay) {
    pqxx::connection connection(replica_url_);
    pqxx::nontransaction query(connection);
    query.exec("ALTER SYSTEM SET recovery_min_apply_delay = '" + delay + "'");
    query.exec("SELECT pg_reload_conf()");
  }

  std::unique_ptr<Replica> replica_;
  std::string replica_url_;
  testing::TestServer server_;
};

TEST_F(ReplicaCacheTest, AReplicaBehindANotifiedChangeNeverPutsTheOldEpisodeInTheCache) {
  ASSERT_TRUE(server_.CreatePodcast("replicated").ok());
  v1::CreateEpisodeRequest create;
  create.set_parent("podcasts/replicated");
  *create.mutable_episode() = testing::MakeEpisode("First title", 1, 1);
  {
    grpc::ClientContext context;
    v1::Episode created;
    ASSERT_TRUE(server_.episodes().CreateEpisode(&context, create, &created).ok());
  }
  const std::string name = "podcasts/replicated/episodes/1";

  // Once the replica has it, reads are answered and cached.
  const auto until = std::chrono::steady_clock::now() + 20s;
  while (TitleThroughTheServer(name).value_or("") != "First title") {
    ASSERT_LT(std::chrono::steady_clock::now(), until) << "the replica never replayed the episode";
    std::this_thread::sleep_for(20ms);
  }
  // Once the replica has replayed past the creation's notification, its
  // reads are kept: the cache is on with a replica.
  const uint64_t hits_before = server_.server().episode_cache_stats().hits;
  while (server_.server().episode_cache_stats().hits == hits_before) {
    ASSERT_LT(std::chrono::steady_clock::now(), until) << "the cache never served a replica's read";
    ASSERT_EQ(TitleThroughTheServer(name).value_or(""), "First title");
    std::this_thread::sleep_for(20ms);
  }

  // The replica now applies each commit two seconds late.
  SetReplayDelay("2s");
  std::this_thread::sleep_for(300ms);  // the reload reaches the startup process
  v1::UpdateEpisodeRequest update;
  update.mutable_episode()->set_name(name);
  update.mutable_episode()->set_title("Second title");
  update.mutable_update_mask()->add_paths("title");
  {
    grpc::ClientContext context;
    v1::Episode updated;
    ASSERT_TRUE(server_.episodes().UpdateEpisode(&context, update, &updated).ok());
  }

  // While the replica lags, the server answers what the replica has (the old
  // title: replicas may lag) but must not cache it.
  int stale_answers = 0;
  while (TitleOnTheReplica("1") != "Second title") {
    ASSERT_LT(std::chrono::steady_clock::now(), until + 20s) << "the replica never replayed the update";
    if (TitleThroughTheServer(name).value_or("") == "First title") ++stale_answers;
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_GT(stale_answers, 0) << "the replay was not delayed: the test proved nothing";

  // Replayed: from now on every answer is the new title, from the cache too.
  SetReplayDelay("0");
  for (int i = 0; i < 5; ++i) EXPECT_EQ(TitleThroughTheServer(name).value_or(""), "Second title") << i;
  EXPECT_GT(server_.server().episode_cache_stats().hits, hits_before + 1);
}

}  // namespace
}  // namespace podmeta
