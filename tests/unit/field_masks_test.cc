#include "domain/field_masks.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "domain/errors.h"
#include "domain/resources.h"
#include "support/grpc_test_helpers.h"

namespace podmeta::domain {
namespace {

using ::podmeta::testing::MakeChapter;
using ::podmeta::testing::MakeEpisode;

TEST(FieldMask, UpdatesOnlyTheNamedFields) {
  v1::Episode current = MakeEpisode("Old title", 14, 0, {MakeChapter(0, "INTRO")});
  current.set_description("old description");
  v1::Episode patch;
  patch.set_title("New title");
  patch.set_description("ignored");
  google::protobuf::FieldMask mask;
  mask.add_paths("title");
  ASSERT_TRUE(ApplyFieldMask(patch, mask, EpisodeMutablePaths(), current).ok());
  EXPECT_EQ(current.title(), "New title");
  EXPECT_EQ(current.description(), "old description");
  EXPECT_EQ(current.chapters_size(), 1);
}

TEST(FieldMask, MaskedButUnsetFieldsAreCleared) {
  v1::Episode current = MakeEpisode("Bonus", 14, 0, {MakeChapter(0, "INTRO")});
  google::protobuf::FieldMask mask;
  mask.add_paths("number");
  mask.add_paths("chapters");
  ASSERT_TRUE(ApplyFieldMask(v1::Episode(), mask, EpisodeMutablePaths(), current).ok());
  EXPECT_FALSE(current.has_number());
  EXPECT_EQ(current.chapters_size(), 0);
}

TEST(FieldMask, RepeatedFieldsAreReplacedNotAppended) {
  v1::Episode current = MakeEpisode("Ep", 1, 0, {MakeChapter(0, "a"), MakeChapter(10, "b")});
  v1::Episode patch = MakeEpisode("Ep", 1, 0, {MakeChapter(5, "only")});
  google::protobuf::FieldMask mask;
  mask.add_paths("chapters");
  ASSERT_TRUE(ApplyFieldMask(patch, mask, EpisodeMutablePaths(), current).ok());
  ASSERT_EQ(current.chapters_size(), 1);
  EXPECT_EQ(current.chapters(0).title(), "only");
}

TEST(FieldMask, EmptyMaskMeansThePopulatedFields) {
  v1::Episode current = MakeEpisode("Old", 3, 0);
  current.set_description("kept");
  v1::Episode patch;
  patch.set_title("New");
  ASSERT_TRUE(ApplyFieldMask(patch, {}, EpisodeMutablePaths(), current).ok());
  EXPECT_EQ(current.title(), "New");
  EXPECT_EQ(current.description(), "kept");
  EXPECT_EQ(current.number(), 3);
}

TEST(FieldMask, WildcardReplacesEveryMutableFieldButNoOutputOnlyOne) {
  v1::Episode current = MakeEpisode("Old", 3, 0);
  current.set_etag("\"5\"");
  current.set_name("podcasts/p/episodes/3");
  v1::Episode patch = MakeEpisode("New", std::nullopt, 1);
  patch.set_name("podcasts/evil/episodes/x");
  google::protobuf::FieldMask mask;
  mask.mutable_paths()->Add(std::string(1, '*'));  // "*" as a literal trips a GCC 12 -Wrestrict false positive
  ASSERT_TRUE(ApplyFieldMask(patch, mask, EpisodeMutablePaths(), current).ok());
  EXPECT_EQ(current.title(), "New");
  EXPECT_FALSE(current.has_number());
  EXPECT_EQ(current.name(), "podcasts/p/episodes/3");
  EXPECT_EQ(current.etag(), "\"5\"");
}

TEST(FieldMask, UnknownAndUnchangeablePathsAreFieldViolations) {
  v1::Episode current = MakeEpisode("Old", 3, 0);
  google::protobuf::FieldMask mask;
  mask.add_paths("title");
  mask.add_paths("etag");
  mask.add_paths("no_such_field");
  mask.add_paths("guid");  // IMMUTABLE
  mask.add_paths("name");  // IDENTIFIER
  absl::Status status = ApplyFieldMask(v1::Episode(), mask, EpisodeMutablePaths(), current);
  ASSERT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  auto violations = FieldViolationsOf(status);
  ASSERT_EQ(violations.size(), 4u);
  EXPECT_EQ(violations[0].field, "update_mask.paths[1]");
  EXPECT_EQ(violations[1].field, "update_mask.paths[2]");
  EXPECT_EQ(violations[2].field, "update_mask.paths[3]");
  EXPECT_EQ(violations[3].field, "update_mask.paths[4]");
  EXPECT_EQ(current.title(), "Old");
}

TEST(FieldMask, OutputOnlyPathsAreIgnoredAsAip161Says) {
  v1::Episode current = MakeEpisode("Old", 3, 0);
  current.mutable_create_time()->set_seconds(100);
  v1::Episode patch = current;
  patch.set_title("New");
  patch.mutable_create_time()->set_seconds(999);
  patch.set_chapter_count(77);
  google::protobuf::FieldMask mask;
  for (const char* path : {"title", "create_time", "update_time", "chapter_count", "chapters_source", "expire_time"}) {
    mask.add_paths(path);
  }
  ASSERT_TRUE(ApplyFieldMask(patch, mask, EpisodeMutablePaths(), current).ok());
  EXPECT_EQ(current.title(), "New");
  EXPECT_EQ(current.create_time().seconds(), 100);
  EXPECT_EQ(current.chapter_count(), 0);
}

// The lists of updatable fields and the contract's annotations agree: every
// field of a resource is updatable, or output only, or cannot change after
// creation (IMMUTABLE, IDENTIFIER, and the etag, which an update compares).
template <typename Resource>
void ExpectMutablePathsMatchFieldBehavior(const std::set<std::string>& mutable_paths) {
  const google::protobuf::Descriptor* descriptor = Resource::descriptor();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const google::protobuf::FieldDescriptor& field = *descriptor->field(i);
    const bool fixed = HasFieldBehavior(field, google::api::OUTPUT_ONLY) ||
                       HasFieldBehavior(field, google::api::IMMUTABLE) ||
                       HasFieldBehavior(field, google::api::IDENTIFIER) || field.name() == "etag";
    EXPECT_NE(mutable_paths.contains(field.name()), fixed) << descriptor->name() << "." << field.name();
  }
}

TEST(FieldMask, UpdatableFieldsAreThoseTheContractDoesNotFix) {
  ExpectMutablePathsMatchFieldBehavior<v1::Podcast>(PodcastMutablePaths());
  ExpectMutablePathsMatchFieldBehavior<v1::Episode>(EpisodeMutablePaths());
}

}  // namespace
}  // namespace podmeta::domain
