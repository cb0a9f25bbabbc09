// A load generator for GetEpisode with a different episode in every call
// (h2load repeats one request body, which would measure one hot row).
//
//   bench_get_episode_load ADDRESS PODCAST EPISODES CONNECTIONS STREAMS SECONDS
//
// Keeps STREAMS calls in flight on each of CONNECTIONS connections, each for
// a random episode 1..EPISODES of PODCAST, for SECONDS after one second of
// warm-up, and prints "requests_per_second p50_ms p99_ms". Exits 1 if any
// call fails.
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <iostream>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "load_common.h"
#include "podmeta/v1/episode_service.grpc.pb.h"

namespace {

using Clock = std::chrono::steady_clock;

class Load {
 public:
  Load(std::string podcast, int episodes) : podcast_(std::move(podcast)), episodes_(episodes) {}

  void Start(podmeta::v1::EpisodeService::Stub* stub) {
    in_flight_.fetch_add(1);
    auto* call = new Call;
    call->stub = stub;
    thread_local std::mt19937 random{std::random_device{}()};
    call->request.set_name(podcast_ + "/episodes/" +
                           std::to_string(std::uniform_int_distribution<int>(1, episodes_)(random)));
    call->context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    call->start = Clock::now();
    stub->async()->GetEpisode(&call->context, &call->request, &call->response,
                              [this, call](grpc::Status status) { Finished(call, status); });
  }

  void Measure(Clock::time_point from, Clock::time_point until) {
    from_ = from;
    until_ = until;
  }
  void Stop() { stopping_ = true; }
  void AwaitIdle() {
    std::unique_lock lock(mutex_);
    idle_.wait(lock, [this] { return in_flight_.load() == 0; });
  }
  std::vector<int64_t>& latencies_us() { return latencies_us_; }
  int64_t failures() const { return failures_.load(); }

 private:
  struct Call {
    podmeta::v1::EpisodeService::Stub* stub = nullptr;
    grpc::ClientContext context;
    podmeta::v1::GetEpisodeRequest request;
    podmeta::v1::Episode response;
    Clock::time_point start;
  };

  void Finished(Call* call, const grpc::Status& status) {
    const Clock::time_point end = Clock::now();
    if (!status.ok()) {
      if (failures_.fetch_add(1) == 0) std::cerr << "GetEpisode failed: " << status.error_message() << '\n';
    } else if (call->start >= from_ && end <= until_) {
      std::lock_guard lock(mutex_);
      latencies_us_.push_back(std::chrono::duration_cast<std::chrono::microseconds>(end - call->start).count());
    }
    podmeta::v1::EpisodeService::Stub* stub = call->stub;
    delete call;
    if (!stopping_) Start(stub);
    if (in_flight_.fetch_sub(1) == 1) {
      std::lock_guard lock(mutex_);
      idle_.notify_all();
    }
  }

  const std::string podcast_;
  const int episodes_;
  std::atomic<bool> stopping_{false};
  std::atomic<int64_t> in_flight_{0};
  std::atomic<int64_t> failures_{0};
  Clock::time_point from_ = Clock::time_point::max();
  Clock::time_point until_ = Clock::time_point::min();
  std::mutex mutex_;
  std::condition_variable idle_;
  std::vector<int64_t> latencies_us_;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 7) {
    std::cerr << "usage: bench_get_episode_load ADDRESS PODCAST EPISODES CONNECTIONS STREAMS SECONDS\n";
    return 2;
  }
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  const int connections = std::stoi(argv[4]);
  const int streams = std::stoi(argv[5]);
  const auto seconds = std::chrono::seconds(std::stoi(argv[6]));
  std::vector<std::unique_ptr<podmeta::v1::EpisodeService::Stub>> stubs;
  for (int i = 0; i < connections; ++i) {
    stubs.push_back(podmeta::v1::EpisodeService::NewStub(podmeta::bench::ConnectionChannel(argv[1], i)));
  }
  Load load(argv[2], std::stoi(argv[3]));
  const Clock::time_point from = Clock::now() + std::chrono::seconds(1);
  load.Measure(from, from + seconds);
  for (auto& stub : stubs) {
    for (int i = 0; i < streams; ++i) load.Start(stub.get());
  }
  std::this_thread::sleep_until(from + seconds);
  load.Stop();
  load.AwaitIdle();
  if (load.failures() > 0) {
    std::cerr << load.failures() << " calls failed\n";
    return 1;
  }
  std::vector<int64_t>& latencies = load.latencies_us();
  if (latencies.empty()) return 1;
  const double calls = static_cast<double>(latencies.size());
  std::printf("%.0f %.2f %.2f\n", calls / static_cast<double>(seconds.count()),
              podmeta::bench::PercentileMs(latencies, 0.5), podmeta::bench::PercentileMs(latencies, 0.99));
  return 0;
}
