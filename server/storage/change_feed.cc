#include "storage/change_feed.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <pqxx/pqxx>

namespace podmeta::storage {
namespace {

constexpr char kChannel[] = "podmeta_episode_changes";

class Receiver final : public pqxx::notification_receiver {
 public:
  Receiver(pqxx::connection_base& connection, std::function<void(const std::string&)> on_notify)
      : pqxx::notification_receiver(connection, kChannel), on_notify_(std::move(on_notify)) {}
  void operator()(const std::string& payload, int) override { on_notify_(payload); }

 private:
  std::function<void(const std::string&)> on_notify_;
};

}  // namespace

ChangeFeed::ChangeFeed(std::string dsn, EpisodeCache* cache)
    : dsn_(std::move(dsn)), cache_(cache), thread_([this] { Run(); }) {}

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

void ChangeFeed::Changed(const std::string& podcast_id) {
  if (cache_ != nullptr) cache_->InvalidatePodcast(podcast_id);
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
      pqxx::connection connection(dsn_);
      Receiver receiver(connection, [this](const std::string& podcast_id) { Changed(podcast_id); });
      // LISTENing from here on: whatever the cache holds from before may have
      // missed a notification.
      if (cache_ != nullptr) cache_->SetLive(true);
      if (was_connected) spdlog::info("change feed reconnected; waking every watcher");
      was_connected = true;
      // Watchers that subscribed before the LISTEN may have missed a change.
      WakeAll();
      SetConnected(true);
      while (!stopping_) connection.await_notification(0, 200'000);
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
