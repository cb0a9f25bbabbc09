// The real podmeta server, in-process, on a real TCP port on loopback, over a
// fresh real PostgreSQL database; plus client stubs connected to it.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "podmeta/v1/episode_service.grpc.pb.h"
#include "podmeta/v1/podcast_service.grpc.pb.h"
#include "server.h"
#include "support/test_database.h"

namespace podmeta::testing {

class TestServer {
 public:
  // `auth_token_file` empty: writes are open (loopback only).
  explicit TestServer(const std::string& auth_token_file = "");
  // With the test's changes to the configuration (retention, intervals).
  explicit TestServer(const std::function<void(ServerConfig&)>& configure);
  ~TestServer();

  v1::PodcastService::Stub& podcasts() { return *podcasts_; }
  v1::EpisodeService::Stub& episodes() { return *episodes_; }
  Server& server() { return *server_; }

  // Creates podcasts/{id} titled {id}.
  grpc::Status CreatePodcast(const std::string& id);
  const std::string& address() const { return address_; }
  const std::string& database_url() const { return database_.url(); }

 private:
  TestDatabase database_;
  std::unique_ptr<Server> server_;
  std::string address_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::PodcastService::Stub> podcasts_;
  std::unique_ptr<v1::EpisodeService::Stub> episodes_;
};

}  // namespace podmeta::testing
