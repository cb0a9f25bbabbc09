#include "storage/episode_cache.h"

#include <gtest/gtest.h>

namespace podmeta::storage {
namespace {

// Stands in for a serialized episode: the cache does not look inside.
std::string Titled(const std::string& title) { return "episode " + title; }

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
  EXPECT_EQ(*cache.Find(kFirst), Titled("A"));
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

TEST(EpisodeCache, AReplicaReadIsKeptOnlyOnceItHasReplayedTheLastNotifiedChange) {
  EpisodeCache cache(1 << 20);
  cache.SetLive(true);
  // A change notified when the primary stood at WAL position 5000.
  cache.InvalidatePodcast(kFirst.podcast_id, 5000);
  cache.Store(kFirst, Titled("old"), cache.Begin(kFirst.podcast_id), 4999);  // replica behind
  EXPECT_EQ(cache.Find(kFirst), nullptr);
  cache.Store(kFirst, Titled("new"), cache.Begin(kFirst.podcast_id), 5000);  // replica caught up
  ASSERT_NE(cache.Find(kFirst), nullptr);
  EXPECT_EQ(*cache.Find(kFirst), Titled("new"));
  // A read from the primary is always fresh enough.
  cache.Store(kSecond, Titled("B"), cache.Begin(kSecond.podcast_id));
  EXPECT_NE(cache.Find(kSecond), nullptr);
  // An older notification never lowers the position a read needs.
  cache.InvalidatePodcast(kFirst.podcast_id, 100);
  cache.Store(kFirst, Titled("old"), cache.Begin(kFirst.podcast_id), 4000);
  EXPECT_EQ(cache.Find(kFirst), nullptr);
}

TEST(EpisodeCache, InvalidatingAPodcastDropsOnlyItsEpisodes) {
  EpisodeCache cache(1 << 20);
  cache.SetLive(true);
  for (const auto& key : {kFirst, kSecond, kOtherShow})
    cache.Store(key, Titled(key.episode_id), cache.Begin(key.podcast_id));
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
  EXPECT_EQ(*cache.Find(kFirst), Titled("new"));
  EXPECT_EQ(cache.stats().entries, 1u);
}

TEST(EpisodeCache, EvictsTheLeastRecentlyUsedWithinItsCapacity) {
  const std::string large(2000, 'x');
  // Room for three such episodes and their bookkeeping, not four.
  const size_t capacity = 3 * (large.size() + 300);
  EpisodeCache cache(capacity);
  cache.SetLive(true);
  for (int i = 0; i < 3; ++i) cache.Store({"show", std::to_string(i)}, large, cache.Begin("show"));
  EXPECT_EQ(cache.stats().entries, 3u);
  ASSERT_NE(cache.Find({"show", "0"}), nullptr);  // now the most recently used
  cache.Store({"show", "3"}, large, cache.Begin("show"));
  EXPECT_NE(cache.Find({"show", "0"}), nullptr);
  EXPECT_EQ(cache.Find({"show", "1"}), nullptr);
  EXPECT_NE(cache.Find({"show", "3"}), nullptr);
  EXPECT_EQ(cache.stats().entries, 3u);
  EXPECT_LE(cache.stats().bytes, capacity);

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
