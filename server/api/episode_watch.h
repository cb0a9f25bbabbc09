// The server side of one WatchEpisodes stream (callback API).
//
// It subscribes to the podcast's changes first (ChangeFanout), then reads
// changes after the resume point, and again whenever it is woken: from the
// fan-out's window of recent changes, or from the episode_changes table when
// its position is older than the window. Each read continues from the last change sent, so events go
// out in change order, each exactly once, however wake-ups interleave.
// Initial metadata is sent once the resume point is fixed: a client that
// waits for it knows every later change will reach it.
//
// At most one database read and one write are in flight at a time; the
// stream finishes (and the reactor deletes itself) only when neither is.
// A read starts only when the client has taken every change of the last
// one, and a read holds at most 100 changes and 256 KiB of episodes (at
// least one change), so a client that does not read costs at most that.
#pragma once

#include <grpcpp/grpcpp.h>

#include <deque>

#include "api/blocking_executor.h"
#include "api/change_fanout.h"
#include "podmeta/v1/episode_service.pb.h"
#include "storage/episode_store.h"
#include "sync/mutex.h"

namespace podmeta::api {

class EpisodeWatch final : public grpc::ServerWriteReactor<v1::EpisodeChange> {
 public:
  // Starts the stream; the reactor owns itself from here on. Once the
  // watch is established (the podcast exists, the resume point is known) it
  // sends initial metadata carrying kOpenMetadata, so a client can tell an
  // open stream from an error before any change arrives.
  static EpisodeWatch* Start(grpc::CallbackServerContext* context, const v1::WatchEpisodesRequest& request,
                             storage::EpisodeStore& episodes, ChangeFanout& fanout, BlockingExecutor& executor);
  static constexpr char kOpenMetadata[] = "x-podmeta-watch";

  void OnWriteDone(bool ok) override;
  void OnCancel() override;
  void OnDone() override;

 private:
  EpisodeWatch(grpc::CallbackServerContext* context, storage::EpisodeStore& episodes, ChangeFanout& fanout,
               BlockingExecutor& executor);
  void Begin(const v1::WatchEpisodesRequest& request);
  // Schedules a read unless one is running (then that one reads again).
  void Wake();
  // Starts an owed read if none runs and the outbox is empty.
  void StartReadLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  void Read();
  // Claims the next message to write, if no write is in flight; the caller
  // starts the write after releasing mutex_.
  const v1::EpisodeChange* NextWriteLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  void RequestFinish(grpc::Status status);
  // Finishes the call once a finish is requested and no read or write is in
  // flight; `read_ended` also marks the running read as done.
  void FinishIfIdle(bool read_ended = false);

  grpc::CallbackServerContext* const context_;
  storage::EpisodeStore& episodes_;
  ChangeFanout& fanout_;
  BlockingExecutor& executor_;
  std::string podcast_id_;
  std::string parent_;

  sync::Mutex mutex_;
  int64_t subscription_ ABSL_GUARDED_BY(mutex_) = 0;
  bool start_from_now_ ABSL_GUARDED_BY(mutex_) = false;
  bool resume_point_known_ ABSL_GUARDED_BY(mutex_) = false;
  int64_t last_change_ ABSL_GUARDED_BY(mutex_) = 0;  // the last change read from the database
  bool reading_ ABSL_GUARDED_BY(mutex_) = false;
  bool read_again_ ABSL_GUARDED_BY(mutex_) = false;
  bool writing_ ABSL_GUARDED_BY(mutex_) = false;
  // Shared with the fan-out's window and other watches: never changed.
  std::deque<std::shared_ptr<const v1::EpisodeChange>> outbox_ ABSL_GUARDED_BY(mutex_);
  bool finish_requested_ ABSL_GUARDED_BY(mutex_) = false;
  bool finished_ ABSL_GUARDED_BY(mutex_) = false;
  grpc::Status final_status_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace podmeta::api
