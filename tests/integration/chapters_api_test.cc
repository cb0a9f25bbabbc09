// Chapter files and concurrent chapter edits, over real gRPC and PostgreSQL,
// through the client library (testing::ApiTest: each test has its podcast).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
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
