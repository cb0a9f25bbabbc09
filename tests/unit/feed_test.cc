#include "domain/feed.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "domain/errors.h"
#include "domain/import.h"
#include "google/protobuf/util/message_differencer.h"
#include "google/protobuf/util/time_util.h"

namespace podmeta::domain {
namespace {

using google::protobuf::util::TimeUtil;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

std::string ReadFeedFile(const std::string& name) {
  std::ifstream file(std::string(PODMETA_FEEDS_DIR) + "/" + name);
  std::stringstream content;
  content << file.rdbuf();
  return content.str();
}

const FeedItem* ItemByGuid(const Feed& feed, const std::string& guid) {
  for (const FeedItem& item : feed.items) {
    if (item.episode.guid() == guid) return &item;
  }
  return nullptr;
}

std::string Joined(const std::vector<PageProblem>& problems) {
  std::string text;
  for (const PageProblem& problem : problems) absl::StrAppend(&text, problem.description, "\n");
  return text;
}

int64_t Seconds(const google::protobuf::Duration& duration) { return duration.seconds(); }

std::string Utc(const google::protobuf::Timestamp& time) { return TimeUtil::ToString(time); }

TEST(FeedDates, EveryFormatSeenInFeeds) {
  bool standard = false;
  EXPECT_EQ(Utc(*ParseFeedDate("Tue, 05 Mar 2024 09:00:00 +0000", &standard)), "2024-03-05T09:00:00Z");
  EXPECT_TRUE(standard);
  EXPECT_EQ(Utc(*ParseFeedDate("Tue, 05 Mar 2024 09:00:00 GMT", &standard)), "2024-03-05T09:00:00Z");
  EXPECT_TRUE(standard);
  EXPECT_EQ(Utc(*ParseFeedDate("Mon, 4 Mar 2024 10:00:00 EST", &standard)), "2024-03-04T15:00:00Z");
  EXPECT_FALSE(standard);
  EXPECT_EQ(Utc(*ParseFeedDate("4 Mar 2024 10:00:00 PDT", &standard)), "2024-03-04T17:00:00Z");
  EXPECT_FALSE(standard);
  EXPECT_EQ(Utc(*ParseFeedDate("Wed, 06 Mar 2024 18:30 GMT", &standard)), "2024-03-06T18:30:00Z");
  EXPECT_EQ(Utc(*ParseFeedDate("2024-03-07T08:00:00Z", &standard)), "2024-03-07T08:00:00Z");
  EXPECT_FALSE(standard);
  EXPECT_EQ(Utc(*ParseFeedDate("2024-03-08T08:00:00+02:00", &standard)), "2024-03-08T06:00:00Z");
  EXPECT_EQ(Utc(*ParseFeedDate("Sat, 9 Mar 2024 10:00:00 -0500", &standard)), "2024-03-09T15:00:00Z");
  EXPECT_EQ(Utc(*ParseFeedDate("Sun, 10 March 2024 10:00:00 +0000", &standard)), "2024-03-10T10:00:00Z");
  EXPECT_EQ(Utc(*ParseFeedDate("2024-03-07", &standard)), "2024-03-07T00:00:00Z");
  EXPECT_EQ(Utc(*ParseFeedDate("Thu, 01 Jan 98 00:00:00 GMT", &standard)), "1998-01-01T00:00:00Z");
  EXPECT_FALSE(ParseFeedDate("sometime last week", &standard).has_value());
  EXPECT_FALSE(ParseFeedDate("31 Feb 2024 10:00:00 GMT", &standard).has_value());
  EXPECT_FALSE(ParseFeedDate("Mon, 4 Foo 2024 10:00:00 GMT", &standard).has_value());
  EXPECT_FALSE(ParseFeedDate("Mon, 4 Mar 2024 10:00:00 XYZ", &standard).has_value());
  EXPECT_FALSE(ParseFeedDate("", &standard).has_value());
}

TEST(FeedDurations, SecondsMinutesAndHours) {
  EXPECT_EQ(Seconds(*ParseFeedDuration("3725")), 3725);
  EXPECT_EQ(Seconds(*ParseFeedDuration("45:10")), 2710);
  EXPECT_EQ(Seconds(*ParseFeedDuration("1:02:03")), 3723);
  EXPECT_EQ(Seconds(*ParseFeedDuration("01:02:03")), 3723);
  EXPECT_EQ(ParseFeedDuration("90.5")->nanos(), 500000000);
  EXPECT_FALSE(ParseFeedDuration("about an hour").has_value());
  EXPECT_FALSE(ParseFeedDuration("1:75").has_value());
  EXPECT_FALSE(ParseFeedDuration("-5").has_value());
  EXPECT_FALSE(ParseFeedDuration("1:2:3:4").has_value());
}

TEST(FeedGuid, IsTheNamespacesUuidV5OfTheUrlWithoutSchemeAndTrailingSlashes) {
  // The example the Podcasting 2.0 namespace gives for podcast:guid.
  EXPECT_EQ(FeedGuidOf("https://podnews.net/rss"), "9b024349-ccf0-5f69-a609-6b82873eab3c");
  EXPECT_EQ(FeedGuidOf("http://podnews.net/rss/"), "9b024349-ccf0-5f69-a609-6b82873eab3c");
  EXPECT_EQ(FeedGuidOf("podnews.net/rss//"), "9b024349-ccf0-5f69-a609-6b82873eab3c");
  EXPECT_NE(FeedGuidOf("https://podnews.net/rss2"), FeedGuidOf("https://podnews.net/rss"));
}

TEST(ShowNotes, TimestampLinesOfEveryShapeBecomeChapters) {
  google::protobuf::Duration hour;
  hour.set_seconds(3723);
  const auto chapters = ShowNotesChapters(
      "Welcome!\n00:00 Intro\n1:02 - Recap of lexing\n12:30 – Recursive descent\n[20:00] Tools\n"
      "(01:00:15) Outro\nThanks for listening",
      hour);
  ASSERT_EQ(chapters.size(), 5);
  EXPECT_EQ(chapters[0].title(), "Intro");
  EXPECT_EQ(chapters[1].start_offset().seconds(), 62);
  EXPECT_EQ(chapters[1].title(), "Recap of lexing");
  EXPECT_EQ(chapters[2].title(), "Recursive descent");
  EXPECT_EQ(chapters[3].start_offset().seconds(), 1200);
  EXPECT_EQ(chapters[4].start_offset().seconds(), 3615);
  EXPECT_EQ(chapters[4].title(), "Outro");
}

TEST(ShowNotes, NoChaptersFromOneTimestampOrTimestampsOutOfOrder) {
  google::protobuf::Duration unknown;
  EXPECT_THAT(ShowNotesChapters("We met at 10:30 to record.\n", unknown), IsEmpty());
  EXPECT_THAT(ShowNotesChapters("10:00 Later\n05:00 Earlier\n", unknown), IsEmpty());
  google::protobuf::Duration short_episode;
  short_episode.set_seconds(600);
  EXPECT_THAT(ShowNotesChapters("00:00 Start\n45:00 Way past the end\n", short_episode), IsEmpty());
}

TEST(HtmlText, TagsDroppedParagraphsKept) {
  EXPECT_EQ(PlainTextOfHtml("<p>Coffee: <b>green</b> or brown?<br/>We settle it.</p><p>Thanks &amp; bye</p>"),
            "Coffee: green or brown?\nWe settle it.\nThanks & bye");
  EXPECT_EQ(PlainTextOfHtml("plain   words"), "plain words");
}

class SeasonsFeed : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<Feed> parsed = ParseFeed(ReadFeedFile("seasons.xml"));
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    feed_ = *std::move(parsed);
  }
  Feed feed_;
};

