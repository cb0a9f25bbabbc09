// Chapter files and concurrent chapter edits, over real gRPC and PostgreSQL.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "support/grpc_test_helpers.h"
#include "support/test_server.h"

namespace podmeta {
namespace {

using ::podmeta::testing::MakeChapter;
using ::podmeta::testing::MakeEpisode;
using ::podmeta::testing::ViolatedFields;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class ChaptersApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new testing::TestServer();
    ASSERT_TRUE(server_->CreatePodcast("show").ok());
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }

  static v1::Episode Create(int number, std::vector<v1::Chapter> chapters) {
    v1::CreateEpisodeRequest request;
    request.set_parent("podcasts/show");
    *request.mutable_episode() = MakeEpisode("Episode " + std::to_string(number), number, number, std::move(chapters));
    grpc::ClientContext context;
    v1::Episode created;
    EXPECT_TRUE(server_->episodes().CreateEpisode(&context, request, &created).ok());
    return created;
  }

  static grpc::Status Export(const std::string& name, v1::ChapterFormat format, std::string* content) {
    v1::ExportChaptersRequest request;
    request.set_name(name);
    request.set_format(format);
    grpc::ClientContext context;
    v1::ExportChaptersResponse response;
    grpc::Status status = server_->episodes().ExportChapters(&context, request, &response);
    *content = response.content();
    return status;
  }

  static grpc::Status Import(const std::string& name, const std::string& content, v1::Episode* episode,
                             const std::string& etag = "") {
    v1::ImportChaptersRequest request;
    request.set_name(name);
    request.set_content(content);
    request.set_etag(etag);
    grpc::ClientContext context;
    return server_->episodes().ImportChapters(&context, request, episode);
  }

  static testing::TestServer* server_;
};

testing::TestServer* ChaptersApiTest::server_ = nullptr;

TEST_F(ChaptersApiTest, ExportThenImportGivesTheSameChaptersInEveryFormat) {
  const v1::Episode source =
      Create(1, {MakeChapter(0, "INTRO"), MakeChapter(90, "PART 1: <Tags> & \"Quotes\""), MakeChapter(123, "Łukasz")});
  const v1::Episode target = Create(2, {});
  for (v1::ChapterFormat format : {v1::PODCASTING2_JSON, v1::PODLOVE_SIMPLE_CHAPTERS, v1::WEBVTT, v1::PLAIN_TEXT}) {
    std::string content;
    ASSERT_TRUE(Export(source.name(), format, &content).ok());
    v1::Episode imported;
    grpc::Status status = Import(target.name(), content, &imported);
    ASSERT_TRUE(status.ok()) << v1::ChapterFormat_Name(format) << ": " << status.error_message();
    ASSERT_EQ(imported.chapters_size(), 3);
    for (int i = 0; i < 3; ++i) {
      EXPECT_EQ(imported.chapters(i).title(), source.chapters(i).title());
      EXPECT_EQ(imported.chapters(i).start_offset().seconds(), source.chapters(i).start_offset().seconds());
      EXPECT_EQ(imported.chapters(i).end_offset().seconds(), source.chapters(i).end_offset().seconds());
      EXPECT_EQ(imported.chapters(i).part(), source.chapters(i).part());
    }
  }
}

TEST_F(ChaptersApiTest, AnInvalidFileChangesNothing) {
  const v1::Episode episode = Create(3, {MakeChapter(0, "Kept")});
  v1::Episode rejected;
  grpc::Status status = Import(episode.name(), "(00:00:10) B\n(00:00:05) A\n", &rejected);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("chapters[1].start_offset"));
  status = Import(episode.name(), "(00:00:10) B\ngarbage\n", &rejected);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("line 2"));
  std::string content;
  ASSERT_TRUE(Export(episode.name(), v1::PLAIN_TEXT, &content).ok());
  EXPECT_EQ(content, "(00:00:00) Kept\n");
}

TEST_F(ChaptersApiTest, ExportNeedsAFormat) {
  const v1::Episode episode = Create(4, {});
  std::string content;
  grpc::Status status = Export(episode.name(), v1::CHAPTER_FORMAT_UNSPECIFIED, &content);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("format"));
}

TEST_F(ChaptersApiTest, OfTwoWritersWithTheSameEtagExactlyOneWins) {
  const v1::Episode episode = Create(5, {MakeChapter(0, "Original")});
  for (int round = 0; round < 10; ++round) {
    v1::Episode current;
    {
      v1::GetEpisodeRequest get;
      get.set_name(episode.name());
      grpc::ClientContext context;
      ASSERT_TRUE(server_->episodes().GetEpisode(&context, get, &current).ok());
    }
    std::atomic<int> winners{0};
    std::atomic<int> aborted{0};
    std::vector<std::thread> writers;
    for (int writer = 0; writer < 2; ++writer) {
      writers.emplace_back([&, writer] {
        v1::ReplaceChaptersRequest request;
        request.set_name(episode.name());
        request.set_etag(current.etag());
        for (int i = 0; i < 20; ++i) {
          // Unique per round, so neither write is a no-op.
          *request.add_chapters() = MakeChapter(i * 10, "writer " + std::to_string(writer) + " round " +
                                                            std::to_string(round) + " chapter " + std::to_string(i));
        }
        grpc::ClientContext context;
        v1::Episode result;
        grpc::Status status = server_->episodes().ReplaceChapters(&context, request, &result);
        if (status.ok()) ++winners;
        if (status.error_code() == grpc::StatusCode::ABORTED) ++aborted;
      });
    }
    for (auto& writer : writers) writer.join();
    EXPECT_EQ(winners.load(), 1) << "round " << round;
    EXPECT_EQ(aborted.load(), 1) << "round " << round;

    v1::Episode after;
    v1::GetEpisodeRequest get;
    get.set_name(episode.name());
    grpc::ClientContext context;
    ASSERT_TRUE(server_->episodes().GetEpisode(&context, get, &after).ok());
    ASSERT_EQ(after.chapters_size(), 20);
    const std::string owner = after.chapters(0).title().substr(0, 8);
    for (const auto& chapter : after.chapters()) {
      EXPECT_EQ(chapter.title().substr(0, 8), owner) << "the list mixes both writers";
    }
  }
}

}  // namespace
}  // namespace podmeta
