// From podmeta.v1 requests to what the stores take, and back to page and
// resume tokens: every violation of a request reported at once, every token
// typed (its layout known to one encoder and one decoder), every limit's
// message written from limits.h. Handlers read: validate → these → storage →
// status.
//
//   absl::StatusOr<EpisodeListQuery> query = EpisodeListQueryOf(request);
//   ... store.List(*query) ...
//   reply.set_next_page_token(NextEpisodePageToken(request, *page.next));
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "domain/chapter_formats.h"
#include "domain/episode_query.h"
#include "domain/limits.h"
#include "domain/resource_names.h"
#include "podmeta/v1/episode_service.pb.h"
#include "podmeta/v1/podcast_service.pb.h"

namespace podmeta::domain {

// "128 bytes", "3 MiB": a byte limit as its messages say it.
std::string BytesText(size_t bytes);

// --- writes ---
// What makes a write safe to retry (AIP-155): the request's `request_id` and
// a fingerprint of the whole request (its type and deterministic bytes), so
// an id sent again with another request is told apart from a retry.
struct RequestIdentity {
  std::string request_id;  // "" = none: the write is not deduplicated
  std::string fingerprint;
  bool empty() const { return request_id.empty(); }
};
// The identity of any mutation request (one with a string `request_id`
// field); INVALID_ARGUMENT on "request_id" when it is too long or not
// printable ASCII.
absl::StatusOr<RequestIdentity> RequestIdentityOf(const google::protobuf::Message& request);

// --- podcasts ---
struct PodcastListQuery {
  std::string after;  // the last podcast id of the previous page, or ""
  int32_t page_size = 0;
  bool show_deleted = false;
  // From the filter: only the podcast with this guid / feed URL ("" = any).
  std::string guid;
  std::string feed_uri;
};
absl::StatusOr<PodcastListQuery> PodcastListQueryOf(const v1::ListPodcastsRequest& request);
std::string NextPodcastPageToken(const v1::ListPodcastsRequest& request, const std::string& last_podcast_id);

struct NewPodcast {
  std::string podcast_id;
  v1::Podcast podcast;  // validated, name set
  RequestIdentity identity;
};
absl::StatusOr<NewPodcast> NewPodcastOf(const v1::CreatePodcastRequest& request);

// INVALID_ARGUMENT on "content" for a page too large or not UTF-8.
absl::Status CheckShowPageContent(const std::string& content);

// --- episodes ---
struct EpisodeListQuery {
  std::string podcast_id;
  std::optional<FilterNode> filter;
  EpisodeOrder order;
  bool show_deleted = false;
  int32_t page_size = 50;
  // Continue after this position, and take its total instead of counting.
  std::optional<EpisodePagePosition> after;
  v1::EpisodeView view = v1::EPISODE_VIEW_BASIC;
  size_t byte_budget = kPageByteBudget;
};
absl::StatusOr<EpisodeListQuery> EpisodeListQueryOf(const v1::ListEpisodesRequest& request);

// BASIC (also for UNSPECIFIED) leaves out the chapters and the show notes of
// a presented episode (PresentEpisode); FULL keeps it whole.
void ApplyEpisodeView(v1::EpisodeView view, v1::Episode& episode);

// Presents the episodes read for a page (at most page_size + 1, in order),
// cuts each to the query's view, and keeps the longest prefix that fits the
// query's page size and byte budget (at least one episode). True when
// episodes were left out, i.e. another page follows the last one kept.
bool FitEpisodePage(const EpisodeListQuery& query, std::vector<v1::Episode>& episodes);
std::string NextEpisodePageToken(const v1::ListEpisodesRequest& request, const EpisodePagePosition& last);

struct EpisodeBatch {
  std::string podcast_id;
  std::vector<std::string> episode_ids;  // in the order asked
};
absl::StatusOr<EpisodeBatch> EpisodeBatchOf(const v1::BatchGetEpisodesRequest& request);

// The answer to a BatchGetEpisodes: the episodes presented in the request's
// view; RESOURCE_EXHAUSTED (ANSWER_TOO_LARGE) past kMaxBatchAnswerBytes.
absl::StatusOr<v1::BatchGetEpisodesResponse> BatchGetAnswer(const v1::BatchGetEpisodesRequest& request,
                                                            std::vector<v1::Episode> episodes);

struct NewEpisode {
  EpisodeKey key;
  v1::Episode episode;  // validated, name and guid set
  RequestIdentity identity;
};
absl::StatusOr<NewEpisode> NewEpisodeOf(const v1::CreateEpisodeRequest& request);

// Chapter edits: each refuses a stale etag (ABORTED) before it changes
// `episode`.
absl::Status ApplyChapterEdit(const v1::ReplaceChaptersRequest& request, v1::Episode& episode);
absl::Status ApplyChapterEdit(const v1::InsertChapterRequest& request, v1::Episode& episode);
absl::Status ApplyChapterEdit(const v1::UpdateChapterRequest& request, v1::Episode& episode);
absl::Status ApplyChapterEdit(const v1::DeleteChapterRequest& request, v1::Episode& episode);
// `chapters` as read from the request's file.
// An imported file replaces the chapters; a Podcasting 2.0 JSON file also
// replaces chapter_file_info.
absl::Status ApplyChapterEdit(const v1::ImportChaptersRequest& request, const ChapterFile& file, v1::Episode& episode);

// --- search ---
// Where a page of hits ends.
struct SearchPagePosition {
  std::string rank;  // as PostgreSQL printed it, so it compares exactly
  std::string podcast_id;
  std::string episode_id;
  int32_t position = -1;  // -1: the episode itself
};
struct SearchQuery {
  std::string podcast_id;  // empty: every podcast
  std::string text;        // normalized (NormalizeSearchText)
  int32_t page_size = 0;
  std::optional<SearchPagePosition> after;
};
absl::StatusOr<SearchQuery> SearchQueryOf(const v1::SearchEpisodesRequest& request);
std::string NextSearchPageToken(const v1::SearchEpisodesRequest& request, const SearchPagePosition& last);

// --- change feed ---
// The change to resume after; nullopt (start from now) without a token.
// INVALID_ARGUMENT on "resume_token" for a token of another podcast or none.
absl::StatusOr<std::optional<int64_t>> ResumePointOf(const v1::WatchEpisodesRequest& request);
std::string ResumeToken(const std::string& parent, int64_t change_id);

}  // namespace podmeta::domain
