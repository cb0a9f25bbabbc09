// Chapter files and concurrent chapter edits, over real gRPC and PostgreSQL,
// through the client library (testing::ApiTest: each test has its podcast).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "support/api_test.h"
#include "support/grpc_test_helpers.h"

namespace podmeta {
namespace {

using ::podmeta::testing::MakeChapter;
using ::podmeta::testing::MakeEpisode;
using ::podmeta::testing::ViolatedFields;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class ChaptersApiTest : public testing::ApiTest {
 protected:
  v1::Episode Create(int number, std::vector<v1::Chapter> chapters) {
    return CreateEpisode(MakeEpisode("Episode " + std::to_string(number), number, number, std::move(chapters)));
  }

  absl::StatusOr<std::string> Export(const std::string& name, v1::ChapterFormat format) {
    v1::ExportChaptersRequest request;
    request.set_name(name);
    request.set_format(format);
    absl::StatusOr<v1::ExportChaptersResponse> response = client().ExportChapters(request);
    if (!response.ok()) return response.status();
    return response->content();
  }

  absl::StatusOr<v1::Episode> Import(const std::string& name, const std::string& content,
                                     const std::string& etag = "") {
    v1::ImportChaptersRequest request;
    request.set_name(name);
    request.set_content(content);
    request.set_etag(etag);
    return client().ImportChapters(request);
  }
};

TEST_F(ChaptersApiTest, ExportThenImportGivesTheSameChaptersInEveryFormat) {
  const v1::Episode source =
      Create(1, {MakeChapter(0, "INTRO"), MakeChapter(90, "PART 1: <Tags> & \"Quotes\""), MakeChapter(123, "Łukasz")});
  const v1::Episode target = Create(2, {});
  for (v1::ChapterFormat format : {v1::PODCASTING2_JSON, v1::PODLOVE_SIMPLE_CHAPTERS, v1::WEBVTT, v1::PLAIN_TEXT}) {
    absl::StatusOr<std::string> content = Export(source.name(), format);
    ASSERT_TRUE(content.ok()) << content.status();
    absl::StatusOr<v1::Episode> imported = Import(target.name(), *content);
    ASSERT_TRUE(imported.ok()) << v1::ChapterFormat_Name(format) << ": " << imported.status();
    ASSERT_EQ(imported->chapters_size(), 3);
    for (int i = 0; i < 3; ++i) {
      EXPECT_EQ(imported->chapters(i).title(), source.chapters(i).title());
      EXPECT_EQ(imported->chapters(i).start_offset().seconds(), source.chapters(i).start_offset().seconds());
      EXPECT_EQ(imported->chapters(i).end_offset().seconds(), source.chapters(i).end_offset().seconds());
      EXPECT_EQ(imported->chapters(i).part(), source.chapters(i).part());
    }
  }
}

TEST_F(ChaptersApiTest, ASpecCompleteFileImportsWithItsLocationsSilentChaptersAndFileFields) {
  const v1::Episode episode = Create(12, {MakeChapter(0, "Placeholder")});
  std::ifstream in(std::string(PODMETA_CHAPTERS_DIR) + "/walking-tour.json");
  std::stringstream content;
  content << in.rdbuf();
  absl::StatusOr<v1::Episode> imported = Import(episode.name(), content.str());
  ASSERT_TRUE(imported.ok()) << imported.status();
  ASSERT_EQ(imported->chapters_size(), 7);
  EXPECT_EQ(imported->chapter_file_info().podcast_name(), "Harbour Walks");
  EXPECT_EQ(imported->chapter_file_info().title(), "Episode 12 - Along the Motława");

  absl::StatusOr<v1::Episode> stored = client().GetEpisode(episode.name());
  ASSERT_TRUE(stored.ok()) << stored.status();
  const v1::Chapter& silent = stored->chapters(3);
  EXPECT_EQ(silent.title(), "");
  EXPECT_FALSE(silent.toc());
  EXPECT_EQ(silent.location().geo(), "geo:54.3469,18.6590");
  EXPECT_EQ(stored->chapters(1).location().osm(), "W52947063");
  EXPECT_EQ(stored->chapters(1).start_offset().nanos(), 500'000'000);
  EXPECT_TRUE(stored->chapter_file_info().waypoints());

  absl::StatusOr<std::string> json = Export(episode.name(), v1::PODCASTING2_JSON);
  ASSERT_TRUE(json.ok()) << json.status();
  EXPECT_THAT(*json, HasSubstr("\"podcastName\": \"Harbour Walks\""));
  EXPECT_THAT(*json, HasSubstr("\"osm\": \"W52947063\""));
  EXPECT_THAT(*json, HasSubstr("\"fileName\": \"harbour-walks-012.mp3\""));
  // The export imported again keeps every chapter, its location and its id
  // (the export states the derived ends, which are then stored).
  absl::StatusOr<v1::Episode> again = Import(episode.name(), *json);
  ASSERT_TRUE(again.ok()) << again.status();
  ASSERT_EQ(again->chapters_size(), 7);
  for (int i = 0; i < 7; ++i) {
    EXPECT_EQ(again->chapters(i).id(), stored->chapters(i).id());
    EXPECT_EQ(again->chapters(i).title(), stored->chapters(i).title());
    EXPECT_EQ(again->chapters(i).location().SerializeAsString(), stored->chapters(i).location().SerializeAsString());
  }
  EXPECT_EQ(again->chapter_file_info().SerializeAsString(), stored->chapter_file_info().SerializeAsString());

  // An untitled chapter that is in the table of contents is refused.
  v1::ReplaceChaptersRequest replace;
  replace.set_name(episode.name());
  *replace.add_chapters() = MakeChapter(0, "");
  EXPECT_THAT(ViolatedFields(client().ReplaceChapters(replace).status()), ElementsAre("chapters[0].title"));
}

TEST_F(ChaptersApiTest, ChaptersKeepTheirIdsThroughEditsSoAnEditByIdReachesTheChapterRead) {
  const v1::Episode episode = Create(13, {MakeChapter(0, "Intro"), MakeChapter(60, "News"), MakeChapter(120, "Mail")});
  ASSERT_EQ(episode.chapters_size(), 3);
  std::set<std::string> ids;
  for (const v1::Chapter& chapter : episode.chapters()) {
    EXPECT_EQ(chapter.id().size(), 10u);
    ids.insert(chapter.id());
  }
  EXPECT_EQ(ids.size(), 3u);
  const std::string news = episode.chapters(1).id();
  const std::string mail = episode.chapters(2).id();

  // Another editor inserts a chapter before "News": positions move, ids stay.
  v1::InsertChapterRequest insert;
  insert.set_name(episode.name());
  *insert.mutable_chapter() = MakeChapter(30, "Cold open");
  insert.mutable_chapter()->set_id(news);  // an id given with a new chapter is not taken
  absl::StatusOr<v1::Episode> inserted = client().InsertChapter(insert);
  ASSERT_TRUE(inserted.ok()) << inserted.status();
  EXPECT_EQ(inserted->chapters(2).id(), news);
  EXPECT_NE(inserted->chapters(1).id(), news);

  // The first editor still holds index 1 = "News" and its id: by id, the
  // right chapter changes.
  v1::UpdateChapterRequest update;
  update.set_name(episode.name());
  update.set_index(1);
  update.set_chapter_id(news);
  update.mutable_chapter()->set_title("Headlines");
  update.mutable_update_mask()->add_paths("title");
  absl::StatusOr<v1::Episode> updated = client().UpdateChapter(update);
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->chapters(1).title(), "Cold open");
  EXPECT_EQ(updated->chapters(2).title(), "Headlines");
  EXPECT_EQ(updated->chapters(2).id(), news);

