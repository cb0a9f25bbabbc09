// Wakes watchers when episodes of a podcast change, on every replica.
//
// A dedicated connection LISTENs on the channel the episodes trigger
// NOTIFYs (migration 0002) and calls the callbacks subscribed for that
// podcast. A notification only says "look again": watchers read what
// changed from the episode_changes table, so a lost connection loses
// nothing. After a reconnect every subscriber is woken, since notifications
// sent meanwhile are gone.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>

namespace podmeta::storage {

class ChangeFeed {
 public:
  using Callback = std::function<void()>;

  explicit ChangeFeed(std::string dsn);
  ~ChangeFeed();
  ChangeFeed(const ChangeFeed&) = delete;
  ChangeFeed& operator=(const ChangeFeed&) = delete;

  // `wake` runs on the feed's thread and must not block.
  int64_t Subscribe(const std::string& podcast_id, Callback wake);
  // After it returns, the callback is neither running nor called again.
  void Unsubscribe(int64_t subscription);

  size_t subscriber_count() const;

 private:
  void Run();
  void Wake(const std::string& podcast_id);
  void WakeAll();

  const std::string dsn_;
  mutable std::mutex mutex_;
  std::map<int64_t, std::pair<std::string, Callback>> subscribers_;
  int64_t next_subscription_ = 1;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace podmeta::storage