TEST_F(SeasonsFeed, ReadsTheChannel) {
  const v1::Podcast& podcast = feed_.podcast;
  EXPECT_EQ(podcast.title(), "Compiler Nights");
  EXPECT_EQ(podcast.language(), "en-us");
  EXPECT_EQ(feed_.self_uri, "https://feeds.example.com/compiler-nights.xml");
  EXPECT_EQ(podcast.feed_uri(), feed_.self_uri);
  EXPECT_EQ(podcast.author(), "Ada Quill & Ravi Marchetti");
  EXPECT_EQ(podcast.owner().name(), "Ada Quill");
  EXPECT_EQ(podcast.owner().email(), "ada@compilernights.example");
  EXPECT_EQ(podcast.image_uri(), "https://compilernights.example/art/cover-3000.jpg");
  ASSERT_EQ(podcast.categories_size(), 2);
  EXPECT_EQ(podcast.categories(0).name(), "Technology");
  EXPECT_EQ(podcast.categories(1).name(), "Education");
  EXPECT_THAT(podcast.categories(1).subcategories(), ElementsAre("Courses"));
  EXPECT_EQ(podcast.type(), v1::Podcast::SERIAL);
  EXPECT_FALSE(podcast.explicit_());
  EXPECT_TRUE(podcast.has_explicit_());
  EXPECT_TRUE(podcast.locked());
  EXPECT_EQ(podcast.locked_owner(), "ada@compilernights.example");
  EXPECT_EQ(podcast.guid(), "5b3f2e1a-8c4d-5e6f-9a7b-0c1d2e3f4a5b");
  ASSERT_EQ(podcast.funding_size(), 1);
  EXPECT_EQ(podcast.funding(0).uri(), "https://compilernights.example/support");
  EXPECT_EQ(podcast.funding(0).text(), "Buy the hosts a very large coffee");
  EXPECT_EQ(podcast.medium(), "podcast");
  ASSERT_EQ(podcast.people_size(), 2);
  EXPECT_EQ(podcast.people(0).display_name(), "Ada Quill");
  EXPECT_EQ(podcast.people(0).role(), v1::Person::HOST);
  EXPECT_FALSE(podcast.people(0).image_uri().empty());
  EXPECT_THAT(feed_.problems, IsEmpty()) << Joined(feed_.problems);
  EXPECT_THAT(feed_.warnings, IsEmpty()) << Joined(feed_.warnings);
}

