// A load generator for podmeta's writes, each client on its own podcast
// (wbp0, wbp1, ...), one call in flight per client, every call changing
// something (a write that changes nothing writes nothing):
//
//   bench_write_load ADDRESS setup CLIENTS
//   bench_write_load ADDRESS OPERATION CLIENTS SECONDS ROUND
//
// setup creates the podcasts, each with episode "e1" (35 chapters), and
// imports each client's show page once. OPERATION is one of
//   create           CreateEpisode of a new episode (3 chapters)
//   update           UpdateEpisode of e1's title (mask "title")
//   replace-chapters ReplaceChapters of e1's 35 chapters (new titles)
//   import           ImportShowPage of a one-episode page (6 chapters) whose
//                    episode's title changes
// Every call carries a request id, as the client library's do. Everything
// that must differ between calls (request id, new episode id, titles) holds
// the call's tag, ROUNDxN for the N-th call: ROUND keeps one run's ids apart
// from another's, and bench/pgbench_scripts.py finds a captured call's
// values by its tag. Measures SECONDS after one second
// of warm-up and prints "calls_per_second p50_ms p99_ms"; exits 1 if any call
// fails.
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "load_common.h"
#include "podmeta/v1/episode_service.grpc.pb.h"
#include "podmeta/v1/podcast_service.grpc.pb.h"

namespace {

using Clock = std::chrono::steady_clock;
namespace v1 = podmeta::v1;
namespace bench = podmeta::bench;

constexpr int kChapters = 35;

std::string PodcastId(int client) { return absl::StrCat("wbp", client); }

void AddChapters(google::protobuf::RepeatedPtrField<v1::Chapter>& chapters, int count, const std::string& label) {
  for (int i = 0; i < count; ++i) {
    v1::Chapter* chapter = chapters.Add();
    chapter->mutable_start_offset()->set_seconds(i * 90);
    chapter->set_title(absl::StrCat("Chapter ", i + 1, " of ", label));
  }
}

// A show page (the format `podmeta import` reads) with one episode.
std::string ShowPage(int client, const std::string& label) {
  std::string page = absl::StrCat("Import wbp", client, "\nThe benchmark\nA show the write benchmark imports into.\n",
                                  "Episodes\n\nMar 4, 2024 • 1h 10min\nEpisode 1: ", label,
                                  "\nWhat the episode is about.\n## Outline\n");
  for (int i = 0; i < 6; ++i) absl::StrAppend(&page, absl::StrFormat("(00:%02d:00) Part %d of %s\n", i * 9, i, label));
  return page;
}

// One client's calls, on its own channel and podcast.
class Client {
 public:
  Client(const std::string& address, int number, int round)
      : number_(number), round_(round), podcast_(PodcastId(number)) {
    auto channel = bench::ConnectionChannel(address, number);
    episodes_ = v1::EpisodeService::NewStub(channel);
    podcasts_ = v1::PodcastService::NewStub(channel);
  }

  grpc::Status Setup() {
    v1::CreatePodcastRequest podcast;
    podcast.set_podcast_id(podcast_);
    podcast.mutable_podcast()->set_title(absl::StrCat("Write bench podcast ", number_));
    v1::Podcast created;
    grpc::Status status =
        Call([&](grpc::ClientContext* context) { return podcasts_->CreatePodcast(context, podcast, &created); });
    if (!status.ok()) return status;
    v1::CreateEpisodeRequest episode;
    episode.set_parent(absl::StrCat("podcasts/", podcast_));
    episode.set_episode_id("e1");
    episode.mutable_episode()->set_title("The episode every update changes");
    episode.mutable_episode()->mutable_publish_time()->set_seconds(1700000000);
    AddChapters(*episode.mutable_episode()->mutable_chapters(), kChapters, "the start");
    v1::Episode made;
    status = Call([&](grpc::ClientContext* context) { return episodes_->CreateEpisode(context, episode, &made); });
    if (!status.ok()) return status;
    return Import("the first import");
  }

