// Coalesces the episode reads that wait at the same time into one statement
// (EpisodeStore::GetMany). Under load one database round trip, one plan and
// one hand-off serve many GetEpisode calls; alone, a read is a batch of one
// and waits for nothing.
//
//   batcher.Read(key, [](absl::StatusOr<v1::Episode> episode) { ... });
#pragma once

#include <cstddef>
#include <deque>
#include <functional>

#include "absl/status/statusor.h"
#include "api/blocking_executor.h"
#include "api/caller.h"
#include "domain/resource_names.h"
#include "podmeta/v1/resources.pb.h"
#include "storage/episode_store.h"
#include "sync/mutex.h"

namespace podmeta::api {

class EpisodeReadBatcher {
 public:
  // NOT_FOUND when the episode does not exist. `replayed_lsn`: where the
  // database stood when it read (EpisodeStore::EpisodesRead), for the cache.
  using Done = std::function<void(absl::StatusOr<v1::Episode>, uint64_t replayed_lsn)>;

  // At most `max_batches` statements run at once (no more than the pool has
  // connections), each for at most `max_batch_size` episodes.
  EpisodeReadBatcher(storage::EpisodeStore& store, BlockingExecutor& executor, size_t max_batches,
                     size_t max_batch_size)
      : store_(store), executor_(executor), max_batches_(max_batches), max_batch_size_(max_batch_size) {}

  // `done` runs on an executor thread; with CANCELLED (DEADLINE_EXCEEDED),
  // and without a read, when the caller's call ended (its deadline passed)
  // while it waited. A batch's statement ends by the earliest deadline of
  // the calls it serves.
  void Read(Caller caller, domain::EpisodeKey key, Done done);

 private:
  struct Pending {
    Caller caller;
    domain::EpisodeKey key;
    Done done;
  };
  void Drain();
  // Reads `batch` and calls each `done`; touches no member after the last.
  void Complete(std::vector<Pending>& batch);

  storage::EpisodeStore& store_;
  BlockingExecutor& executor_;
  const size_t max_batches_;
  const size_t max_batch_size_;
  sync::Mutex mutex_;
  std::deque<Pending> pending_ ABSL_GUARDED_BY(mutex_);
  size_t running_ ABSL_GUARDED_BY(mutex_) = 0;
};

}  // namespace podmeta::api