TEST_F(SeasonsFeed, ReadsEveryItemWithSeasonsNumbersAndTypes) {
  ASSERT_EQ(feed_.items.size(), 9u);
  const FeedItem* s2e3 = ItemByGuid(feed_, "cn-s2e3-1d4f");
  ASSERT_NE(s2e3, nullptr);
  EXPECT_EQ(s2e3->episode.season(), 2);
  EXPECT_EQ(s2e3->episode.number(), 3);
  EXPECT_EQ(s2e3->episode.type(), v1::Episode::FULL);
  EXPECT_EQ(s2e3->episode.season_name(), "Optimizers");
  EXPECT_EQ(s2e3->episode.duration().seconds(), 4530);
  EXPECT_EQ(s2e3->chapters_uri, "http://127.0.0.1:PORT/chapters/s2e3.json");
  EXPECT_THAT(s2e3->episode.chapters(), IsEmpty());  // from the file, fetched by the caller
  ASSERT_EQ(s2e3->episode.transcripts_size(), 1);
  EXPECT_EQ(s2e3->episode.transcripts(0).language(), "en-GB");
  ASSERT_EQ(s2e3->episode.soundbites_size(), 1);
  EXPECT_EQ(s2e3->episode.soundbites(0).start_offset().seconds(), 1204);
  EXPECT_EQ(s2e3->episode.soundbites(0).duration().nanos(), 500000000);
  EXPECT_EQ(s2e3->episode.soundbites(0).title(), "Why spilling is not a moral failing");

  const FeedItem* bonus = ItemByGuid(feed_, "cn-s2-bonus-0b9c");
  ASSERT_NE(bonus, nullptr);
  EXPECT_EQ(bonus->episode.type(), v1::Episode::BONUS);
  EXPECT_EQ(bonus->episode.number(), 2);
  ASSERT_EQ(bonus->episode.people_size(), 1);
  EXPECT_EQ(bonus->episode.people(0).role(), v1::Person::HOST);  // no role means host
  EXPECT_EQ(bonus->episode.people(0).taxonomy_role(), "host");

  const FeedItem* trailer = ItemByGuid(feed_, "cn-s1-trailer-a1c0");
  ASSERT_NE(trailer, nullptr);
  EXPECT_EQ(trailer->episode.type(), v1::Episode::TRAILER);
  EXPECT_FALSE(trailer->episode.has_number());
  EXPECT_EQ(trailer->episode.season(), 1);

  const FeedItem* s1e1 = ItemByGuid(feed_, "cn-s1e1-7f3a");
  ASSERT_NE(s1e1, nullptr);
  EXPECT_EQ(s1e1->episode.number_display(), "Ch. 1");
  EXPECT_EQ(s1e1->episode.duration().seconds(), 3725);
  EXPECT_EQ(s1e1->episode.transcripts(0).rel(), "captions");
  EXPECT_EQ(s1e1->episode.enclosure().mime_type(), "audio/mpeg");
  EXPECT_EQ(s1e1->episode.enclosure().length_bytes(), 3725 * 16000);
  EXPECT_EQ(s1e1->episode.people(0).role(), v1::Person::GUEST);
  EXPECT_EQ(s1e1->episode.people(0).group(), "cast");
  EXPECT_FALSE(s1e1->episode.show_notes_html().empty());
  EXPECT_FALSE(s1e1->episode.description().empty());
  EXPECT_EQ(Utc(s1e1->episode.publish_time()), "2024-01-09T09:00:00Z");

  const FeedItem* s2e1 = ItemByGuid(feed_, "cn-s2e1-e07b");
  ASSERT_NE(s2e1, nullptr);
  EXPECT_EQ(s2e1->episode.people(0).taxonomy_role(), "producer");
  EXPECT_EQ(s2e1->episode.people(0).group(), "audio post-production");
  EXPECT_EQ(s2e1->episode.people(0).role(), v1::Person::ROLE_UNSPECIFIED);
}

