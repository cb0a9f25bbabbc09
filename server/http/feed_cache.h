// feed.xml rendered once per feed version and shared by every answer.
//
// A podcast's feed is keyed by the podcast and remembers the version it was
// rendered from (FeedStore::Version: the podcast's revision and its newest
// episode change), so it answers only for that version: the next write makes
// the next request render again. Each entry keeps its ETag (a hash of the
// bytes) and, within the byte budget, the bytes and their gzip form, which
// every answer shares instead of copying; a feed larger than half the budget
// keeps its ETag only, so a client whose copy is current still gets a 304
// without a rendering. The oldest-inserted entries go first.
//
//   FeedCache feeds(128 << 20);
//   if (auto hit = feeds.Find(podcast_id, version)) { ... hit->etag, hit->body ... }
#pragma once

#include <deque>
#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "sync/mutex.h"

namespace podmeta::http {

class FeedCache {
 public:
  struct Feed {
    std::string version;
    std::string etag;                         // W/"<hash of the bytes>"
    std::shared_ptr<const std::string> body;  // null when too large to keep
    std::shared_ptr<const std::string> gzip;  // null when not kept or zlib failed
  };
  using FeedPtr = std::shared_ptr<const Feed>;

  explicit FeedCache(size_t budget_bytes);

  // The feed of `podcast_id` at `version`, if it was rendered.
  FeedPtr Find(const std::string& podcast_id, const std::string& version) const;

  // A rendering of `content` (version `version`): its ETag, its bytes and
  // their gzip form; kept (the bytes only within the budget), and returned
  // with the bytes whether kept or not.
  FeedPtr Insert(const std::string& podcast_id, const std::string& version, std::string content);

  size_t bytes() const;

 private:
  const size_t budget_bytes_;
  mutable sync::Mutex mutex_;
  absl::flat_hash_map<std::string, FeedPtr> feeds_ ABSL_GUARDED_BY(mutex_);
  std::deque<std::string> order_ ABSL_GUARDED_BY(mutex_);  // podcast ids, oldest insert first
  size_t bytes_ ABSL_GUARDED_BY(mutex_) = 0;
};

}  // namespace podmeta::http
