// EpisodeService over real gRPC against a real PostgreSQL, through the
// client library (testing::ApiTest: each test has its own podcast).
#include <gmock/gmock.h>
#include <grpcpp/generic/generic_stub.h>
#include <gtest/gtest.h>

#include <future>
#include <set>
#include <thread>

#include "support/api_test.h"
#include "support/grpc_test_helpers.h"

namespace podmeta {
namespace {

using ::podmeta::testing::MakeChapter;
using ::podmeta::testing::MakeEpisode;
using ::podmeta::testing::ViolatedFields;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class EpisodeApiTest : public testing::ApiTest {
 protected:
  absl::StatusOr<v1::Episode> Create(const v1::Episode& episode, const std::string& request_id = "") {
    return CreateIn(podcast(), episode, request_id);
  }
  absl::StatusOr<v1::Episode> CreateIn(const std::string& parent, const v1::Episode& episode,
                                       const std::string& request_id = "") {
    v1::CreateEpisodeRequest request;
    request.set_parent(parent);
    *request.mutable_episode() = episode;
    request.set_request_id(request_id);
    return client().CreateEpisode(request);
  }
  std::string Episode(const std::string& id) const { return podcast() + "/episodes/" + id; }
  absl::StatusOr<v1::ListEpisodesResponse> List(const v1::ListEpisodesRequest& request) {
    return client().ListEpisodes(request);
  }
  v1::ListEpisodesRequest ListRequest() const {
    v1::ListEpisodesRequest request;
    request.set_parent(podcast());
    return request;
  }
};

TEST_F(EpisodeApiTest, CreateStoresChaptersWithPartsAndDerivedEnds) {
  absl::StatusOr<v1::Episode> created =
      Create(MakeEpisode("Integration Events", 14, 0,
                         {MakeChapter(0, "INTRO"), MakeChapter(90, "PART 1: EuroPython highlights"),
                          MakeChapter(123, "Maintaining pyrepl forward with pypy")}));
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->name(), Episode("14"));

  absl::StatusOr<v1::Episode> fetched = client().GetEpisode(Episode("14"));
  ASSERT_TRUE(fetched.ok()) << fetched.status();
  ASSERT_EQ(fetched->chapters_size(), 3);
  EXPECT_EQ(fetched->chapters(1).start_offset().seconds(), 90);
  EXPECT_EQ(fetched->chapters(2).part(), "PART 1: EuroPython highlights");
  EXPECT_EQ(fetched->chapters(0).end_offset().seconds(), 90);
  EXPECT_EQ(fetched->chapters(2).end_offset().seconds(), 90 * 60);
  EXPECT_TRUE(fetched->chapters(2).toc());
  EXPECT_EQ(fetched->number(), 14);
}

TEST_F(EpisodeApiTest, UnicodeIsKeptExactly) {
  auto episode = MakeEpisode("Łukasz in Poznań", std::nullopt, 1,
                             {MakeChapter(0, "Mai Giménez"), MakeChapter(5, "Chrząszcz 🐍 \"quoted\" \\ {braces}")});
  absl::StatusOr<v1::Episode> created = Create(episode);
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->name(), Episode("ukasz-in-pozna"));
  absl::StatusOr<v1::Episode> fetched = client().GetEpisode(created->name());
  ASSERT_TRUE(fetched.ok()) << fetched.status();
  EXPECT_EQ(fetched->title(), "Łukasz in Poznań");
  EXPECT_EQ(fetched->chapters(0).title(), "Mai Giménez");
  EXPECT_EQ(fetched->chapters(1).title(), "Chrząszcz 🐍 \"quoted\" \\ {braces}");
  EXPECT_FALSE(fetched->has_number());
}