TEST_F(SeasonsFeed, ShowNoteTimestampsBecomeChaptersWhereThereIsNoChaptersFile) {
  const FeedItem* s1e3 = ItemByGuid(feed_, "cn-s1e3-c92e");
  ASSERT_NE(s1e3, nullptr);
  EXPECT_EQ(s1e3->episode.chapters_source(), v1::Episode::SHOW_NOTES);
  ASSERT_EQ(s1e3->episode.chapters_size(), 4);
  EXPECT_EQ(s1e3->episode.chapters(0).title(), "Intro");
  EXPECT_EQ(s1e3->episode.chapters(1).start_offset().seconds(), 62);
  EXPECT_EQ(s1e3->episode.chapters(2).start_offset().seconds(), 750);
  EXPECT_EQ(s1e3->episode.chapters(3).start_offset().seconds(), 3615);

  const FeedItem* s2e2 = ItemByGuid(feed_, "cn-s2e2-f3a8");
  ASSERT_NE(s2e2, nullptr);
  ASSERT_EQ(s2e2->episode.chapters_size(), 4);
  EXPECT_EQ(s2e2->episode.chapters(1).title(), "Why inlining comes first");
  EXPECT_EQ(s2e2->episode.chapters(2).start_offset().seconds(), 1300);

  const FeedItem* s1e2 = ItemByGuid(feed_, "cn-s1e2-b41d");
  ASSERT_NE(s1e2, nullptr);
  EXPECT_THAT(s1e2->episode.chapters(), IsEmpty());
  EXPECT_EQ(s1e2->episode.chapters_source(), v1::Episode::CHAPTERS_SOURCE_UNSPECIFIED);
}

TEST_F(SeasonsFeed, WritingAndReadingBackGivesTheSameFeed) {
  v1::Podcast podcast = feed_.podcast;
  podcast.set_name("podcasts/compiler-nights");
  std::vector<v1::Episode> episodes;
  for (const FeedItem& item : feed_.items) episodes.push_back(item.episode);
  const std::string written = WriteFeed(podcast, episodes, FeedWriteOptions{});
  absl::StatusOr<Feed> again = ParseFeed(written);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_THAT(again->warnings, IsEmpty()) << Joined(again->warnings);
  EXPECT_THAT(again->problems, IsEmpty()) << Joined(again->problems);
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(again->podcast, feed_.podcast))
      << again->podcast.DebugString() << "\nvs\n"
      << feed_.podcast.DebugString();
  ASSERT_EQ(again->items.size(), feed_.items.size());
  for (size_t i = 0; i < feed_.items.size(); ++i) {
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(again->items[i].episode, feed_.items[i].episode))
        << again->items[i].episode.DebugString() << "\nvs\n"
        << feed_.items[i].episode.DebugString();
  }
}

