// EpisodeService over real gRPC against a real PostgreSQL.
#include <gmock/gmock.h>
#include <grpcpp/generic/generic_stub.h>
#include <gtest/gtest.h>

#include <future>
#include <set>
#include <thread>

#include "support/grpc_test_helpers.h"
#include "support/test_server.h"

namespace podmeta {
namespace {

using ::podmeta::testing::MakeChapter;
using ::podmeta::testing::MakeEpisode;
using ::podmeta::testing::ViolatedFields;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class EpisodeApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new testing::TestServer();
    for (const char* id : {"show", "paging", "other", "counted"}) ASSERT_TRUE(server_->CreatePodcast(id).ok());
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }

  static grpc::Status Create(const v1::Episode& episode, v1::Episode* created,
                             const std::string& parent = "podcasts/show", const std::string& request_id = "") {
    v1::CreateEpisodeRequest request;
    request.set_parent(parent);
    *request.mutable_episode() = episode;
    request.set_request_id(request_id);
    grpc::ClientContext context;
    return server_->episodes().CreateEpisode(&context, request, created);
  }

  static grpc::Status Get(const std::string& name, v1::Episode* episode) {
    v1::GetEpisodeRequest request;
    request.set_name(name);
    grpc::ClientContext context;
    return server_->episodes().GetEpisode(&context, request, episode);
  }

  static grpc::Status List(v1::ListEpisodesRequest request, v1::ListEpisodesResponse* page) {
    grpc::ClientContext context;
    return server_->episodes().ListEpisodes(&context, request, page);
  }

  static testing::TestServer* server_;
};

testing::TestServer* EpisodeApiTest::server_ = nullptr;

TEST_F(EpisodeApiTest, CreateStoresChaptersWithPartsAndDerivedEnds) {
  v1::Episode created;
  ASSERT_TRUE(Create(MakeEpisode("Integration Events", 14, 0,
                                 {MakeChapter(0, "INTRO"), MakeChapter(90, "PART 1: EuroPython highlights"),
                                  MakeChapter(123, "Maintaining pyrepl forward with pypy")}),
                     &created)
                  .ok());
  EXPECT_EQ(created.name(), "podcasts/show/episodes/14");

  v1::Episode fetched;
  ASSERT_TRUE(Get("podcasts/show/episodes/14", &fetched).ok());
  ASSERT_EQ(fetched.chapters_size(), 3);
  EXPECT_EQ(fetched.chapters(1).start_offset().seconds(), 90);
  EXPECT_EQ(fetched.chapters(2).part(), "PART 1: EuroPython highlights");
  EXPECT_EQ(fetched.chapters(0).end_offset().seconds(), 90);
  EXPECT_EQ(fetched.chapters(2).end_offset().seconds(), 90 * 60);
  EXPECT_TRUE(fetched.chapters(2).toc());
  EXPECT_EQ(fetched.number(), 14);
}

TEST_F(EpisodeApiTest, UnicodeIsKeptExactly) {
  v1::Episode created;
  auto episode = MakeEpisode("Łukasz in Poznań", std::nullopt, 1,
                             {MakeChapter(0, "Mai Giménez"), MakeChapter(5, "Chrząszcz 🐍 \"quoted\" \\ {braces}")});
  ASSERT_TRUE(Create(episode, &created).ok());
  EXPECT_EQ(created.name(), "podcasts/show/episodes/ukasz-in-pozna");
  v1::Episode fetched;
  ASSERT_TRUE(Get(created.name(), &fetched).ok());
  EXPECT_EQ(fetched.title(), "Łukasz in Poznań");
  EXPECT_EQ(fetched.chapters(0).title(), "Mai Giménez");
  EXPECT_EQ(fetched.chapters(1).title(), "Chrząszcz 🐍 \"quoted\" \\ {braces}");
  EXPECT_FALSE(fetched.has_number());
}

