#include "api/episode_read_batcher.h"

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "api/unary_call.h"
#include "domain/errors.h"

namespace podmeta::api {

void EpisodeReadBatcher::Read(Caller caller, domain::EpisodeKey key, Done done) {
  bool overloaded = false;
  bool start_drain = false;
  {
    sync::MutexLock lock(mutex_);
    overloaded = pending_.size() >= executor_.max_queued();
    if (!overloaded) {
      pending_.push_back(Pending{caller, std::move(key), std::move(done)});
      if (running_ < max_batches_) {
        ++running_;
        start_drain = true;
      }
    }
  }
  if (overloaded) {
    done(OverloadedStatus(executor_.max_queued()), 0);
    return;
  }
  if (start_drain) executor_.Submit([this] { Drain(); });
}

void EpisodeReadBatcher::Drain() {
  for (;;) {
    std::vector<Pending> batch;
    bool last = false;
    {
      sync::MutexLock lock(mutex_);
      if (pending_.empty()) {
        --running_;
        return;
      }
      while (!pending_.empty() && batch.size() < max_batch_size_) {
        batch.push_back(std::move(pending_.front()));
        pending_.pop_front();
      }
      // Decided under the lock: a read that arrives from now on starts its
      // own drain, so this one may stop after its batch.
      last = pending_.empty();
      if (last) --running_;
    }
    Complete(batch);
    if (last) return;
  }
}

void EpisodeReadBatcher::Complete(std::vector<Pending>& batch) {
  // Popular episodes come many times in one batch: each is read once, and
  // handed out by copy until its last waiter gets the original.
  absl::flat_hash_map<std::string, int> waiters;
  std::vector<domain::EpisodeKey> keys;
  std::vector<std::pair<std::string, Pending*>> wanted;  // by episode name
  // The statement ends by the earliest deadline of the calls it serves
  // (whose deadlines have not passed already).
  const storage::Deadline now = std::chrono::system_clock::now();
  storage::Deadline earliest = storage::kNoDeadline;
  for (Pending& pending : batch) {
    if (pending.caller.Ended()) {
      pending.done(domain::Error(domain::Reason::kCallCancelled, "the call ended before its episode was read"), 0);
      continue;
    }
    const storage::Deadline deadline = pending.caller.deadline();
    if (deadline <= now) {
      pending.done(domain::Error(domain::Reason::kDeadlinePassedWaiting,
                                 "the call's deadline passed before its episode was read"),
                   0);
      continue;
    }
    earliest = std::min(earliest, deadline);
    std::string name = domain::EpisodeName(pending.key);
    if (++waiters[name] == 1) keys.push_back(pending.key);
    wanted.emplace_back(std::move(name), &pending);
  }
  if (wanted.empty()) return;
  absl::StatusOr<storage::EpisodeStore::EpisodesRead> found = store_.GetMany(keys, earliest);
  absl::flat_hash_map<std::string, v1::Episode*> by_name;
  const uint64_t replayed_lsn = found.ok() ? found->replayed_lsn : 0;
  if (found.ok()) {
    for (v1::Episode& episode : found->episodes) by_name[episode.name()] = &episode;
  }
  for (auto& [name, pending] : wanted) {
    if (!found.ok()) {
      pending->done(found.status(), 0);
      continue;
    }
    auto match = by_name.find(name);
    if (match == by_name.end()) {
      pending->done(domain::Error(domain::Reason::kEpisodeNotFound, absl::StrCat("episode ", name, " does not exist"),
                                  {{"episode", name}}),
                    replayed_lsn);
    } else if (--waiters[name] == 0) {
      pending->done(std::move(*match->second), replayed_lsn);
    } else {
      pending->done(*match->second, replayed_lsn);
    }
  }
}

}  // namespace podmeta::api