TEST_F(EpisodeApiTest, InvalidChaptersAreRejectedWithEveryViolationAndNothingIsWritten) {
  absl::StatusOr<v1::Episode> created = Create(
      MakeEpisode("Broken", 99, 2, {MakeChapter(10, "a"), MakeChapter(5, "b"), MakeChapter(7200, "way past the end")}));
  ASSERT_EQ(created.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ViolatedFields(created.status()),
              ElementsAre("episode.chapters[1].start_offset", "episode.chapters[2].start_offset"));
  EXPECT_EQ(client().GetEpisode(Episode("99")).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(EpisodeApiTest, CreateUnderAMissingPodcastIsNotFound) {
  EXPECT_EQ(CreateIn("podcasts/missing", MakeEpisode("Orphan", 1, 0)).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(EpisodeApiTest, CreatingATakenIdIsAlreadyExists) {
  ASSERT_TRUE(Create(MakeEpisode("First", 1, 3)).ok());
  EXPECT_EQ(Create(MakeEpisode("Second", 1, 4)).status().code(), absl::StatusCode::kAlreadyExists);
}

TEST_F(EpisodeApiTest, RetriedCreateWithTheSameRequestIdIsAppliedOnce) {
  absl::StatusOr<v1::Episode> first = Create(MakeEpisode("Retry", 1, 5), "retry-1");
  absl::StatusOr<v1::Episode> second = Create(MakeEpisode("Retry", 1, 5), "retry-1");
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(first->SerializeAsString(), second->SerializeAsString());
}

TEST_F(EpisodeApiTest, ConcurrentRetriesOfOneCreateAllSucceedWithOneEpisode) {
  std::vector<std::thread> threads;
  std::vector<absl::StatusOr<v1::Episode>> results(6);
  for (size_t i = 0; i < results.size(); ++i) {
    threads.emplace_back([&, i] { results[i] = Create(MakeEpisode("Raced", 1, 6), "race-1"); });
  }
  for (auto& thread : threads) thread.join();
  for (size_t i = 0; i < results.size(); ++i) {
    ASSERT_TRUE(results[i].ok()) << results[i].status();
    EXPECT_EQ(results[i]->guid(), results[0]->guid());
  }
}

TEST_F(EpisodeApiTest, UpdateWithMaskChangesOnlyThoseFields) {
  absl::StatusOr<v1::Episode> created = Create(MakeEpisode("Before", 1, 7, {MakeChapter(0, "INTRO")}));
  ASSERT_TRUE(created.ok()) << created.status();
  v1::UpdateEpisodeRequest request;
  *request.mutable_episode() = *created;
  request.mutable_episode()->set_title("After");
  request.mutable_episode()->set_description("not in the mask");
  request.mutable_update_mask()->add_paths("title");
  absl::StatusOr<v1::Episode> updated = client().UpdateEpisode(request);
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->title(), "After");
  EXPECT_EQ(updated->description(), "");
  EXPECT_EQ(updated->chapters_size(), 1);
  EXPECT_NE(updated->etag(), created->etag());
}

TEST_F(EpisodeApiTest, UpdateWithAStaleEtagIsAbortedAndChangesNothing) {
  absl::StatusOr<v1::Episode> created = Create(MakeEpisode("Etag", 1, 8));
  ASSERT_TRUE(created.ok()) << created.status();
  v1::UpdateEpisodeRequest first;
  first.mutable_episode()->set_name(created->name());
  first.mutable_episode()->set_title("Winner");
  first.mutable_episode()->set_etag(created->etag());
  first.mutable_update_mask()->add_paths("title");
  ASSERT_TRUE(client().UpdateEpisode(first).ok());
  v1::UpdateEpisodeRequest second = first;
  second.mutable_episode()->set_title("Loser");
  EXPECT_EQ(client().UpdateEpisode(second).status().code(), absl::StatusCode::kAborted);
  absl::StatusOr<v1::Episode> fetched = client().GetEpisode(created->name());
  ASSERT_TRUE(fetched.ok()) << fetched.status();
  EXPECT_EQ(fetched->title(), "Winner");
}

TEST_F(EpisodeApiTest, AnInvalidUpdateLeavesTheEpisodeAsItWas) {
  absl::StatusOr<v1::Episode> created =
      Create(MakeEpisode("Stable", 1, 9, {MakeChapter(0, "a"), MakeChapter(60, "b")}));
  ASSERT_TRUE(created.ok()) << created.status();
  v1::UpdateEpisodeRequest request;
  request.mutable_episode()->set_name(created->name());
  *request.mutable_episode()->add_chapters() = MakeChapter(100, "x");
  *request.mutable_episode()->add_chapters() = MakeChapter(50, "y");
  request.mutable_episode()->set_title("");
  request.mutable_update_mask()->add_paths("chapters");
  request.mutable_update_mask()->add_paths("title");
  absl::StatusOr<v1::Episode> updated = client().UpdateEpisode(request);
  ASSERT_EQ(updated.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ViolatedFields(updated.status()), ElementsAre("episode.title", "episode.chapters[1].start_offset"));
  absl::StatusOr<v1::Episode> fetched = client().GetEpisode(created->name());
  ASSERT_TRUE(fetched.ok()) << fetched.status();
  EXPECT_EQ(fetched->title(), "Stable");
  ASSERT_EQ(fetched->chapters_size(), 2);
  EXPECT_EQ(fetched->etag(), created->etag());
}

TEST_F(EpisodeApiTest, SingleChapterEditsKeepTheListValid) {
  absl::StatusOr<v1::Episode> created =
      Create(MakeEpisode("Edits", 1, 10, {MakeChapter(0, "a"), MakeChapter(60, "c")}));
  ASSERT_TRUE(created.ok()) << created.status();
  v1::Episode episode;
  {
    v1::InsertChapterRequest request;
    request.set_name(created->name());
    *request.mutable_chapter() = MakeChapter(30, "b");
    absl::StatusOr<v1::Episode> inserted = client().InsertChapter(request);
    ASSERT_TRUE(inserted.ok()) << inserted.status();
    episode = *inserted;
  }
  ASSERT_EQ(episode.chapters_size(), 3);
  EXPECT_EQ(episode.chapters(1).title(), "b");
  {
    v1::UpdateChapterRequest request;
    request.set_name(created->name());
    request.set_index(1);
    request.mutable_chapter()->mutable_start_offset()->set_seconds(90);  // past chapter 2
    request.mutable_update_mask()->add_paths("start_offset");
    absl::StatusOr<v1::Episode> rejected = client().UpdateChapter(request);
    EXPECT_EQ(rejected.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(ViolatedFields(rejected.status()), ElementsAre("chapters[2].start_offset"));
  }
  {
    v1::UpdateChapterRequest request;
    request.set_name(created->name());
    request.set_index(1);
    request.mutable_chapter()->set_title("B, renamed");
    request.mutable_update_mask()->add_paths("title");
    request.set_etag(episode.etag());
    absl::StatusOr<v1::Episode> updated = client().UpdateChapter(request);
    ASSERT_TRUE(updated.ok()) << updated.status();
    episode = *updated;
    EXPECT_EQ(episode.chapters(1).title(), "B, renamed");
    EXPECT_EQ(episode.chapters(1).start_offset().seconds(), 30);
  }
  {
    v1::DeleteChapterRequest request;
    request.set_name(created->name());
    request.set_index(7);
    absl::StatusOr<v1::Episode> rejected = client().DeleteChapter(request);
    EXPECT_EQ(rejected.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(ViolatedFields(rejected.status()), ElementsAre("index"));
  }
  {
    v1::DeleteChapterRequest request;
    request.set_name(created->name());
    request.set_index(0);
    absl::StatusOr<v1::Episode> deleted = client().DeleteChapter(request);
    ASSERT_TRUE(deleted.ok()) << deleted.status();
    episode = *deleted;
    EXPECT_EQ(episode.chapters_size(), 2);
    EXPECT_EQ(episode.chapters(0).title(), "B, renamed");
  }
  {
    v1::ReplaceChaptersRequest request;
    request.set_name(created->name());
    request.set_etag("\"stale\"");
    EXPECT_EQ(client().ReplaceChapters(request).status().code(), absl::StatusCode::kAborted);
  }
}

TEST_F(EpisodeApiTest, DeleteHidesFromListUndeleteBringsBack) {
  absl::StatusOr<v1::Episode> created = Create(MakeEpisode("Gone", 1, 0));
  ASSERT_TRUE(created.ok()) << created.status();
  absl::StatusOr<v1::Episode> deleted = client().DeleteEpisode(created->name(), created->etag());
  ASSERT_TRUE(deleted.ok()) << deleted.status();
  EXPECT_TRUE(deleted->has_delete_time());

  v1::ListEpisodesRequest list = ListRequest();
  absl::StatusOr<v1::ListEpisodesResponse> page = List(list);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->episodes_size(), 0);
  EXPECT_EQ(page->total_size(), 0);
  list.set_show_deleted(true);
  page = List(list);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->episodes_size(), 1);

  absl::StatusOr<v1::Episode> restored = client().UndeleteEpisode(created->name());
  ASSERT_TRUE(restored.ok()) << restored.status();
  EXPECT_FALSE(restored->has_delete_time());
  const absl::Status live = client().UndeleteEpisode(created->name()).status();
  EXPECT_EQ(live.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(ErrorReason(live), "NOT_DELETED");
}

TEST_F(EpisodeApiTest, BatchGetReturnsInRequestOrderAndFailsOnAnyMissing) {
  ASSERT_TRUE(Create(MakeEpisode("Batch A", 50, 11)).ok());
  ASSERT_TRUE(Create(MakeEpisode("Batch B", 51, 12)).ok());
  v1::BatchGetEpisodesRequest request;
  request.set_parent(podcast());
  request.add_names(Episode("51"));
  request.add_names(Episode("50"));
  {
    absl::StatusOr<v1::BatchGetEpisodesResponse> response = client().BatchGetEpisodes(request);
    ASSERT_TRUE(response.ok()) << response.status();
    ASSERT_EQ(response->episodes_size(), 2);
    EXPECT_EQ(response->episodes(0).title(), "Batch B");
    EXPECT_EQ(response->episodes(1).title(), "Batch A");
  }
  request.add_names(Episode("404"));
  EXPECT_EQ(client().BatchGetEpisodes(request).status().code(), absl::StatusCode::kNotFound);
  request.add_names("podcasts/other/episodes/1");
  absl::StatusOr<v1::BatchGetEpisodesResponse> response = client().BatchGetEpisodes(request);
  EXPECT_EQ(response.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ViolatedFields(response.status()), ElementsAre("names[3]"));
}

TEST_F(EpisodeApiTest, ListAndBatchGetAnswerBasicUnlessFullIsAskedAndPagesStayUnderTheirByteBudget) {
  // Seven episodes, each with two chapters and 200 KiB of show notes: 1.4
  // MiB in the FULL view.
  v1::BatchGetEpisodesRequest batch;
  batch.set_parent(podcast());
  for (int number = 1; number <= 7; ++number) {
    v1::Episode episode = MakeEpisode(absl::StrCat("Long notes ", number), number, number,
                                      {MakeChapter(0, "Intro"), MakeChapter(60, "Topic")});
    episode.set_show_notes_html(absl::StrCat("<p>", std::string(200 * 1024, 'x'), "</p>"));
    ASSERT_TRUE(Create(episode).ok());
    batch.add_names(Episode(std::to_string(number)));
  }

  // BASIC by default: one page, no chapters or notes, chapter_count kept.
  v1::ListEpisodesRequest request = ListRequest();
  absl::StatusOr<v1::ListEpisodesResponse> basic = List(request);
  ASSERT_TRUE(basic.ok()) << basic.status();
  ASSERT_EQ(basic->episodes_size(), 7);
  EXPECT_EQ(basic->next_page_token(), "");
  for (const v1::Episode& episode : basic->episodes()) {
    EXPECT_EQ(episode.chapters_size(), 0);
    EXPECT_EQ(episode.chapter_count(), 2);
    EXPECT_EQ(episode.show_notes_html(), "");
  }

  // FULL: whole episodes, and the pages end at 1 MiB although page_size
  // allows all seven; every episode comes exactly once.
  request.set_view(v1::EPISODE_VIEW_FULL);
  request.set_page_size(50);
  std::set<std::string> seen;
  int pages = 0;
  do {
    absl::StatusOr<v1::ListEpisodesResponse> page = List(request);
    ASSERT_TRUE(page.ok()) << page.status();
    ++pages;
    EXPECT_LE(page->ByteSizeLong(), 1024 * 1024 + 1024);  // episodes ≤ 1 MiB, plus tokens
    EXPECT_GE(page->episodes_size(), 1);
    for (const v1::Episode& episode : page->episodes()) {
      EXPECT_TRUE(seen.insert(episode.name()).second) << episode.name();
      EXPECT_EQ(episode.chapters_size(), 2);
      EXPECT_EQ(episode.chapter_count(), 2);
      EXPECT_EQ(episode.chapters(0).end_offset().seconds(), 60);
      EXPECT_EQ(episode.show_notes_html().size(), 200 * 1024 + 7);
    }
    request.set_page_token(page->next_page_token());
  } while (!request.page_token().empty());
  EXPECT_EQ(seen.size(), 7u);
  EXPECT_EQ(pages, 2);

  // BatchGet: BASIC by default, FULL on request, GetEpisode always FULL.
  absl::StatusOr<v1::BatchGetEpisodesResponse> batch_basic = client().BatchGetEpisodes(batch);
  ASSERT_TRUE(batch_basic.ok()) << batch_basic.status();
  ASSERT_EQ(batch_basic->episodes_size(), 7);
  EXPECT_EQ(batch_basic->episodes(6).chapters_size(), 0);
  EXPECT_EQ(batch_basic->episodes(6).chapter_count(), 2);
  batch.set_view(v1::EPISODE_VIEW_FULL);
  absl::StatusOr<v1::BatchGetEpisodesResponse> batch_full = client().BatchGetEpisodes(batch);
  ASSERT_TRUE(batch_full.ok()) << batch_full.status();
  EXPECT_EQ(batch_full->episodes(6).chapters_size(), 2);
  EXPECT_EQ(batch_full->episodes(6).show_notes_html().size(), 200 * 1024 + 7);
  absl::StatusOr<v1::Episode> got = client().GetEpisode(Episode("3"));
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->chapters_size(), 2);
  EXPECT_EQ(got->chapter_count(), 2);
  EXPECT_EQ(got->show_notes_html().size(), 200 * 1024 + 7);

  // Sixteen FULL episodes (3.2 MiB) are more than a BatchGet answers.
  for (int number = 8; number <= 16; ++number) {
    v1::Episode episode = MakeEpisode(absl::StrCat("Long notes ", number), number, number);
    episode.set_show_notes_html(std::string(200 * 1024, 'y'));
    ASSERT_TRUE(Create(episode).ok());
    batch.add_names(Episode(std::to_string(number)));
  }
  const absl::Status too_large = client().BatchGetEpisodes(batch).status();
  EXPECT_EQ(too_large.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(ErrorReason(too_large), "ANSWER_TOO_LARGE");
  batch.set_view(v1::EPISODE_VIEW_BASIC);
  EXPECT_TRUE(client().BatchGetEpisodes(batch).ok());
}

// GetEpisode reads its request bytes itself (a raw method, for the cache):
// raw bytes need the raw channel.
TEST_F(EpisodeApiTest, GetEpisodeRejectsBytesThatAreNotARequest) {
  grpc::GenericStub generic(grpc::CreateChannel(server().address(), grpc::InsecureChannelCredentials()));
  const std::string garbage = "\xff\xff\xff\xff";
  grpc::Slice slice(garbage);
  const grpc::ByteBuffer request(&slice, 1);
  grpc::ByteBuffer response;
  grpc::ClientContext context;
  std::promise<grpc::Status> done;
  generic.UnaryCall(&context, "/podmeta.v1.EpisodeService/GetEpisode", grpc::StubOptions(), &request, &response,
                    [&done](grpc::Status status) { done.set_value(std::move(status)); });
  const grpc::Status status = done.get_future().get();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), ::testing::HasSubstr("request: is not a valid protobuf message"));
}

TEST_F(EpisodeApiTest, PagingThroughAThousandEpisodesReturnsEachExactlyOnce) {
  constexpr int kEpisodes = 1000;
  // Several episodes share a publish day, so the keyset must break ties.
  for (int i = 0; i < kEpisodes; ++i) {
    ASSERT_TRUE(Create(MakeEpisode("Paged " + std::to_string(i), i, i / 3)).ok());
  }
  std::set<std::string> seen;
  std::vector<int64_t> publish_times;
  std::string token;
  int pages = 0;
  do {
    v1::ListEpisodesRequest request = ListRequest();
    request.set_page_size(37);
    request.set_page_token(token);
    absl::StatusOr<v1::ListEpisodesResponse> page = List(request);
    ASSERT_TRUE(page.ok()) << page.status();
    EXPECT_EQ(page->total_size(), kEpisodes);
    for (const auto& episode : page->episodes()) {
      EXPECT_TRUE(seen.insert(episode.name()).second) << episode.name() << " listed twice";
      publish_times.push_back(episode.publish_time().seconds());
    }
    token = page->next_page_token();
    ++pages;
  } while (!token.empty());
  EXPECT_EQ(seen.size(), static_cast<size_t>(kEpisodes));
  EXPECT_EQ(pages, (kEpisodes + 36) / 37);
  EXPECT_TRUE(std::is_sorted(publish_times.rbegin(), publish_times.rend())) << "newest first";
}

TEST_F(EpisodeApiTest, LaterPagesReportTheTotalCountedForTheFirst) {
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(Create(MakeEpisode("Counted " + std::to_string(i), i, i)).ok());
  v1::ListEpisodesRequest request = ListRequest();
  request.set_page_size(2);
  absl::StatusOr<v1::ListEpisodesResponse> first = List(request);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->total_size(), 3);

  ASSERT_TRUE(Create(MakeEpisode("Added while listing", 10, 10)).ok());
  request.set_page_token(first->next_page_token());
  absl::StatusOr<v1::ListEpisodesResponse> second = List(request);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->total_size(), 3) << "the listing's total, as counted when it began";

  request.clear_page_token();
  absl::StatusOr<v1::ListEpisodesResponse> again = List(request);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->total_size(), 4);
}

