#include "api/episode_service.h"

#include "api/unary_call.h"
#include "domain/chapter_formats.h"
#include "domain/limits.h"
#include "domain/page_token.h"
#include "domain/resources.h"

namespace podmeta::api {
namespace {

using EpisodeResult = absl::StatusOr<v1::Episode>;

// What clients see: stored chapters plus the end offsets they imply.
EpisodeResult Presented(EpisodeResult episode) {
  if (episode.ok()) domain::DeriveChapterEnds(*episode);
  return episode;
}

constexpr absl::string_view kDefaultOrder = "publish_time desc";

uint64_t ListFingerprint(const v1::ListEpisodesRequest& request) {
  return domain::QueryFingerprint(
      {"episodes", request.parent(), request.filter(), kDefaultOrder, request.show_deleted() ? "deleted" : ""});
}

absl::StatusOr<std::optional<storage::EpisodeCursor>> CursorOf(const v1::ListEpisodesRequest& request) {
  if (request.page_token().empty()) return std::nullopt;
  auto keys = domain::DecodePageToken(request.page_token(), ListFingerprint(request));
  if (!keys.ok()) return keys.status();
  int64_t micros = 0;
  if (keys->size() != 2 || !absl::SimpleAtoi((*keys)[0], &micros)) {
    return domain::InvalidField("page_token", "is not an episode page token");
  }
  return storage::EpisodeCursor{micros, (*keys)[1]};
}

}  // namespace

grpc::ServerUnaryReactor* EpisodeService::GetEpisode(grpc::CallbackServerContext* context,
                                                     const v1::GetEpisodeRequest* request, v1::Episode* response) {
  return RunUnary(context, executor_, response, [this, context, request]() -> EpisodeResult {
    absl::StatusOr<domain::EpisodeKey> key = domain::ParseEpisodeName(request->name(), "name");
    if (!key.ok()) return key.status();
    return Presented(episodes_.Get(*key, DeadlineOf(context)));
  });
}

grpc::ServerUnaryReactor* EpisodeService::BatchGetEpisodes(grpc::CallbackServerContext* context,
                                                           const v1::BatchGetEpisodesRequest* request,
                                                           v1::BatchGetEpisodesResponse* response) {
  return RunUnary(context, executor_, response,
                  [this, context, request]() -> absl::StatusOr<v1::BatchGetEpisodesResponse> {
                    absl::StatusOr<std::string> podcast_id = domain::ParsePodcastName(request->parent(), "parent");
                    if (!podcast_id.ok()) return podcast_id.status();
                    if (static_cast<size_t>(request->names_size()) > domain::kMaxBatchGet) {
                      return domain::InvalidField("names", "must list at most 1000 names");
                    }
                    domain::Violations violations;
                    std::vector<std::string> ids;
                    for (int i = 0; i < request->names_size(); ++i) {
                      const std::string field = absl::StrCat("names[", i, "]");
                      auto key = domain::ParseEpisodeName(request->names(i), field);
                      if (!key.ok()) {
                        violations.Append(domain::FieldViolationsOf(key.status()));
                      } else if (key->podcast_id != *podcast_id) {
                        violations.Add(field, "is not an episode of " + request->parent());
                      } else {
                        ids.push_back(key->episode_id);
                      }
                    }
                    if (!violations.empty()) return violations.ToStatus();
                    auto found = episodes_.BatchGet(*podcast_id, ids, DeadlineOf(context));
                    if (!found.ok()) return found.status();
                    v1::BatchGetEpisodesResponse reply;
                    for (v1::Episode& episode : *found) *reply.add_episodes() = *Presented(std::move(episode));
                    return reply;
                  });
}

grpc::ServerUnaryReactor* EpisodeService::ListEpisodes(grpc::CallbackServerContext* context,
                                                       const v1::ListEpisodesRequest* request,
                                                       v1::ListEpisodesResponse* response) {
  return RunUnary(context, executor_, response,
                  [this, context, request]() -> absl::StatusOr<v1::ListEpisodesResponse> {
                    absl::StatusOr<std::string> podcast_id = domain::ParsePodcastName(request->parent(), "parent");
                    if (!podcast_id.ok()) return podcast_id.status();
                    if (!request->filter().empty()) {
                      return absl::UnimplementedError("filter is not supported yet (issue 5); leave it empty");
                    }
                    if (!request->order_by().empty() && request->order_by() != kDefaultOrder) {
                      return domain::InvalidField("order_by", "only \"publish_time desc\" is supported");
                    }
                    absl::StatusOr<int32_t> page_size = domain::EffectivePageSize(request->page_size());
                    if (!page_size.ok()) return page_size.status();
                    auto cursor = CursorOf(*request);
                    if (!cursor.ok()) return cursor.status();
                    auto page = episodes_.List(*podcast_id, *cursor, *page_size, request->show_deleted(),
                                               DeadlineOf(context));
                    if (!page.ok()) return page.status();
                    v1::ListEpisodesResponse reply;
                    for (v1::Episode& episode : page->episodes) {
                      *reply.add_episodes() = *Presented(std::move(episode));
                    }
                    if (page->next) {
                      reply.set_next_page_token(domain::EncodePageToken(
                          ListFingerprint(*request),
                          {std::to_string(page->next->publish_time_micros), page->next->episode_id}));
                    }
                    reply.set_total_size(page->total_size);
                    return reply;
                  });
}

grpc::ServerUnaryReactor* EpisodeService::CreateEpisode(grpc::CallbackServerContext* context,
                                                        const v1::CreateEpisodeRequest* request,
                                                        v1::Episode* response) {
  return RunUnary(context, executor_, response, [this, context, request]() -> EpisodeResult {
    absl::StatusOr<std::string> podcast_id = domain::ParsePodcastName(request->parent(), "parent");
    if (!podcast_id.ok()) return podcast_id.status();
    if (request->request_id().size() > domain::kMaxRequestIdBytes) {
      return domain::InvalidField("request_id", "must be at most 128 bytes");
    }
    absl::StatusOr<std::string> episode_id = domain::ChooseEpisodeId(request->episode_id(), request->episode());
    if (!episode_id.ok()) return episode_id.status();
    const domain::EpisodeKey key{*podcast_id, *episode_id};
    v1::Episode episode = request->episode();
    if (absl::Status prepared = domain::PrepareNewEpisode(key, episode); !prepared.ok()) return prepared;
    return Presented(episodes_.Create(key, episode, request->request_id(), DeadlineOf(context)));
  });
}

grpc::ServerUnaryReactor* EpisodeService::ModifyEpisode(grpc::CallbackServerContext* context,
                                                        v1::Episode* response, const std::string& name,
                                                        const char* name_field,
                                                        storage::EpisodeStore::Mutation mutate) {
  return RunUnary(context, executor_, response,
                  [this, context, name, name_field, mutate = std::move(mutate)]() -> EpisodeResult {
                    absl::StatusOr<domain::EpisodeKey> key = domain::ParseEpisodeName(name, name_field);
                    if (!key.ok()) return key.status();
                    return Presented(episodes_.Modify(*key, mutate, DeadlineOf(context)));
                  });
}

grpc::ServerUnaryReactor* EpisodeService::UpdateEpisode(grpc::CallbackServerContext* context,
                                                        const v1::UpdateEpisodeRequest* request,
                                                        v1::Episode* response) {
  return ModifyEpisode(context, response, request->episode().name(), "episode.name",
                       [request](v1::Episode& episode) {
                         return domain::ApplyEpisodeUpdate(request->episode(), request->update_mask(), episode);
                       });
}

grpc::ServerUnaryReactor* EpisodeService::DeleteEpisode(grpc::CallbackServerContext* context,
                                                        const v1::DeleteEpisodeRequest* request,
                                                        v1::Episode* response) {
  return ModifyEpisode(context, response, request->name(), "name", [request](v1::Episode& episode) {
    return domain::MarkDeleted(request->etag(), episode);
  });
}

grpc::ServerUnaryReactor* EpisodeService::UndeleteEpisode(grpc::CallbackServerContext* context,
                                                          const v1::UndeleteEpisodeRequest* request,
                                                          v1::Episode* response) {
  return ModifyEpisode(context, response, request->name(), "name", [request](v1::Episode& episode) {
    return domain::MarkUndeleted(request->etag(), episode);
  });
}

grpc::ServerUnaryReactor* EpisodeService::ReplaceChapters(grpc::CallbackServerContext* context,
                                                          const v1::ReplaceChaptersRequest* request,
                                                          v1::Episode* response) {
  return ModifyEpisode(context, response, request->name(), "name", [request](v1::Episode& episode) {
    if (absl::Status matches = domain::CheckEtag(episode.etag(), request->etag()); !matches.ok()) return matches;
    return domain::ReplaceChapters(request->chapters(), episode);
  });
}

grpc::ServerUnaryReactor* EpisodeService::InsertChapter(grpc::CallbackServerContext* context,
                                                        const v1::InsertChapterRequest* request,
                                                        v1::Episode* response) {
  return ModifyEpisode(context, response, request->name(), "name", [request](v1::Episode& episode) {
    if (absl::Status matches = domain::CheckEtag(episode.etag(), request->etag()); !matches.ok()) return matches;
    return domain::InsertChapter(request->chapter(), episode);
  });
}

grpc::ServerUnaryReactor* EpisodeService::UpdateChapter(grpc::CallbackServerContext* context,
                                                        const v1::UpdateChapterRequest* request,
                                                        v1::Episode* response) {
  return ModifyEpisode(context, response, request->name(), "name", [request](v1::Episode& episode) {
    if (absl::Status matches = domain::CheckEtag(episode.etag(), request->etag()); !matches.ok()) return matches;
    return domain::UpdateChapter(request->index(), request->chapter(), request->update_mask(), episode);
  });
}

grpc::ServerUnaryReactor* EpisodeService::DeleteChapter(grpc::CallbackServerContext* context,
                                                        const v1::DeleteChapterRequest* request,
                                                        v1::Episode* response) {
  return ModifyEpisode(context, response, request->name(), "name", [request](v1::Episode& episode) {
    if (absl::Status matches = domain::CheckEtag(episode.etag(), request->etag()); !matches.ok()) return matches;
    return domain::DeleteChapter(request->index(), episode);
  });
}

grpc::ServerUnaryReactor* EpisodeService::ExportChapters(grpc::CallbackServerContext* context,
                                                         const v1::ExportChaptersRequest* request,
                                                         v1::ExportChaptersResponse* response) {
  return RunUnary(context, executor_, response,
                  [this, context, request]() -> absl::StatusOr<v1::ExportChaptersResponse> {
                    absl::StatusOr<domain::EpisodeKey> key = domain::ParseEpisodeName(request->name(), "name");
                    if (!key.ok()) return key.status();
                    EpisodeResult episode = Presented(episodes_.Get(*key, DeadlineOf(context)));
                    if (!episode.ok()) return episode.status();
                    absl::StatusOr<std::string> content = domain::ExportChapters(*episode, request->format());
                    if (!content.ok()) return content.status();
                    v1::ExportChaptersResponse reply;
                    reply.set_content(*std::move(content));
                    reply.set_content_type(domain::ChapterContentType(request->format()));
                    return reply;
                  });
}

grpc::ServerUnaryReactor* EpisodeService::ImportChapters(grpc::CallbackServerContext* context,
                                                         const v1::ImportChaptersRequest* request,
                                                         v1::Episode* response) {
  if (request->content().size() > domain::kMaxChapterFileBytes) {
    return RunUnary(context, executor_, response, []() -> EpisodeResult {
      return domain::InvalidField("content", "must be at most 1 MiB");
    });
  }
  absl::StatusOr<domain::ChapterList> chapters = domain::ReadChapters(request->content(), request->format());
  return ModifyEpisode(context, response, request->name(), "name",
                       [request, chapters = std::move(chapters)](v1::Episode& episode) {
                         if (!chapters.ok()) return chapters.status();
                         if (absl::Status matches = domain::CheckEtag(episode.etag(), request->etag());
                             !matches.ok()) {
                           return matches;
                         }
                         return domain::ReplaceChapters(*chapters, episode);
                       });
}

}  // namespace podmeta::api
