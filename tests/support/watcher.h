// One open WatchEpisodes stream through the client library, read one change
// at a time: the library's WatchEpisodes runs on a thread of its own and
// hands each change over here.
//
//   Watcher watcher(client(), podcast(), resume_token);
//   v1::EpisodeChange change = watcher.Next();
//   absl::Status ended = watcher.Finish();
#pragma once

#include <gtest/gtest.h>

#include <condition_variable>
#include <deque>
#include <future>
#include <mutex>
#include <string>
#include <thread>

#include "podmeta/client.h"

namespace podmeta::testing {

class Watcher {
 public:
  Watcher(Client& client, const std::string& parent, const std::string& resume_token = "") {
    v1::WatchEpisodesRequest request;
    request.set_parent(parent);
    request.set_resume_token(resume_token);
    context_.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    std::promise<void> ready;
    std::future<void> started = ready.get_future();
    thread_ = std::thread([this, &client, request, ready = std::move(ready)]() mutable {
      bool signalled = false;
      const absl::Status status = client.WatchEpisodes(
          request,
          [this](const v1::EpisodeChange& change) {
            std::lock_guard lock(mutex_);
            changes_.push_back(change);
            arrived_.notify_all();
          },
          &context_,
          [&] {
            signalled = true;
            ready.set_value();
          });
      {
        std::lock_guard lock(mutex_);
        status_ = status;
        ended_ = true;
        arrived_.notify_all();
      }
      if (!signalled) ready.set_value();  // ended before the server fixed where it starts
    });
    // Once it is ready, the server has fixed where the stream starts.
    started.wait();
  }
  ~Watcher() {
    context_.TryCancel();
    thread_.join();
  }

  v1::EpisodeChange Next() {
    std::unique_lock lock(mutex_);
    arrived_.wait_for(lock, std::chrono::seconds(30), [this] { return !changes_.empty() || ended_; });
    if (changes_.empty()) {
      ADD_FAILURE() << "the stream ended early: " << (ended_ ? status_.ToString() : "no change within 30 s");
      return v1::EpisodeChange();
    }
    v1::EpisodeChange change = std::move(changes_.front());
    changes_.pop_front();
    return change;
  }

  // The status the stream ended with (waits for its end).
  absl::Status Finish() {
    std::unique_lock lock(mutex_);
    arrived_.wait(lock, [this] { return ended_; });
    return status_;
  }

 private:
  grpc::ClientContext context_;
  std::mutex mutex_;
  std::condition_variable arrived_;
  std::deque<v1::EpisodeChange> changes_;
  bool ended_ = false;
  absl::Status status_;
  std::thread thread_;
};

}  // namespace podmeta::testing