TEST(WriteFeed, LinksChaptersUnderThePublicBaseUrlAndEscapesEverything) {
  v1::Podcast podcast;
  podcast.set_name("podcasts/p");
  podcast.set_title("Ampersands & <angles> ]]> and \"quotes\"");
  v1::Episode episode;
  episode.set_name("podcasts/p/episodes/7");
  episode.set_guid("g-7");
  episode.set_title("Seven");
  episode.set_show_notes_html("<p>a ]]> b</p>");
  *episode.mutable_publish_time() = TimeUtil::SecondsToTimestamp(1700000000);
  episode.add_chapters()->set_title("Start");
  const std::string written = WriteFeed(podcast, {episode}, FeedWriteOptions{"https://pm.example/"});
  EXPECT_THAT(written, HasSubstr("url=\"https://pm.example/v1/podcasts/p/episodes/7/chapters.json\""));
  EXPECT_THAT(written, HasSubstr("type=\"application/json+chapters\""));
  absl::StatusOr<Feed> again = ParseFeed(written);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->podcast.title(), podcast.title());
  ASSERT_EQ(again->items.size(), 1u);
  EXPECT_EQ(again->items[0].episode.show_notes_html(), "<p>a ]]> b</p>");
}

TEST(DamagedFeed, IsReadWithEveryRepairReportedByLine) {
  absl::StatusOr<Feed> feed = ParseFeed(ReadFeedFile("damaged.xml"));
  ASSERT_TRUE(feed.ok()) << feed.status();
  const std::string warnings = Joined(feed->warnings);
  EXPECT_THAT(warnings, HasSubstr("the XML declaration is not at the start"));
  EXPECT_EQ(feed->warnings.front().line, 3);
  EXPECT_THAT(warnings, HasSubstr("&nbsp; is not defined in XML"));
  EXPECT_THAT(warnings, HasSubstr("'&' starts no entity"));
  EXPECT_THAT(warnings, HasSubstr("namespace prefix \"podcast\" is used but not declared"));
  EXPECT_THAT(warnings, HasSubstr("holds HTML that is neither escaped nor in CDATA"));
  EXPECT_THAT(warnings, HasSubstr("is not RFC 822; read as 2024-03-04T15:00:00Z"));
  EXPECT_THAT(warnings, HasSubstr("\"about an hour\" is not a duration"));
  EXPECT_THAT(warnings, HasSubstr("its enclosure URL is used as its guid"));
  EXPECT_EQ(feed->podcast.title(), "The Compost Heap\u00a0Hour");
  EXPECT_THAT(feed->podcast.description(), HasSubstr("café chats"));
  ASSERT_EQ(feed->items.size(), 8u);
  EXPECT_EQ(feed->items[0].episode.title(), "Leaf Mould\u00a0\u2013 Slow Gold");
  EXPECT_EQ(feed->items[2].episode.title(), "Q&A night");
  EXPECT_EQ(feed->items[2].episode.number(), 3);
  EXPECT_EQ(feed->items[3].episode.title(), "Hot Composting & Thermometers");
  EXPECT_EQ(feed->items[1].episode.description(),
            "Coffee grounds: green or brown?\nWe finally settle it.\n"
            "Thanks to our listeners for the questions.");
  EXPECT_THAT(feed->items[1].episode.show_notes_html(), HasSubstr("<b>green</b>"));
  // The one item whose date is no date cannot be imported, and says so.
  ASSERT_EQ(feed->problems.size(), 1u) << Joined(feed->problems) << "--" << Joined(feed->warnings);
  EXPECT_THAT(feed->problems[0].description, HasSubstr("pubDate \"sometime last week\" is not a date"));
  EXPECT_EQ(feed->problems[0].line, feed->items[7].line);
  EXPECT_FALSE(feed->items[7].valid);
  for (const PageProblem& warning : feed->warnings) EXPECT_GT(warning.line, 0) << warning.description;
}

