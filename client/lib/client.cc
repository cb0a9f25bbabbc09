#include "podmeta/client.h"

#include <map>
#include <optional>
#include <random>
#include <thread>

#include "absl/strings/cord.h"
#include "absl/strings/str_format.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace podmeta {
namespace {

constexpr char kBadRequestTypeUrl[] = "type.googleapis.com/google.rpc.BadRequest";
constexpr char kErrorInfoTypeUrl[] = "type.googleapis.com/google.rpc.ErrorInfo";

std::optional<google::rpc::ErrorInfo> ErrorInfoOf(const absl::Status& status) {
  auto payload = status.GetPayload(kErrorInfoTypeUrl);
  google::rpc::ErrorInfo info;
  if (!payload || !info.ParseFromString(std::string(*payload))) return std::nullopt;
  return info;
}

std::string RandomRequestId() {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  return absl::StrFormat("%016x%016x", generator(), generator());
}

// Every write the library sends carries a request id (the caller's, or a
// random one), which makes retrying it safe.
template <typename Request>
void SetRequestId(Request& request) {
  if (request.request_id().empty()) request.set_request_id(RandomRequestId());
}

template <typename Request>
Client::Retry RetryOf(const Request& request) {
  return request.request_id().empty() ? Client::Retry::kNever : Client::Retry::kWhenUnavailable;
}

}  // namespace

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  absl::Status converted(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
  google::rpc::Status details;
  if (details.ParseFromString(status.error_details())) {
    for (const auto& any : details.details()) {
      google::rpc::BadRequest bad_request;
      google::rpc::ErrorInfo info;
      if (any.UnpackTo(&bad_request)) {
        converted.SetPayload(kBadRequestTypeUrl, absl::Cord(bad_request.SerializeAsString()));
      } else if (any.UnpackTo(&info)) {
        converted.SetPayload(kErrorInfoTypeUrl, absl::Cord(info.SerializeAsString()));
      }
    }
  }
  return converted;
}

std::vector<std::pair<std::string, std::string>> FieldViolations(const absl::Status& status) {
  std::vector<std::pair<std::string, std::string>> result;
  auto payload = status.GetPayload(kBadRequestTypeUrl);
  google::rpc::BadRequest bad_request;
  if (!payload || !bad_request.ParseFromString(std::string(*payload))) return result;
  for (const auto& violation : bad_request.field_violations()) {
    result.emplace_back(violation.field(), violation.description());
  }
  return result;
}

std::string ErrorReason(const absl::Status& status) {
  std::optional<google::rpc::ErrorInfo> info = ErrorInfoOf(status);
  return info ? info->reason() : "";
}

std::map<std::string, std::string> ErrorMetadata(const absl::Status& status) {
  std::optional<google::rpc::ErrorInfo> info = ErrorInfoOf(status);
  if (!info) return {};
  return {info->metadata().begin(), info->metadata().end()};
}

namespace {

std::shared_ptr<grpc::ChannelCredentials> CredentialsFor(const ClientOptions& options) {
  if (!options.tls && options.tls_root_certs_pem.empty()) return grpc::InsecureChannelCredentials();
  grpc::SslCredentialsOptions tls;
  tls.pem_root_certs = options.tls_root_certs_pem;
  tls.pem_cert_chain = options.tls_cert_chain_pem;
  tls.pem_private_key = options.tls_private_key_pem;
  return grpc::SslCredentials(tls);
}

// Answers up to options.max_answer_bytes: an exported feed is one message,
// larger than gRPC's default 4 MiB for a catalog-sized show.
grpc::ChannelArguments ChannelArgumentsFor(const ClientOptions& options) {
  grpc::ChannelArguments arguments;
  arguments.SetMaxReceiveMessageSize(options.max_answer_bytes);
  return arguments;
}

}  // namespace

Client::Client(ClientOptions options)
    : Client(grpc::CreateCustomChannel(options.address, CredentialsFor(options), ChannelArgumentsFor(options)),
             options) {}

Client::Client(std::shared_ptr<grpc::Channel> channel, ClientOptions options)
    : options_(std::move(options)),
      channel_(std::move(channel)),
      podcasts_(v1::PodcastService::NewStub(channel_)),
      episodes_(v1::EpisodeService::NewStub(channel_)) {}

namespace {

// A wait between half of `backoff` and all of it.
std::chrono::milliseconds Jittered(std::chrono::milliseconds backoff) {
  thread_local std::mt19937_64 random{std::random_device{}()};
  const auto half = backoff.count() / 2;
  return std::chrono::milliseconds(half + std::uniform_int_distribution<int64_t>(0, backoff.count() - half)(random));
}

}  // namespace

