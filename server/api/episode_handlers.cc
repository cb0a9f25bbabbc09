#include "api/episode_handlers.h"

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "api/episode_watch.h"
#include "api/unary_call.h"
#include "domain/chapter_formats.h"
#include "domain/episode_query.h"
#include "domain/limits.h"
#include "domain/page_token.h"
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
  if (episode.ok()) domain::DeriveChapterEnds(*episode);
  return episode;
}

uint64_t ListFingerprint(const v1::ListEpisodesRequest& request) {
  return domain::EpisodeListFingerprint(request.parent(), request.filter(), request.order_by(), request.show_deleted());
}

absl::StatusOr<std::optional<domain::EpisodePagePosition>> CursorOf(const v1::ListEpisodesRequest& request) {
  if (request.page_token().empty()) return std::nullopt;
  return domain::DecodeEpisodePageToken(request.page_token(), ListFingerprint(request));
}

// Everything wrong with a ListEpisodes request, at once.
absl::StatusOr<storage::EpisodeListQuery> ListQueryOf(const v1::ListEpisodesRequest& request) {
  domain::Violations violations;
  storage::EpisodeListQuery query;
  if (auto podcast_id = domain::ParsePodcastName(request.parent(), "parent"); podcast_id.ok()) {
    query.podcast_id = *podcast_id;
  } else {
    violations.Merge(podcast_id.status(), "parent");
  }
  if (auto filter = domain::ParseEpisodeFilter(request.filter()); filter.ok()) {
    query.filter = *std::move(filter);
  } else {
    violations.Merge(filter.status(), "filter");
  }
  if (auto order = domain::ParseEpisodeOrder(request.order_by()); order.ok()) {
    query.order = *order;
  } else {
    violations.Merge(order.status(), "order_by");
  }
  if (auto page_size = domain::EffectivePageSize(request.page_size()); page_size.ok()) {
    query.page_size = *page_size;
  } else {
    violations.Merge(page_size.status(), "page_size");
  }
  if (auto cursor = CursorOf(request); cursor.ok()) {
    query.after = *cursor;
  } else {
    violations.Merge(cursor.status(), "page_token");
  }
  query.show_deleted = request.show_deleted();
  if (!violations.empty()) return violations.ToStatus();
  return query;
}

uint64_t SearchFingerprint(const v1::SearchEpisodesRequest& request) {
  return domain::QueryFingerprint({"search", request.parent(), request.query()});
}

struct SearchQuery {
  std::string podcast_id;  // empty: every podcast
  int32_t page_size = 0;
  std::optional<storage::SearchCursor> after;
};

absl::StatusOr<SearchQuery> SearchQueryOf(const v1::SearchEpisodesRequest& request) {
  domain::Violations violations;
  SearchQuery query;
  if (!request.parent().empty()) {
    if (auto podcast_id = domain::ParsePodcastName(request.parent(), "parent"); podcast_id.ok()) {
      query.podcast_id = *podcast_id;
    } else {
      violations.Merge(podcast_id.status(), "parent");
    }
  }
  if (absl::StripAsciiWhitespace(request.query()).empty()) {
    violations.Add("query", "must not be empty");
  } else if (request.query().size() > domain::kMaxSearchQueryBytes) {
    violations.Add("query", absl::StrCat("must be at most ", domain::kMaxSearchQueryBytes, " bytes"));
  } else if (!domain::IsValidUtf8(request.query())) {
    violations.Add("query", "must be valid UTF-8");
  }
  if (auto page_size = domain::EffectivePageSize(request.page_size()); page_size.ok()) {
    query.page_size = *page_size;
  } else {
    violations.Merge(page_size.status(), "page_size");
  }
  if (!request.page_token().empty()) {
    auto keys = domain::DecodePageToken(request.page_token(), SearchFingerprint(request));
    int32_t position = 0;
    if (!keys.ok()) {
      violations.Merge(keys.status(), "page_token");
    } else if (keys->size() != 4 || !absl::SimpleAtoi((*keys)[3], &position)) {
      violations.Add("page_token", "is not a search page token");
    } else {
      query.after = storage::SearchCursor{(*keys)[0], (*keys)[1], (*keys)[2], position};
    }
  }
  if (!violations.empty()) return violations.ToStatus();
  return query;
}

}  // namespace