TEST_F(EpisodeApiTest, InvalidChaptersAreRejectedWithEveryViolationAndNothingIsWritten) {
  v1::Episode created;
  grpc::Status status = Create(
      MakeEpisode("Broken", 99, 2, {MakeChapter(10, "a"), MakeChapter(5, "b"), MakeChapter(7200, "way past the end")}),
      &created);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status),
              ElementsAre("episode.chapters[1].start_offset", "episode.chapters[2].start_offset"));
  v1::Episode missing;
  EXPECT_EQ(Get("podcasts/show/episodes/99", &missing).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(EpisodeApiTest, CreateUnderAMissingPodcastIsNotFound) {
  v1::Episode created;
  EXPECT_EQ(Create(MakeEpisode("Orphan", 1, 0), &created, "podcasts/missing").error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(EpisodeApiTest, CreatingATakenIdIsAlreadyExists) {
  v1::Episode created;
  ASSERT_TRUE(Create(MakeEpisode("First", 40, 3), &created).ok());
  EXPECT_EQ(Create(MakeEpisode("Second", 40, 4), &created).error_code(), grpc::StatusCode::ALREADY_EXISTS);
}

TEST_F(EpisodeApiTest, RetriedCreateWithTheSameRequestIdIsAppliedOnce) {
  v1::Episode first;
  v1::Episode second;
  ASSERT_TRUE(Create(MakeEpisode("Retry", 41, 5), &first, "podcasts/show", "retry-41").ok());
  ASSERT_TRUE(Create(MakeEpisode("Retry", 41, 5), &second, "podcasts/show", "retry-41").ok());
  EXPECT_EQ(first.SerializeAsString(), second.SerializeAsString());
}

TEST_F(EpisodeApiTest, ConcurrentRetriesOfOneCreateAllSucceedWithOneEpisode) {
  std::vector<std::thread> threads;
  std::vector<grpc::Status> statuses(6);
  std::vector<v1::Episode> results(6);
  for (size_t i = 0; i < statuses.size(); ++i) {
    threads.emplace_back(
        [&, i] { statuses[i] = Create(MakeEpisode("Raced", 42, 6), &results[i], "podcasts/show", "race-42"); });
  }
  for (auto& thread : threads) thread.join();
  for (size_t i = 0; i < statuses.size(); ++i) {
    ASSERT_TRUE(statuses[i].ok()) << statuses[i].error_message();
    EXPECT_EQ(results[i].guid(), results[0].guid());
  }
}

TEST_F(EpisodeApiTest, UpdateWithMaskChangesOnlyThoseFields) {
  v1::Episode created;
  ASSERT_TRUE(Create(MakeEpisode("Before", 43, 7, {MakeChapter(0, "INTRO")}), &created).ok());
  v1::UpdateEpisodeRequest request;
  *request.mutable_episode() = created;
  request.mutable_episode()->set_title("After");
  request.mutable_episode()->set_description("not in the mask");
  request.mutable_update_mask()->add_paths("title");
  grpc::ClientContext context;
  v1::Episode updated;
  ASSERT_TRUE(server_->episodes().UpdateEpisode(&context, request, &updated).ok());
  EXPECT_EQ(updated.title(), "After");
  EXPECT_EQ(updated.description(), "");
  EXPECT_EQ(updated.chapters_size(), 1);
  EXPECT_NE(updated.etag(), created.etag());
}

TEST_F(EpisodeApiTest, UpdateWithAStaleEtagIsAbortedAndChangesNothing) {
  v1::Episode created;
  ASSERT_TRUE(Create(MakeEpisode("Etag", 44, 8), &created).ok());
  v1::UpdateEpisodeRequest first;
  first.mutable_episode()->set_name(created.name());
  first.mutable_episode()->set_title("Winner");
  first.mutable_episode()->set_etag(created.etag());
  first.mutable_update_mask()->add_paths("title");
  v1::Episode updated;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(server_->episodes().UpdateEpisode(&context, first, &updated).ok());
  }
  v1::UpdateEpisodeRequest second = first;
  second.mutable_episode()->set_title("Loser");
  grpc::ClientContext context;
  v1::Episode rejected;
  EXPECT_EQ(server_->episodes().UpdateEpisode(&context, second, &rejected).error_code(), grpc::StatusCode::ABORTED);
  v1::Episode fetched;
  ASSERT_TRUE(Get(created.name(), &fetched).ok());
  EXPECT_EQ(fetched.title(), "Winner");
}

TEST_F(EpisodeApiTest, AnInvalidUpdateLeavesTheEpisodeAsItWas) {
  v1::Episode created;
  ASSERT_TRUE(Create(MakeEpisode("Stable", 45, 9, {MakeChapter(0, "a"), MakeChapter(60, "b")}), &created).ok());
  v1::UpdateEpisodeRequest request;
  request.mutable_episode()->set_name(created.name());
  *request.mutable_episode()->add_chapters() = MakeChapter(100, "x");
  *request.mutable_episode()->add_chapters() = MakeChapter(50, "y");
  request.mutable_episode()->set_title("");
  request.mutable_update_mask()->add_paths("chapters");
  request.mutable_update_mask()->add_paths("title");
  grpc::ClientContext context;
  v1::Episode updated;
  grpc::Status status = server_->episodes().UpdateEpisode(&context, request, &updated);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("episode.title", "episode.chapters[1].start_offset"));
  v1::Episode fetched;
  ASSERT_TRUE(Get(created.name(), &fetched).ok());
  EXPECT_EQ(fetched.title(), "Stable");
  ASSERT_EQ(fetched.chapters_size(), 2);
  EXPECT_EQ(fetched.etag(), created.etag());
}

TEST_F(EpisodeApiTest, SingleChapterEditsKeepTheListValid) {
  v1::Episode created;
  ASSERT_TRUE(Create(MakeEpisode("Edits", 46, 10, {MakeChapter(0, "a"), MakeChapter(60, "c")}), &created).ok());
  v1::Episode episode;
  {
    v1::InsertChapterRequest request;
    request.set_name(created.name());
    *request.mutable_chapter() = MakeChapter(30, "b");
    grpc::ClientContext context;
    ASSERT_TRUE(server_->episodes().InsertChapter(&context, request, &episode).ok());
  }
  ASSERT_EQ(episode.chapters_size(), 3);
  EXPECT_EQ(episode.chapters(1).title(), "b");
  {
    v1::UpdateChapterRequest request;
    request.set_name(created.name());
    request.set_index(1);
    request.mutable_chapter()->mutable_start_offset()->set_seconds(90);  // past chapter 2
    request.mutable_update_mask()->add_paths("start_offset");
    grpc::ClientContext context;
    v1::Episode rejected;
    grpc::Status status = server_->episodes().UpdateChapter(&context, request, &rejected);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(ViolatedFields(status), ElementsAre("chapters[2].start_offset"));
  }
  {
    v1::UpdateChapterRequest request;
    request.set_name(created.name());
    request.set_index(1);
    request.mutable_chapter()->set_title("B, renamed");
    request.mutable_update_mask()->add_paths("title");
    request.set_etag(episode.etag());
    grpc::ClientContext context;
    ASSERT_TRUE(server_->episodes().UpdateChapter(&context, request, &episode).ok());
    EXPECT_EQ(episode.chapters(1).title(), "B, renamed");
    EXPECT_EQ(episode.chapters(1).start_offset().seconds(), 30);
  }
  {
    v1::DeleteChapterRequest request;
    request.set_name(created.name());
    request.set_index(7);
    grpc::ClientContext context;
    v1::Episode rejected;
    grpc::Status status = server_->episodes().DeleteChapter(&context, request, &rejected);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(ViolatedFields(status), ElementsAre("index"));
  }
  {
    v1::DeleteChapterRequest request;
    request.set_name(created.name());
    request.set_index(0);
    grpc::ClientContext context;
    ASSERT_TRUE(server_->episodes().DeleteChapter(&context, request, &episode).ok());
    EXPECT_EQ(episode.chapters_size(), 2);
    EXPECT_EQ(episode.chapters(0).title(), "B, renamed");
  }
  {
    v1::ReplaceChaptersRequest request;
    request.set_name(created.name());
    request.set_etag("\"stale\"");
    grpc::ClientContext context;
    v1::Episode rejected;
    EXPECT_EQ(server_->episodes().ReplaceChapters(&context, request, &rejected).error_code(),
              grpc::StatusCode::ABORTED);
  }
}

TEST_F(EpisodeApiTest, DeleteHidesFromListUndeleteBringsBack) {
  v1::Episode created;
  ASSERT_TRUE(Create(MakeEpisode("Gone", 1, 0), &created, "podcasts/other").ok());
  v1::Episode deleted;
  {
    v1::DeleteEpisodeRequest request;
    request.set_name(created.name());
    request.set_etag(created.etag());
    grpc::ClientContext context;
    ASSERT_TRUE(server_->episodes().DeleteEpisode(&context, request, &deleted).ok());
    EXPECT_TRUE(deleted.has_delete_time());
  }
  v1::ListEpisodesRequest list;
  list.set_parent("podcasts/other");
  v1::ListEpisodesResponse page;
  ASSERT_TRUE(List(list, &page).ok());
  EXPECT_EQ(page.episodes_size(), 0);
  EXPECT_EQ(page.total_size(), 0);
  list.set_show_deleted(true);
  ASSERT_TRUE(List(list, &page).ok());
  EXPECT_EQ(page.episodes_size(), 1);
  {
    v1::UndeleteEpisodeRequest request;
    request.set_name(created.name());
    grpc::ClientContext context;
    v1::Episode restored;
    ASSERT_TRUE(server_->episodes().UndeleteEpisode(&context, request, &restored).ok());
    EXPECT_FALSE(restored.has_delete_time());
  }
  {
    v1::UndeleteEpisodeRequest request;
    request.set_name(created.name());
    grpc::ClientContext context;
    v1::Episode again;
    EXPECT_EQ(server_->episodes().UndeleteEpisode(&context, request, &again).error_code(),
              grpc::StatusCode::FAILED_PRECONDITION);
  }
}

TEST_F(EpisodeApiTest, BatchGetReturnsInRequestOrderAndFailsOnAnyMissing) {
  v1::Episode created;
  ASSERT_TRUE(Create(MakeEpisode("Batch A", 50, 11), &created).ok());
  ASSERT_TRUE(Create(MakeEpisode("Batch B", 51, 12), &created).ok());
  v1::BatchGetEpisodesRequest request;
  request.set_parent("podcasts/show");
  request.add_names("podcasts/show/episodes/51");
  request.add_names("podcasts/show/episodes/50");
  {
    grpc::ClientContext context;
    v1::BatchGetEpisodesResponse response;
    ASSERT_TRUE(server_->episodes().BatchGetEpisodes(&context, request, &response).ok());
    ASSERT_EQ(response.episodes_size(), 2);
    EXPECT_EQ(response.episodes(0).title(), "Batch B");
    EXPECT_EQ(response.episodes(1).title(), "Batch A");
  }
  request.add_names("podcasts/show/episodes/404");
  {
    grpc::ClientContext context;
    v1::BatchGetEpisodesResponse response;
    EXPECT_EQ(server_->episodes().BatchGetEpisodes(&context, request, &response).error_code(),
              grpc::StatusCode::NOT_FOUND);
  }
  request.add_names("podcasts/other/episodes/1");
  {
    grpc::ClientContext context;
    v1::BatchGetEpisodesResponse response;
    grpc::Status status = server_->episodes().BatchGetEpisodes(&context, request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(ViolatedFields(status), ElementsAre("names[3]"));
  }
}

// GetEpisode reads its request bytes itself (a raw method, for the cache).
TEST_F(EpisodeApiTest, GetEpisodeRejectsBytesThatAreNotARequest) {
  grpc::GenericStub generic(grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials()));
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
    v1::Episode created;
    ASSERT_TRUE(Create(MakeEpisode("Paged " + std::to_string(i), i, i / 3), &created, "podcasts/paging").ok());
  }
  std::set<std::string> seen;
  std::vector<int64_t> publish_times;
  std::string token;
  int pages = 0;
  do {
    v1::ListEpisodesRequest request;
    request.set_parent("podcasts/paging");
    request.set_page_size(37);
    request.set_page_token(token);
    v1::ListEpisodesResponse page;
    grpc::Status status = List(request, &page);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(page.total_size(), kEpisodes);
    for (const auto& episode : page.episodes()) {
      EXPECT_TRUE(seen.insert(episode.name()).second) << episode.name() << " listed twice";
      publish_times.push_back(episode.publish_time().seconds());
    }
    token = page.next_page_token();
    ++pages;
  } while (!token.empty());
  EXPECT_EQ(seen.size(), static_cast<size_t>(kEpisodes));
  EXPECT_EQ(pages, (kEpisodes + 36) / 37);
  EXPECT_TRUE(std::is_sorted(publish_times.rbegin(), publish_times.rend())) << "newest first";
}