TEST(BadFeeds, BombsExternalEntitiesAndNonFeedsAreErrorsWithALine) {
  for (const char* name : {"bomb.xml", "xxe.xml"}) {
    absl::StatusOr<Feed> feed = ParseFeed(ReadFeedFile(name));
    ASSERT_FALSE(feed.ok()) << name;
    EXPECT_EQ(feed.status().code(), absl::StatusCode::kInvalidArgument);
    ASSERT_EQ(FieldViolationsOf(feed.status()).size(), 1u);
    EXPECT_THAT(FieldViolationsOf(feed.status())[0].description, HasSubstr("declares entities")) << name;
    EXPECT_THAT(FieldViolationsOf(feed.status())[0].description, ::testing::StartsWith("line ")) << name;
  }
  absl::StatusOr<Feed> html = ParseFeed(ReadFeedFile("not_a_feed.xml"));
  ASSERT_FALSE(html.ok());
  EXPECT_THAT(FieldViolationsOf(html.status())[0].description, HasSubstr("not an RSS feed"));
  EXPECT_FALSE(ParseFeed("").ok());
  EXPECT_FALSE(ParseFeed("just words").ok());
  EXPECT_FALSE(ParseFeed("<rss><channel></channel></rss>").ok());  // no title
}

// ASCII text as UTF-16 (little or big endian), with or without a byte order
// mark: what a scan of the raw bytes for "<!ENTITY" cannot see.
std::string AsciiAsUtf16(absl::string_view text, bool big_endian, bool byte_order_mark) {
  std::string out;
  if (byte_order_mark) out += big_endian ? "\xFE\xFF" : "\xFF\xFE";
  for (char c : text) {
    if (big_endian) out += '\0';
    out += c;
    if (!big_endian) out += '\0';
  }
  return out;
}

TEST(BadFeeds, EntityDeclarationsAreRefusedInWhateverEncodingTheFeedIsIn) {
  for (const char* name : {"bomb.xml", "xxe.xml"}) {
    std::string feed_text = ReadFeedFile(name);
    absl::StrReplaceAll({{"encoding=\"UTF-8\"", "encoding=\"UTF-16\""}}, &feed_text);
    for (bool big_endian : {false, true}) {
      for (bool byte_order_mark : {false, true}) {
        absl::StatusOr<Feed> feed = ParseFeed(AsciiAsUtf16(feed_text, big_endian, byte_order_mark));
        ASSERT_FALSE(feed.ok()) << name << " big_endian=" << big_endian << " bom=" << byte_order_mark;
        EXPECT_EQ(feed.status().code(), absl::StatusCode::kInvalidArgument);
        ASSERT_EQ(FieldViolationsOf(feed.status()).size(), 1u);
        EXPECT_THAT(FieldViolationsOf(feed.status())[0].description, ::testing::StartsWith("line 3: "));
        EXPECT_THAT(FieldViolationsOf(feed.status())[0].description, HasSubstr("declares entities"));
      }
    }
  }
  // A parameter entity, declared and used inside the internal subset.
  absl::StatusOr<Feed> parameter = ParseFeed(
      "<?xml version=\"1.0\"?>\n<!DOCTYPE rss [\n<!ENTITY % p \"<!ENTITY x 'boom'>\"> %p;\n]>\n"
      "<rss><channel><title>&x;</title></channel></rss>");
  ASSERT_FALSE(parameter.ok());
  EXPECT_THAT(FieldViolationsOf(parameter.status())[0].description, ::testing::StartsWith("line 3: "));
}

TEST(Feeds, AUtf16FeedWithoutEntitiesIsRead) {
  const std::string text =
      "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n<rss version=\"2.0\"><channel><title>Wide Show</title>\n"
      "<item><title>One</title><guid>w-1</guid></item></channel></rss>";
  for (bool big_endian : {false, true}) {
    absl::StatusOr<Feed> feed = ParseFeed(AsciiAsUtf16(text, big_endian, true));
    ASSERT_TRUE(feed.ok()) << feed.status();
    EXPECT_EQ(feed->podcast.title(), "Wide Show");
    ASSERT_EQ(feed->items.size(), 1u);
    EXPECT_EQ(feed->items[0].episode.title(), "One");
  }
}

