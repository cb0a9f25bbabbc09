#include "storage/episode_cache.h"

#include <gtest/gtest.h>

namespace podmeta::storage {
namespace {

v1::Episode Titled(const std::string& title) {
  v1::Episode episode;
  episode.set_title(title);
  return episode;
}

const domain::EpisodeKey kFirst{"show", "1"};
const domain::EpisodeKey kSecond{"show", "2"};
const domain::EpisodeKey kOtherShow{"other", "1"};

TEST(EpisodeCache, ServesNothingUntilTheChangeFeedIsConnected) {
  EpisodeCache cache(1 << 20);
  cache.Store(kFirst, Titled("A"), cache.Begin(kFirst.podcast_id));
  EXPECT_EQ(cache.Find(kFirst), nullptr);
  cache.SetLive(true);
  cache.Store(kFirst, Titled("A"), cache.Begin(kFirst.podcast_id));
  ASSERT_NE(cache.Find(kFirst), nullptr);
  EXPECT_EQ(cache.Find(kFirst)->title(), "A");
}

TEST(EpisodeCache, LosingTheFeedDropsEverything) {
  EpisodeCache cache(1 << 20);
  cache.SetLive(true);
  cache.Store(kFirst, Titled("A"), cache.Begin(kFirst.podcast_id));
  cache.SetLive(false);
  EXPECT_EQ(cache.Find(kFirst), nullptr);
  cache.SetLive(true);
  EXPECT_EQ(cache.Find(kFirst), nullptr);
  EXPECT_EQ(cache.stats().entries, 0u);
  EXPECT_EQ(cache.stats().bytes, 0u);
}

TEST(EpisodeCache, AReadThatRacedWithAChangeIsNotKept) {
  EpisodeCache cache(1 << 20);
  cache.SetLive(true);
  const EpisodeCache::Ticket before_change = cache.Begin(kFirst.podcast_id);
  cache.InvalidatePodcast(kFirst.podcast_id);
  cache.Store(kFirst, Titled("read before the change"), before_change);
  EXPECT_EQ(cache.Find(kFirst), nullptr);

  const EpisodeCache::Ticket before_reconnect = cache.Begin(kFirst.podcast_id);
  cache.SetLive(false);
  cache.SetLive(true);
  cache.Store(kFirst, Titled("read before the reconnect"), before_reconnect);
  EXPECT_EQ(cache.Find(kFirst), nullptr);
}

TEST(EpisodeCache, InvalidatingAPodcastDropsOnlyItsEpisodes) {
  EpisodeCache cache(1 << 20);
  cache.SetLive(true);
  for (const auto& key : {kFirst, kSecond, kOtherShow}) cache.Store(key, Titled(key.episode_id), cache.Begin(key.podcast_id));
  cache.InvalidatePodcast("show");
  EXPECT_EQ(cache.Find(kFirst), nullptr);
  EXPECT_EQ(cache.Find(kSecond), nullptr);
  ASSERT_NE(cache.Find(kOtherShow), nullptr);
  EXPECT_EQ(cache.stats().entries, 1u);
}

TEST(EpisodeCache, StoringAgainReplacesTheEntry) {
  EpisodeCache cache(1 << 20);
  cache.SetLive(true);
  cache.Store(kFirst, Titled("old"), cache.Begin(kFirst.podcast_id));
  cache.Store(kFirst, Titled("new"), cache.Begin(kFirst.podcast_id));
  EXPECT_EQ(cache.Find(kFirst)->title(), "new");
  EXPECT_EQ(cache.stats().entries, 1u);
}

TEST(EpisodeCache, EvictsTheLeastRecentlyUsedWithinItsCapacity) {
  const std::string description(2000, 'x');
  v1::Episode large = Titled("large");
  large.set_description(description);
  // Room for about three such episodes.
  EpisodeCache cache(3 * large.SpaceUsedLong() + 1000);
  cache.SetLive(true);
  for (int i = 0; i < 3; ++i) {
    cache.Store({"show", std::to_string(i)}, large, cache.Begin("show"));
  }
  ASSERT_NE(cache.Find({"show", "0"}), nullptr);  // now the most recently used
  cache.Store({"show", "3"}, large, cache.Begin("show"));
  EXPECT_NE(cache.Find({"show", "0"}), nullptr);
  EXPECT_EQ(cache.Find({"show", "1"}), nullptr);
  EXPECT_NE(cache.Find({"show", "3"}), nullptr);
  EXPECT_LE(cache.stats().bytes, 3 * large.SpaceUsedLong() + 1000);

  EpisodeCache tiny(100);
  tiny.SetLive(true);
  tiny.Store(kFirst, large, tiny.Begin(kFirst.podcast_id));
  EXPECT_EQ(tiny.Find(kFirst), nullptr);
  EXPECT_EQ(tiny.stats().bytes, 0u);
}

TEST(EpisodeCache, CountsHitsAndMisses) {
  EpisodeCache cache(1 << 20);
  cache.SetLive(true);
  EXPECT_EQ(cache.Find(kFirst), nullptr);
  cache.Store(kFirst, Titled("A"), cache.Begin(kFirst.podcast_id));
  EXPECT_NE(cache.Find(kFirst), nullptr);
  EXPECT_NE(cache.Find(kFirst), nullptr);
  EXPECT_EQ(cache.stats().hits, 2u);
  EXPECT_EQ(cache.stats().misses, 1u);
}

}  // namespace
}  // namespace podmeta::storage
