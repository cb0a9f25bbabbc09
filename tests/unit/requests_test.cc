// Request translation and typed tokens (domain/requests.h), without a
// database: every violation at once, tokens bound to their query, limits
// named from limits.h, stale etags refused before a chapter edit.
#include "domain/requests.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "domain/errors.h"
#include "domain/limits.h"

namespace podmeta::domain {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

std::vector<std::string> FieldsOf(const absl::Status& status) {
  std::vector<std::string> fields;
  for (const auto& violation : FieldViolationsOf(status)) fields.push_back(violation.field);
  return fields;
}

TEST(Requests, AListRequestReportsEveryBadFieldAtOnce) {
  v1::ListEpisodesRequest request;
  request.set_parent("shows/x");
  request.set_filter("number >");
  request.set_order_by("loudness");
  request.set_page_size(-1);
  request.set_page_token("not-a-token");
  absl::StatusOr<EpisodeListQuery> query = EpisodeListQueryOf(request);
  ASSERT_EQ(query.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(FieldsOf(query.status()),
              UnorderedElementsAre("parent", "filter", "order_by", "page_size", "page_token"));
}

TEST(Requests, AnEpisodePageTokenLeadsToTheNextPageOfTheSameListingOnly) {
  v1::ListEpisodesRequest request;
  request.set_parent("podcasts/core-py");
  request.set_order_by("number");
  const std::string token = NextEpisodePageToken(request, {"14", "14", 42, {}});

  v1::ListEpisodesRequest next = request;
  next.set_page_token(token);
  absl::StatusOr<EpisodeListQuery> query = EpisodeListQueryOf(next);
  ASSERT_TRUE(query.ok()) << query.status();
  ASSERT_TRUE(query->after.has_value());
  EXPECT_EQ(query->after->episode_id, "14");
  EXPECT_EQ(query->after->total_size, 42);

  next.set_order_by("title");
  EXPECT_THAT(FieldsOf(EpisodeListQueryOf(next).status()), ElementsAre("page_token"));
}

TEST(Requests, ASearchPageTokenCarriesItsPositionAndIsBoundToItsQuery) {
  v1::SearchEpisodesRequest request;
  request.set_query("free threading");
  const std::string token = NextSearchPageToken(request, {"0.0607927", "core-py", "14", 3});
  request.set_page_token(token);
  absl::StatusOr<SearchQuery> query = SearchQueryOf(request);
  ASSERT_TRUE(query.ok()) << query.status();
  ASSERT_TRUE(query->after.has_value());
  EXPECT_EQ(query->after->rank, "0.0607927");
  EXPECT_EQ(query->after->episode_id, "14");
  EXPECT_EQ(query->after->position, 3);

  request.set_query("pyrepl");
  EXPECT_THAT(FieldsOf(SearchQueryOf(request).status()), ElementsAre("page_token"));
  // A token of another kind of listing is no search token.
  v1::ListPodcastsRequest podcasts;
  request.set_page_token(NextPodcastPageToken(podcasts, "core-py"));
  EXPECT_THAT(FieldsOf(SearchQueryOf(request).status()), ElementsAre("page_token"));
}

TEST(Requests, SearchTextIsNormalizedAndItsLimitNamedFromLimits) {
  v1::SearchEpisodesRequest request;
  request.set_query("- - - python");
  absl::StatusOr<SearchQuery> query = SearchQueryOf(request);
  ASSERT_TRUE(query.ok()) << query.status();
  EXPECT_EQ(query->text, NormalizeSearchText("- - - python"));

  request.set_query(std::string(kMaxSearchQueryBytes + 1, 'a'));
  const absl::Status status = SearchQueryOf(request).status();
  ASSERT_EQ(FieldViolationsOf(status).size(), 1u);
  EXPECT_EQ(FieldViolationsOf(status)[0].description, "must be at most 1000 bytes");
}

TEST(Requests, ResumeTokensRoundTripAndBelongToTheirPodcast) {
  v1::WatchEpisodesRequest request;
  request.set_parent("podcasts/core-py");
  absl::StatusOr<std::optional<int64_t>> none = ResumePointOf(request);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());

  request.set_resume_token(ResumeToken("podcasts/core-py", 1234));
  absl::StatusOr<std::optional<int64_t>> point = ResumePointOf(request);
  ASSERT_TRUE(point.ok()) << point.status();
  EXPECT_EQ(point->value(), 1234);

  request.set_parent("podcasts/other");
  EXPECT_THAT(FieldsOf(ResumePointOf(request).status()), ElementsAre("resume_token"));
}

TEST(Requests, BatchGetNamesEachBadNameAndItsLimit) {
  v1::BatchGetEpisodesRequest request;
  request.set_parent("podcasts/a");
  request.add_names("podcasts/a/episodes/1");
  request.add_names("podcasts/b/episodes/2");
  request.add_names("nonsense");
  EXPECT_THAT(FieldsOf(EpisodeBatchOf(request).status()), ElementsAre("names[1]", "names[2]"));

  request.clear_names();
  for (size_t i = 0; i <= kMaxBatchGet; ++i) request.add_names("podcasts/a/episodes/1");
  const absl::Status status = EpisodeBatchOf(request).status();
  ASSERT_EQ(FieldViolationsOf(status).size(), 1u);
  EXPECT_EQ(FieldViolationsOf(status)[0].description, "must list at most 1000 names");
}

// An episode with `chapters` chapters and `notes` bytes of show notes.
v1::Episode EpisodeOfSize(int chapters, size_t notes) {
  v1::Episode episode;
  episode.set_title("Sized");
  episode.mutable_duration()->set_seconds(3600);
  for (int i = 0; i < chapters; ++i) {
    v1::Chapter* chapter = episode.add_chapters();
    chapter->mutable_start_offset()->set_seconds(i * 60);
    chapter->set_title(absl::StrCat("Chapter ", i));
  }
  episode.set_show_notes_html(std::string(notes, 'n'));
  return episode;
}

TEST(Requests, TheBasicViewLeavesOutChaptersAndShowNotesButCountsTheChapters) {
  v1::ListEpisodesRequest request;
  request.set_parent("podcasts/a");
  absl::StatusOr<EpisodeListQuery> query = EpisodeListQueryOf(request);
  ASSERT_TRUE(query.ok()) << query.status();
  EXPECT_EQ(query->view, v1::EPISODE_VIEW_UNSPECIFIED);
  std::vector<v1::Episode> episodes = {EpisodeOfSize(3, 10)};
  EXPECT_FALSE(FitEpisodePage(*query, episodes));
  ASSERT_EQ(episodes.size(), 1u);
  EXPECT_EQ(episodes[0].chapters_size(), 0);
  EXPECT_EQ(episodes[0].chapter_count(), 3);
  EXPECT_EQ(episodes[0].show_notes_html(), "");
  EXPECT_EQ(episodes[0].title(), "Sized");

  request.set_view(v1::EPISODE_VIEW_FULL);
  query = EpisodeListQueryOf(request);
  episodes = {EpisodeOfSize(3, 10)};
  EXPECT_FALSE(FitEpisodePage(*query, episodes));
  ASSERT_EQ(episodes[0].chapters_size(), 3);
  EXPECT_EQ(episodes[0].chapter_count(), 3);
  EXPECT_EQ(episodes[0].chapters(0).end_offset().seconds(), 60);  // presented: ends derived
  EXPECT_EQ(episodes[0].show_notes_html().size(), 10u);
}

TEST(Requests, APageEndsAtItsByteBudgetButAlwaysHoldsOneEpisode) {
  EpisodeListQuery query;
  query.view = v1::EPISODE_VIEW_FULL;
  query.page_size = 10;
  // Four episodes of 300 KiB of show notes: three fit in 1 MiB.
  std::vector<v1::Episode> episodes(5, EpisodeOfSize(0, 300 * 1024));
  EXPECT_TRUE(FitEpisodePage(query, episodes));
  EXPECT_EQ(episodes.size(), 3u);
  v1::ListEpisodesResponse page;
  for (const v1::Episode& episode : episodes) *page.add_episodes() = episode;
  EXPECT_LE(page.ByteSizeLong(), kPageByteBudget);

  // One episode larger than the budget still makes a page.
  query.byte_budget = 1000;
  episodes.assign(2, EpisodeOfSize(0, 5000));
  EXPECT_TRUE(FitEpisodePage(query, episodes));
  EXPECT_EQ(episodes.size(), 1u);

  // page_size + 1 read, page_size kept: more follow.
  query.byte_budget = kPageByteBudget;
  query.page_size = 2;
  episodes.assign(3, EpisodeOfSize(1, 10));
  EXPECT_TRUE(FitEpisodePage(query, episodes));
  EXPECT_EQ(episodes.size(), 2u);
  episodes.assign(2, EpisodeOfSize(1, 10));
  EXPECT_FALSE(FitEpisodePage(query, episodes));
  EXPECT_EQ(episodes.size(), 2u);
}

TEST(Requests, ABatchAnswerAboveItsLimitIsRefusedWithItsReason) {
  v1::BatchGetEpisodesRequest request;
  request.set_view(v1::EPISODE_VIEW_FULL);
  std::vector<v1::Episode> large(12, EpisodeOfSize(0, 256 * 1024));
  absl::StatusOr<v1::BatchGetEpisodesResponse> answer = BatchGetAnswer(request, large);
  EXPECT_EQ(answer.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(ReasonOf(answer.status()), Reason::kAnswerTooLarge);
  EXPECT_THAT(answer.status().message(), HasSubstr("BASIC view"));

  request.set_view(v1::EPISODE_VIEW_BASIC);
  answer = BatchGetAnswer(request, large);
  ASSERT_TRUE(answer.ok()) << answer.status();
  ASSERT_EQ(answer->episodes_size(), 12);
  EXPECT_EQ(answer->episodes(0).show_notes_html(), "");
}

TEST(Requests, LimitsAreWrittenAsTheirMessagesSayThem) {
  EXPECT_EQ(BytesText(kMaxRequestIdBytes), "128 bytes");
  EXPECT_EQ(BytesText(kMaxShowPageBytes), "3 MiB");
  EXPECT_EQ(BytesText(kMaxLineBytes), "64 KiB");

  v1::CreateEpisodeRequest request;
  request.set_parent("podcasts/a");
  request.set_request_id(std::string(kMaxRequestIdBytes + 1, 'r'));
  const absl::Status status = NewEpisodeOf(request).status();
  ASSERT_EQ(FieldViolationsOf(status).size(), 1u);
  EXPECT_EQ(FieldViolationsOf(status)[0].field, "request_id");
  EXPECT_EQ(FieldViolationsOf(status)[0].description, "must be at most 128 bytes");
  EXPECT_THAT(CheckShowPageContent(std::string(kMaxShowPageBytes + 1, 'x')).message(), HasSubstr("content"));
}

TEST(Requests, EveryChapterEditRefusesAStaleEtagAndChangesNothing) {
  v1::Episode episode;
  episode.set_etag("\"7\"");
  episode.mutable_duration()->set_seconds(600);
  v1::Chapter* first = episode.add_chapters();
  first->set_title("Intro");
  const v1::Episode before = episode;

  v1::ReplaceChaptersRequest replace;
  replace.set_etag("\"6\"");
  v1::InsertChapterRequest insert;
  insert.set_etag("\"6\"");
  insert.mutable_chapter()->set_title("Later");
  insert.mutable_chapter()->mutable_start_offset()->set_seconds(60);
  v1::UpdateChapterRequest update;
  update.set_etag("\"6\"");
  v1::DeleteChapterRequest remove;
  remove.set_etag("\"6\"");
  v1::ImportChaptersRequest import;
  import.set_etag("\"6\"");
  for (const absl::Status& status :
       {ApplyChapterEdit(replace, episode), ApplyChapterEdit(insert, episode), ApplyChapterEdit(update, episode),
        ApplyChapterEdit(remove, episode), ApplyChapterEdit(import, ChapterFile(), episode)}) {
    EXPECT_EQ(status.code(), absl::StatusCode::kAborted) << status;
    EXPECT_EQ(episode.SerializeAsString(), before.SerializeAsString());
  }
  // The current etag (or none) lets the edit through.
  insert.set_etag("\"7\"");
  EXPECT_TRUE(ApplyChapterEdit(insert, episode).ok());
  EXPECT_EQ(episode.chapters_size(), 2);
}

}  // namespace
}  // namespace podmeta::domain
