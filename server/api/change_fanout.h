// One read of the change log per change and podcast, shared by every watch
// of that podcast.
//
// Without it, each WatchEpisodes stream read the log itself whenever the
// change feed woke it: 2,000 watchers of a podcast cost 2,000 statements per
// change, on the executor and pool that unary calls use. Here the feed wakes
// one reader per podcast; it appends what it read to a bounded window of
// recent changes in memory and then wakes the watches, which take their
// changes from the window. A watch whose position is older than the window
// (it resumed from an old token, or fell far behind) reads the log itself
// until it reaches the window.
//
// Each change in the window is kept as watches send it (SharedChange: the
// episode presented, the resume token sealed), made once and shared: a
// thousand watches of a podcast do not copy, present and seal each change a
// thousand times.
//
//   int64_t id = fanout.Subscribe(podcast_id, [this] { Wake(); });
//   if (auto recent = fanout.ChangesAfter(podcast_id, last_seen, 100)) { ... } else { /* read the log */ }
//   fanout.Unsubscribe(id);
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "api/blocking_executor.h"
#include "storage/change_feed.h"
#include "storage/episode_store.h"
#include "sync/mutex.h"

namespace podmeta::api {

// One change as a watch of its podcast sends it. Immutable once made.
struct SharedChange {
  int64_t change_id = 0;
  std::shared_ptr<const v1::EpisodeChange> message;
};
// `record` of the podcast named `parent` as every watch sends it.
SharedChange ShareChange(const std::string& parent, storage::EpisodeChangeRecord record);

class ChangeFanout {
 public:
  // The window keeps at most this many changes, and this many bytes of
  // episodes, per podcast.
  static constexpr size_t kWindowChanges = 1000;
  static constexpr size_t kWindowBytes = 4 << 20;

  // At most `max_watchers` subscriptions at once, over all podcasts.
  ChangeFanout(storage::EpisodeStore& episodes, storage::ChangeFeed& feed, BlockingExecutor& executor,
               size_t max_watchers);
  ~ChangeFanout();
  ChangeFanout(const ChangeFanout&) = delete;
  ChangeFanout& operator=(const ChangeFanout&) = delete;

  // `wake` runs (on any thread, with an internal lock held: it must not
  // block or call back) after new changes of the podcast were read, or a
  // read failed (the watch then reads the log itself and meets the error).
  // 0 when `max_watchers` subscriptions exist already.
  int64_t Subscribe(const std::string& podcast_id, std::function<void()> wake);
  size_t max_watchers() const { return max_watchers_; }
  // After it returns, `wake` is neither running nor called again.
  void Unsubscribe(int64_t subscription);

  // Up to `limit` changes after `after`, in order, from the window; nullopt
  // when the window does not reach back to `after`.
  std::optional<std::vector<SharedChange>> ChangesAfter(const std::string& podcast_id, int64_t after,
                                                        size_t limit) const;

  // Statements the shared readers ran (for metrics and tests).
  uint64_t shared_reads() const;
  // Open watches.
  size_t watcher_count() const;

  struct Hub;

 private:
  storage::EpisodeStore& episodes_;
  storage::ChangeFeed& feed_;
  BlockingExecutor& executor_;
  const size_t max_watchers_;
  mutable sync::Mutex mutex_;
  std::map<std::string, std::shared_ptr<Hub>> hubs_ ABSL_GUARDED_BY(mutex_);       // by podcast
  std::map<int64_t, std::shared_ptr<Hub>> subscriptions_ ABSL_GUARDED_BY(mutex_);  // by subscription
  int64_t next_subscription_ ABSL_GUARDED_BY(mutex_) = 1;
  std::shared_ptr<std::atomic<uint64_t>> shared_reads_ = std::make_shared<std::atomic<uint64_t>>(0);
};

}  // namespace podmeta::api