// The counts come from podcast_episode_counts (migration 0003), kept by
// triggers: creates, deletes and undeletes must all move them.
TEST_F(EpisodeApiTest, CountsFollowCreatesDeletesAndUndeletes) {
  std::vector<std::string> names;
  for (int i = 0; i < 3; ++i) {
    absl::StatusOr<v1::Episode> created = Create(MakeEpisode("Counting " + std::to_string(i), i, i));
    ASSERT_TRUE(created.ok()) << created.status();
    names.push_back(created->name());
  }
  const auto episode_count = [this] {
    absl::StatusOr<v1::Podcast> fetched = client().GetPodcast(podcast());
    EXPECT_TRUE(fetched.ok()) << fetched.status();
    return fetched.ok() ? fetched->episode_count() : -1;
  };
  const auto listed_total = [this](bool show_deleted) {
    v1::ListEpisodesRequest request = ListRequest();
    request.set_show_deleted(show_deleted);
    absl::StatusOr<v1::ListEpisodesResponse> page = List(request);
    EXPECT_TRUE(page.ok()) << page.status();
    return page.ok() ? page->total_size() : -1;
  };
  EXPECT_EQ(episode_count(), 3);
  EXPECT_EQ(listed_total(false), 3);

  ASSERT_TRUE(client().DeleteEpisode(names[1]).ok());
  EXPECT_EQ(episode_count(), 2);
  EXPECT_EQ(listed_total(false), 2);
  EXPECT_EQ(listed_total(true), 3);

  ASSERT_TRUE(client().UndeleteEpisode(names[1]).ok());
  EXPECT_EQ(episode_count(), 3);
  EXPECT_EQ(listed_total(false), 3);
}

