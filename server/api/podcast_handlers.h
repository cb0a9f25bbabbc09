// The handlers of podmeta.v1.PodcastService (the generated base): thin handlers that validate the request, run the
// domain rules inside a storage call on the blocking executor, and map the
// result to a gRPC status.
#pragma once

#include "api/blocking_executor.h"
#include "api/feed_importer.h"
#include "api/write_access.h"
#include "podmeta/v1/podcast_service.grpc.pb.h"
#include "storage/import_store.h"
#include "storage/lifecycle_store.h"
#include "storage/podcast_store.h"

namespace podmeta::api {

class PodcastHandlers final : public v1::PodcastService::CallbackService {
 public:
  PodcastHandlers(storage::PodcastStore& podcasts, storage::ImportStore& imports, FeedImporter& feeds,
                  storage::LifecycleStore& lifecycle, const WriteAccess& access, BlockingExecutor& executor)
      : podcasts_(podcasts),
        imports_(imports),
        feeds_(feeds),
        lifecycle_(lifecycle),
        access_(access),
        executor_(executor) {}

  grpc::ServerUnaryReactor* GetPodcast(grpc::CallbackServerContext* context, const v1::GetPodcastRequest* request,
                                       v1::Podcast* response) override;
  grpc::ServerUnaryReactor* ListPodcasts(grpc::CallbackServerContext* context, const v1::ListPodcastsRequest* request,
                                         v1::ListPodcastsResponse* response) override;
  grpc::ServerUnaryReactor* CreatePodcast(grpc::CallbackServerContext* context, const v1::CreatePodcastRequest* request,
                                          v1::Podcast* response) override;
  grpc::ServerUnaryReactor* UpdatePodcast(grpc::CallbackServerContext* context, const v1::UpdatePodcastRequest* request,
                                          v1::Podcast* response) override;
  grpc::ServerUnaryReactor* DeletePodcast(grpc::CallbackServerContext* context, const v1::DeletePodcastRequest* request,
                                          v1::Podcast* response) override;
  grpc::ServerUnaryReactor* UndeletePodcast(grpc::CallbackServerContext* context,
                                            const v1::UndeletePodcastRequest* request, v1::Podcast* response) override;
  grpc::ServerUnaryReactor* PurgePodcast(grpc::CallbackServerContext* context, const v1::PurgePodcastRequest* request,
                                         google::protobuf::Empty* response) override;
  grpc::ServerUnaryReactor* ImportShowPage(grpc::CallbackServerContext* context,
                                           const v1::ImportShowPageRequest* request,
                                           v1::ImportShowPageResponse* response) override;
  grpc::ServerUnaryReactor* ImportFeed(grpc::CallbackServerContext* context, const v1::ImportFeedRequest* request,
                                       v1::ImportFeedResponse* response) override;
  grpc::ServerUnaryReactor* ExportFeed(grpc::CallbackServerContext* context, const v1::ExportFeedRequest* request,
                                       v1::ExportFeedResponse* response) override;

 private:
  // Runs `mutate` on the named podcast inside one locked transaction.
  grpc::ServerUnaryReactor* ModifyPodcast(grpc::CallbackServerContext* context,
                                          const google::protobuf::Message& request, v1::Podcast* response,
                                          const std::string& name, const char* name_field,
                                          storage::PodcastStore::Mutation mutate);

  storage::PodcastStore& podcasts_;
  storage::ImportStore& imports_;
  FeedImporter& feeds_;
  storage::LifecycleStore& lifecycle_;
  const WriteAccess& access_;
  BlockingExecutor& executor_;
};

}  // namespace podmeta::api
