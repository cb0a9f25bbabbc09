// PodcastService over real gRPC against a real PostgreSQL, through the
// client library (testing::ApiTest).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/api_test.h"

namespace podmeta {
namespace {

using ::podmeta::testing::ViolatedFields;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class PodcastApiTest : public testing::ApiTest {
 protected:
  absl::StatusOr<v1::Podcast> Create(const std::string& title, const std::string& id = "",
                                     const std::string& request_id = "") {
    v1::CreatePodcastRequest request;
    request.mutable_podcast()->set_title(title);
    request.mutable_podcast()->set_description("About " + title);
    auto* host = request.mutable_podcast()->add_people();
    host->set_display_name("Łukasz Langa");
    host->set_role(v1::Person::HOST);
    request.set_podcast_id(id);
    request.set_request_id(request_id);
    return client().CreatePodcast(request);
  }
};

TEST_F(PodcastApiTest, CreateDerivesTheIdFromTheTitleAndGetReturnsIt) {
  absl::StatusOr<v1::Podcast> created = Create("core.py");
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->name(), "podcasts/core-py");
  EXPECT_EQ(created->guid().size(), 36u);
  EXPECT_FALSE(created->etag().empty());
  EXPECT_TRUE(created->has_create_time());

  absl::StatusOr<v1::Podcast> fetched = client().GetPodcast("podcasts/core-py");
  ASSERT_TRUE(fetched.ok()) << fetched.status();
  EXPECT_EQ(fetched->title(), "core.py");
  ASSERT_EQ(fetched->people_size(), 1);
  EXPECT_EQ(fetched->people(0).display_name(), "Łukasz Langa");
  EXPECT_EQ(fetched->people(0).role(), v1::Person::HOST);
  EXPECT_EQ(fetched->etag(), created->etag());
}

TEST_F(PodcastApiTest, CreatingATakenIdIsAlreadyExists) {
  ASSERT_TRUE(Create("Twice", "twice").ok());
  EXPECT_EQ(Create("Twice", "twice").status().code(), absl::StatusCode::kAlreadyExists);
}

TEST_F(PodcastApiTest, RetriedCreateWithTheSameRequestIdReturnsTheFirstResult) {
  absl::StatusOr<v1::Podcast> first = Create("Retried", "retried", "req-1");
  absl::StatusOr<v1::Podcast> second = Create("Retried", "retried", "req-1");
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(first->SerializeAsString(), second->SerializeAsString());
}

TEST_F(PodcastApiTest, GetOfAMissingPodcastIsNotFound) {
  EXPECT_EQ(client().GetPodcast("podcasts/nope").status().code(), absl::StatusCode::kNotFound);
}

TEST_F(PodcastApiTest, MalformedNameIsInvalidArgumentNamingTheField) {
  absl::StatusOr<v1::Podcast> podcast = client().GetPodcast("podcasts/Bad Name");
  EXPECT_EQ(podcast.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ViolatedFields(podcast.status()), ElementsAre("name"));
}

TEST_F(PodcastApiTest, InvalidPodcastReportsEveryField) {
  v1::CreatePodcastRequest request;
  request.set_podcast_id("invalid");
  request.mutable_podcast()->set_image_uri("ftp://example.com/x.png");
  request.mutable_podcast()->add_people();
  absl::StatusOr<v1::Podcast> created = client().CreatePodcast(request);
  ASSERT_EQ(created.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ViolatedFields(created.status()),
              ElementsAre("podcast.title", "podcast.image_uri", "podcast.people[0].display_name"));
  EXPECT_EQ(client().GetPodcast("podcasts/invalid").status().code(), absl::StatusCode::kNotFound);
}

TEST_F(PodcastApiTest, UpdateChangesOnlyMaskedFieldsAndChecksTheEtag) {
  absl::StatusOr<v1::Podcast> created = Create("Updatable", "updatable");
  ASSERT_TRUE(created.ok()) << created.status();

  v1::UpdatePodcastRequest request;
  request.mutable_podcast()->set_name(created->name());
  request.mutable_podcast()->set_title("Renamed");
  request.mutable_podcast()->set_description("should not be written");
  request.mutable_podcast()->set_etag(created->etag());
  request.mutable_update_mask()->add_paths("title");
  absl::StatusOr<v1::Podcast> updated = client().UpdatePodcast(request);
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->title(), "Renamed");
  EXPECT_EQ(updated->description(), "About Updatable");
  EXPECT_NE(updated->etag(), created->etag());

  // The same request again carries the now stale etag.
  EXPECT_EQ(client().UpdatePodcast(request).status().code(), absl::StatusCode::kAborted);
}

