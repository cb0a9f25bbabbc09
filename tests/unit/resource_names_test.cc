#include "domain/resource_names.h"

#include <gtest/gtest.h>

#include "domain/errors.h"
#include "domain/resources.h"

namespace podmeta::domain {
namespace {

TEST(ResourceNames, ParseAndFormatRoundTrip) {
  auto key = ParseEpisodeName("podcasts/core-py/episodes/14", "name");
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key->podcast_id, "core-py");
  EXPECT_EQ(key->episode_id, "14");
  EXPECT_EQ(EpisodeName(*key), "podcasts/core-py/episodes/14");
  EXPECT_EQ(*ParsePodcastName("podcasts/core-py", "parent"), "core-py");
}

TEST(ResourceNames, MalformedNamesNameTheField) {
  for (const char* bad : {"", "podcasts/", "podcasts/Core", "podcasts/a/episodes", "podcasts/a/episodes/b/c",
                          "shows/a/episodes/b", "podcasts/a/episodes/-b", "podcasts/a'; DROP TABLE x;--/episodes/1",
                          "podcasts/a/episodes/", "podcasts//episodes/b", "podcasts/a/episode/b", "podcasts/a",
                          "podcasts/a/episodes/b/", "/podcasts/a/episodes/b", "podcasts/a/b/episodes/c"}) {
    auto key = ParseEpisodeName(bad, "episode.name");
    ASSERT_FALSE(key.ok()) << bad;
    EXPECT_EQ(FieldViolationsOf(key.status()).at(0).field, "episode.name") << bad;
  }
}

TEST(ResourceNames, SlugsAreValidIds) {
  EXPECT_EQ(SlugOf("core.py"), "core-py");
  EXPECT_EQ(SlugOf("  Episode 14: Integration Events! "), "episode-14-integration-events");
  EXPECT_EQ(SlugOf("Łukasz"), "ukasz");
  EXPECT_EQ(SlugOf("🐍"), "");
  EXPECT_TRUE(IsValidId(SlugOf(std::string(200, 'a'))));
  // Found by fuzz_show_page: a hyphen and a letter added together once made 64 characters.
  const std::string slug = SlugOf("episodn 60 and 90 minutes in length. We've done more than a few so far");
  EXPECT_TRUE(IsValidId(slug)) << slug;
  EXPECT_LE(slug.size(), 63u);
}

TEST(ResourceIds, EpisodeIdIsTheNumberElseTheTitleSlug) {
  v1::Episode numbered;
  numbered.set_number(14);
  numbered.set_title("Integration Events");
  EXPECT_EQ(*ChooseEpisodeId("", numbered), "14");
  v1::Episode bonus;
  bonus.set_title("Bonus: Live Q&A");
  EXPECT_EQ(*ChooseEpisodeId("", bonus), "bonus-live-q-a");
  EXPECT_EQ(*ChooseEpisodeId("custom-id", bonus), "custom-id");
  EXPECT_EQ(ChooseEpisodeId("Not Valid", bonus).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(ResourceIds, GuidsAreVersion4Uuids) {
  const std::string guid = NewGuid();
  ASSERT_EQ(guid.size(), 36u);
  EXPECT_EQ(guid[14], '4');
  EXPECT_NE(guid, NewGuid());
}

}  // namespace
}  // namespace podmeta::domain
