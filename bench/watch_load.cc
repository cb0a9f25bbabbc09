// Watchers at scale: many WatchEpisodes streams while writes arrive.
//
//   bench_watch_load ADDRESS setup PODCASTS
//   bench_watch_load ADDRESS SERVER_PID PODCASTS WATCHERS_PER_PODCAST HOT_WATCHERS SILENT_WATCHERS
//                    WRITES_PER_SECOND SECONDS
//
// setup creates podcasts wq0 ... wq(PODCASTS-1) and whot, each with episode
// e1. A run opens WATCHERS_PER_PODCAST streams on each wq podcast and
// HOT_WATCHERS on whot, which read every event, and SILENT_WATCHERS on whot
// that never read one (a slow consumer), over 50 connections; waits until
// every stream is open (the server's x-podmeta-watch metadata); then updates
// e1's title, WRITES_PER_SECOND a second for SECONDS (one write in ten to
// whot, the others to the wq podcasts in turn), each title naming the write.
// A reading stream records each event's delay from the start of the write's
// call and from the write's answer (the commit happened between the two, so
// they bound commit to receipt from above and below; the second is negative
// when the event came first) and whether it saw that write before. After the writes, it
// waits until every expected event arrived (at most 10 s).
//
// Prints one line of key=value pairs: streams, events (delivered to
// readers), delay_p50_ms, delay_p99_ms, after_answer_p50_ms,
// after_answer_p99_ms, write_p50_ms, write_p99_ms, duplicates, missing,
// and the server's RSS (KiB, /proc/SERVER_PID/status) before the streams,
// once they are open, halfway through the writes and at their end. Exits 1
// if a stream or write fails, or if any event is missing or repeated.
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "load_common.h"
#include "podmeta/v1/episode_service.grpc.pb.h"
#include "podmeta/v1/podcast_service.grpc.pb.h"

namespace {

namespace v1 = podmeta::v1;
namespace bench = podmeta::bench;
using Clock = std::chrono::steady_clock;

constexpr char kHot[] = "whot";

int64_t Now() { return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count(); }

long RssKib(const std::string& pid, const std::string& field = "VmRSS") {
  std::ifstream status("/proc/" + pid + "/status");
  std::string key;
  long value = 0;
  while (status >> key) {
    if (key == field + ":") {
      status >> value;
      return value;
    }
    status.ignore(1 << 20, '\n');
  }
  return -1;
}

// When each write's call started and when its answer came (ns), by write
// number; 0 until then. The commit happened between the two.
std::vector<std::atomic<int64_t>>* g_sent = nullptr;
std::vector<std::atomic<int64_t>>* g_answered = nullptr;

class Watcher final : public grpc::ClientReadReactor<v1::EpisodeChange> {
 public:
  Watcher(v1::EpisodeService::Stub* stub, const std::string& podcast, bool silent) : silent_(silent) {
    request_.set_parent(absl::StrCat("podcasts/", podcast));
    stub->async()->WatchEpisodes(&context_, &request_, this);
    if (!silent_) StartRead(&change_);
    StartCall();
  }

  void OnReadInitialMetadataDone(bool ok) override {
    if (ok && context_.GetServerInitialMetadata().count("x-podmeta-watch") > 0) open_.store(true);
    opened_.store(true);
  }
  void OnReadDone(bool ok) override {
    if (!ok) return;
    const int64_t received = Now();
    const std::string& title = change_.episode().title();
    if (title.rfind("write ", 0) == 0) {
      const size_t n = std::stoul(title.substr(6));
      const int64_t sent = n < g_sent->size() ? (*g_sent)[n].load() : 0;
      const int64_t answered = n < g_answered->size() ? (*g_answered)[n].load() : 0;
      if (!seen_.insert(n).second) {
        ++duplicates_;
      } else {
        unique_.fetch_add(1);
        if (sent > 0) delays_us_.push_back((received - sent) / 1000);
        // Negative when the event came before the write's answer.
        if (answered > 0) after_answer_us_.push_back((received - answered) / 1000);
      }
    }
    StartRead(&change_);
  }
  void OnDone(const grpc::Status& status) override {
    std::lock_guard lock(mutex_);
    status_ = status;
    done_ = true;
    done_cv_.notify_all();
  }

  void Cancel() { context_.TryCancel(); }
  void AwaitDone() {
    std::unique_lock lock(mutex_);
    done_cv_.wait(lock, [this] { return done_; });
  }
  bool opened() const { return opened_.load(); }
  bool open() const { return open_.load(); }
  bool silent() const { return silent_; }
  // Distinct writes seen so far; readable while the stream runs.
  size_t unique() const { return unique_.load(); }
  // The rest only once the stream is done.
  const std::unordered_set<size_t>& seen() const { return seen_; }
  const std::vector<int64_t>& delays_us() const { return delays_us_; }
  const std::vector<int64_t>& after_answer_us() const { return after_answer_us_; }
  int64_t duplicates() const { return duplicates_; }
  const grpc::Status& status() const { return status_; }