// AIP-161: output-only paths in a mask are ignored, so a client can send
// back the podcast it read with every field in the mask; fields that cannot
// change are refused.
TEST_F(PodcastApiTest, UpdateMaskIgnoresOutputOnlyFieldsAndRefusesImmutableOnes) {
  absl::StatusOr<v1::Podcast> created = Create("Masked", "masked");
  ASSERT_TRUE(created.ok()) << created.status();
  v1::UpdatePodcastRequest request;
  *request.mutable_podcast() = *created;
  request.mutable_podcast()->set_title("Masked, renamed");
  request.mutable_podcast()->set_episode_count(42);
  request.mutable_podcast()->mutable_create_time()->set_seconds(1);
  for (const char* path : {"episode_count", "title", "create_time", "update_time"}) {
    request.mutable_update_mask()->add_paths(path);
  }
  absl::StatusOr<v1::Podcast> updated = client().UpdatePodcast(request);
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->title(), "Masked, renamed");
  EXPECT_EQ(updated->episode_count(), 0);
  EXPECT_EQ(updated->create_time().seconds(), created->create_time().seconds());

  request.mutable_podcast()->set_etag(updated->etag());
  request.mutable_update_mask()->add_paths("guid");
  absl::StatusOr<v1::Podcast> immutable = client().UpdatePodcast(request);
  EXPECT_EQ(immutable.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ViolatedFields(immutable.status()), ElementsAre("update_mask.paths[4]"));
}

TEST_F(PodcastApiTest, DeleteIsSoftAndUndeleteRestores) {
  absl::StatusOr<v1::Podcast> created = Create("Deletable", "deletable");
  ASSERT_TRUE(created.ok()) << created.status();
  absl::StatusOr<v1::Podcast> deleted = client().DeletePodcast(created->name());
  ASSERT_TRUE(deleted.ok()) << deleted.status();
  EXPECT_TRUE(deleted->has_delete_time());

  absl::StatusOr<v1::Podcast> fetched = client().GetPodcast(created->name());
  ASSERT_TRUE(fetched.ok()) << fetched.status();
  EXPECT_TRUE(fetched->has_delete_time());

  // AIP-164: deleting what is deleted is NOT_FOUND, undeleting what is not ALREADY_EXISTS.
  const absl::Status again = client().DeletePodcast(created->name()).status();
  EXPECT_EQ(again.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(ErrorReason(again), "ALREADY_DELETED");
  EXPECT_EQ(ErrorMetadata(again)["resource"], created->name());
  {
    v1::ListPodcastsRequest request;
    request.set_page_size(1000);
    absl::StatusOr<v1::ListPodcastsResponse> listed = client().ListPodcasts(request);
    ASSERT_TRUE(listed.ok()) << listed.status();
    for (const auto& podcast : listed->podcasts()) EXPECT_NE(podcast.name(), created->name());
  }
  absl::StatusOr<v1::Podcast> restored = client().UndeletePodcast(created->name(), deleted->etag());
  ASSERT_TRUE(restored.ok()) << restored.status();
  const absl::Status live = client().UndeletePodcast(created->name()).status();
  EXPECT_EQ(live.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(ErrorReason(live), "NOT_DELETED");
  EXPECT_FALSE(restored->has_delete_time());
}

TEST_F(PodcastApiTest, ListPagesThroughEveryPodcastOnce) {
  for (int i = 0; i < 7; ++i) {
    ASSERT_TRUE(Create("Paged " + std::to_string(i), "paged-" + std::to_string(i)).ok());
  }
  std::vector<std::string> names;
  std::string token;
  int32_t total = -1;
  do {
    v1::ListPodcastsRequest request;
    request.set_page_size(3);
    request.set_page_token(token);
    absl::StatusOr<v1::ListPodcastsResponse> page = client().ListPodcasts(request);
    ASSERT_TRUE(page.ok()) << page.status();
    EXPECT_LE(page->podcasts_size(), 3);
    for (const auto& podcast : page->podcasts()) names.push_back(podcast.name());
    total = page->total_size();
    token = page->next_page_token();
  } while (!token.empty());
  EXPECT_EQ(static_cast<int32_t>(names.size()), total);
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
  EXPECT_EQ(std::adjacent_find(names.begin(), names.end()), names.end());
  EXPECT_THAT(names, Contains("podcasts/paged-6"));
}

TEST_F(PodcastApiTest, NegativePageSizeIsRejected) {
  v1::ListPodcastsRequest request;
  request.set_page_size(-5);
  absl::StatusOr<v1::ListPodcastsResponse> page = client().ListPodcasts(request);
  EXPECT_EQ(page.status().code(), absl::StatusCode::kInvalidArgument);
  std::vector<std::string> violations;
  for (const auto& [field, description] : podmeta::FieldViolations(page.status())) {
    violations.push_back(field + ": " + description);
  }
  EXPECT_THAT(violations, ElementsAre(HasSubstr("page_size")));
}

}  // namespace
}  // namespace podmeta