TEST(BadFeeds, ATruncatedFeedKeepsItsWholeItemsAndFlagsTheCutOne) {
  absl::StatusOr<Feed> feed = ParseFeed(ReadFeedFile("truncated.xml"));
  ASSERT_TRUE(feed.ok()) << feed.status();
  ASSERT_GE(feed->items.size(), 2u);
  EXPECT_TRUE(feed->items[0].valid);
  EXPECT_FALSE(feed->items.back().valid);
  EXPECT_THAT(Joined(feed->problems), HasSubstr("the feed ends inside this item"));
}

TEST(MinimalFeed, PlainRssWithoutGuidsOrNamespaces) {
  absl::StatusOr<Feed> feed = ParseFeed(ReadFeedFile("minimal.xml"));
  ASSERT_TRUE(feed.ok()) << feed.status();
  ASSERT_EQ(feed->items.size(), 3u);
  EXPECT_THAT(feed->problems, IsEmpty()) << Joined(feed->problems);
  for (const FeedItem& item : feed->items) {
    EXPECT_EQ(item.episode.guid(), item.episode.enclosure().uri());
  }
  EXPECT_TRUE(feed->podcast.guid().empty());
}

}  // namespace
}  // namespace podmeta::domain

namespace podmeta::domain {
namespace {

TEST(FeedRoundTrip, PlainTextAboutCodeIsNotTakenForHtml) {
  v1::Podcast podcast;
  podcast.set_name("podcasts/code");
  podcast.set_title("Code Talk");
  podcast.set_description("Templates: std::vector<int> and friends.");
  v1::Episode episode;
  episode.set_name("podcasts/code/episodes/1");
  episode.set_guid("code-1");
  episode.set_title("Generics in <T> form");
  episode.set_description("Why std::map<std::string, int> beats a <list>.\nAnd when it does not.");
  *episode.mutable_publish_time() = google::protobuf::util::TimeUtil::SecondsToTimestamp(1'700'000'000);
  absl::StatusOr<Feed> read = ParseFeed(WriteFeed(podcast, {episode}, {}));
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->podcast.description(), podcast.description());
  ASSERT_EQ(read->items.size(), 1u);
  EXPECT_EQ(read->items[0].episode.title(), episode.title());
  EXPECT_EQ(read->items[0].episode.description(), episode.description());
  EXPECT_TRUE(read->items[0].episode.show_notes_html().empty());
  // Real HTML is still read as HTML.
  episode.set_description("<p>Show <b>notes</b></p>");
  read = ParseFeed(WriteFeed(podcast, {episode}, {}));
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->items[0].episode.description(), "Show notes");
}

TEST(ImportAnswer, CountsEveryEpisodeAndNamesTheFirstThousandOfEach) {
  v1::ImportFeedResponse response;
  for (int i = 0; i < kMaxImportNamesPerList + 5; ++i) {
    RecordImported(response, ImportOutcome::kCreated, absl::StrCat("podcasts/p/episodes/", i));
  }
  RecordImported(response, ImportOutcome::kUnchanged, "podcasts/p/episodes/old");
  EXPECT_EQ(response.created_count(), kMaxImportNamesPerList + 5);
  EXPECT_EQ(response.created_episodes_size(), kMaxImportNamesPerList);
  EXPECT_EQ(response.created_episodes(0), "podcasts/p/episodes/0");
  EXPECT_EQ(response.unchanged_count(), 1);
  EXPECT_EQ(response.unchanged_episodes(0), "podcasts/p/episodes/old");
  EXPECT_EQ(response.updated_count(), 0);
}

TEST(PublicUri, DropsUserinfoAndSecretQueryParametersOnly) {
  EXPECT_EQ(PublicUri("https://ann:pw@feeds.example/show.xml"), "https://feeds.example/show.xml");
  EXPECT_EQ(PublicUri("https://feeds.example/show.xml?auth=abc&format=rss&api_key=1&X-Amz-Signature=z#top"),
            "https://feeds.example/show.xml?format=rss#top");
  EXPECT_EQ(PublicUri("https://feeds.example/members?token=t"), "https://feeds.example/members");
  EXPECT_EQ(PublicUri("https://feeds.example/a@b/show.xml"), "https://feeds.example/a@b/show.xml");
  EXPECT_EQ(PublicUri("https://feeds.example/show.xml"), "https://feeds.example/show.xml");
  EXPECT_EQ(PublicUri("not a uri"), "not a uri");
}

}  // namespace
}  // namespace podmeta::domain
