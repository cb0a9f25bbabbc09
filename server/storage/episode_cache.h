// Hot episodes in memory, kept as the bytes GetEpisode answers with, so that
// reading a popular episode needs no database round trip, no copy and no
// serialization.
//
// It stays correct across server replicas: every change to an episode
// NOTIFYs its podcast (migration 0002), and the ChangeFeed of every server
// drops that podcast's entries; this server's own writes drop them as they
// commit (Database::OnEpisodesCommitted). api::EpisodeReader is its one
// reader. A read that raced with a change is not kept:
// readers take a ticket before they query, and Store refuses the result if
// the podcast was invalidated since. While the feed is disconnected,
// notifications may be lost, so the cache serves and keeps nothing until the
// feed is back, and then starts empty.
//
// With reads from a streaming replica, a notification may arrive before the
// replica has replayed its change, and a read made meanwhile would keep the
// old episode until the next change. So each notification carries a WAL
// position the replica must have replayed (the primary's position when the
// ChangeFeed received it, past the change's commit), and a read is kept only
// if the replica had replayed that far before it read (EpisodeStore::GetMany
// reads pg_last_wal_replay_lsn() first). Reads from the primary always
// qualify. A read that is not kept is still answered: replicas may lag.
#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "domain/resource_names.h"
#include "sync/mutex.h"

namespace podmeta::storage {

class EpisodeCache {
 public:
  // Least recently used episodes go first once their memory (bytes plus
  // bookkeeping) exceeds `capacity_bytes`.
  explicit EpisodeCache(size_t capacity_bytes);

  // Null on a miss, and always while the change feed is not connected.
  std::shared_ptr<const std::string> Find(const domain::EpisodeKey& key);

  // A read's WAL position: what the replica had replayed before it read,
  // or this for a read from the primary (as fresh as any notification).
  static constexpr uint64_t kReadFromPrimary = UINT64_MAX;

  struct Ticket {
    uint64_t epoch = 0;
    uint64_t generation = 0;
    uint64_t needed_lsn = 0;  // a read must have replayed this far to be kept
  };
  // Taken before reading `podcast_id`'s episode from the database.
  Ticket Begin(const std::string& podcast_id) const;
  // Keeps `serialized_episode` unless its podcast was invalidated after
  // `ticket` was taken, or it was read from a replica that had not yet
  // replayed the podcast's last notified change (`read_lsn` below the
  // ticket's needed_lsn).
  void Store(const domain::EpisodeKey& key, std::shared_ptr<const std::string> serialized_episode, Ticket ticket,
             uint64_t read_lsn = kReadFromPrimary);
  void Store(const domain::EpisodeKey& key, std::string serialized_episode, Ticket ticket,
             uint64_t read_lsn = kReadFromPrimary);

  // Drops the podcast's episodes; from now on a read of it is kept only if
  // it had replayed `replayed_by` (0: no such condition, e.g. reads come
  // from the primary).
  void InvalidatePodcast(const std::string& podcast_id, uint64_t replayed_by = 0);
  // The change feed's connection state: on (re)connect the cache starts empty.
  void SetLive(bool live);

  struct Stats {
    uint64_t hits = 0;
    uint64_t misses = 0;
    size_t entries = 0;
    size_t bytes = 0;
  };
  Stats stats() const;

 private:
  struct Entry {
    domain::EpisodeKey key;
    std::shared_ptr<const std::string> episode;
    size_t bytes = 0;
  };
  using Recency = std::list<Entry>;  // most recently used first

  // Generations are per bucket of podcasts, so their number stays bounded.
  static constexpr size_t kBuckets = 1024;
  static size_t BucketOf(const std::string& podcast_id);
  // Removes `entry` everywhere.
  void EraseLocked(Recency::iterator entry) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  // Removes `entry` from the recency list and the totals, not from by_podcast_.
  void DropLocked(Recency::iterator entry) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);

  const size_t capacity_bytes_;
  mutable sync::Mutex mutex_;
  bool live_ ABSL_GUARDED_BY(mutex_) = false;
  uint64_t epoch_ ABSL_GUARDED_BY(mutex_) = 0;
  uint64_t generations_[kBuckets] ABSL_GUARDED_BY(mutex_) = {};
  // Per bucket, the highest WAL position notified for its podcasts.
  uint64_t needed_lsns_[kBuckets] ABSL_GUARDED_BY(mutex_) = {};
  Recency recency_ ABSL_GUARDED_BY(mutex_);
  absl::flat_hash_map<std::string, absl::flat_hash_map<std::string, Recency::iterator>> by_podcast_
      ABSL_GUARDED_BY(mutex_);
  Stats stats_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace podmeta::storage
