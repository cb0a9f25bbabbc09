// PodcastService over real gRPC against a real PostgreSQL.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/grpc_test_helpers.h"
#include "support/test_server.h"

namespace podmeta {
namespace {

using ::podmeta::testing::FieldViolations;
using ::podmeta::testing::ViolatedFields;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class PodcastApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new testing::TestServer(); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }

  grpc::Status Create(const std::string& title, v1::Podcast* created, const std::string& id = "",
                      const std::string& request_id = "") {
    v1::CreatePodcastRequest request;
    request.mutable_podcast()->set_title(title);
    request.mutable_podcast()->set_description("About " + title);
    auto* host = request.mutable_podcast()->add_people();
    host->set_display_name("Łukasz Langa");
    host->set_role(v1::Person::HOST);
    request.set_podcast_id(id);
    request.set_request_id(request_id);
    grpc::ClientContext context;
    return server_->podcasts().CreatePodcast(&context, request, created);
  }

  grpc::Status Get(const std::string& name, v1::Podcast* podcast) {
    v1::GetPodcastRequest request;
    request.set_name(name);
    grpc::ClientContext context;
    return server_->podcasts().GetPodcast(&context, request, podcast);
  }

  static testing::TestServer* server_;
};

testing::TestServer* PodcastApiTest::server_ = nullptr;

TEST_F(PodcastApiTest, CreateDerivesTheIdFromTheTitleAndGetReturnsIt) {
  v1::Podcast created;
  ASSERT_TRUE(Create("core.py", &created).ok());
  EXPECT_EQ(created.name(), "podcasts/core-py");
  EXPECT_EQ(created.guid().size(), 36u);
  EXPECT_FALSE(created.etag().empty());
  EXPECT_TRUE(created.has_create_time());

  v1::Podcast fetched;
  ASSERT_TRUE(Get("podcasts/core-py", &fetched).ok());
  EXPECT_EQ(fetched.title(), "core.py");
  ASSERT_EQ(fetched.people_size(), 1);
  EXPECT_EQ(fetched.people(0).display_name(), "Łukasz Langa");
  EXPECT_EQ(fetched.people(0).role(), v1::Person::HOST);
  EXPECT_EQ(fetched.etag(), created.etag());
}

TEST_F(PodcastApiTest, CreatingATakenIdIsAlreadyExists) {
  v1::Podcast created;
  ASSERT_TRUE(Create("Twice", &created, "twice").ok());
  grpc::Status again = Create("Twice", &created, "twice");
  EXPECT_EQ(again.error_code(), grpc::StatusCode::ALREADY_EXISTS);
}

TEST_F(PodcastApiTest, RetriedCreateWithTheSameRequestIdReturnsTheFirstResult) {
  v1::Podcast first;
  v1::Podcast second;
  ASSERT_TRUE(Create("Retried", &first, "retried", "req-1").ok());
  ASSERT_TRUE(Create("Retried", &second, "retried", "req-1").ok());
  EXPECT_EQ(first.SerializeAsString(), second.SerializeAsString());
}

TEST_F(PodcastApiTest, GetOfAMissingPodcastIsNotFound) {
  v1::Podcast podcast;
  EXPECT_EQ(Get("podcasts/nope", &podcast).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(PodcastApiTest, MalformedNameIsInvalidArgumentNamingTheField) {
  v1::Podcast podcast;
  grpc::Status status = Get("podcasts/Bad Name", &podcast);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("name"));
}

TEST_F(PodcastApiTest, InvalidPodcastReportsEveryField) {
  v1::CreatePodcastRequest request;
  request.set_podcast_id("invalid");
  request.mutable_podcast()->set_image_uri("ftp://example.com/x.png");
  request.mutable_podcast()->add_people();
  v1::Podcast created;
  grpc::ClientContext context;
  grpc::Status status = server_->podcasts().CreatePodcast(&context, request, &created);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status),
              ElementsAre("podcast.title", "podcast.image_uri", "podcast.people[0].display_name"));
  v1::Podcast missing;
  EXPECT_EQ(Get("podcasts/invalid", &missing).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(PodcastApiTest, UpdateChangesOnlyMaskedFieldsAndChecksTheEtag) {
  v1::Podcast created;
  ASSERT_TRUE(Create("Updatable", &created, "updatable").ok());

  v1::UpdatePodcastRequest request;
  request.mutable_podcast()->set_name(created.name());
  request.mutable_podcast()->set_title("Renamed");
  request.mutable_podcast()->set_description("should not be written");
  request.mutable_podcast()->set_etag(created.etag());
  request.mutable_update_mask()->add_paths("title");
  v1::Podcast updated;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(server_->podcasts().UpdatePodcast(&context, request, &updated).ok());
  }
  EXPECT_EQ(updated.title(), "Renamed");
  EXPECT_EQ(updated.description(), "About Updatable");
  EXPECT_NE(updated.etag(), created.etag());

  // The same request again carries the now stale etag.
  grpc::ClientContext context;
  v1::Podcast rejected;
  grpc::Status stale = server_->podcasts().UpdatePodcast(&context, request, &rejected);
  EXPECT_EQ(stale.error_code(), grpc::StatusCode::ABORTED);
}