TEST_F(EpisodeApiTest, PageSizeAboveTheMaximumIsClamped) {
  v1::ListEpisodesRequest request = ListRequest();
  request.set_page_size(5000);
  absl::StatusOr<v1::ListEpisodesResponse> page = List(request);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_LE(page->episodes_size(), 1000);
}

TEST_F(EpisodeApiTest, APageTokenFromAnotherQueryIsRejected) {
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(Create(MakeEpisode("Token " + std::to_string(i), 60 + i, 20 + i)).ok());
  v1::ListEpisodesRequest request = ListRequest();
  request.set_page_size(1);
  absl::StatusOr<v1::ListEpisodesResponse> first = List(request);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_FALSE(first->next_page_token().empty());

  v1::ListEpisodesRequest other_parent = request;
  other_parent.set_parent("podcasts/other");
  other_parent.set_page_token(first->next_page_token());
  absl::StatusOr<v1::ListEpisodesResponse> page = List(other_parent);
  EXPECT_EQ(page.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ViolatedFields(page.status()), ElementsAre("page_token"));

  v1::ListEpisodesRequest with_deleted = request;
  with_deleted.set_show_deleted(true);
  with_deleted.set_page_token(first->next_page_token());
  EXPECT_EQ(List(with_deleted).status().code(), absl::StatusCode::kInvalidArgument);

  v1::ListEpisodesRequest tampered = request;
  std::string token = first->next_page_token();
  token[token.size() / 2] = token[token.size() / 2] == 'x' ? 'y' : 'x';
  tampered.set_page_token(token);
  page = List(tampered);
  EXPECT_EQ(page.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(page.status().message()), HasSubstr("page_token"));
}