 private:
  const bool silent_;
  grpc::ClientContext context_;
  v1::WatchEpisodesRequest request_;
  v1::EpisodeChange change_;
  std::atomic<bool> opened_{false};
  std::atomic<bool> open_{false};
  std::atomic<size_t> unique_{0};
  // Touched only by the reactor's callbacks, which gRPC runs one at a time.
  std::unordered_set<size_t> seen_;
  std::vector<int64_t> delays_us_;
  std::vector<int64_t> after_answer_us_;
  int64_t duplicates_ = 0;
  std::mutex mutex_;
  std::condition_variable done_cv_;
  bool done_ = false;
  grpc::Status status_;
};

std::vector<std::shared_ptr<grpc::Channel>> Channels(const std::string& address, int count) {
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  for (int i = 0; i < count; ++i) channels.push_back(bench::ConnectionChannel(address, i, 16 << 20));
  return channels;
}

grpc::Status Unary(const std::function<grpc::Status(grpc::ClientContext*)>& call) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  return call(&context);
}

int Setup(const std::string& address, int podcasts) {
  auto channels = Channels(address, 4);
  std::atomic<int> next{-1};
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, channel = channels[t]] {
      auto podcast_stub = v1::PodcastService::NewStub(channel);
      auto episode_stub = v1::EpisodeService::NewStub(channel);
      for (int i = next.fetch_add(1); i < podcasts; i = next.fetch_add(1)) {
        const std::string id = i < 0 ? kHot : absl::StrCat("wq", i);
        v1::CreatePodcastRequest podcast;
        podcast.set_podcast_id(id);
        podcast.mutable_podcast()->set_title("Watched podcast " + id);
        v1::Podcast made;
        grpc::Status status =
            Unary([&](grpc::ClientContext* c) { return podcast_stub->CreatePodcast(c, podcast, &made); });
        v1::CreateEpisodeRequest episode;
        episode.set_parent("podcasts/" + id);
        episode.set_episode_id("e1");
        episode.mutable_episode()->set_title("not written yet");
        episode.mutable_episode()->mutable_publish_time()->set_seconds(1700000000);
        v1::Episode created;
        if (status.ok()) {
          status = Unary([&](grpc::ClientContext* c) { return episode_stub->CreateEpisode(c, episode, &created); });
        }
        if (!status.ok() && failures.fetch_add(1) == 0) std::cerr << "setup: " << status.error_message() << '\n';
      }
    });
  }
  for (auto& thread : threads) thread.join();
  return failures.load() == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  if (argc == 4 && std::string(argv[2]) == "setup") return Setup(argv[1], std::stoi(argv[3]));
  if (argc != 9) {
    std::cerr << "usage: bench_watch_load ADDRESS setup PODCASTS\n"
                 "       bench_watch_load ADDRESS SERVER_PID PODCASTS WATCHERS_PER_PODCAST HOT_WATCHERS "
                 "SILENT_WATCHERS WRITES_PER_SECOND SECONDS\n";
    return 2;
  }
  const std::string address = argv[1], server_pid = argv[2];
  const int podcasts = std::stoi(argv[3]), per_podcast = std::stoi(argv[4]), hot = std::stoi(argv[5]),
            silent = std::stoi(argv[6]), rate = std::stoi(argv[7]), seconds = std::stoi(argv[8]);
  const size_t total_writes = static_cast<size_t>(rate) * static_cast<size_t>(seconds);
  std::vector<std::atomic<int64_t>> sent(total_writes), answered(total_writes);
  g_sent = &sent;
  g_answered = &answered;
  const auto podcast_of = [&](size_t n) { return n % 10 == 0 ? std::string(kHot) : absl::StrCat("wq", n % podcasts); };

  const long rss_idle = RssKib(server_pid);
  auto channels = Channels(address, 50);
  std::vector<std::unique_ptr<v1::EpisodeService::Stub>> stubs;
  for (auto& channel : channels) stubs.push_back(v1::EpisodeService::NewStub(channel));
  std::vector<std::unique_ptr<Watcher>> watchers;
  std::vector<std::string> watched;  // each watcher's podcast
  size_t next_stub = 0;
  const auto open = [&](const std::string& podcast, bool quiet) {
    watchers.push_back(std::make_unique<Watcher>(stubs[next_stub++ % stubs.size()].get(), podcast, quiet));
    watched.push_back(podcast);
  };
  for (int p = 0; p < podcasts; ++p) {
    for (int w = 0; w < per_podcast; ++w) open(absl::StrCat("wq", p), false);
  }
  for (int w = 0; w < hot; ++w) open(kHot, false);
  for (int w = 0; w < silent; ++w) open(kHot, true);
  const Clock::time_point open_deadline = Clock::now() + std::chrono::seconds(120);
  while (Clock::now() < open_deadline &&
         !std::all_of(watchers.begin(), watchers.end(), [](auto& w) { return w->opened(); })) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const size_t streams = std::count_if(watchers.begin(), watchers.end(), [](auto& w) { return w->open(); });
  if (streams != watchers.size()) {
    std::cerr << "only " << streams << " of " << watchers.size() << " streams opened\n";
    for (auto& w : watchers) w->Cancel();
    for (auto& w : watchers) w->AwaitDone();
    return 1;
  }
  std::this_thread::sleep_for(std::chrono::seconds(1));
  const long rss_open = RssKib(server_pid);

  // The writers: four threads, each pacing its share of the writes.
  constexpr int kWriters = 4;
  std::atomic<int> write_failures{0};
  std::mutex write_mutex;
  std::vector<int64_t> write_us;
  std::atomic<long> rss_half{-1};
  const Clock::time_point start = Clock::now();
  std::vector<std::thread> writers;
  for (int t = 0; t < kWriters; ++t) {
    writers.emplace_back([&, t] {
      auto stub = v1::EpisodeService::NewStub(channels[t]);
      std::vector<int64_t> mine;
      for (size_t n = t; n < total_writes; n += kWriters) {
        std::this_thread::sleep_until(start + std::chrono::microseconds(n * 1'000'000 / rate));
        if (t == 0 && n >= total_writes / 2 && rss_half.load() < 0) rss_half.store(RssKib(server_pid));
        v1::UpdateEpisodeRequest request;
        request.mutable_episode()->set_name(absl::StrCat("podcasts/", podcast_of(n), "/episodes/e1"));
        request.mutable_episode()->set_title(absl::StrCat("write ", n));
        request.mutable_update_mask()->add_paths("title");
        v1::Episode updated;
        const int64_t began = Now();
        sent[n].store(began);
        grpc::Status status = Unary([&](grpc::ClientContext* c) { return stub->UpdateEpisode(c, request, &updated); });
        const int64_t answer = Now();
        answered[n].store(answer);
        mine.push_back((answer - began) / 1000);
        if (!status.ok() && write_failures.fetch_add(1) == 0) {
          std::cerr << "write " << n << " failed: " << status.error_message() << '\n';
        }
      }
      std::lock_guard lock(write_mutex);
      write_us.insert(write_us.end(), mine.begin(), mine.end());
    });
  }
  for (auto& writer : writers) writer.join();
  const long rss_end = RssKib(server_pid);

  // What each reading stream should see: every write to its podcast.
  std::vector<size_t> writes_to(podcasts + 1, 0);  // index podcasts: the hot one
  for (size_t n = 0; n < total_writes; ++n) ++writes_to[n % 10 == 0 ? podcasts : n % podcasts];
  const auto expected_of = [&](size_t i) {
    return watched[i] == kHot ? writes_to[podcasts] : writes_to[std::stoul(watched[i].substr(2))];
  };
  size_t expected_events = 0;
  for (size_t i = 0; i < watchers.size(); ++i) {
    if (!watchers[i]->silent()) expected_events += expected_of(i);
  }
  const auto delivered = [&] {
    size_t sum = 0;
    for (auto& w : watchers) sum += w->unique();
    return sum;
  };
  const Clock::time_point drain_deadline = Clock::now() + std::chrono::seconds(10);
  while (delivered() < expected_events && Clock::now() < drain_deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  // Late duplicates would arrive now.
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  for (auto& w : watchers) w->Cancel();
  for (auto& w : watchers) w->AwaitDone();

  size_t events = 0, missing = 0;
  int64_t duplicates = 0;
  std::vector<int64_t> delays, after_answer;
  for (size_t i = 0; i < watchers.size(); ++i) {
    const Watcher& w = *watchers[i];
    if (w.silent()) continue;
    events += w.seen().size();
    duplicates += w.duplicates();
    const size_t expected = expected_of(i);
    if (w.seen().size() < expected) missing += expected - w.seen().size();
    delays.insert(delays.end(), w.delays_us().begin(), w.delays_us().end());
    after_answer.insert(after_answer.end(), w.after_answer_us().begin(), w.after_answer_us().end());
  }
  std::printf(
      "streams=%zu events=%zu delay_p50_ms=%.2f delay_p99_ms=%.2f after_answer_p50_ms=%.2f after_answer_p99_ms=%.2f "
      "write_p50_ms=%.2f write_p99_ms=%.2f duplicates=%lld missing=%zu "
      "rss_idle_kib=%ld rss_open_kib=%ld rss_half_kib=%ld rss_end_kib=%ld\n",
      streams, events, bench::PercentileMs(delays, 0.5), bench::PercentileMs(delays, 0.99),
      bench::PercentileMs(after_answer, 0.5), bench::PercentileMs(after_answer, 0.99),
      bench::PercentileMs(write_us, 0.5), bench::PercentileMs(write_us, 0.99), static_cast<long long>(duplicates),
      missing, rss_idle, rss_open, rss_half.load(), rss_end);
  if (write_failures.load() > 0 || duplicates > 0 || missing > 0) return 1;
  return 0;
}
