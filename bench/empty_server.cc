// The gRPC ceiling baseline: EpisodeService on the same callback API and
// build as podmeta-server, whose GetEpisode answers an empty Episode at once.
//
//   bench_empty_server ADDRESS
#include <grpcpp/grpcpp.h>

#include <csignal>
#include <iostream>

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

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: bench_empty_server ADDRESS\n";
    return 2;
  }
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  // The same library setting podmeta-server makes (server.cc), so the
  // ceiling is gRPC's, not abseil's debug checks'.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  EmptyEpisodes service;
  grpc::ServerBuilder builder;
  builder.AddListeningPort(argv[1], grpc::InsecureServerCredentials());
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server) return 1;
  int signal = 0;
  sigwait(&signals, &signal);
  server->Shutdown();
  return 0;
}
