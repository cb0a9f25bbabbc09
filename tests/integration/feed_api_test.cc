// ImportFeed and ExportFeed through the shipped client library.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "absl/strings/str_replace.h"
#include "support/api_test.h"

namespace podmeta {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::SizeIs;

class FeedApiTest : public testing::ApiTest {
 protected:
  // seasons.xml as this test's own show: its podcast:guid and URL are the
  // test's, so tests never find each other's podcasts.
  std::string SeasonsFeed() {
    std::ifstream file(std::string(PODMETA_FEEDS_DIR) + "/seasons.xml");
    std::stringstream content;
    content << file.rdbuf();
    return absl::StrReplaceAll(content.str(), {{"5b3f2e1a-8c4d-5e6f-9a7b-0c1d2e3f4a5b", podcast_id()},
                                               {"compiler-nights.xml", podcast_id() + ".xml"}});
  }

  v1::ImportFeedRequest Request(const std::string& content) {
    v1::ImportFeedRequest request;
    request.set_content(content);
    request.set_podcast_id(podcast_id());
    request.set_skip_chapter_files(true);
    return request;
  }
};

TEST_F(FeedApiTest, ImportsExportsAndReimportsWithoutChange) {
  absl::StatusOr<v1::ImportFeedResponse> imported = client().ImportFeed(Request(SeasonsFeed()));
  ASSERT_TRUE(imported.ok()) << imported.status();
  EXPECT_THAT(imported->created_episodes(), SizeIs(9));
  EXPECT_EQ(imported->podcast().name(), podcast());
  EXPECT_EQ(imported->podcast().author(), "Ada Quill & Ravi Marchetti");
  EXPECT_EQ(imported->podcast().type(), v1::Podcast::SERIAL);

  absl::StatusOr<v1::ExportFeedResponse> exported = client().ExportFeed(podcast());
  ASSERT_TRUE(exported.ok()) << exported.status();
  EXPECT_THAT(exported->content(), HasSubstr("<itunes:episodeType>trailer</itunes:episodeType>"));
  EXPECT_THAT(exported->content(), HasSubstr("<podcast:season name=\"Optimizers\">2</podcast:season>"));

  v1::ImportFeedRequest again = Request(exported->content());
  again.clear_podcast_id();  // found by its podcast:guid
  absl::StatusOr<v1::ImportFeedResponse> reimported = client().ImportFeed(again);
  ASSERT_TRUE(reimported.ok()) << reimported.status();
  EXPECT_EQ(reimported->podcast().name(), podcast());
  EXPECT_FALSE(reimported->podcast_updated());
  EXPECT_THAT(reimported->unchanged_episodes(), SizeIs(9));
  EXPECT_THAT(reimported->updated_episodes(), SizeIs(0));
}

TEST_F(FeedApiTest, CredentialsInAFeedUrlAreNeverReadBackOrExported) {
  // A members' feed links itself with a password and a token in its URL.
  std::string feed =
      absl::StrReplaceAll(SeasonsFeed(), {{"https://feeds.example.com/", "https://member:hunter2@feeds.example.com/"},
                                          {podcast_id() + ".xml", podcast_id() + ".xml?auth=s3cret&v=2"}});
  ASSERT_THAT(feed, HasSubstr("hunter2"));
  absl::StatusOr<v1::ImportFeedResponse> imported = client().ImportFeed(Request(feed));
  ASSERT_TRUE(imported.ok()) << imported.status();
  absl::StatusOr<v1::Podcast> read = client().GetPodcast(podcast());
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_THAT(read->feed_uri(), HasSubstr(podcast_id() + ".xml?v=2"));
  absl::StatusOr<v1::ExportFeedResponse> exported = client().ExportFeed(podcast());
  ASSERT_TRUE(exported.ok()) << exported.status();
  for (const std::string& shown : {read->DebugString(), imported->DebugString(), exported->content()}) {
    EXPECT_THAT(shown, ::testing::Not(HasSubstr("hunter2")));
    EXPECT_THAT(shown, ::testing::Not(HasSubstr("s3cret")));
  }
}

TEST_F(FeedApiTest, ChaptersEditedThroughTheApiAreKept) {
  ASSERT_TRUE(client().ImportFeed(Request(SeasonsFeed())).ok());
  const std::string name = podcast() + "/episodes/s1e3";
  absl::StatusOr<v1::Episode> before = client().GetEpisode(name);
  ASSERT_TRUE(before.ok()) << before.status();
  EXPECT_EQ(before->chapters_source(), v1::Episode::SHOW_NOTES);
  v1::DeleteChapterRequest remove;
  remove.set_name(name);
  remove.set_index(1);
  absl::StatusOr<v1::Episode> edited = client().DeleteChapter(remove);
  ASSERT_TRUE(edited.ok()) << edited.status();
  EXPECT_EQ(edited->chapters_source(), v1::Episode::API);

  absl::StatusOr<v1::ImportFeedResponse> again = client().ImportFeed(Request(SeasonsFeed()));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_THAT(again->unchanged_episodes(), ::testing::Contains(name));
  absl::StatusOr<v1::Episode> after = client().GetEpisode(name);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->chapters_size(), before->chapters_size() - 1);
}

TEST_F(FeedApiTest, AFeedWithABadItemIsAllOrNothing) {
  std::string feed = SeasonsFeed();
  feed = absl::StrReplaceAll(feed, {{"<pubDate>Tue, 09 Jan 2024 09:00:00 +0000</pubDate>", "<pubDate>soon</pubDate>"}});
  absl::StatusOr<v1::ImportFeedResponse> imported = client().ImportFeed(Request(feed));
  ASSERT_FALSE(imported.ok());
  EXPECT_EQ(imported.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(testing::ViolatedFields(imported.status()), ElementsAre("content"));
  EXPECT_THAT(imported.status().message(), HasSubstr("pubDate \"soon\" is not a date"));
  v1::ListEpisodesRequest list;
  list.set_parent(podcast());
  absl::StatusOr<v1::ListEpisodesResponse> episodes = client().ListEpisodes(list);
  ASSERT_TRUE(episodes.ok());
  EXPECT_THAT(episodes->episodes(), SizeIs(0));
}

TEST_F(FeedApiTest, NeitherBytesNorUrlIsAnError) {
  absl::StatusOr<v1::ImportFeedResponse> imported = client().ImportFeed(v1::ImportFeedRequest());
  ASSERT_FALSE(imported.ok());
  EXPECT_THAT(testing::ViolatedFields(imported.status()), ElementsAre("content"));
}

}  // namespace
}  // namespace podmeta
