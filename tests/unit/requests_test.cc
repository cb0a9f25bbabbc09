// Request translation and typed tokens (domain/requests.h), without a
// database: every violation at once, tokens bound to their query, limits
// named from limits.h, stale etags refused before a chapter edit.
#include "domain/requests.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

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
  const std::string token = NextEpisodePageToken(request, {"14", "14", 42});

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
        ApplyChapterEdit(remove, episode), ApplyChapterEdit(import, ChapterList(), episode)}) {
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
