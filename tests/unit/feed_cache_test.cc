#include "http/feed_cache.h"

#include <gtest/gtest.h>

namespace podmeta::http {
namespace {

TEST(FeedCache, AnswersOnlyForTheVersionItRendered) {
  FeedCache cache(1 << 20);
  FeedCache::FeedPtr rendered = cache.Insert("show", "7.41", "<rss>seven</rss>");
  ASSERT_NE(rendered->body, nullptr);
  EXPECT_EQ(*rendered->body, "<rss>seven</rss>");
  ASSERT_NE(cache.Find("show", "7.41"), nullptr);
  EXPECT_EQ(cache.Find("show", "7.41")->body, rendered->body);  // shared, not copied
  EXPECT_EQ(cache.Find("show", "7.42"), nullptr);
  EXPECT_EQ(cache.Find("other", "7.41"), nullptr);
  // A new version replaces the old one.
  cache.Insert("show", "8.41", "<rss>eight</rss>");
  EXPECT_EQ(cache.Find("show", "7.41"), nullptr);
  EXPECT_NE(cache.Find("show", "8.41")->etag, rendered->etag);
}

TEST(FeedCache, AFeedOverHalfTheBudgetKeepsItsEtagButNotItsBytes) {
  FeedCache cache(1000);
  FeedCache::FeedPtr big = cache.Insert("big", "1.1", std::string(800, 'x'));
  ASSERT_NE(big->body, nullptr);  // the answer has the bytes
  FeedCache::FeedPtr kept = cache.Find("big", "1.1");
  ASSERT_NE(kept, nullptr);
  EXPECT_EQ(kept->etag, big->etag);
  EXPECT_EQ(kept->body, nullptr);
  EXPECT_LT(cache.bytes(), 100u);
}

TEST(FeedCache, TheOldestFeedsGoFirstWhenTheBudgetIsFull) {
  FeedCache cache(1000);
  cache.Insert("a", "1", std::string(400, 'a'));
  cache.Insert("b", "1", std::string(400, 'b'));
  cache.Insert("c", "1", std::string(400, 'c'));
  EXPECT_EQ(cache.Find("a", "1"), nullptr);
  EXPECT_NE(cache.Find("b", "1"), nullptr);
  EXPECT_NE(cache.Find("c", "1"), nullptr);
  EXPECT_LE(cache.bytes(), 1000u);
}

}  // namespace
}  // namespace podmeta::http
