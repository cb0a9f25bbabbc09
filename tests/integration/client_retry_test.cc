// The client library retries for time, not for a count: over real gRPC, a
// server that answers UNAVAILABLE for a while (as podmeta does while its
// database fails over) is ridden out up to the call's deadline, and no
// longer.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>

#include "podmeta/client.h"
#include "podmeta/v1/podcast_service.grpc.pb.h"

namespace podmeta {
namespace {

using Clock = std::chrono::steady_clock;

// GetPodcast answers UNAVAILABLE until `available_at`, then the podcast.
class FailingOverPodcasts final : public v1::PodcastService::Service {
 public:
  explicit FailingOverPodcasts(Clock::time_point available_at) : available_at_(available_at) {}

  grpc::Status GetPodcast(grpc::ServerContext*, const v1::GetPodcastRequest* request, v1::Podcast* response) override {
    ++calls_;
    if (Clock::now() < available_at_) return grpc::Status(grpc::StatusCode::UNAVAILABLE, "database failing over");
    response->set_name(request->name());
    return grpc::Status::OK;
  }

  int calls() const { return calls_; }

 private:
  const Clock::time_point available_at_;
  std::atomic<int> calls_{0};
};

class ClientRetryTest : public ::testing::Test {
 protected:
  // Starts a server whose GetPodcast is unavailable for `outage`; returns a
  // client of it with `options`' retry settings.
  std::unique_ptr<Client> Start(std::chrono::milliseconds outage, ClientOptions options) {
    service_ = std::make_unique<FailingOverPodcasts>(Clock::now() + outage);
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    options.address = "127.0.0.1:" + std::to_string(port);
    return std::make_unique<Client>(options);
  }

  void TearDown() override {
    if (server_) server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
  }

  std::unique_ptr<FailingOverPodcasts> service_;
  std::unique_ptr<grpc::Server> server_;
};

TEST_F(ClientRetryTest, AReadRidesOutAnOutageLongerThanAFixedCountOfRetriesWould) {
  ClientOptions options;  // as shipped: 10 s per call, backoff from 100 ms
  std::unique_ptr<Client> client = Start(std::chrono::milliseconds(2500), options);
  absl::StatusOr<v1::Podcast> podcast = client->GetPodcast("podcasts/show");
  ASSERT_TRUE(podcast.ok()) << podcast.status();
  EXPECT_EQ(podcast->name(), "podcasts/show");
  // Four attempts with doubling backoff (the old rule) cover 0.7 s.
  EXPECT_GT(service_->calls(), 4);
}

TEST_F(ClientRetryTest, RetriesEndAtTheCallsDeadline) {
  ClientOptions options;
  options.timeout = std::chrono::milliseconds(1500);
  std::unique_ptr<Client> client = Start(std::chrono::hours(1), options);
  const auto started = Clock::now();
  absl::StatusOr<v1::Podcast> podcast = client->GetPodcast("podcasts/show");
  const auto took = Clock::now() - started;
  EXPECT_EQ(podcast.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_GT(service_->calls(), 2);
  // It gives up when the next wait would pass the deadline, not later.
  EXPECT_LE(took, options.timeout + std::chrono::milliseconds(500));
}

TEST_F(ClientRetryTest, MaxAttemptsStillCapsTheAttempts) {
  ClientOptions options;
  options.max_attempts = 1;
  std::unique_ptr<Client> client = Start(std::chrono::hours(1), options);
  EXPECT_EQ(client->GetPodcast("podcasts/show").status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(service_->calls(), 1);
}

}  // namespace
}  // namespace podmeta