TEST_F(PodcastApiTest, UpdateMaskNamingAnOutputOnlyFieldIsRejected) {
  v1::Podcast created;
  ASSERT_TRUE(Create("Masked", &created, "masked").ok());
  v1::UpdatePodcastRequest request;
  request.mutable_podcast()->set_name(created.name());
  request.mutable_update_mask()->add_paths("episode_count");
  v1::Podcast updated;
  grpc::ClientContext context;
  grpc::Status status = server_->podcasts().UpdatePodcast(&context, request, &updated);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("update_mask.paths[0]"));
}

TEST_F(PodcastApiTest, DeleteIsSoftAndUndeleteRestores) {
  v1::Podcast created;
  ASSERT_TRUE(Create("Deletable", &created, "deletable").ok());
  v1::Podcast deleted;
  {
    v1::DeletePodcastRequest request;
    request.set_name(created.name());
    grpc::ClientContext context;
    ASSERT_TRUE(server_->podcasts().DeletePodcast(&context, request, &deleted).ok());
  }
  EXPECT_TRUE(deleted.has_delete_time());

  v1::Podcast fetched;
  ASSERT_TRUE(Get(created.name(), &fetched).ok());
  EXPECT_TRUE(fetched.has_delete_time());

  {
    v1::DeletePodcastRequest request;
    request.set_name(created.name());
    grpc::ClientContext context;
    v1::Podcast again;
    EXPECT_EQ(server_->podcasts().DeletePodcast(&context, request, &again).error_code(),
              grpc::StatusCode::FAILED_PRECONDITION);
  }
  {
    v1::ListPodcastsRequest request;
    request.set_page_size(1000);
    grpc::ClientContext context;
    v1::ListPodcastsResponse listed;
    ASSERT_TRUE(server_->podcasts().ListPodcasts(&context, request, &listed).ok());
    for (const auto& podcast : listed.podcasts()) EXPECT_NE(podcast.name(), created.name());
  }
  {
    v1::UndeletePodcastRequest request;
    request.set_name(created.name());
    request.set_etag(deleted.etag());
    grpc::ClientContext context;
    v1::Podcast restored;
    ASSERT_TRUE(server_->podcasts().UndeletePodcast(&context, request, &restored).ok());
    EXPECT_FALSE(restored.has_delete_time());
  }
}

TEST_F(PodcastApiTest, ListPagesThroughEveryPodcastOnce) {
  for (int i = 0; i < 7; ++i) {
    v1::Podcast created;
    ASSERT_TRUE(Create("Paged " + std::to_string(i), &created, "paged-" + std::to_string(i)).ok());
  }
  std::vector<std::string> names;
  std::string token;
  int32_t total = -1;
  do {
    v1::ListPodcastsRequest request;
    request.set_page_size(3);
    request.set_page_token(token);
    grpc::ClientContext context;
    v1::ListPodcastsResponse page;
    ASSERT_TRUE(server_->podcasts().ListPodcasts(&context, request, &page).ok());
    EXPECT_LE(page.podcasts_size(), 3);
    for (const auto& podcast : page.podcasts()) names.push_back(podcast.name());
    total = page.total_size();
    token = page.next_page_token();
  } while (!token.empty());
  EXPECT_EQ(static_cast<int32_t>(names.size()), total);
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
  EXPECT_EQ(std::adjacent_find(names.begin(), names.end()), names.end());
  EXPECT_THAT(names, Contains("podcasts/paged-6"));
}

TEST_F(PodcastApiTest, NegativePageSizeIsRejected) {
  v1::ListPodcastsRequest request;
  request.set_page_size(-5);
  grpc::ClientContext context;
  v1::ListPodcastsResponse page;
  grpc::Status status = server_->podcasts().ListPodcasts(&context, request, &page);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(FieldViolations(status), ElementsAre(HasSubstr("page_size")));
}

}  // namespace
}  // namespace podmeta
