// What podmeta answers over HTTP (GET and HEAD; see docs/http.md):
//
//   /v1/podcasts/{podcast}/episodes/{episode}/chapters.{json,vtt,psc,txt}
//        the chapters file, byte for byte what `podmeta chapters export`
//        prints, from the episode cache (EpisodeReader), with ETag,
//        Last-Modified, Cache-Control; 410 for a deleted episode
//   /v1/podcasts/{podcast}/feed.xml     the podcast's RSS feed (ExportFeed)
//   /v1/podcasts/{podcast}/episodes:watch  WatchEpisodes as Server-Sent
//                                        Events (id: the resume token)
//   /healthz                            200 while the listener serves
//   every GET binding of the methods' google.api.http annotations
//   (proto/podmeta/v1): /v1/podcasts, /v1/{name=podcasts/*/episodes/*},
//   /v1/{parent=podcasts/*}/episodes, ..., answered as protobuf's
//   canonical JSON
//
// JSON reads go through an in-process gRPC channel to the same handlers,
// so validation, limits, metrics and errors are exactly gRPC's; the path
// fills the annotated variables, query parameters the other request fields
// (page_size, page_token, filter, ...).
// Errors are a JSON google.rpc.Status with the HTTP code of the standard
// gRPC-to-HTTP mapping.
#pragma once

#include <grpcpp/channel.h>
#include <grpcpp/generic/generic_stub.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include "api/blocking_executor.h"
#include "api/episode_reader.h"
#include "api/feed_importer.h"
#include "http/chapter_file_cache.h"
#include "http/feed_cache.h"
#include "http/http_listener.h"
#include "podmeta/v1/episode_service.grpc.pb.h"
#include "podmeta/v1/podcast_service.pb.h"

namespace podmeta::http {

struct RouteOptions {
  // Cache-Control max-age of chapters files and feeds.
  int max_age_seconds = 60;
  // How long a request may take end to end.
  std::chrono::milliseconds timeout{30'000};
  // Rendered chapter files kept for hot episodes (ChapterFileCache).
  size_t chapter_file_cache_bytes = 16 << 20;
  // Rendered feeds kept, each shared by every answer (FeedCache).
  size_t feed_cache_bytes = 128 << 20;
  // Server-Sent Event streams open at once: a quota of their own, below the
  // server's watch streams, so anonymous HTTP clients cannot take every
  // watch from gRPC clients.
  size_t max_event_streams = 5'000;
};

class Routes final : public Handler {
 public:
  // Reads the GET bindings of every method's google.api.http annotation.
  Routes(api::EpisodeReader& reader, api::FeedImporter& feeds, api::BlockingExecutor& executor, RouteOptions options);
  ~Routes() override;

  // The in-process channel to the gRPC server, for the JSON reads; set
  // once, before the listener starts.
  void Connect(const std::shared_ptr<grpc::Channel>& channel);

  void Handle(const Request& request, std::function<void(Response)> respond) override;

 private:
  api::EpisodeReader& reader_;
  api::FeedImporter& feeds_;
  api::BlockingExecutor& executor_;
  const RouteOptions options_;
  // Shared with the reads in flight: an answer may come after this is gone.
  const std::shared_ptr<ChapterFileCache> files_;
  const std::shared_ptr<FeedCache> feeds_cache_;
  // Event streams open now (shared with the streams, which may outlive this).
  const std::shared_ptr<std::atomic<size_t>> event_streams_ = std::make_shared<std::atomic<size_t>>(0);
  // feed.xml's own threads (kFeedThreads, at most kFeedQueue waiting): a
  // rendering is long, and must not hold a thread gRPC calls wait for.
  static constexpr size_t kFeedThreads = 2;
  static constexpr size_t kFeedQueue = 256;
  std::unique_ptr<api::BlockingExecutor> feed_executor_;
  struct Binding;
  std::vector<std::unique_ptr<Binding>> bindings_;
  std::unique_ptr<grpc::GenericStub> stub_;
  std::unique_ptr<v1::EpisodeService::Stub> episodes_;
};

// The HTTP status of a gRPC status code (google/rpc/code.proto's mapping).
int HttpStatusOf(absl::StatusCode code);

}  // namespace podmeta::http
