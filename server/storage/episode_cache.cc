#include "storage/episode_cache.h"

#include <algorithm>
#include <functional>

namespace podmeta::storage {
namespace {

// What an entry costs besides the message: list node, map slots, key strings.
constexpr size_t kEntryOverheadBytes = 256;

}  // namespace

EpisodeCache::EpisodeCache(size_t capacity_bytes) : capacity_bytes_(capacity_bytes) {}

size_t EpisodeCache::BucketOf(const std::string& podcast_id) { return std::hash<std::string>{}(podcast_id) % kBuckets; }

std::shared_ptr<const std::string> EpisodeCache::Find(const domain::EpisodeKey& key) {
  sync::MutexLock lock(mutex_);
  if (!live_) return nullptr;
  auto podcast = by_podcast_.find(key.podcast_id);
  if (podcast != by_podcast_.end()) {
    auto found = podcast->second.find(key.episode_id);
    if (found != podcast->second.end()) {
      recency_.splice(recency_.begin(), recency_, found->second);
      ++stats_.hits;
      return found->second->episode;
    }
  }
  ++stats_.misses;
  return nullptr;
}

EpisodeCache::Ticket EpisodeCache::Begin(const std::string& podcast_id) const {
  sync::MutexLock lock(mutex_);
  const size_t bucket = BucketOf(podcast_id);
  return Ticket{epoch_, generations_[bucket], needed_lsns_[bucket]};
}

void EpisodeCache::Store(const domain::EpisodeKey& key, std::string serialized_episode, Ticket ticket,
                         uint64_t read_lsn) {
  Store(key, std::make_shared<const std::string>(std::move(serialized_episode)), ticket, read_lsn);
}

void EpisodeCache::Store(const domain::EpisodeKey& key, std::shared_ptr<const std::string> shared, Ticket ticket,
                         uint64_t read_lsn) {
  const size_t bytes = shared->size() + key.podcast_id.size() + key.episode_id.size() + kEntryOverheadBytes;
  if (bytes > capacity_bytes_ || read_lsn < ticket.needed_lsn) return;
  sync::MutexLock lock(mutex_);
  if (!live_ || ticket.epoch != epoch_ || ticket.generation != generations_[BucketOf(key.podcast_id)]) return;
  if (auto podcast = by_podcast_.find(key.podcast_id); podcast != by_podcast_.end()) {
    auto existing = podcast->second.find(key.episode_id);
    if (existing != podcast->second.end()) EraseLocked(existing->second);
  }
  recency_.push_front(Entry{key, std::move(shared), bytes});
  by_podcast_[key.podcast_id][key.episode_id] = recency_.begin();
  ++stats_.entries;
  stats_.bytes += bytes;
  while (stats_.bytes > capacity_bytes_) EraseLocked(std::prev(recency_.end()));
}

void EpisodeCache::EraseLocked(Recency::iterator entry) {
  auto podcast = by_podcast_.find(entry->key.podcast_id);
  podcast->second.erase(entry->key.episode_id);
  if (podcast->second.empty()) by_podcast_.erase(podcast);
  DropLocked(entry);
}

void EpisodeCache::DropLocked(Recency::iterator entry) {
  --stats_.entries;
  stats_.bytes -= entry->bytes;
  recency_.erase(entry);
}

void EpisodeCache::InvalidatePodcast(const std::string& podcast_id, uint64_t replayed_by) {
  sync::MutexLock lock(mutex_);
  const size_t bucket = BucketOf(podcast_id);
  ++generations_[bucket];
  needed_lsns_[bucket] = std::max(needed_lsns_[bucket], replayed_by);
  auto podcast = by_podcast_.find(podcast_id);
  if (podcast == by_podcast_.end()) return;
  for (auto& [episode_id, entry] : podcast->second) DropLocked(entry);
  by_podcast_.erase(podcast);
}

void EpisodeCache::SetLive(bool live) {
  sync::MutexLock lock(mutex_);
  live_ = live;
  ++epoch_;
  recency_.clear();
  by_podcast_.clear();
  stats_.entries = 0;
  stats_.bytes = 0;
}

EpisodeCache::Stats EpisodeCache::stats() const {
  sync::MutexLock lock(mutex_);
  return stats_;
}

}  // namespace podmeta::storage
