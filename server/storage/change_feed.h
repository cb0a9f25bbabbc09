// Wakes watchers when episodes of a podcast change, on every replica.
//
// A dedicated connection LISTENs on the channel the episodes trigger
// NOTIFYs (migration 0002) and calls the callbacks subscribed for that
// podcast. A notification only says "look again": watchers read what
// changed from the episode_changes table, so a lost connection loses
// nothing. After a reconnect every subscriber is woken, since notifications
// sent meanwhile are gone.
//
// It also keeps an EpisodeCache correct: each notification drops the
// podcast's cached episodes, and the cache is live only while the feed is
// connected. When the cache is filled from a replica (`replica_reads`), each
// batch of notifications also reads the primary's WAL position, which is past
// their commits, and the cache keeps a later read of those podcasts only from
// a replica that had replayed that far (EpisodeCache::InvalidatePodcast).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <string>
#include <thread>

#include "storage/episode_cache.h"
#include "storage/query_watchdog.h"
#include "sync/mutex.h"

namespace podmeta::storage {

class ChangeFeed {
 public:
  using Callback = std::function<void()>;

  // `cache` (may be null) must outlive the feed.
  explicit ChangeFeed(std::string dsn, EpisodeCache* cache = nullptr, bool replica_reads = false);
  ~ChangeFeed();
  ChangeFeed(const ChangeFeed&) = delete;
  ChangeFeed& operator=(const ChangeFeed&) = delete;

  // `wake` runs on the feed's thread and must not block.
  int64_t Subscribe(const std::string& podcast_id, Callback wake);
  // After it returns, the callback is neither running nor called again.
  void Unsubscribe(int64_t subscription);

  // True once the feed LISTENs (and again after a reconnect), or false
  // when `timeout` passes first.
  bool AwaitConnected(std::chrono::milliseconds timeout);

 private:
  void Run();
  void Changed(const std::string& podcast_id, uint64_t replayed_by);
  void WakeAll();
  void SetConnected(bool connected);

  const std::string dsn_;
  EpisodeCache* const cache_;
  const bool replica_reads_;
  mutable sync::Mutex mutex_;
  std::map<int64_t, std::pair<std::string, Callback>> subscribers_ ABSL_GUARDED_BY(mutex_);
  int64_t next_subscription_ ABSL_GUARDED_BY(mutex_) = 1;
  std::atomic<bool> stopping_{false};
  std::condition_variable connected_changed_;
  bool connected_ ABSL_GUARDED_BY(mutex_) = false;
  // Bounds the feed's queries: a server that stops answering is given up
  // and the feed reconnects (to the new primary, after a failover).
  QueryWatchdog watchdog_;
  std::thread thread_;
};

}  // namespace podmeta::storage