template <typename Response, typename Invoke>
absl::StatusOr<Response> Client::Call(Invoke invoke, Retry retry) {
  const auto deadline = std::chrono::system_clock::now() + options_.timeout;
  auto backoff = options_.initial_backoff;
  for (int attempt = 1;; ++attempt) {
    grpc::ClientContext context;
    context.set_deadline(deadline);
    if (!options_.token.empty()) context.AddMetadata("authorization", "Bearer " + options_.token);
    if (options_.fresh_reads) context.AddMetadata("x-podmeta-consistency", "fresh");
    // A retry waits (within its deadline) for the channel to reconnect
    // instead of failing at once while it is still down.
    if (attempt > 1) context.set_wait_for_ready(true);
    Response response;
    const grpc::Status status = invoke(&context, &response);
    if (status.ok()) return response;
    const std::chrono::milliseconds wait = Jittered(backoff);
    if (status.error_code() != grpc::StatusCode::UNAVAILABLE || retry == Retry::kNever ||
        (options_.max_attempts > 0 && attempt >= options_.max_attempts) ||
        std::chrono::system_clock::now() + wait >= deadline) {
      return FromGrpcStatus(status);
    }
    std::this_thread::sleep_for(wait);
    backoff = std::min(backoff * 2, options_.max_backoff);
  }
}

absl::StatusOr<v1::Podcast> Client::GetPodcast(const std::string& name) {
  v1::GetPodcastRequest request;
  request.set_name(name);
  return Call<v1::Podcast>(
      [&](auto* context, auto* response) { return podcasts_->GetPodcast(context, request, response); });
}

absl::StatusOr<v1::ListPodcastsResponse> Client::ListPodcasts(const v1::ListPodcastsRequest& request) {
  return Call<v1::ListPodcastsResponse>(
      [&](auto* context, auto* response) { return podcasts_->ListPodcasts(context, request, response); });
}

absl::StatusOr<v1::Podcast> Client::CreatePodcast(v1::CreatePodcastRequest request) {
  SetRequestId(request);
  return Call<v1::Podcast>(
      [&](auto* context, auto* response) { return podcasts_->CreatePodcast(context, request, response); },
      RetryOf(request));
}

absl::StatusOr<v1::Podcast> Client::UpdatePodcast(v1::UpdatePodcastRequest request) {
  SetRequestId(request);
  return Call<v1::Podcast>(
      [&](auto* context, auto* response) { return podcasts_->UpdatePodcast(context, request, response); },
      RetryOf(request));
}

absl::StatusOr<v1::Podcast> Client::DeletePodcast(const std::string& name, const std::string& etag) {
  v1::DeletePodcastRequest request;
  request.set_name(name);
  request.set_etag(etag);
  return DeletePodcast(request);
}

absl::StatusOr<v1::Podcast> Client::DeletePodcast(v1::DeletePodcastRequest request) {
  SetRequestId(request);
  return Call<v1::Podcast>(
      [&](auto* context, auto* response) { return podcasts_->DeletePodcast(context, request, response); },
      RetryOf(request));
}

absl::StatusOr<v1::Podcast> Client::UndeletePodcast(const std::string& name, const std::string& etag) {
  v1::UndeletePodcastRequest request;
  request.set_name(name);
  request.set_etag(etag);
  SetRequestId(request);
  return Call<v1::Podcast>(
      [&](auto* context, auto* response) { return podcasts_->UndeletePodcast(context, request, response); },
      RetryOf(request));
}

absl::Status Client::PurgePodcast(const v1::PurgePodcastRequest& request) {
  return Call<google::protobuf::Empty>(
             [&](auto* context, auto* response) { return podcasts_->PurgePodcast(context, request, response); },
             request.allow_missing() ? Retry::kWhenUnavailable : Retry::kNever)
      .status();
}

absl::StatusOr<v1::ImportShowPageResponse> Client::ImportShowPage(v1::ImportShowPageRequest request) {
  SetRequestId(request);
  return Call<v1::ImportShowPageResponse>(
      [&](auto* context, auto* response) { return podcasts_->ImportShowPage(context, request, response); },
      RetryOf(request));
}

absl::StatusOr<v1::ImportFeedResponse> Client::ImportFeed(v1::ImportFeedRequest request) {
  SetRequestId(request);
  return Call<v1::ImportFeedResponse>(
      [&](auto* context, auto* response) { return podcasts_->ImportFeed(context, request, response); },
      RetryOf(request));
}

absl::StatusOr<v1::ExportFeedResponse> Client::ExportFeed(const std::string& podcast_name) {
  v1::ExportFeedRequest request;
  request.set_name(podcast_name);
  return Call<v1::ExportFeedResponse>(
      [&](auto* context, auto* response) { return podcasts_->ExportFeed(context, request, response); });
}

absl::StatusOr<v1::Episode> Client::GetEpisode(const std::string& name) {
  v1::GetEpisodeRequest request;
  request.set_name(name);
  return Call<v1::Episode>(
      [&](auto* context, auto* response) { return episodes_->GetEpisode(context, request, response); });
}

absl::StatusOr<v1::BatchGetEpisodesResponse> Client::BatchGetEpisodes(const v1::BatchGetEpisodesRequest& request) {
  return Call<v1::BatchGetEpisodesResponse>(
      [&](auto* context, auto* response) { return episodes_->BatchGetEpisodes(context, request, response); });
}

absl::StatusOr<v1::ListEpisodesResponse> Client::ListEpisodes(const v1::ListEpisodesRequest& request) {
  return Call<v1::ListEpisodesResponse>(
      [&](auto* context, auto* response) { return episodes_->ListEpisodes(context, request, response); });
}

