#include "api/episode_reader.h"

#include "api/unary_call.h"
#include "domain/errors.h"
#include "domain/resources.h"

namespace podmeta::api {
namespace {

// What clients see: stored chapters plus the end offsets they imply.
absl::StatusOr<EpisodeReader::Bytes> Presented(absl::StatusOr<v1::Episode> episode) {
  if (!episode.ok()) return episode.status();
  domain::PresentEpisode(*episode);
  return std::make_shared<const std::string>(episode->SerializeAsString());
}

}  // namespace

void EpisodeReader::Read(Caller caller, domain::EpisodeKey key, Consistency consistency, Done done) {
  if (consistency == Consistency::kFresh) {
    const bool queued = executor_.TrySubmit([this, caller, key = std::move(key), done]() mutable {
      if (caller.Ended()) {
        done(domain::Error(domain::Reason::kCallCancelled, "the call ended before its episode was read"));
        return;
      }
      done(Presented(store_.GetFromPrimary(key, caller.deadline())));
    });
    if (!queued) done(OverloadedStatus(executor_.max_queued()));
    return;
  }
  if (cache_ == nullptr) {
    batcher_.Read(caller, std::move(key), [done = std::move(done)](absl::StatusOr<v1::Episode> episode, uint64_t) {
      done(Presented(std::move(episode)));
    });
    return;
  }
  if (Bytes cached = cache_->Find(key)) {
    done(std::move(cached));
    return;
  }
  // Taken before the read: a change committed meanwhile keeps it out of the
  // cache, and so does a replica that had not replayed the last notified one.
  const storage::EpisodeCache::Ticket ticket = cache_->Begin(key.podcast_id);
  batcher_.Read(
      caller, key,
      [this, key, ticket, done = std::move(done)](absl::StatusOr<v1::Episode> episode, uint64_t replayed_lsn) {
        absl::StatusOr<Bytes> presented = Presented(std::move(episode));
        if (presented.ok()) cache_->Store(key, *presented, ticket, replayed_lsn);
        done(std::move(presented));
      });
}

}  // namespace podmeta::api