TEST_F(EpisodeApiTest, LaterPagesReportTheTotalCountedForTheFirst) {
  for (int i = 0; i < 3; ++i) {
    v1::Episode created;
    ASSERT_TRUE(Create(MakeEpisode("Counted " + std::to_string(i), i, i), &created, "podcasts/counted").ok());
  }
  v1::ListEpisodesRequest request;
  request.set_parent("podcasts/counted");
  request.set_page_size(2);
  v1::ListEpisodesResponse first;
  ASSERT_TRUE(List(request, &first).ok());
  EXPECT_EQ(first.total_size(), 3);

  v1::Episode added;
  ASSERT_TRUE(Create(MakeEpisode("Added while listing", 10, 10), &added, "podcasts/counted").ok());
  request.set_page_token(first.next_page_token());
  v1::ListEpisodesResponse second;
  ASSERT_TRUE(List(request, &second).ok());
  EXPECT_EQ(second.total_size(), 3) << "the listing's total, as counted when it began";

  request.clear_page_token();
  v1::ListEpisodesResponse again;
  ASSERT_TRUE(List(request, &again).ok());
  EXPECT_EQ(again.total_size(), 4);
}

// The counts come from podcast_episode_counts (migration 0003), kept by
// triggers: creates, deletes and undeletes must all move them.
TEST_F(EpisodeApiTest, CountsFollowCreatesDeletesAndUndeletes) {
  ASSERT_TRUE(server_->CreatePodcast("counting").ok());
  std::vector<std::string> names;
  for (int i = 0; i < 3; ++i) {
    v1::Episode created;
    ASSERT_TRUE(Create(MakeEpisode("Counting " + std::to_string(i), i, i), &created, "podcasts/counting").ok());
    names.push_back(created.name());
  }
  const auto episode_count = [] {
    v1::GetPodcastRequest request;
    request.set_name("podcasts/counting");
    grpc::ClientContext context;
    v1::Podcast podcast;
    EXPECT_TRUE(server_->podcasts().GetPodcast(&context, request, &podcast).ok());
    return podcast.episode_count();
  };
  const auto listed_total = [this](bool show_deleted) {
    v1::ListEpisodesRequest request;
    request.set_parent("podcasts/counting");
    request.set_show_deleted(show_deleted);
    v1::ListEpisodesResponse page;
    EXPECT_TRUE(List(request, &page).ok());
    return page.total_size();
  };
  EXPECT_EQ(episode_count(), 3);
  EXPECT_EQ(listed_total(false), 3);

  {
    v1::DeleteEpisodeRequest request;
    request.set_name(names[1]);
    grpc::ClientContext context;
    v1::Episode deleted;
    ASSERT_TRUE(server_->episodes().DeleteEpisode(&context, request, &deleted).ok());
  }
  EXPECT_EQ(episode_count(), 2);
  EXPECT_EQ(listed_total(false), 2);
  EXPECT_EQ(listed_total(true), 3);

  {
    v1::UndeleteEpisodeRequest request;
    request.set_name(names[1]);
    grpc::ClientContext context;
    v1::Episode undeleted;
    ASSERT_TRUE(server_->episodes().UndeleteEpisode(&context, request, &undeleted).ok());
  }
  EXPECT_EQ(episode_count(), 3);
  EXPECT_EQ(listed_total(false), 3);
}

