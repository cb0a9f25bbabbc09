// The one way to read an episode as clients see it: GetEpisode, chapter
// exports and the HTTP routes all come through here, so the episode
// cache's protocol lives in one place:
//
//   cache hit  → the stored bytes, at once, on the caller's thread;
//   miss       → a ticket, a read coalesced with other reads
//                (EpisodeReadBatcher), then the bytes are kept unless the
//                podcast changed meanwhile;
//   kFresh     → the primary, no cache (read-your-writes across servers).
//
// Writers need not do anything: the database layer drops what a committed
// transaction changed (Database::OnEpisodesCommitted), and every server's
// change feed drops what other servers changed.
//
//   reader.Read(Caller::Of(context), key, EpisodeReader::Consistency::kCached,
//               [](absl::StatusOr<EpisodeReader::Bytes> episode) { ... });
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "api/blocking_executor.h"
#include "api/caller.h"
#include "api/episode_read_batcher.h"
#include "domain/resource_names.h"
#include "storage/episode_cache.h"
#include "storage/episode_store.h"

namespace podmeta::api {

class EpisodeReader {
 public:
  enum class Consistency {
    kCached,  // may answer from this server's cache or a replica
    kFresh,   // sees every write acknowledged before the call, wherever made
  };
  // A serialized v1::Episode with its derived chapter ends.
  using Bytes = std::shared_ptr<const std::string>;
  using Done = std::function<void(absl::StatusOr<Bytes>)>;

  // `cache` may be null (no cache).
  EpisodeReader(storage::EpisodeStore& store, EpisodeReadBatcher& batcher, storage::EpisodeCache* cache,
                BlockingExecutor& executor)
      : store_(store), batcher_(batcher), cache_(cache), executor_(executor) {}

  // `done` runs once: on the calling thread for a cache hit or an overloaded
  // executor, on an executor thread otherwise. NOT_FOUND when the episode
  // does not exist; the read ends by the caller's deadline.
  void Read(Caller caller, domain::EpisodeKey key, Consistency consistency, Done done);

 private:
  storage::EpisodeStore& store_;
  EpisodeReadBatcher& batcher_;
  storage::EpisodeCache* const cache_;
  BlockingExecutor& executor_;
};

}  // namespace podmeta::api