grpc::ServerUnaryReactor* EpisodeHandlers::GetEpisode(grpc::CallbackServerContext* context,
                                                      const grpc::ByteBuffer* request_bytes,
                                                      grpc::ByteBuffer* response) {
  v1::GetEpisodeRequest request;
  if (!ParseMessage(*request_bytes, request)) {
    return FinishedNow(context, MalformedRequestStatus());
  }
  if (absl::Status text = domain::CheckRequestText(request); !text.ok()) return FinishedNow(context, text);
  absl::StatusOr<domain::EpisodeKey> key = domain::ParseEpisodeName(request.name(), "name");
  if (!key.ok()) return FinishedNow(context, key.status());
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reader_.Read(context, *std::move(key), ConsistencyOf(*context),
               [reactor, response](absl::StatusOr<EpisodeReader::Bytes> episode) {
                 if (episode.ok()) *response = ByteBufferOf(**episode);
                 reactor->Finish(ToGrpcStatus(episode.status()));
               });
  return reactor;
}

grpc::ServerUnaryReactor* EpisodeHandlers::BatchGetEpisodes(grpc::CallbackServerContext* context,
                                                            const v1::BatchGetEpisodesRequest* request,
                                                            v1::BatchGetEpisodesResponse* response) {
  return RunUnary(context, executor_, *request, response,
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
                        violations.Merge(key.status(), field);
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

grpc::ServerUnaryReactor* EpisodeHandlers::ListEpisodes(grpc::CallbackServerContext* context,
                                                        const v1::ListEpisodesRequest* request,
                                                        v1::ListEpisodesResponse* response) {
  return RunUnary(context, executor_, *request, response,
                  [this, context, request]() -> absl::StatusOr<v1::ListEpisodesResponse> {
                    absl::StatusOr<storage::EpisodeListQuery> query = ListQueryOf(*request);
                    if (!query.ok()) return query.status();
                    auto page = episodes_.List(*query, DeadlineOf(context));
                    if (!page.ok()) return page.status();
                    v1::ListEpisodesResponse reply;
                    for (v1::Episode& episode : page->episodes) {
                      *reply.add_episodes() = *Presented(std::move(episode));
                    }
                    if (page->next) {
                      reply.set_next_page_token(domain::EncodeEpisodePageToken(ListFingerprint(*request), *page->next));
                    }
                    reply.set_total_size(page->total_size);
                    return reply;
                  });
}

grpc::ServerUnaryReactor* EpisodeHandlers::CreateEpisode(grpc::CallbackServerContext* context,
                                                         const v1::CreateEpisodeRequest* request,
                                                         v1::Episode* response) {
  return RunWrite(context, access_, executor_, *request, response, [this, context, request]() -> EpisodeResult {
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

grpc::ServerUnaryReactor* EpisodeHandlers::ModifyEpisode(grpc::CallbackServerContext* context,
                                                         const google::protobuf::Message& request,
                                                         v1::Episode* response, const std::string& name,
                                                         const char* name_field,
                                                         storage::EpisodeStore::Mutation mutate) {
  return RunWrite(context, access_, executor_, request, response,
                  [this, context, name, name_field, mutate = std::move(mutate)]() -> EpisodeResult {
                    absl::StatusOr<domain::EpisodeKey> key = domain::ParseEpisodeName(name, name_field);
                    if (!key.ok()) return key.status();
                    return Presented(episodes_.Modify(*key, mutate, DeadlineOf(context)));
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

grpc::ServerUnaryReactor* EpisodeHandlers::ReplaceChapters(grpc::CallbackServerContext* context,
                                                           const v1::ReplaceChaptersRequest* request,
                                                           v1::Episode* response) {
  return ModifyEpisode(context, *request, response, request->name(), "name", [request](v1::Episode& episode) {
    if (absl::Status matches = domain::CheckEtag(episode.etag(), request->etag()); !matches.ok()) return matches;
    return domain::ReplaceChapters(request->chapters(), episode);
  });
}

grpc::ServerUnaryReactor* EpisodeHandlers::InsertChapter(grpc::CallbackServerContext* context,
                                                         const v1::InsertChapterRequest* request,
                                                         v1::Episode* response) {
  return ModifyEpisode(context, *request, response, request->name(), "name", [request](v1::Episode& episode) {
    if (absl::Status matches = domain::CheckEtag(episode.etag(), request->etag()); !matches.ok()) return matches;
    return domain::InsertChapter(request->chapter(), episode);
  });
}

grpc::ServerUnaryReactor* EpisodeHandlers::UpdateChapter(grpc::CallbackServerContext* context,
                                                         const v1::UpdateChapterRequest* request,
                                                         v1::Episode* response) {
  return ModifyEpisode(context, *request, response, request->name(), "name", [request](v1::Episode& episode) {
    if (absl::Status matches = domain::CheckEtag(episode.etag(), request->etag()); !matches.ok()) return matches;
    return domain::UpdateChapter(request->index(), request->chapter(), request->update_mask(), episode);
  });
}

grpc::ServerUnaryReactor* EpisodeHandlers::DeleteChapter(grpc::CallbackServerContext* context,
                                                         const v1::DeleteChapterRequest* request,
                                                         v1::Episode* response) {
  return ModifyEpisode(context, *request, response, request->name(), "name", [request](v1::Episode& episode) {
    if (absl::Status matches = domain::CheckEtag(episode.etag(), request->etag()); !matches.ok()) return matches;
    return domain::DeleteChapter(request->index(), episode);
  });
}

grpc::ServerUnaryReactor* EpisodeHandlers::ExportChapters(grpc::CallbackServerContext* context,
                                                          const v1::ExportChaptersRequest* request,
                                                          v1::ExportChaptersResponse* response) {
  if (absl::Status text = domain::CheckRequestText(*request); !text.ok()) return FinishedNow(context, text);
  absl::StatusOr<domain::EpisodeKey> key = domain::ParseEpisodeName(request->name(), "name");
  if (!key.ok()) return FinishedNow(context, key.status());
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reader_.Read(context, *std::move(key), ConsistencyOf(*context),
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
    absl::StatusOr<domain::ChapterList> chapters = domain::ReadChapters(request->content(), request->format());
    if (!chapters.ok()) return chapters.status();
    return Presented(episodes_.Modify(
        *key,
        [request, &chapters](v1::Episode& episode) {
          if (absl::Status matches = domain::CheckEtag(episode.etag(), request->etag()); !matches.ok()) {
            return matches;
          }
          return domain::ReplaceChapters(*chapters, episode);
        },
        DeadlineOf(context)));
  });
}

grpc::ServerUnaryReactor* EpisodeHandlers::SearchEpisodes(grpc::CallbackServerContext* context,
                                                          const v1::SearchEpisodesRequest* request,
                                                          v1::SearchEpisodesResponse* response) {
  return RunUnary(context, executor_, *request, response,
                  [this, context, request]() -> absl::StatusOr<v1::SearchEpisodesResponse> {
                    absl::StatusOr<SearchQuery> query = SearchQueryOf(*request);
                    if (!query.ok()) return query.status();
                    auto page = search_.Search(query->podcast_id, domain::NormalizeSearchText(request->query()),
                                               query->page_size, query->after, DeadlineOf(context));
                    if (!page.ok()) return page.status();
                    v1::SearchEpisodesResponse reply;
                    for (v1::SearchHit& hit : page->hits) *reply.add_hits() = std::move(hit);
                    if (page->next) {
                      reply.set_next_page_token(domain::EncodePageToken(
                          SearchFingerprint(*request), {page->next->rank, page->next->podcast_id,
                                                        page->next->episode_id, std::to_string(page->next->position)}));
                    }
                    return reply;
                  });
}

grpc::ServerWriteReactor<v1::EpisodeChange>* EpisodeHandlers::WatchEpisodes(grpc::CallbackServerContext* context,
                                                                            const v1::WatchEpisodesRequest* request) {
  return EpisodeWatch::Start(context, *request, episodes_, fanout_, executor_);
}

}  // namespace podmeta::api
