// The podmeta C++ client library: every podmeta.v1 call with a deadline,
// retries of UNAVAILABLE with exponential backoff (reads, and writes, each of
// which carries a request_id so the server applies it once), and iteration
// over every page of a listing.
//
//   podmeta::Client client({.address = "127.0.0.1:50051"});
//   absl::StatusOr<podmeta::v1::Episode> episode = client.GetEpisode("podcasts/core-py/episodes/14");
//   if (!episode.ok()) { /* episode.status(), podmeta::FieldViolations(episode.status()) */ }
//
//   podmeta::v1::ListEpisodesRequest request;
//   request.set_parent("podcasts/core-py");
//   absl::Status done = client.ForEachEpisode(request, [](const podmeta::v1::Episode& e) { ... });
//
// Errors are absl::Status values with the gRPC code and the server's reason
// (ErrorReason); an INVALID_ARGUMENT carries the server's field violations
// (see FieldViolations).
#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "podmeta/v1/episode_service.grpc.pb.h"
#include "podmeta/v1/podcast_service.grpc.pb.h"

namespace podmeta {

struct ClientOptions {
  // host:port or unix:PATH.
  std::string address = "127.0.0.1:50051";
  // Deadline of each call, retries included: a call that may be retried
  // (see Client::Retry) is sent again while the server answers UNAVAILABLE
  // or the connection is lost, until this deadline. A database failover
  // takes seconds (5 to 30 in production), so retrying for time rides it
  // out where a fixed count of quick retries would give up within one.
  std::chrono::milliseconds timeout{10'000};
  // Sent as "authorization: Bearer <token>" when set.
  std::string token;
  // Attempts per call at most (1 = no retry; 0 = as many as fit in
  // `timeout`).
  int max_attempts = 0;
  // Wait before the first retry; doubles each time up to `max_backoff`. Each
  // wait is drawn at random between half of it and all of it, so clients
  // that lost the server together do not all return at once.
  std::chrono::milliseconds initial_backoff{100};
  std::chrono::milliseconds max_backoff{2'000};
  // The largest answer accepted (gRPC's default is 4 MiB; an exported feed
  // of a long-running show is more).
  int max_answer_bytes = 256 << 20;
  // TLS: set `tls` (or a root CA) to connect with TLS; the system roots are
  // used when `tls_root_certs_pem` is empty. A certificate chain and key
  // authenticate the client for mutual TLS.
  // Reads see every write acknowledged before them, on any server (sent as
  // "x-podmeta-consistency: fresh": GetEpisode then skips the server's cache
  // and any read replica). Off: reads after a write made through another
  // server may lag it by the change feed's delivery (milliseconds).
  bool fresh_reads = false;
  bool tls = false;
  std::string tls_root_certs_pem;
  std::string tls_cert_chain_pem;
  std::string tls_private_key_pem;
};

class Client {
 public:
  explicit Client(ClientOptions options);
  // Over an existing channel (e.g. with TLS credentials).
  Client(std::shared_ptr<grpc::Channel> channel, ClientOptions options);

  absl::StatusOr<v1::Podcast> GetPodcast(const std::string& name);
  absl::StatusOr<v1::ListPodcastsResponse> ListPodcasts(const v1::ListPodcastsRequest& request);
  // Sets a random request_id when the request has none, so retries are safe.
  absl::StatusOr<v1::Podcast> CreatePodcast(v1::CreatePodcastRequest request);
  absl::StatusOr<v1::Podcast> UpdatePodcast(v1::UpdatePodcastRequest request);
  absl::StatusOr<v1::Podcast> DeletePodcast(const std::string& name, const std::string& etag = "");
  // With `force`, for a podcast that has episodes (see DeletePodcastRequest).
  absl::StatusOr<v1::Podcast> DeletePodcast(v1::DeletePodcastRequest request);
  absl::StatusOr<v1::Podcast> UndeletePodcast(const std::string& name, const std::string& etag = "");
  // Erases the podcast for good (takedowns, erasure requests). Retried after
  // UNAVAILABLE only with allow_missing, which makes a retry harmless.
  absl::Status PurgePodcast(const v1::PurgePodcastRequest& request);
  absl::StatusOr<v1::ImportShowPageResponse> ImportShowPage(v1::ImportShowPageRequest request);
  // An RSS feed from bytes or a URL the server fetches.
  absl::StatusOr<v1::ImportFeedResponse> ImportFeed(v1::ImportFeedRequest request);
  // The podcast as an RSS 2.0 feed.
  absl::StatusOr<v1::ExportFeedResponse> ExportFeed(const std::string& podcast_name);

  absl::StatusOr<v1::Episode> GetEpisode(const std::string& name);
  absl::StatusOr<v1::BatchGetEpisodesResponse> BatchGetEpisodes(const v1::BatchGetEpisodesRequest& request);
  absl::StatusOr<v1::ListEpisodesResponse> ListEpisodes(const v1::ListEpisodesRequest& request);
  // Calls `visit` for every episode the listing matches, page after page.
  absl::Status ForEachEpisode(v1::ListEpisodesRequest request, const std::function<void(const v1::Episode&)>& visit);
  // Sets a random request_id when the request has none.
  absl::StatusOr<v1::Episode> CreateEpisode(v1::CreateEpisodeRequest request);
  absl::StatusOr<v1::Episode> UpdateEpisode(v1::UpdateEpisodeRequest request);
  absl::StatusOr<v1::Episode> DeleteEpisode(const std::string& name, const std::string& etag = "");
  absl::StatusOr<v1::Episode> UndeleteEpisode(const std::string& name, const std::string& etag = "");
  // Erases the episode for good; as PurgePodcast.
  absl::Status PurgeEpisode(const v1::PurgeEpisodeRequest& request);
  absl::StatusOr<v1::Episode> ReplaceChapters(v1::ReplaceChaptersRequest request);
  absl::StatusOr<v1::Episode> InsertChapter(v1::InsertChapterRequest request);
  absl::StatusOr<v1::Episode> UpdateChapter(v1::UpdateChapterRequest request);
  absl::StatusOr<v1::Episode> DeleteChapter(v1::DeleteChapterRequest request);
  absl::StatusOr<v1::ExportChaptersResponse> ExportChapters(const v1::ExportChaptersRequest& request);
  absl::StatusOr<v1::Episode> ImportChapters(v1::ImportChaptersRequest request);
  absl::StatusOr<v1::SearchEpisodesResponse> SearchEpisodes(const v1::SearchEpisodesRequest& request);

  // Streams the podcast's episode changes to `on_change` until the stream
  // ends (an error, or `context` cancelled: then the status is CANCELLED).
  // Pass the last event's resume_token to continue where it left off. A
  // caller may create the context to cancel from another thread; `ready`
  // runs once the server has fixed the resume point.
  absl::Status WatchEpisodes(const v1::WatchEpisodesRequest& request,
                             const std::function<void(const v1::EpisodeChange&)>& on_change,
                             grpc::ClientContext* context = nullptr, const std::function<void()>& ready = {});

  // When a call is sent again after UNAVAILABLE (AIP-194): reads always;
  // writes only with a request_id, which every write this class sends
  // carries (the caller's, or a random one), so the server applies each
  // write once however often it arrives.
  enum class Retry { kNever, kWhenUnavailable };

  // The generated stubs, for calls this class does not wrap.
  v1::PodcastService::Stub& podcasts() { return *podcasts_; }
  v1::EpisodeService::Stub& episodes() { return *episodes_; }

 private:
  // Runs `invoke(context, response)` with deadline, token and retries.
  template <typename Response, typename Invoke>
  absl::StatusOr<Response> Call(Invoke invoke, Retry retry = Retry::kWhenUnavailable);

  ClientOptions options_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::PodcastService::Stub> podcasts_;
  std::unique_ptr<v1::EpisodeService::Stub> episodes_;
};

// (field, description) for each google.rpc.BadRequest violation a status
// from this library carries.
std::vector<std::pair<std::string, std::string>> FieldViolations(const absl::Status& status);

// The server's ErrorInfo.reason (UPPER_SNAKE_CASE, docs/errors.md lists
// them) — what a program branches on; empty when the status has none (made
// by gRPC itself, e.g. a transport failure or a client-side deadline).
std::string ErrorReason(const absl::Status& status);
// The ErrorInfo's metadata: the values the message names (e.g. "episode").
std::map<std::string, std::string> ErrorMetadata(const absl::Status& status);

// grpc::Status → absl::Status, keeping the field violations and ErrorInfo.
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace podmeta
