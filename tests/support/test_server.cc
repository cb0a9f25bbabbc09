#include "support/test_server.h"

#include <grpcpp/grpcpp.h>

#include <stdexcept>

namespace podmeta::testing {

TestServer::TestServer(const std::string& auth_token_file)
    : TestServer([&auth_token_file](ServerConfig& config) { config.auth_token_file = auth_token_file; }) {}

TestServer::TestServer(const std::function<void(ServerConfig&)>& configure) {
  ServerConfig config;
  config.listen = "127.0.0.1:0";
  config.database_url = database_.url();
  config.pool_size = 4;
  config.worker_threads = 4;
  configure(config);
  auto started = Server::Start(config);
  if (!started.ok()) throw std::runtime_error("server did not start: " + started.status().ToString());
  server_ = std::move(*started);
  address_ = "127.0.0.1:" + std::to_string(server_->port());
  channel_ = grpc::CreateChannel(address_, grpc::InsecureChannelCredentials());
  podcasts_ = v1::PodcastService::NewStub(channel_);
  episodes_ = v1::EpisodeService::NewStub(channel_);
}

grpc::Status TestServer::CreatePodcast(const std::string& id) {
  v1::CreatePodcastRequest request;
  request.set_podcast_id(id);
  request.mutable_podcast()->set_title(id);
  grpc::ClientContext context;
  v1::Podcast created;
  return podcasts_->CreatePodcast(&context, request, &created);
}

TestServer::~TestServer() {
  server_->Shutdown(std::chrono::seconds(5));
  server_->Wait();
}

}  // namespace podmeta::testing