absl::Status Client::ForEachEpisode(v1::ListEpisodesRequest request,
                                    const std::function<void(const v1::Episode&)>& visit) {
  do {
    absl::StatusOr<v1::ListEpisodesResponse> page = ListEpisodes(request);
    if (!page.ok()) return page.status();
    for (const v1::Episode& episode : page->episodes()) visit(episode);
    request.set_page_token(page->next_page_token());
  } while (!request.page_token().empty());
  return absl::OkStatus();
}

absl::StatusOr<v1::Episode> Client::CreateEpisode(v1::CreateEpisodeRequest request) {
  SetRequestId(request);
  return Call<v1::Episode>(
      [&](auto* context, auto* response) { return episodes_->CreateEpisode(context, request, response); },
      RetryOf(request));
}

absl::StatusOr<v1::Episode> Client::UpdateEpisode(v1::UpdateEpisodeRequest request) {
  SetRequestId(request);
  return Call<v1::Episode>(
      [&](auto* context, auto* response) { return episodes_->UpdateEpisode(context, request, response); },
      RetryOf(request));
}

absl::StatusOr<v1::Episode> Client::DeleteEpisode(const std::string& name, const std::string& etag) {
  v1::DeleteEpisodeRequest request;
  request.set_name(name);
  request.set_etag(etag);
  SetRequestId(request);
  return Call<v1::Episode>(
      [&](auto* context, auto* response) { return episodes_->DeleteEpisode(context, request, response); },
      RetryOf(request));
}

absl::StatusOr<v1::Episode> Client::UndeleteEpisode(const std::string& name, const std::string& etag) {
  v1::UndeleteEpisodeRequest request;
  request.set_name(name);
  request.set_etag(etag);
  SetRequestId(request);
  return Call<v1::Episode>(
      [&](auto* context, auto* response) { return episodes_->UndeleteEpisode(context, request, response); },
      RetryOf(request));
}

absl::Status Client::PurgeEpisode(const v1::PurgeEpisodeRequest& request) {
  return Call<google::protobuf::Empty>(
             [&](auto* context, auto* response) { return episodes_->PurgeEpisode(context, request, response); },
             request.allow_missing() ? Retry::kWhenUnavailable : Retry::kNever)
      .status();
}

absl::StatusOr<v1::Episode> Client::ReplaceChapters(v1::ReplaceChaptersRequest request) {
  SetRequestId(request);
  return Call<v1::Episode>(
      [&](auto* context, auto* response) { return episodes_->ReplaceChapters(context, request, response); },
      RetryOf(request));
}

absl::StatusOr<v1::Episode> Client::InsertChapter(v1::InsertChapterRequest request) {
  SetRequestId(request);
  return Call<v1::Episode>(
      [&](auto* context, auto* response) { return episodes_->InsertChapter(context, request, response); },
      RetryOf(request));
}

absl::StatusOr<v1::Episode> Client::UpdateChapter(v1::UpdateChapterRequest request) {
  SetRequestId(request);
  return Call<v1::Episode>(
      [&](auto* context, auto* response) { return episodes_->UpdateChapter(context, request, response); },
      RetryOf(request));
}

absl::StatusOr<v1::Episode> Client::DeleteChapter(v1::DeleteChapterRequest request) {
  SetRequestId(request);
  return Call<v1::Episode>(
      [&](auto* context, auto* response) { return episodes_->DeleteChapter(context, request, response); },
      RetryOf(request));
}

absl::StatusOr<v1::ExportChaptersResponse> Client::ExportChapters(const v1::ExportChaptersRequest& request) {
  return Call<v1::ExportChaptersResponse>(
      [&](auto* context, auto* response) { return episodes_->ExportChapters(context, request, response); });
}

absl::StatusOr<v1::Episode> Client::ImportChapters(v1::ImportChaptersRequest request) {
  SetRequestId(request);
  return Call<v1::Episode>(
      [&](auto* context, auto* response) { return episodes_->ImportChapters(context, request, response); },
      RetryOf(request));
}

absl::StatusOr<v1::SearchEpisodesResponse> Client::SearchEpisodes(const v1::SearchEpisodesRequest& request) {
  return Call<v1::SearchEpisodesResponse>(
      [&](auto* context, auto* response) { return episodes_->SearchEpisodes(context, request, response); });
}

absl::Status Client::WatchEpisodes(const v1::WatchEpisodesRequest& request,
                                   const std::function<void(const v1::EpisodeChange&)>& on_change,
                                   grpc::ClientContext* context, const std::function<void()>& ready) {
  grpc::ClientContext own_context;
  if (context == nullptr) context = &own_context;
  if (!options_.token.empty()) context->AddMetadata("authorization", "Bearer " + options_.token);
  std::unique_ptr<grpc::ClientReader<v1::EpisodeChange>> reader = episodes_->WatchEpisodes(context, request);
  reader->WaitForInitialMetadata();
  if (ready) ready();
  v1::EpisodeChange change;
  while (reader->Read(&change)) on_change(change);
  return FromGrpcStatus(reader->Finish());
}

}  // namespace podmeta