TEST_F(EpisodeApiTest, ListOfAMissingPodcastIsNotFound) {
  v1::ListEpisodesRequest request;
  request.set_parent("podcasts/missing");
  EXPECT_EQ(List(request).status().code(), absl::StatusCode::kNotFound);
}

// A deadline already past needs a raw call: the client library sets its own.
TEST_F(EpisodeApiTest, AnExpiredDeadlineIsDeadlineExceeded) {
  v1::GetEpisodeRequest request;
  request.set_name(Episode("14"));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() - std::chrono::seconds(1));
  v1::Episode episode;
  EXPECT_EQ(server().episodes().GetEpisode(&context, request, &episode).error_code(),
            grpc::StatusCode::DEADLINE_EXCEEDED);
}

}  // namespace
}  // namespace podmeta

namespace podmeta {
namespace {

class EpisodeOrderTest : public testing::ApiTest {
 protected:
  // "s<season>e<number>" of every episode of the listing, read `page_size`
  // at a time through the page tokens.
  std::vector<std::string> Listed(const std::string& order_by, int page_size) {
    std::vector<std::string> seen;
    v1::ListEpisodesRequest request;
    request.set_parent(podcast());
    request.set_order_by(order_by);
    request.set_page_size(page_size);
    do {
      absl::StatusOr<v1::ListEpisodesResponse> page = client().ListEpisodes(request);
      EXPECT_TRUE(page.ok()) << page.status();
      if (!page.ok()) break;
      for (const v1::Episode& episode : page->episodes()) {
        seen.push_back(absl::StrCat("s", episode.has_season() ? episode.season() : 0, "e", episode.number()));
      }
      request.set_page_token(page->next_page_token());
    } while (!request.page_token().empty());
    return seen;
  }
};

TEST_F(EpisodeOrderTest, SeveralFieldsEachWithItsDirectionPageWithoutGapsOrRepeats) {
  // Numbers name episodes, so they are unique in a podcast; seasons repeat.
  int day = 0;
  for (const auto& [season, number] :
       std::vector<std::pair<int, int>>{{1, 11}, {2, 22}, {1, 13}, {2, 21}, {1, 12}, {0, 7}}) {
    v1::Episode episode = testing::MakeEpisode(absl::StrCat("S", season, " E", number), number, ++day);
    if (season != 0) episode.set_season(season);
    CreateEpisode(episode);
  }
  const std::vector<std::string> both_desc = {"s2e22", "s2e21", "s1e13", "s1e12", "s1e11", "s0e7"};
  const std::vector<std::string> mixed = {"s2e21", "s2e22", "s1e11", "s1e12", "s1e13", "s0e7"};
  for (int page_size : {1, 2, 4, 100}) {
    EXPECT_EQ(Listed("season desc, number desc", page_size), both_desc) << page_size;
    EXPECT_EQ(Listed("season desc,number", page_size), mixed) << page_size;
  }
  // A page token is bound to its order.
  v1::ListEpisodesRequest request;
  request.set_parent(podcast());
  request.set_order_by("season desc, number desc");
  request.set_page_size(2);
  absl::StatusOr<v1::ListEpisodesResponse> first = client().ListEpisodes(request);
  ASSERT_TRUE(first.ok());
  request.set_order_by("season desc, number");
  request.set_page_token(first->next_page_token());
  EXPECT_EQ(ErrorReason(client().ListEpisodes(request).status()), "PAGE_TOKEN_MISMATCH");
  request.set_order_by("season, season");
  request.clear_page_token();
  EXPECT_EQ(ErrorReason(client().ListEpisodes(request).status()), "INVALID_FIELDS");
}

}  // namespace
}  // namespace podmeta