TEST_F(EpisodeApiTest, PageSizeAboveTheMaximumIsClamped) {
  v1::ListEpisodesRequest request;
  request.set_parent("podcasts/paging");
  request.set_page_size(5000);
  v1::ListEpisodesResponse page;
  ASSERT_TRUE(List(request, &page).ok());
  EXPECT_LE(page.episodes_size(), 1000);
}

TEST_F(EpisodeApiTest, APageTokenFromAnotherQueryIsRejected) {
  for (int i = 0; i < 3; ++i) {
    v1::Episode created;
    ASSERT_TRUE(Create(MakeEpisode("Token " + std::to_string(i), 60 + i, 20 + i), &created).ok());
  }
  v1::ListEpisodesRequest request;
  request.set_parent("podcasts/show");
  request.set_page_size(1);
  v1::ListEpisodesResponse first;
  ASSERT_TRUE(List(request, &first).ok());
  ASSERT_FALSE(first.next_page_token().empty());

  v1::ListEpisodesRequest other_parent = request;
  other_parent.set_parent("podcasts/other");
  other_parent.set_page_token(first.next_page_token());
  v1::ListEpisodesResponse page;
  grpc::Status status = List(other_parent, &page);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("page_token"));

  v1::ListEpisodesRequest with_deleted = request;
  with_deleted.set_show_deleted(true);
  with_deleted.set_page_token(first.next_page_token());
  EXPECT_EQ(List(with_deleted, &page).error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  v1::ListEpisodesRequest tampered = request;
  std::string token = first.next_page_token();
  token[token.size() / 2] = token[token.size() / 2] == 'x' ? 'y' : 'x';
  tampered.set_page_token(token);
  status = List(tampered, &page);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("page_token"));
}

TEST_F(EpisodeApiTest, ListOfAMissingPodcastIsNotFound) {
  v1::ListEpisodesRequest request;
  request.set_parent("podcasts/missing");
  v1::ListEpisodesResponse page;
  EXPECT_EQ(List(request, &page).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(EpisodeApiTest, AnExpiredDeadlineIsDeadlineExceeded) {
  v1::GetEpisodeRequest request;
  request.set_name("podcasts/show/episodes/14");
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() - std::chrono::seconds(1));
  v1::Episode episode;
  EXPECT_EQ(server_->episodes().GetEpisode(&context, request, &episode).error_code(),
            grpc::StatusCode::DEADLINE_EXCEEDED);
}

}  // namespace
}  // namespace podmeta
