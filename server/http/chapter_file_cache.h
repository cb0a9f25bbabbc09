// Chapter files rendered once per episode version, not once per request.
//
// The episode reader hands out each version of an episode as one immutable
// bytes object (a write makes a new one), so an entry is keyed by that
// object and remembers it weakly: it can only ever answer for the version it
// was rendered from, and it is dropped once the reader forgets that version.
// Bounded by the bytes of the files it holds; the oldest-inserted go first,
// and a file larger than a sixteenth of the budget is rendered, not kept.
//
//   ChapterFileCache files(16 << 20);
//   absl::StatusOr<ChapterFileCache::FilePtr> file = files.Get(bytes, v1::WEBVTT);
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "api/episode_reader.h"
#include "podmeta/v1/episode_service.pb.h"
#include "sync/mutex.h"

namespace podmeta::http {

class ChapterFileCache {
 public:
  struct File {
    std::string name;          // podcasts/{podcast}/episodes/{episode}
    bool deleted = false;      // the episode is soft-deleted: no file
    std::string etag;          // W/"<the episode's etag>"
    int64_t modified = 0;      // the episode's update time, Unix seconds
    std::string content_type;  // empty when deleted
    std::string body;
  };
  using FilePtr = std::shared_ptr<const File>;

  explicit ChapterFileCache(size_t budget_bytes);

  // The file of `episode` (bytes from the EpisodeReader) in `format`,
  // rendered on a miss. An error is the renderer's (not cached).
  absl::StatusOr<FilePtr> Get(const api::EpisodeReader::Bytes& episode, v1::ChapterFormat format);

  size_t size() const;
  size_t bytes() const;

 private:
  using Key = std::pair<const std::string*, int>;
  struct Entry {
    std::weak_ptr<const std::string> source;
    FilePtr file;
  };
  void InsertLocked(Key key, Entry entry) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);

  const size_t budget_bytes_;
  mutable sync::Mutex mutex_;
  absl::flat_hash_map<Key, Entry> entries_ ABSL_GUARDED_BY(mutex_);
  std::deque<Key> order_ ABSL_GUARDED_BY(mutex_);
  size_t bytes_ ABSL_GUARDED_BY(mutex_) = 0;
};

}  // namespace podmeta::http
