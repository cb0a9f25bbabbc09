// Starts the real podmeta-server binary and talks to it over its socket:
// health, reflection, a real call, and a clean exit on SIGTERM.
#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <filesystem>
#include <thread>

#include "grpc/health/v1/health.grpc.pb.h"
#include "podmeta/v1/podcast_service.grpc.pb.h"
#include "reflection/v1alpha/reflection.grpc.pb.h"
#include "support/test_database.h"

extern char** environ;

namespace podmeta {
namespace {

using ::testing::IsSupersetOf;

class ServerProcess {
 public:
  ServerProcess(const std::string& listen, const std::string& database_url) {
    std::vector<std::string> args = {PODMETA_SERVER_BINARY, "--listen", listen, "--database-url", database_url,
                                     "--shutdown-grace-ms", "2000"};
    std::vector<char*> argv;
    for (std::string& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    if (posix_spawn(&pid_, argv[0], nullptr, nullptr, argv.data(), environ) != 0) pid_ = -1;
  }
  ~ServerProcess() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  bool started() const { return pid_ > 0; }
  // Sends `signal` and returns the exit status (-1 if it did not exit normally).
  int Stop(int signal) {
    kill(pid_, signal);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

 private:
  pid_t pid_ = -1;
};

class ServerBinaryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    socket_path_ = std::filesystem::temp_directory_path() / ("podmeta-e2e-" + std::to_string(getpid()) + ".sock");
    address_ = "unix:" + socket_path_.string();
    process_ = std::make_unique<ServerProcess>(address_, database_.url());
    ASSERT_TRUE(process_->started());
    channel_ = grpc::CreateChannel(address_, grpc::InsecureChannelCredentials());
    ASSERT_TRUE(channel_->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(20)))
        << "podmeta-server did not come up on " << address_;
  }

  testing::TestDatabase database_;
  std::filesystem::path socket_path_;
  std::string address_;
  std::unique_ptr<ServerProcess> process_;
  std::shared_ptr<grpc::Channel> channel_;
};

TEST_F(ServerBinaryTest, ReportsServingOnHealthForTheServerAndEachService) {
  auto health = grpc::health::v1::Health::NewStub(channel_);
  for (const char* service : {"", "podmeta.v1.PodcastService", "podmeta.v1.EpisodeService"}) {
    grpc::health::v1::HealthCheckRequest request;
    request.set_service(service);
    grpc::health::v1::HealthCheckResponse response;
    grpc::ClientContext context;
    ASSERT_TRUE(health->Check(&context, request, &response).ok()) << service;
    EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING) << service;
  }
}

TEST_F(ServerBinaryTest, ReflectionListsAndDescribesTheServices) {
  auto reflection = grpc::reflection::v1alpha::ServerReflection::NewStub(channel_);
  grpc::ClientContext context;
  auto stream = reflection->ServerReflectionInfo(&context);
  grpc::reflection::v1alpha::ServerReflectionRequest request;
  request.set_list_services("");
  ASSERT_TRUE(stream->Write(request));
  grpc::reflection::v1alpha::ServerReflectionResponse response;
  ASSERT_TRUE(stream->Read(&response));
  std::vector<std::string> services;
  for (const auto& service : response.list_services_response().service()) services.push_back(service.name());
  EXPECT_THAT(services, IsSupersetOf({"podmeta.v1.PodcastService", "podmeta.v1.EpisodeService", "grpc.health.v1.Health",
                                      "grpc.reflection.v1alpha.ServerReflection"}));

  for (const char* symbol : {"podmeta.v1.EpisodeService", "grpc.health.v1.Health"}) {
    request.Clear();
    request.set_file_containing_symbol(symbol);
    ASSERT_TRUE(stream->Write(request));
    ASSERT_TRUE(stream->Read(&response));
    EXPECT_GT(response.file_descriptor_response().file_descriptor_proto_size(), 0) << symbol << " is not described";
  }
  stream->WritesDone();
  EXPECT_TRUE(stream->Finish().ok());
}

TEST_F(ServerBinaryTest, ServesCallsAndExitsCleanlyOnSigterm) {
  auto podcasts = v1::PodcastService::NewStub(channel_);
  v1::CreatePodcastRequest request;
  request.mutable_podcast()->set_title("core.py");
  v1::Podcast created;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(podcasts->CreatePodcast(&context, request, &created).ok());
  }
  EXPECT_EQ(created.name(), "podcasts/core-py");
  EXPECT_EQ(process_->Stop(SIGTERM), 0);
  EXPECT_FALSE(std::filesystem::exists(socket_path_)) << "the socket should be gone after shutdown";
}

TEST_F(ServerBinaryTest, ExitsCleanlyOnSigint) { EXPECT_EQ(process_->Stop(SIGINT), 0); }

}  // namespace
}  // namespace podmeta