  v1::DeleteChapterRequest remove;
  remove.set_name(episode.name());
  remove.set_chapter_id(mail);
  absl::StatusOr<v1::Episode> removed = client().DeleteChapter(remove);
  ASSERT_TRUE(removed.ok()) << removed.status();
  ASSERT_EQ(removed->chapters_size(), 3);
  EXPECT_EQ(removed->chapters(2).title(), "Headlines");
  const absl::Status gone = client().DeleteChapter(remove).status();
  EXPECT_EQ(gone.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(ErrorReason(gone), "CHAPTER_NOT_FOUND");

  // The list sent back as read keeps every id; a made-up id is refused.
  v1::ReplaceChaptersRequest replace;
  replace.set_name(episode.name());
  *replace.mutable_chapters() = removed->chapters();
  replace.mutable_chapters(0)->set_title("Welcome");
  absl::StatusOr<v1::Episode> replaced = client().ReplaceChapters(replace);
  ASSERT_TRUE(replaced.ok()) << replaced.status();
  for (int i = 0; i < 3; ++i) EXPECT_EQ(replaced->chapters(i).id(), removed->chapters(i).id());
  replace.mutable_chapters(1)->set_id("madeupid00");
  EXPECT_THAT(ViolatedFields(client().ReplaceChapters(replace).status()), ElementsAre("chapters[1].id"));

  // An import of a file keeps the ids of the chapters it leaves alone.
  absl::StatusOr<v1::Episode> imported =
      Import(episode.name(), "(00:00:00) Welcome\n(00:00:30) Cold open\n(00:02:30) Letters\n");
  ASSERT_TRUE(imported.ok()) << imported.status();
  EXPECT_EQ(imported->chapters(0).id(), replaced->chapters(0).id());
  EXPECT_EQ(imported->chapters(1).id(), replaced->chapters(1).id());
  EXPECT_NE(imported->chapters(2).id(), replaced->chapters(2).id());
}

TEST_F(ChaptersApiTest, AnInvalidFileChangesNothing) {
  const v1::Episode episode = Create(1, {MakeChapter(0, "Kept")});
  absl::StatusOr<v1::Episode> rejected = Import(episode.name(), "(00:00:10) B\n(00:00:05) A\n");
  EXPECT_EQ(rejected.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ViolatedFields(rejected.status()), ElementsAre("chapters[1].start_offset"));
  rejected = Import(episode.name(), "(00:00:10) B\ngarbage\n");
  EXPECT_EQ(rejected.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(rejected.status().message(), HasSubstr("line 2"));
  absl::StatusOr<std::string> content = Export(episode.name(), v1::PLAIN_TEXT);
  ASSERT_TRUE(content.ok()) << content.status();
  EXPECT_EQ(*content, "(00:00:00) Kept\n");
}

TEST_F(ChaptersApiTest, ExportNeedsAFormat) {
  const v1::Episode episode = Create(1, {});
  absl::StatusOr<std::string> content = Export(episode.name(), v1::CHAPTER_FORMAT_UNSPECIFIED);
  EXPECT_EQ(content.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ViolatedFields(content.status()), ElementsAre("format"));
}

TEST_F(ChaptersApiTest, OfTwoWritersWithTheSameEtagExactlyOneWins) {
  const v1::Episode episode = Create(1, {MakeChapter(0, "Original")});
  for (int round = 0; round < 10; ++round) {
    absl::StatusOr<v1::Episode> current = client().GetEpisode(episode.name());
    ASSERT_TRUE(current.ok()) << current.status();
    std::atomic<int> winners{0};
    std::atomic<int> aborted{0};
    std::vector<std::thread> writers;
    for (int writer = 0; writer < 2; ++writer) {
      writers.emplace_back([&, writer] {
        v1::ReplaceChaptersRequest request;
        request.set_name(episode.name());
        request.set_etag(current->etag());
        for (int i = 0; i < 20; ++i) {
          // Unique per round, so neither write is a no-op.
          *request.add_chapters() = MakeChapter(i * 10, "writer " + std::to_string(writer) + " round " +
                                                            std::to_string(round) + " chapter " + std::to_string(i));
        }
        absl::StatusOr<v1::Episode> result = client().ReplaceChapters(request);
        if (result.ok()) ++winners;
        if (result.status().code() == absl::StatusCode::kAborted) ++aborted;
      });
    }
    for (auto& writer : writers) writer.join();
    EXPECT_EQ(winners.load(), 1) << "round " << round;
    EXPECT_EQ(aborted.load(), 1) << "round " << round;

    absl::StatusOr<v1::Episode> after = client().GetEpisode(episode.name());
    ASSERT_TRUE(after.ok()) << after.status();
    ASSERT_EQ(after->chapters_size(), 20);
    const std::string owner = after->chapters(0).title().substr(0, 8);
    for (const auto& chapter : after->chapters()) {
      EXPECT_EQ(chapter.title().substr(0, 8), owner) << "the list mixes both writers";
    }
  }
}

}  // namespace
}  // namespace podmeta
