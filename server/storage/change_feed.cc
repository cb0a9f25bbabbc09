#include "storage/change_feed.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <pqxx/pqxx>
#include <vector>

#include "storage/queries.h"

namespace podmeta::storage {
namespace {

constexpr char kChannel[] = "podmeta_episode_changes";
// With no notification for this long, the feed reads the WAL position
// anyway: a server that hung, or became a standby (where the position cannot
// be read), is noticed and the feed reconnects instead of listening to a
// server that will never notify again.
constexpr auto kIdleCheckInterval = std::chrono::seconds(1);
// How long the position query may take before the server is given up.
constexpr auto kQueryTimeout = std::chrono::seconds(2);

class Receiver final : public pqxx::notification_receiver {
 public:
  Receiver(pqxx::connection_base& connection, std::function<void(const std::string&)> on_notify)
      : pqxx::notification_receiver(connection, kChannel), on_notify_(std::move(on_notify)) {}
  void operator()(const std::string& payload, int) override { on_notify_(payload); }

 private:
  std::function<void(const std::string&)> on_notify_;
};

}  // namespace

ChangeFeed::ChangeFeed(std::string dsn, EpisodeCache* cache, bool replica_reads)
    : dsn_(std::move(dsn)),
      cache_(cache),
      replica_reads_(replica_reads && cache != nullptr),
      thread_([this] { Run(); }) {}

ChangeFeed::~ChangeFeed() {
  stopping_ = true;
  thread_.join();
}

int64_t ChangeFeed::Subscribe(const std::string& podcast_id, Callback wake) {
  sync::MutexLock lock(mutex_);
  const int64_t id = next_subscription_++;
  subscribers_.emplace(id, std::make_pair(podcast_id, std::move(wake)));
  return id;
}

void ChangeFeed::Unsubscribe(int64_t subscription) {
  sync::MutexLock lock(mutex_);
  subscribers_.erase(subscription);
}

void ChangeFeed::Changed(const std::string& podcast_id, uint64_t replayed_by) {
  if (cache_ != nullptr) cache_->InvalidatePodcast(podcast_id, replayed_by);
  sync::MutexLock lock(mutex_);
  for (auto& [id, subscriber] : subscribers_) {
    if (subscriber.first == podcast_id) subscriber.second();
  }
}

void ChangeFeed::WakeAll() {
  sync::MutexLock lock(mutex_);
  for (auto& [id, subscriber] : subscribers_) subscriber.second();
}

void ChangeFeed::SetConnected(bool connected) {
  sync::MutexLock lock(mutex_);
  connected_ = connected;
  connected_changed_.notify_all();
}

bool ChangeFeed::AwaitConnected(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  sync::MutexLock lock(mutex_);
  while (!connected_ && mutex_.WaitUntil(connected_changed_, deadline)) {
  }
  return connected_;
}

void ChangeFeed::Run() {
  bool was_connected = false;
  while (!stopping_) {
    try {
      Connection connection(dsn_);
      std::vector<std::string> notified;  // this batch's podcasts, with replica_reads_
      Receiver receiver(connection, [this, &notified](const std::string& podcast_id) {
        if (replica_reads_) {
          notified.push_back(podcast_id);
        } else {
          Changed(podcast_id, 0);
        }
      });
      // LISTENing from here on: whatever the cache holds from before may have
      // missed a notification.
      if (cache_ != nullptr) cache_->SetLive(true);
      if (was_connected) spdlog::info("change feed reconnected; waking every watcher");
      was_connected = true;
      // Watchers that subscribed before the LISTEN may have missed a change.
      WakeAll();
      SetConnected(true);
      auto last_read = std::chrono::steady_clock::now();
      while (!stopping_) {
        if (notified.empty()) connection.await_notification(0, 200'000);
        if (notified.empty() && std::chrono::steady_clock::now() - last_read < kIdleCheckInterval) continue;
        // The position is read after these notifications arrived, so it is
        // past their commits. Notifications that arrive while it is read
        // (libpqxx delivers them after any statement) wait for the next
        // round: their commits may be later.
        std::vector<std::string> batch;
        batch.swap(notified);
        uint64_t position = 0;
        {
          QueryWatchdog::Watch watch(watchdog_, std::chrono::system_clock::now() + kQueryTimeout, connection);
          pqxx::nontransaction query(connection);
          position = static_cast<uint64_t>(query.exec(std::string(kCurrentWalLsn.sql))[0]["position"].as<int64_t>());
        }
        last_read = std::chrono::steady_clock::now();
        for (const std::string& podcast_id : batch) Changed(podcast_id, position);
      }
    } catch (const std::exception& error) {
      if (cache_ != nullptr) cache_->SetLive(false);
      SetConnected(false);
      if (stopping_) break;
      spdlog::warn("change feed lost its database connection ({}); retrying", error.what());
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
  }
}

}  // namespace podmeta::storage
