#include "api/podcast_handlers.h"

#include "api/unary_call.h"
#include "domain/requests.h"
#include "domain/resources.h"
#include "domain/show_page.h"
#include "domain/validation.h"

namespace podmeta::api {
namespace {

using PodcastResult = absl::StatusOr<v1::Podcast>;

}  // namespace

grpc::ServerUnaryReactor* PodcastHandlers::GetPodcast(grpc::CallbackServerContext* context,
                                                      const v1::GetPodcastRequest* request, v1::Podcast* response) {
  return RunUnary(context, executor_, *request, response, [this, context, request]() -> PodcastResult {
    absl::StatusOr<std::string> id = domain::ParsePodcastName(request->name(), "name");
    if (!id.ok()) return id.status();
    return podcasts_.Get(*id, DeadlineOf(context));
  });
}

grpc::ServerUnaryReactor* PodcastHandlers::ListPodcasts(grpc::CallbackServerContext* context,
                                                        const v1::ListPodcastsRequest* request,
                                                        v1::ListPodcastsResponse* response) {
  return RunUnary(context, executor_, *request, response,
                  [this, context, request]() -> absl::StatusOr<v1::ListPodcastsResponse> {
                    absl::StatusOr<domain::PodcastListQuery> query = domain::PodcastListQueryOf(*request);
                    if (!query.ok()) return query.status();
                    auto page = podcasts_.List(*query, DeadlineOf(context));
                    if (!page.ok()) return page.status();
                    v1::ListPodcastsResponse reply;
                    for (v1::Podcast& podcast : page->podcasts) *reply.add_podcasts() = std::move(podcast);
                    if (page->next_after) {
                      reply.set_next_page_token(domain::NextPodcastPageToken(*request, *page->next_after));
                    }
                    reply.set_total_size(page->total_size);
                    return reply;
                  });
}

grpc::ServerUnaryReactor* PodcastHandlers::CreatePodcast(grpc::CallbackServerContext* context,
                                                         const v1::CreatePodcastRequest* request,
                                                         v1::Podcast* response) {
  return RunWrite(context, access_, executor_, *request, response, [this, context, request]() -> PodcastResult {
    absl::StatusOr<domain::NewPodcast> created = domain::NewPodcastOf(*request);
    if (!created.ok()) return created.status();
    return podcasts_.Create(created->podcast_id, created->podcast, created->identity, DeadlineOf(context));
  });
}

grpc::ServerUnaryReactor* PodcastHandlers::ModifyPodcast(grpc::CallbackServerContext* context,
                                                         const google::protobuf::Message& request,
                                                         v1::Podcast* response, const std::string& name,
                                                         const char* name_field,
                                                         storage::PodcastStore::Mutation mutate) {
  return RunWrite(context, access_, executor_, request, response,
                  [this, context, &request, name, name_field, mutate = std::move(mutate)]() -> PodcastResult {
                    absl::StatusOr<std::string> id = domain::ParsePodcastName(name, name_field);
                    if (!id.ok()) return id.status();
                    absl::StatusOr<domain::RequestIdentity> identity = domain::RequestIdentityOf(request);
                    if (!identity.ok()) return identity.status();
                    return podcasts_.Modify(*id, *identity, mutate, DeadlineOf(context));
                  });
}

grpc::ServerUnaryReactor* PodcastHandlers::UpdatePodcast(grpc::CallbackServerContext* context,
                                                         const v1::UpdatePodcastRequest* request,
                                                         v1::Podcast* response) {
  return ModifyPodcast(context, *request, response, request->podcast().name(), "podcast.name",
                       [request](v1::Podcast& podcast) {
                         return domain::ApplyPodcastUpdate(request->podcast(), request->update_mask(), podcast);
                       });
}

grpc::ServerUnaryReactor* PodcastHandlers::DeletePodcast(grpc::CallbackServerContext* context,
                                                         const v1::DeletePodcastRequest* request,
                                                         v1::Podcast* response) {
  return ModifyPodcast(context, *request, response, request->name(), "name", [request](v1::Podcast& podcast) {
    return domain::MarkPodcastDeleted(request->etag(), request->force(), podcast);
  });
}

grpc::ServerUnaryReactor* PodcastHandlers::UndeletePodcast(grpc::CallbackServerContext* context,
                                                           const v1::UndeletePodcastRequest* request,
                                                           v1::Podcast* response) {
  return ModifyPodcast(context, *request, response, request->name(), "name",
                       [request](v1::Podcast& podcast) { return domain::MarkUndeleted(request->etag(), podcast); });
}

grpc::ServerUnaryReactor* PodcastHandlers::PurgePodcast(grpc::CallbackServerContext* context,
                                                        const v1::PurgePodcastRequest* request,
                                                        google::protobuf::Empty* response) {
  return RunWrite(context, access_, executor_, *request, response,
                  [this, context, request]() -> absl::StatusOr<google::protobuf::Empty> {
                    absl::StatusOr<std::string> id = domain::ParsePodcastName(request->name(), "name");
                    if (!id.ok()) return id.status();
                    absl::Status purged =
                        lifecycle_.PurgePodcast(*id, request->etag(), request->allow_missing(), DeadlineOf(context));
                    if (!purged.ok()) return purged;
                    return google::protobuf::Empty();
                  });
}

grpc::ServerUnaryReactor* PodcastHandlers::ImportShowPage(grpc::CallbackServerContext* context,
                                                          const v1::ImportShowPageRequest* request,
                                                          v1::ImportShowPageResponse* response) {
  return RunWrite(context, access_, executor_, *request, response,
                  [this, context, request]() -> absl::StatusOr<v1::ImportShowPageResponse> {
                    if (absl::Status content = domain::CheckShowPageContent(request->content()); !content.ok()) {
                      return content;
                    }
                    absl::StatusOr<domain::RequestIdentity> identity = domain::RequestIdentityOf(*request);
                    if (!identity.ok()) return identity.status();
                    domain::ShowPage page = domain::ParseShowPage(request->content());
                    if (!page.problems.empty() && (!request->allow_partial() || page.podcast_id.empty())) {
                      return domain::PageProblemsStatus(page.problems);
                    }
                    const std::vector<domain::PageProblem> problems = std::move(page.problems);
                    auto imported =
                        imports_.Import(std::move(page), request->dry_run(), *identity, DeadlineOf(context));
                    if (!imported.ok()) return imported.status();
                    for (const domain::PageProblem& problem : problems) {
                      v1::ImportProblem* reported = imported->add_problems();
                      reported->set_line(problem.line);
                      reported->set_description(problem.description);
                    }
                    return imported;
                  });
}

grpc::ServerUnaryReactor* PodcastHandlers::ImportFeed(grpc::CallbackServerContext* context,
                                                      const v1::ImportFeedRequest* request,
                                                      v1::ImportFeedResponse* response) {
  return RunWrite(context, access_, executor_, *request, response,
                  [this, context, request] { return feeds_.Import(*request, DeadlineOf(context)); });
}

grpc::ServerUnaryReactor* PodcastHandlers::ExportFeed(grpc::CallbackServerContext* context,
                                                      const v1::ExportFeedRequest* request,
                                                      v1::ExportFeedResponse* response) {
  return RunUnary(context, executor_, *request, response,
                  [this, context, request] { return feeds_.Export(*request, DeadlineOf(context)); });
}

}  // namespace podmeta::api
