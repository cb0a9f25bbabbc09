#include "api/episode_watch.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "api/status_mapping.h"
#include "domain/errors.h"
#include "domain/requests.h"
#include "domain/resource_names.h"
#include "domain/validation.h"

namespace podmeta::api {
namespace {

// Changes read per database round trip, and the bytes of episodes a watch
// holds for its client at most (at least one change, whatever its size):
// a client that does not read costs no more than that.
constexpr int32_t kReadBatch = 100;
constexpr size_t kOutboxBytes = 256 << 10;

// The first of `changes` that fit in kOutboxBytes (at least one); true when
// some were left out.
bool KeepWhatFits(std::vector<SharedChange>& changes) {
  size_t bytes = 0;
  for (size_t i = 0; i < changes.size(); ++i) {
    bytes += changes[i].message->ByteSizeLong();
    if (bytes > kOutboxBytes && i > 0) {
      changes.resize(i);
      return true;
    }
  }
  return false;
}

}  // namespace

EpisodeWatch* EpisodeWatch::Start(grpc::CallbackServerContext* context, const v1::WatchEpisodesRequest& request,
                                  storage::EpisodeStore& episodes, ChangeFanout& fanout, BlockingExecutor& executor) {
  auto* watch = new EpisodeWatch(context, episodes, fanout, executor);
  watch->Begin(request);
  return watch;
}

EpisodeWatch::EpisodeWatch(grpc::CallbackServerContext* context, storage::EpisodeStore& episodes, ChangeFanout& fanout,
                           BlockingExecutor& executor)
    : context_(context), episodes_(episodes), fanout_(fanout), executor_(executor) {}

void EpisodeWatch::Begin(const v1::WatchEpisodesRequest& request) {
  if (absl::Status text = domain::CheckRequestText(request); !text.ok()) return RequestFinish(ToGrpcStatus(text));
  absl::StatusOr<std::string> podcast_id = domain::ParsePodcastName(request.parent(), "parent");
  if (!podcast_id.ok()) return RequestFinish(ToGrpcStatus(podcast_id.status()));
  podcast_id_ = *podcast_id;
  parent_ = request.parent();
  absl::StatusOr<std::optional<int64_t>> resume = domain::ResumePointOf(request);
  if (!resume.ok()) return RequestFinish(ToGrpcStatus(resume.status()));
  bool subscribed = false;
  {
    sync::MutexLock lock(mutex_);
    start_from_now_ = !resume->has_value();
    if (*resume) last_change_ = **resume;
    subscription_ = fanout_.Subscribe(podcast_id_, [this] { Wake(); });
    subscribed = subscription_ != 0;
  }
  if (!subscribed) {
    return RequestFinish(ToGrpcStatus(domain::Error(
        domain::Reason::kTooManyWatchers,
        absl::StrCat("the server has ", fanout_.max_watchers(), " watch streams open already; retry with backoff"))));
  }
  Wake();
}

void EpisodeWatch::Wake() {
  sync::MutexLock lock(mutex_);
  if (finish_requested_) return;
  read_again_ = true;
  StartReadLocked();
}

void EpisodeWatch::StartReadLocked() {
  // Back pressure: the next batch is read only once the client has taken
  // the last one, so a watcher that does not read holds at most one batch
  // here; what it has not taken yet stays in the change log.
  if (reading_ || !read_again_ || !outbox_.empty()) return;
  read_again_ = false;
  reading_ = true;
  executor_.Submit([this] { Read(); });
}

void EpisodeWatch::Read() {
  absl::Status failure;
  std::vector<SharedChange> changes;
  int64_t after = 0;
  bool resume_point_known = false;
  bool start_from_now = false;
  {
    sync::MutexLock lock(mutex_);
    after = last_change_;
    resume_point_known = resume_point_known_;
    start_from_now = start_from_now_;
  }
  if (!resume_point_known) {
    // The first read: the podcast must exist, and "from now" starts at its latest change.
    absl::StatusOr<int64_t> latest = episodes_.LatestChange(podcast_id_, storage::kNoDeadline);
    if (!latest.ok()) {
      failure = latest.status();
    } else if (start_from_now) {
      after = *latest;
    }
  }
  bool more = false;
  if (failure.ok()) {
    // The shared window of recent changes first; the log only when this
    // watch is further behind than the window reaches.
    std::optional<std::vector<SharedChange>> recent =
        resume_point_known ? fanout_.ChangesAfter(podcast_id_, after, kReadBatch) : std::nullopt;
    if (recent) {
      changes = *std::move(recent);
      more = changes.size() == static_cast<size_t>(kReadBatch);
    } else if (auto read = episodes_.ChangesAfter(podcast_id_, after, kReadBatch, kOutboxBytes, storage::kNoDeadline);
               read.ok()) {
      for (storage::EpisodeChangeRecord& record : read->changes) {
        changes.push_back(ShareChange(parent_, std::move(record)));
      }
      more = read->more;
    } else {
      failure = read.status();
    }
    // Stored sizes are compressed ones: the decoded episodes are held to the
    // same bound.
    if (KeepWhatFits(changes)) more = true;
  }
  bool send_metadata = false;
  const v1::EpisodeChange* to_write = nullptr;
  {
    sync::MutexLock lock(mutex_);
    if (!failure.ok()) {
      finish_requested_ = true;
      final_status_ = ToGrpcStatus(failure);
    } else {
      if (!resume_point_known_) {
        resume_point_known_ = true;
        send_metadata = true;
      }
      last_change_ = changes.empty() ? after : changes.back().change_id;
      for (SharedChange& change : changes) outbox_.push_back(std::move(change.message));
      if (more) read_again_ = true;
      to_write = NextWriteLocked();
    }
  }
  // gRPC may run reactions inline from these calls, so mutex_ is not held.
  // reading_ stays set until the end: while it is, no other thread finishes
  // the call, so `this` outlives this function.
  if (send_metadata) {
    context_->AddInitialMetadata(kOpenMetadata, "open");
    StartSendInitialMetadata();
  }
  if (to_write != nullptr) StartWrite(to_write);
  // Clears reading_ (starting an owed read, if the outbox allows) in the same
  // step as deciding to finish: once it is cleared, another thread may
  // finish the call and free `this`. A read owed while the outbox is full
  // starts when the client has taken it (OnWriteDone).
  FinishIfIdle(/*read_ended=*/true);
}

const v1::EpisodeChange* EpisodeWatch::NextWriteLocked() {
  if (writing_ || outbox_.empty() || finish_requested_) return nullptr;
  writing_ = true;
  return outbox_.front().get();
}

void EpisodeWatch::OnWriteDone(bool ok) {
  const v1::EpisodeChange* to_write = nullptr;
  {
    sync::MutexLock lock(mutex_);
    writing_ = false;
    outbox_.pop_front();
    if (!ok) {
      finish_requested_ = true;
      final_status_ = ToGrpcStatus(domain::Error(domain::Reason::kCallCancelled, "the watcher went away"));
    }
    to_write = NextWriteLocked();
    if (!finish_requested_) StartReadLocked();
  }
  if (to_write != nullptr) StartWrite(to_write);
  FinishIfIdle();
}

void EpisodeWatch::OnCancel() {
  RequestFinish(ToGrpcStatus(domain::Error(domain::Reason::kCallCancelled, "watch cancelled")));
}

void EpisodeWatch::RequestFinish(grpc::Status status) {
  {
    sync::MutexLock lock(mutex_);
    if (!finish_requested_) {
      finish_requested_ = true;
      final_status_ = std::move(status);
    }
  }
  FinishIfIdle();
}

void EpisodeWatch::FinishIfIdle(bool read_ended) {
  int64_t subscription = 0;
  grpc::Status status;
  {
    sync::MutexLock lock(mutex_);
    if (read_ended) {
      reading_ = false;
      if (!finish_requested_) StartReadLocked();
    }
    if (!finish_requested_ || finished_ || reading_ || writing_) return;
    finished_ = true;
    subscription = subscription_;
    status = final_status_;
  }
  // Outside mutex_: the fan-out calls Wake() with its own lock held.
  if (subscription != 0) fanout_.Unsubscribe(subscription);
  Finish(status);
}

void EpisodeWatch::OnDone() { delete this; }

}  // namespace podmeta::api
