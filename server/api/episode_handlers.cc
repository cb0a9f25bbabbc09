#include "api/episode_handlers.h"

#include "api/episode_watch.h"
#include "api/unary_call.h"
#include "domain/chapter_formats.h"
#include "domain/requests.h"
#include "domain/resources.h"
#include "domain/validation.h"

namespace podmeta::api {
namespace {

using EpisodeResult = absl::StatusOr<v1::Episode>;

// "x-podmeta-consistency: fresh": the caller asks to see every write
// acknowledged before its call, wherever it was made.
EpisodeReader::Consistency ConsistencyOf(const grpc::CallbackServerContext& context) {
  const auto& metadata = context.client_metadata();
  const auto found = metadata.find("x-podmeta-consistency");
  const bool fresh =
      found != metadata.end() && absl::string_view(found->second.data(), found->second.size()) == "fresh";
  return fresh ? EpisodeReader::Consistency::kFresh : EpisodeReader::Consistency::kCached;
}

// What clients see: stored chapters plus the end offsets they imply.
EpisodeResult Presented(EpisodeResult episode) {
  if (episode.ok()) domain::PresentEpisode(*episode);
  return episode;
}

}  // namespace

grpc::ServerUnaryReactor* EpisodeHandlers::GetEpisode(grpc::CallbackServerContext* context,
                                                      const grpc::ByteBuffer* request_bytes,
                                                      grpc::ByteBuffer* response) {
  observability::ObservedCall call(get_episode_calls_, *context);
  const auto finished_now = [context, &call](const absl::Status& status) {
    const grpc::Status answer = ToGrpcStatus(status);
    call.Finish(answer);
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(answer);
    return reactor;
  };
  v1::GetEpisodeRequest request;
  if (!ParseMessage(*request_bytes, request)) return finished_now(MalformedRequestStatus());
  if (absl::Status text = domain::CheckRequestText(request); !text.ok()) return finished_now(text);
  absl::StatusOr<domain::EpisodeKey> key = domain::ParseEpisodeName(request.name(), "name");
  if (!key.ok()) return finished_now(key.status());
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reader_.Read(Caller::Of(context), *std::move(key), ConsistencyOf(*context),
               [reactor, response, call = std::move(call)](absl::StatusOr<EpisodeReader::Bytes> episode) {
                 if (episode.ok()) *response = ByteBufferSharing(*std::move(episode));
                 const grpc::Status answer = ToGrpcStatus(episode.status());
                 call.Finish(answer);
                 reactor->Finish(answer);
               });
  return reactor;
}

grpc::ServerUnaryReactor* EpisodeHandlers::BatchGetEpisodes(grpc::CallbackServerContext* context,
                                                            const v1::BatchGetEpisodesRequest* request,
                                                            v1::BatchGetEpisodesResponse* response) {
  return RunUnary(context, executor_, *request, response,
                  [this, context, request]() -> absl::StatusOr<v1::BatchGetEpisodesResponse> {
                    absl::StatusOr<domain::EpisodeBatch> batch = domain::EpisodeBatchOf(*request);
                    if (!batch.ok()) return batch.status();
                    auto found = episodes_.BatchGet(batch->podcast_id, batch->episode_ids, DeadlineOf(context));
                    if (!found.ok()) return found.status();
                    return domain::BatchGetAnswer(*request, *std::move(found));
                  });
}

grpc::ServerUnaryReactor* EpisodeHandlers::ListEpisodes(grpc::CallbackServerContext* context,
                                                        const v1::ListEpisodesRequest* request,
                                                        v1::ListEpisodesResponse* response) {
  return RunUnary(context, executor_, *request, response,
                  [this, context, request]() -> absl::StatusOr<v1::ListEpisodesResponse> {
                    absl::StatusOr<domain::EpisodeListQuery> query = domain::EpisodeListQueryOf(*request);
                    if (!query.ok()) return query.status();
                    auto page = episodes_.List(*query, DeadlineOf(context));
                    if (!page.ok()) return page.status();
                    v1::ListEpisodesResponse reply;
                    // Presented and cut to the view by the store (FitEpisodePage).
                    for (v1::Episode& episode : page->episodes) *reply.add_episodes() = std::move(episode);
                    if (page->next) reply.set_next_page_token(domain::NextEpisodePageToken(*request, *page->next));
                    reply.set_total_size(page->total_size);
                    if (page->latest_change) {
                      reply.set_resume_token(domain::ResumeToken(request->parent(), *page->latest_change));
                    }
                    return reply;
                  });
}

grpc::ServerUnaryReactor* EpisodeHandlers::CreateEpisode(grpc::CallbackServerContext* context,
                                                         const v1::CreateEpisodeRequest* request,
                                                         v1::Episode* response) {
  return RunWrite(context, access_, executor_, *request, response, [this, context, request]() -> EpisodeResult {
    absl::StatusOr<domain::NewEpisode> created = domain::NewEpisodeOf(*request);
    if (!created.ok()) return created.status();
    return Presented(episodes_.Create(created->key, created->episode, created->identity, DeadlineOf(context)));
  });
}

grpc::ServerUnaryReactor* EpisodeHandlers::ModifyEpisode(grpc::CallbackServerContext* context,
                                                         const google::protobuf::Message& request,
                                                         v1::Episode* response, const std::string& name,
                                                         const char* name_field,
                                                         storage::EpisodeStore::Mutation mutate) {
  return RunWrite(context, access_, executor_, request, response,
                  [this, context, &request, name, name_field, mutate = std::move(mutate)]() -> EpisodeResult {
                    absl::StatusOr<domain::EpisodeKey> key = domain::ParseEpisodeName(name, name_field);
                    if (!key.ok()) return key.status();
                    absl::StatusOr<domain::RequestIdentity> identity = domain::RequestIdentityOf(request);
                    if (!identity.ok()) return identity.status();
                    return Presented(episodes_.Modify(*key, *identity, mutate, DeadlineOf(context)));
                  });
}

grpc::ServerUnaryReactor* EpisodeHandlers::UpdateEpisode(grpc::CallbackServerContext* context,
                                                         const v1::UpdateEpisodeRequest* request,
                                                         v1::Episode* response) {
  return ModifyEpisode(context, *request, response, request->episode().name(), "episode.name",
                       [request](v1::Episode& episode) {
                         return domain::ApplyEpisodeUpdate(request->episode(), request->update_mask(), episode);
                       });
}

grpc::ServerUnaryReactor* EpisodeHandlers::DeleteEpisode(grpc::CallbackServerContext* context,
                                                         const v1::DeleteEpisodeRequest* request,
                                                         v1::Episode* response) {
  return ModifyEpisode(context, *request, response, request->name(), "name",
                       [request](v1::Episode& episode) { return domain::MarkDeleted(request->etag(), episode); });
}

grpc::ServerUnaryReactor* EpisodeHandlers::UndeleteEpisode(grpc::CallbackServerContext* context,
                                                           const v1::UndeleteEpisodeRequest* request,
                                                           v1::Episode* response) {
  return ModifyEpisode(context, *request, response, request->name(), "name",
                       [request](v1::Episode& episode) { return domain::MarkUndeleted(request->etag(), episode); });
}

grpc::ServerUnaryReactor* EpisodeHandlers::PurgeEpisode(grpc::CallbackServerContext* context,
                                                        const v1::PurgeEpisodeRequest* request,
                                                        google::protobuf::Empty* response) {
  return RunWrite(context, access_, executor_, *request, response,
                  [this, context, request]() -> absl::StatusOr<google::protobuf::Empty> {
                    absl::StatusOr<domain::EpisodeKey> key = domain::ParseEpisodeName(request->name(), "name");
                    if (!key.ok()) return key.status();
                    absl::Status purged =
                        lifecycle_.PurgeEpisode(*key, request->etag(), request->allow_missing(), DeadlineOf(context));
                    if (!purged.ok()) return purged;
                    return google::protobuf::Empty();
                  });
}

grpc::ServerUnaryReactor* EpisodeHandlers::ReplaceChapters(grpc::CallbackServerContext* context,
                                                           const v1::ReplaceChaptersRequest* request,
                                                           v1::Episode* response) {
  return ModifyEpisode(context, *request, response, request->name(), "name",
                       [request](v1::Episode& episode) { return domain::ApplyChapterEdit(*request, episode); });
}

grpc::ServerUnaryReactor* EpisodeHandlers::InsertChapter(grpc::CallbackServerContext* context,
                                                         const v1::InsertChapterRequest* request,
                                                         v1::Episode* response) {
  return ModifyEpisode(context, *request, response, request->name(), "name",
                       [request](v1::Episode& episode) { return domain::ApplyChapterEdit(*request, episode); });
}

grpc::ServerUnaryReactor* EpisodeHandlers::UpdateChapter(grpc::CallbackServerContext* context,
                                                         const v1::UpdateChapterRequest* request,
                                                         v1::Episode* response) {
  return ModifyEpisode(context, *request, response, request->name(), "name",
                       [request](v1::Episode& episode) { return domain::ApplyChapterEdit(*request, episode); });
}

grpc::ServerUnaryReactor* EpisodeHandlers::DeleteChapter(grpc::CallbackServerContext* context,
                                                         const v1::DeleteChapterRequest* request,
                                                         v1::Episode* response) {
  return ModifyEpisode(context, *request, response, request->name(), "name",
                       [request](v1::Episode& episode) { return domain::ApplyChapterEdit(*request, episode); });
}

grpc::ServerUnaryReactor* EpisodeHandlers::ExportChapters(grpc::CallbackServerContext* context,
                                                          const v1::ExportChaptersRequest* request,
                                                          v1::ExportChaptersResponse* response) {
  if (absl::Status text = domain::CheckRequestText(*request); !text.ok()) return FinishedNow(context, text);
  absl::StatusOr<domain::EpisodeKey> key = domain::ParseEpisodeName(request->name(), "name");
  if (!key.ok()) return FinishedNow(context, key.status());
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reader_.Read(Caller::Of(context), *std::move(key), ConsistencyOf(*context),
               [reactor, request, response](absl::StatusOr<EpisodeReader::Bytes> episode) {
                 if (!episode.ok()) {
                   reactor->Finish(ToGrpcStatus(episode.status()));
                   return;
                 }
                 v1::Episode parsed;
                 parsed.ParseFromString(**episode);  // bytes this server serialized
                 absl::StatusOr<v1::ExportChaptersResponse> exported =
                     domain::ExportChapterFile(parsed, request->format());
                 if (exported.ok()) *response = *std::move(exported);
                 reactor->Finish(ToGrpcStatus(exported.status()));
               });
  return reactor;
}

grpc::ServerUnaryReactor* EpisodeHandlers::ImportChapters(grpc::CallbackServerContext* context,
                                                          const v1::ImportChaptersRequest* request,
                                                          v1::Episode* response) {
  // The file is read on the executor after the token check (never on gRPC's
  // own threads, never for a caller who may not write), and before the
  // episode is locked.
  return RunWrite(context, access_, executor_, *request, response, [this, context, request]() -> EpisodeResult {
    absl::StatusOr<domain::EpisodeKey> key = domain::ParseEpisodeName(request->name(), "name");
    if (!key.ok()) return key.status();
    absl::StatusOr<domain::RequestIdentity> identity = domain::RequestIdentityOf(*request);
    if (!identity.ok()) return identity.status();
    absl::StatusOr<domain::ChapterFile> file = domain::ReadChapterFile(request->content(), request->format());
    if (!file.ok()) return file.status();
    return Presented(episodes_.Modify(
        *key, *identity,
        [request, &file](v1::Episode& episode) { return domain::ApplyChapterEdit(*request, *file, episode); },
        DeadlineOf(context)));
  });
}

grpc::ServerUnaryReactor* EpisodeHandlers::SearchEpisodes(grpc::CallbackServerContext* context,
                                                          const v1::SearchEpisodesRequest* request,
                                                          v1::SearchEpisodesResponse* response) {
  return RunUnary(
      context, executor_, *request, response, [this, context, request]() -> absl::StatusOr<v1::SearchEpisodesResponse> {
        absl::StatusOr<domain::SearchQuery> query = domain::SearchQueryOf(*request);
        if (!query.ok()) return query.status();
        auto page = search_.Search(query->podcast_id, query->text, query->page_size, query->after, DeadlineOf(context));
        if (!page.ok()) return page.status();
        v1::SearchEpisodesResponse reply;
        for (v1::SearchHit& hit : page->hits) *reply.add_hits() = std::move(hit);
        if (page->next) reply.set_next_page_token(domain::NextSearchPageToken(*request, *page->next));
        return reply;
      });
}

grpc::ServerWriteReactor<v1::EpisodeChange>* EpisodeHandlers::WatchEpisodes(grpc::CallbackServerContext* context,
                                                                            const v1::WatchEpisodesRequest* request) {
  return EpisodeWatch::Start(context, *request, episodes_, fanout_, executor_);
}

}  // namespace podmeta::api
