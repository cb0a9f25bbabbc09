// The handlers of podmeta.v1.EpisodeService (the generated base): episodes,
// chapter edits, chapter files, search and the change feed.
#pragma once

#include "absl/strings/str_cat.h"
#include "api/blocking_executor.h"
#include "api/change_fanout.h"
#include "api/episode_reader.h"
#include "api/write_access.h"
#include "observability/call_observer.h"
#include "podmeta/v1/episode_service.grpc.pb.h"
#include "storage/change_feed.h"
#include "storage/episode_store.h"
#include "storage/lifecycle_store.h"
#include "storage/search_store.h"

namespace podmeta::api {

// GetEpisode is a raw method (bytes in, bytes out): cached episodes are kept
// serialized, and a hit is answered with those bytes as they are. It observes
// its own calls (metrics, request id, log) instead of going through the
// interceptor, which would cost a cache hit about a twentieth of its
// throughput. (WatchEpisodes keeps the interceptor: gRPC answers a request
// it cannot parse before any handler runs, and the interceptor turns that
// into INVALID_ARGUMENT.)
class EpisodeHandlers final
    : public v1::EpisodeService::WithRawCallbackMethod_GetEpisode<v1::EpisodeService::CallbackService> {
 public:
  // GetEpisode and ExportChapters read through `reader`.
  EpisodeHandlers(storage::EpisodeStore& episodes, EpisodeReader& reader, storage::SearchStore& search,
                  ChangeFanout& fanout, storage::LifecycleStore& lifecycle, const WriteAccess& access,
                  BlockingExecutor& executor, observability::CallObserver& calls)
      : episodes_(episodes),
        reader_(reader),
        search_(search),
        fanout_(fanout),
        lifecycle_(lifecycle),
        access_(access),
        executor_(executor),
        get_episode_calls_(
            calls.ObservedByHandler(absl::StrCat("/", v1::EpisodeService::service_full_name(), "/GetEpisode"))) {}

  grpc::ServerUnaryReactor* GetEpisode(grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
                                       grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* BatchGetEpisodes(grpc::CallbackServerContext* context,
                                             const v1::BatchGetEpisodesRequest* request,
                                             v1::BatchGetEpisodesResponse* response) override;
  grpc::ServerUnaryReactor* ListEpisodes(grpc::CallbackServerContext* context, const v1::ListEpisodesRequest* request,
                                         v1::ListEpisodesResponse* response) override;
  grpc::ServerUnaryReactor* CreateEpisode(grpc::CallbackServerContext* context, const v1::CreateEpisodeRequest* request,
                                          v1::Episode* response) override;
  grpc::ServerUnaryReactor* UpdateEpisode(grpc::CallbackServerContext* context, const v1::UpdateEpisodeRequest* request,
                                          v1::Episode* response) override;
  grpc::ServerUnaryReactor* DeleteEpisode(grpc::CallbackServerContext* context, const v1::DeleteEpisodeRequest* request,
                                          v1::Episode* response) override;
  grpc::ServerUnaryReactor* UndeleteEpisode(grpc::CallbackServerContext* context,
                                            const v1::UndeleteEpisodeRequest* request, v1::Episode* response) override;
  grpc::ServerUnaryReactor* PurgeEpisode(grpc::CallbackServerContext* context, const v1::PurgeEpisodeRequest* request,
                                         google::protobuf::Empty* response) override;
  grpc::ServerUnaryReactor* ReplaceChapters(grpc::CallbackServerContext* context,
                                            const v1::ReplaceChaptersRequest* request, v1::Episode* response) override;
  grpc::ServerUnaryReactor* InsertChapter(grpc::CallbackServerContext* context, const v1::InsertChapterRequest* request,
                                          v1::Episode* response) override;
  grpc::ServerUnaryReactor* UpdateChapter(grpc::CallbackServerContext* context, const v1::UpdateChapterRequest* request,
                                          v1::Episode* response) override;
  grpc::ServerUnaryReactor* DeleteChapter(grpc::CallbackServerContext* context, const v1::DeleteChapterRequest* request,
                                          v1::Episode* response) override;
  grpc::ServerUnaryReactor* ExportChapters(grpc::CallbackServerContext* context,
                                           const v1::ExportChaptersRequest* request,
                                           v1::ExportChaptersResponse* response) override;
  grpc::ServerUnaryReactor* ImportChapters(grpc::CallbackServerContext* context,
                                           const v1::ImportChaptersRequest* request, v1::Episode* response) override;
  grpc::ServerUnaryReactor* SearchEpisodes(grpc::CallbackServerContext* context,
                                           const v1::SearchEpisodesRequest* request,
                                           v1::SearchEpisodesResponse* response) override;
  grpc::ServerWriteReactor<v1::EpisodeChange>* WatchEpisodes(grpc::CallbackServerContext* context,
                                                             const v1::WatchEpisodesRequest* request) override;

 private:
  // Runs `mutate` on the named episode inside one locked transaction.
  grpc::ServerUnaryReactor* ModifyEpisode(grpc::CallbackServerContext* context,
                                          const google::protobuf::Message& request, v1::Episode* response,
                                          const std::string& name, const char* name_field,
                                          storage::EpisodeStore::Mutation mutate);

  storage::EpisodeStore& episodes_;
  EpisodeReader& reader_;
  storage::SearchStore& search_;
  ChangeFanout& fanout_;
  storage::LifecycleStore& lifecycle_;
  const WriteAccess& access_;
  BlockingExecutor& executor_;
  observability::CallObserver::MethodMetrics& get_episode_calls_;
};

}  // namespace podmeta::api
