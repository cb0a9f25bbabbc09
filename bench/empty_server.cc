// The gRPC ceiling baselines: EpisodeService on the same callback API and
// build as podmeta-server, whose GetEpisode answers at once: with an empty
// Episode, or, given ANSWER_FILE, with that file's bytes (a serialized
// episode) through a raw method copying them into each answer as
// podmeta-server's cache hits do: the ceiling for answering those bytes.
//
//   bench_empty_server ADDRESS [ANSWER_FILE]
#include <grpcpp/grpcpp.h>

#include <csignal>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>

#include "absl/synchronization/mutex.h"
#include "podmeta/v1/episode_service.grpc.pb.h"

namespace {

class EmptyEpisodes final : public podmeta::v1::EpisodeService::CallbackService {
  grpc::ServerUnaryReactor* GetEpisode(grpc::CallbackServerContext* context, const podmeta::v1::GetEpisodeRequest*,
                                       podmeta::v1::Episode*) override {
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
};

class SameBytesEpisodes final : public podmeta::v1::EpisodeService::WithRawCallbackMethod_GetEpisode<
                                    podmeta::v1::EpisodeService::CallbackService> {
 public:
  explicit SameBytesEpisodes(std::string answer) : answer_(std::move(answer)) {}
  grpc::ServerUnaryReactor* GetEpisode(grpc::CallbackServerContext* context, const grpc::ByteBuffer*,
                                       grpc::ByteBuffer* response) override {
    grpc::Slice slice(answer_);
    *response = grpc::ByteBuffer(&slice, 1);
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }

 private:
  const std::string answer_;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2 && argc != 3) {
    std::cerr << "usage: bench_empty_server ADDRESS [ANSWER_FILE]\n";
    return 2;
  }
  std::string answer;
  if (argc == 3) {
    std::ifstream file(argv[2], std::ios::binary);
    answer.assign(std::istreambuf_iterator<char>(file), {});
    if (!file.good() && !file.eof()) {
      std::cerr << "bench_empty_server: cannot read " << argv[2] << "\n";
      return 2;
    }
  }
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  // The same library setting podmeta-server makes (server.cc), so the
  // ceiling is gRPC's, not abseil's debug checks'.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  EmptyEpisodes empty;
  SameBytesEpisodes same_bytes(answer);
  grpc::ServerBuilder builder;
  builder.AddListeningPort(argv[1], grpc::InsecureServerCredentials());
  if (argc == 3) {
    builder.RegisterService(&same_bytes);
  } else {
    builder.RegisterService(&empty);
  }
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server) return 1;
  int signal = 0;
  sigwait(&signals, &signal);
  server->Shutdown();
  return 0;
}
