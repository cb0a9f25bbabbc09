#include "http/chapter_file_cache.h"

#include <gtest/gtest.h>

#include <new>

#include "domain/chapter_formats.h"

namespace podmeta::http {
namespace {

// One version of an episode, serialized as the episode reader hands it out.
std::string Serialized(const std::string& etag, const std::string& first_title, bool deleted = false,
                       int chapters = 2) {
  v1::Episode episode;
  episode.set_name("podcasts/show/episodes/1");
  episode.set_etag("\"" + etag + "\"");
  episode.mutable_update_time()->set_seconds(1'700'000'000);
  if (deleted) episode.mutable_delete_time()->set_seconds(1'700'000'100);
  for (int i = 0; i < chapters; ++i) {
    v1::Chapter* chapter = episode.add_chapters();
    chapter->mutable_start_offset()->set_seconds(i * 60);
    chapter->set_title(i == 0 ? first_title : "Chapter " + std::to_string(i));
  }
  return episode.SerializeAsString();
}

api::EpisodeReader::Bytes Version(const std::string& etag, const std::string& first_title, bool deleted = false,
                                  int chapters = 2) {
  return std::make_shared<const std::string>(Serialized(etag, first_title, deleted, chapters));
}

TEST(ChapterFileCache, RendersWhatTheExporterPrintsAndKeepsIt) {
  ChapterFileCache files(1 << 20);
  api::EpisodeReader::Bytes version = Version("1", "Welcome");
  absl::StatusOr<ChapterFileCache::FilePtr> first = files.Get(version, v1::WEBVTT);
  ASSERT_TRUE(first.ok()) << first.status();
  v1::Episode parsed;
  ASSERT_TRUE(parsed.ParseFromString(*version));
  absl::StatusOr<v1::ExportChaptersResponse> expected = domain::ExportChapterFile(parsed, v1::WEBVTT);
  ASSERT_TRUE(expected.ok());
  EXPECT_EQ((*first)->body, expected->content());
  EXPECT_EQ((*first)->content_type, "text/vtt");
  EXPECT_EQ((*first)->etag, "W/\"1\"");
  EXPECT_EQ((*first)->modified, 1'700'000'000);
  EXPECT_FALSE((*first)->deleted);
  // The same version again: the same rendered file, not a new one.
  absl::StatusOr<ChapterFileCache::FilePtr> again = files.Get(version, v1::WEBVTT);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->get(), first->get());
  // Another format of the same version is its own file.
  absl::StatusOr<ChapterFileCache::FilePtr> json = files.Get(version, v1::PODCASTING2_JSON);
  ASSERT_TRUE(json.ok());
  EXPECT_NE(json->get(), first->get());
  EXPECT_EQ((*json)->content_type, "application/json+chapters");
  EXPECT_EQ(files.size(), 2u);
}

TEST(ChapterFileCache, ANewVersionIsNeverAnsweredWithTheOldFile) {
  ChapterFileCache files(1 << 20);
  api::EpisodeReader::Bytes old_version = Version("1", "Welcome");
  ASSERT_TRUE(files.Get(old_version, v1::PLAIN_TEXT).ok());
  absl::StatusOr<ChapterFileCache::FilePtr> file = files.Get(Version("2", "Hello again"), v1::PLAIN_TEXT);
  ASSERT_TRUE(file.ok());
  EXPECT_NE((*file)->body.find("Hello again"), std::string::npos) << (*file)->body;
  EXPECT_EQ((*file)->etag, "W/\"2\"");
}

TEST(ChapterFileCache, AVersionAtTheAddressOfOneThatIsGoneIsRenderedAnew) {
  // Both versions live in one slot, as an allocator may place a new object
  // where a freed one was (the shared_ptrs' control blocks stay separate).
  alignas(std::string) static unsigned char slot[sizeof(std::string)];
  const auto in_slot = [](const std::string& bytes) {
    return api::EpisodeReader::Bytes(new (slot) std::string(bytes), [](const std::string* gone) {
      using String = std::string;
      gone->~String();
    });
  };
  ChapterFileCache files(1 << 20);
  api::EpisodeReader::Bytes old_version = in_slot(Serialized("1", "Old"));
  ASSERT_TRUE(files.Get(old_version, v1::PLAIN_TEXT).ok());
  const std::string* address = old_version.get();
  old_version.reset();
  api::EpisodeReader::Bytes new_version = in_slot(Serialized("2", "New"));
  ASSERT_EQ(new_version.get(), address);
  absl::StatusOr<ChapterFileCache::FilePtr> file = files.Get(new_version, v1::PLAIN_TEXT);
  ASSERT_TRUE(file.ok());
  EXPECT_EQ((*file)->etag, "W/\"2\"");
  EXPECT_NE((*file)->body.find("New"), std::string::npos) << (*file)->body;
  EXPECT_EQ((*file)->body.find("Old"), std::string::npos) << (*file)->body;
}

TEST(ChapterFileCache, ADeletedEpisodeHasNoFile) {
  ChapterFileCache files(1 << 20);
  absl::StatusOr<ChapterFileCache::FilePtr> file = files.Get(Version("4", "Gone", true), v1::PODCASTING2_JSON);
  ASSERT_TRUE(file.ok());
  EXPECT_TRUE((*file)->deleted);
  EXPECT_TRUE((*file)->body.empty());
  EXPECT_EQ((*file)->name, "podcasts/show/episodes/1");
}

TEST(ChapterFileCache, StaysWithinItsBudget) {
  const size_t budget = 64 << 10;
  ChapterFileCache files(budget);
  std::vector<api::EpisodeReader::Bytes> versions;
  for (int i = 0; i < 200; ++i) {
    versions.push_back(Version(std::to_string(i), "Title " + std::to_string(i), false, 20));
    ASSERT_TRUE(files.Get(versions.back(), v1::PODCASTING2_JSON).ok());
    EXPECT_LE(files.bytes(), budget);
  }
  EXPECT_GT(files.size(), 0u);
  EXPECT_LT(files.size(), 200u);
  // The newest is still kept: asking again returns the same file.
  absl::StatusOr<ChapterFileCache::FilePtr> newest = files.Get(versions.back(), v1::PODCASTING2_JSON);
  absl::StatusOr<ChapterFileCache::FilePtr> newest_again = files.Get(versions.back(), v1::PODCASTING2_JSON);
  ASSERT_TRUE(newest.ok() && newest_again.ok());
  EXPECT_EQ(newest->get(), newest_again->get());
  // A file bigger than a sixteenth of the budget is served, not kept.
  ChapterFileCache small(1024);
  absl::StatusOr<ChapterFileCache::FilePtr> big = small.Get(Version("9", "Big", false, 30), v1::PODCASTING2_JSON);
  ASSERT_TRUE(big.ok());
  EXPECT_GT((*big)->body.size(), 64u);
  EXPECT_EQ(small.size(), 0u);
}

}  // namespace
}  // namespace podmeta::http
