#include "api/change_fanout.h"

#include <algorithm>
#include <deque>

#include "domain/requests.h"
#include "domain/resource_names.h"
#include "domain/validation.h"

namespace podmeta::api {
namespace {

// Changes one shared read takes from the log at most.
constexpr int32_t kReadBatch = 100;
// A shared read never waits on the database longer than this.
constexpr auto kReadTimeout = std::chrono::seconds(10);

}  // namespace

SharedChange ShareChange(const std::string& parent, storage::EpisodeChangeRecord record) {
  auto change = std::make_shared<v1::EpisodeChange>();
  change->set_kind(record.kind);
  *change->mutable_episode() = std::move(record.episode);
  domain::PresentEpisode(*change->mutable_episode());
  change->set_resume_token(domain::ResumeToken(parent, record.change_id));
  return SharedChange{record.change_id, std::move(change)};
}

struct ChangeFanout::Hub {
  explicit Hub(std::string podcast) : podcast_id(std::move(podcast)), parent(domain::PodcastName(podcast_id)) {}

  const std::string podcast_id;
  const std::string parent;       // podcasts/{podcast_id}
  int64_t feed_subscription = 0;  // set once, under ChangeFanout::mutex_

  sync::Mutex mutex;
  // The window holds every change of the podcast after `base` up to `last`.
  bool known ABSL_GUARDED_BY(mutex) = false;
  int64_t base ABSL_GUARDED_BY(mutex) = 0;
  int64_t last ABSL_GUARDED_BY(mutex) = 0;
  std::deque<SharedChange> window ABSL_GUARDED_BY(mutex);
  size_t bytes ABSL_GUARDED_BY(mutex) = 0;
  bool reading ABSL_GUARDED_BY(mutex) = false;
  bool read_again ABSL_GUARDED_BY(mutex) = false;
  std::map<int64_t, std::function<void()>> watchers ABSL_GUARDED_BY(mutex);
};

namespace {

// Reads what the log has after the window (or, the first time, where the log
// ends), then wakes every watcher; again while more may be there. Holds no
// reference to the ChangeFanout, so it may outlive it on the executor.
void ReadShared(const std::shared_ptr<ChangeFanout::Hub>& hub, storage::EpisodeStore& episodes,
                std::atomic<uint64_t>& reads) {
  for (;;) {
    bool known = false;
    int64_t after = 0;
    {
      sync::MutexLock lock(hub->mutex);
      hub->read_again = false;
      known = hub->known;
      after = hub->last;
    }
    const auto deadline = std::chrono::system_clock::now() + kReadTimeout;
    ++reads;
    if (!known) {
      absl::StatusOr<int64_t> latest = episodes.LatestChange(hub->podcast_id, deadline);
      sync::MutexLock lock(hub->mutex);
      if (latest.ok()) {
        hub->known = true;
        hub->base = hub->last = *latest;
      }
    } else {
      absl::StatusOr<storage::ChangePage> read =
          episodes.ChangesAfter(hub->podcast_id, after, kReadBatch, ChangeFanout::kWindowBytes, deadline);
      sync::MutexLock lock(hub->mutex);
      if (!read.ok()) {
        hub->known = false;  // start over from the log's end once it answers
        hub->window.clear();
        hub->bytes = 0;
      } else {
        for (storage::EpisodeChangeRecord& record : read->changes) {
          if (record.change_id <= hub->last) continue;
          hub->last = record.change_id;
          SharedChange change = ShareChange(hub->parent, std::move(record));
          hub->bytes += change.message->ByteSizeLong();
          hub->window.push_back(std::move(change));
        }
        while (!hub->window.empty() &&
               (hub->window.size() > ChangeFanout::kWindowChanges || hub->bytes > ChangeFanout::kWindowBytes)) {
          hub->base = hub->window.front().change_id;
          hub->bytes -= hub->window.front().message->ByteSizeLong();
          hub->window.pop_front();
        }
        if (read->more) hub->read_again = true;
      }
    }
    sync::MutexLock lock(hub->mutex);
    for (auto& [id, wake] : hub->watchers) wake();
    if (!hub->read_again) {
      hub->reading = false;
      return;
    }
  }
}

}  // namespace

ChangeFanout::ChangeFanout(storage::EpisodeStore& episodes, storage::ChangeFeed& feed, BlockingExecutor& executor,
                           size_t max_watchers)
    : episodes_(episodes), feed_(feed), executor_(executor), max_watchers_(max_watchers) {}

ChangeFanout::~ChangeFanout() {
  std::map<std::string, std::shared_ptr<Hub>> hubs;
  {
    sync::MutexLock lock(mutex_);
    hubs.swap(hubs_);
  }
  for (auto& [podcast, hub] : hubs) feed_.Unsubscribe(hub->feed_subscription);
}

int64_t ChangeFanout::Subscribe(const std::string& podcast_id, std::function<void()> wake) {
  std::shared_ptr<Hub> hub;
  int64_t subscription = 0;
  bool new_hub = false;
  {
    sync::MutexLock lock(mutex_);
    if (subscriptions_.size() >= max_watchers_) return 0;
    subscription = next_subscription_++;
    std::shared_ptr<Hub>& slot = hubs_[podcast_id];
    if (slot == nullptr) {
      slot = std::make_shared<Hub>(podcast_id);
      new_hub = true;
    }
    hub = slot;
    subscriptions_.emplace(subscription, hub);
    {
      sync::MutexLock hub_lock(hub->mutex);
      hub->watchers.emplace(subscription, std::move(wake));
    }
    if (new_hub) {
      // Under mutex_, so an Unsubscribe of this hub waits until the feed
      // subscription exists. The feed calls back on its own thread.
      std::weak_ptr<Hub> weak = hub;
      storage::EpisodeStore& episodes = episodes_;
      BlockingExecutor& executor = executor_;
      std::shared_ptr<std::atomic<uint64_t>> reads = shared_reads_;
      hub->feed_subscription = feed_.Subscribe(podcast_id, [weak, &episodes, &executor, reads] {
        std::shared_ptr<Hub> woken = weak.lock();
        if (woken == nullptr) return;
        sync::MutexLock woken_lock(woken->mutex);
        woken->read_again = true;
        if (woken->reading) return;
        woken->reading = true;
        executor.Submit([woken, &episodes, reads] { ReadShared(woken, episodes, *reads); });
      });
    }
  }
  return subscription;
}

void ChangeFanout::Unsubscribe(int64_t subscription) {
  std::shared_ptr<Hub> hub;
  int64_t feed_subscription = 0;
  {
    sync::MutexLock lock(mutex_);
    auto found = subscriptions_.find(subscription);
    if (found == subscriptions_.end()) return;
    hub = found->second;
    subscriptions_.erase(found);
    bool last_watcher = false;
    {
      sync::MutexLock hub_lock(hub->mutex);
      hub->watchers.erase(subscription);
      last_watcher = hub->watchers.empty();
    }
    if (last_watcher) {
      hubs_.erase(hub->podcast_id);
      feed_subscription = hub->feed_subscription;
    }
  }
  // Outside mutex_: the feed waits for a running callback, which may wait
  // for hub->mutex but never for mutex_.
  if (feed_subscription != 0) feed_.Unsubscribe(feed_subscription);
}

std::optional<std::vector<SharedChange>> ChangeFanout::ChangesAfter(const std::string& podcast_id, int64_t after,
                                                                    size_t limit) const {
  std::shared_ptr<Hub> hub;
  {
    sync::MutexLock lock(mutex_);
    auto found = hubs_.find(podcast_id);
    if (found == hubs_.end()) return std::nullopt;
    hub = found->second;
  }
  sync::MutexLock lock(hub->mutex);
  if (!hub->known || after < hub->base) return std::nullopt;
  auto first = std::upper_bound(hub->window.begin(), hub->window.end(), after,
                                [](int64_t id, const SharedChange& change) { return id < change.change_id; });
  std::vector<SharedChange> changes;
  for (auto it = first; it != hub->window.end() && changes.size() < limit; ++it) changes.push_back(*it);
  return changes;
}

uint64_t ChangeFanout::shared_reads() const { return shared_reads_->load(); }

size_t ChangeFanout::watcher_count() const {
  sync::MutexLock lock(mutex_);
  return subscriptions_.size();
}

}  // namespace podmeta::api