  // One call of `operation`; its n-th.
  grpc::Status Run(const std::string& operation, int64_t n) {
    const std::string tag = absl::StrCat(round_, "x", n);
    const std::string label = absl::StrCat("call ", tag);
    const std::string request_id = absl::StrCat("wb-", tag, "-", operation);
    v1::Episode answer;
    if (operation == "create") {
      v1::CreateEpisodeRequest request;
      request.set_parent(absl::StrCat("podcasts/", podcast_));
      request.set_episode_id(absl::StrCat("e", tag));
      request.set_request_id(request_id);
      v1::Episode& episode = *request.mutable_episode();
      episode.set_title(absl::StrCat("New episode, ", label));
      episode.set_description("An episode the write benchmark made.");
      episode.mutable_publish_time()->set_seconds(1700000000 + n);
      episode.mutable_duration()->set_seconds(3600);
      AddChapters(*episode.mutable_chapters(), 3, label);
      return Call([&](grpc::ClientContext* context) { return episodes_->CreateEpisode(context, request, &answer); });
    }
    if (operation == "update") {
      v1::UpdateEpisodeRequest request;
      request.mutable_episode()->set_name(absl::StrCat("podcasts/", podcast_, "/episodes/e1"));
      request.mutable_episode()->set_title(absl::StrCat("Updated, ", label));
      request.mutable_update_mask()->add_paths("title");
      request.set_request_id(request_id);
      return Call([&](grpc::ClientContext* context) { return episodes_->UpdateEpisode(context, request, &answer); });
    }
    if (operation == "replace-chapters") {
      v1::ReplaceChaptersRequest request;
      request.set_name(absl::StrCat("podcasts/", podcast_, "/episodes/e1"));
      AddChapters(*request.mutable_chapters(), kChapters, label);
      request.set_request_id(request_id);
      return Call([&](grpc::ClientContext* context) { return episodes_->ReplaceChapters(context, request, &answer); });
    }
    if (operation == "import") return Import(label, request_id);
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "unknown operation " + operation);
  }

 private:
  grpc::Status Import(const std::string& label, const std::string& request_id = "") {
    v1::ImportShowPageRequest request;
    request.set_content(ShowPage(number_, label));
    request.set_request_id(request_id);
    v1::ImportShowPageResponse response;
    grpc::Status status =
        Call([&](grpc::ClientContext* context) { return podcasts_->ImportShowPage(context, request, &response); });
    if (status.ok() && response.created_episodes_size() + response.updated_episodes_size() != 1) {
      return grpc::Status(grpc::StatusCode::INTERNAL, "the import wrote no episode");
    }
    return status;
  }

  template <typename Method>
  grpc::Status Call(Method method) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    return method(&context);
  }

  const int number_;
  const int round_;
  const std::string podcast_;
  std::unique_ptr<v1::EpisodeService::Stub> episodes_;
  std::unique_ptr<v1::PodcastService::Stub> podcasts_;
};

}  // namespace

int main(int argc, char** argv) {
  const bool setup = argc == 4 && std::string(argv[2]) == "setup";
  if (!setup && argc != 6) {
    std::cerr << "usage: bench_write_load ADDRESS setup CLIENTS\n"
                 "       bench_write_load ADDRESS create|update|replace-chapters|import CLIENTS SECONDS ROUND\n";
    return 2;
  }
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  const std::string operation = argv[2];
  const int clients = std::stoi(argv[3]);
  const auto seconds = std::chrono::seconds(setup ? 0 : std::stoi(argv[4]));
  const int round = setup ? 0 : std::stoi(argv[5]);
  std::vector<std::unique_ptr<Client>> pool;
  for (int i = 0; i < clients; ++i) pool.push_back(std::make_unique<Client>(argv[1], i, round));

  std::atomic<int64_t> failures{0};
  std::mutex mutex;
  std::vector<int64_t> latencies_us;
  const Clock::time_point from = Clock::now() + std::chrono::seconds(1);
  const Clock::time_point until = from + seconds;
  std::vector<std::thread> threads;
  for (int i = 0; i < clients; ++i) {
    threads.emplace_back([&, client = pool[i].get()] {
      const auto failed = [&](const grpc::Status& status) {
        if (failures.fetch_add(1) == 0) {
          std::cerr << operation << " failed: " << status.error_code() << " " << status.error_message() << '\n';
        }
      };
      if (setup) {
        if (grpc::Status status = client->Setup(); !status.ok()) failed(status);
        return;
      }
      std::vector<int64_t> mine;
      for (int64_t n = 1;; ++n) {
        const Clock::time_point start = Clock::now();
        if (start >= until) break;
        grpc::Status status = client->Run(operation, n);
        const Clock::time_point end = Clock::now();
        if (!status.ok()) {
          failed(status);
          break;
        }
        if (start >= from && end <= until) {
          mine.push_back(std::chrono::duration_cast<std::chrono::microseconds>(end - start).count());
        }
      }
      std::lock_guard lock(mutex);
      latencies_us.insert(latencies_us.end(), mine.begin(), mine.end());
    });
  }
  for (std::thread& thread : threads) thread.join();
  if (failures.load() > 0) {
    std::cerr << failures.load() << " clients failed\n";
    return 1;
  }
  if (setup) return 0;
  if (latencies_us.empty()) return 1;
  const double calls = static_cast<double>(latencies_us.size());
  std::printf("%.1f %.2f %.2f\n", calls / static_cast<double>(seconds.count()), bench::PercentileMs(latencies_us, 0.5),
              bench::PercentileMs(latencies_us, 0.99));
  return 0;
}
