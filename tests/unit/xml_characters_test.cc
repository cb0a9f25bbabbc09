// Characters XML cannot carry: refused on write, dropped on import, and never
// in any file podmeta writes, over the whole code point range.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <libxml/parser.h>

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "domain/chapter_formats.h"
#include "domain/errors.h"
#include "domain/feed.h"
#include "domain/show_page.h"
#include "domain/validation.h"
#include "google/protobuf/util/time_util.h"

namespace podmeta::domain {
namespace {

using ::testing::HasSubstr;

std::string Utf8(char32_t c) {
  std::string out;
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
  return out;
}

// XML 1.0's Char production, written out as the specification has it.
bool InCharProduction(char32_t c) {
  return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD) ||
         (c >= 0x10000 && c <= 0x10FFFF);
}

// True when libxml2, without recover mode, reads `xml` with no error.
bool WellFormed(const std::string& xml) {
  xmlDocPtr doc = xmlReadMemory(xml.data(), static_cast<int>(xml.size()), "out.xml", nullptr,
                                XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  if (doc == nullptr) return false;
  xmlFreeDoc(doc);
  return true;
}

v1::Episode EpisodeWithText(const std::string& text) {
  v1::Episode episode;
  episode.set_name("podcasts/p/episodes/1");
  episode.set_title(absl::StrCat("t", text));
  episode.set_description(text);
  episode.set_show_notes_html(text);
  *episode.mutable_publish_time() = google::protobuf::util::TimeUtil::SecondsToTimestamp(1'700'000'000);
  *episode.mutable_duration() = google::protobuf::util::TimeUtil::SecondsToDuration(3600);
  v1::Chapter* chapter = episode.add_chapters();
  chapter->set_title(absl::StrCat("c", text));
  *chapter->mutable_start_offset() = google::protobuf::util::TimeUtil::SecondsToDuration(0);
  episode.mutable_chapter_file_info()->set_author(text);
  return episode;
}

TEST(XmlCharacters, TheRuleIsXmlsCharProductionOverTheWholeRange) {
  for (char32_t c = 0; c <= 0x10FFFF; ++c)
    ASSERT_EQ(IsXmlCharacter(c), InCharProduction(c)) << static_cast<uint32_t>(c);
  EXPECT_FALSE(IsXmlCharacter(0x110000));
}

// Every code point that UTF-8 can hold, 256 at a time: a write holding one
// that XML cannot carry is refused naming it, the others are accepted; and
// whatever a stored text holds (rows from before the rule included), every
// chapter format and the feed come out well-formed.
TEST(XmlCharacters, EveryCodePointIsRefusedOrCarriedAndEveryOutputStaysWellFormed) {
  constexpr char32_t kBatch = 256;
  int refused_batches = 0;
  for (char32_t first = 1; first <= 0x10FFFF; first += kBatch) {
    std::string text;
    std::optional<char32_t> first_bad;
    for (char32_t c = first; c < first + kBatch && c <= 0x10FFFF; ++c) {
      if (c >= 0xD800 && c <= 0xDFFF) continue;  // not UTF-8 at all
      if (!InCharProduction(c) && !first_bad) first_bad = c;
      text += Utf8(c);
    }
    ASSERT_EQ(FirstNonXmlCharacter(text), first_bad) << std::hex << static_cast<uint32_t>(first);

    v1::CreateEpisodeRequest request;
    *request.mutable_episode() = EpisodeWithText(text);
    const absl::Status checked = CheckRequestText(request);
    if (first_bad) {
      ++refused_batches;
      ASSERT_EQ(checked.code(), absl::StatusCode::kInvalidArgument) << std::hex << static_cast<uint32_t>(first);
      std::vector<FieldViolation> violations = FieldViolationsOf(checked);
      ASSERT_FALSE(violations.empty());
      EXPECT_EQ(violations[0].field, "episode.title");
    } else {
      ASSERT_TRUE(checked.ok()) << std::hex << static_cast<uint32_t>(first) << ": " << checked;
    }

    // What an import makes of it: the same text without those characters.
    v1::Episode imported = EpisodeWithText(text);
    const std::vector<std::string> repaired = DropNonXmlCharacters(imported);
    EXPECT_EQ(repaired.empty(), !first_bad);
    ASSERT_FALSE(FirstNonXmlCharacter(imported.title()));
    ASSERT_TRUE(CheckRequestText(imported).ok());

    // The files, from the text as it came (the writers' own guard).
    const v1::Episode stored = EpisodeWithText(text);
    v1::Podcast podcast;
    podcast.set_name("podcasts/p");
    podcast.set_title(absl::StrCat("p", text));
    podcast.set_description(text);
    const std::string feed = WriteFeed(podcast, {stored}, {});
    ASSERT_TRUE(WellFormed(feed)) << "feed.xml, code points from U+" << std::hex << static_cast<uint32_t>(first);
    absl::StatusOr<std::string> podlove = ExportChapters(stored, v1::PODLOVE_SIMPLE_CHAPTERS);
    ASSERT_TRUE(podlove.ok());
    ASSERT_TRUE(WellFormed(*podlove)) << "chapters.psc, code points from U+" << std::hex
                                      << static_cast<uint32_t>(first);
    absl::StatusOr<std::string> json = ExportChapters(stored, v1::PODCASTING2_JSON);
    ASSERT_TRUE(json.ok());
    ASSERT_TRUE(nlohmann::json::accept(*json))
        << "chapters.json, code points from U+" << std::hex << static_cast<uint32_t>(first);
    // Reading the feed back gives the text as a write would have to be.
    absl::StatusOr<Feed> read = ParseFeed(feed);
    ASSERT_TRUE(read.ok()) << read.status();
    ASSERT_EQ(read->items.size(), 1u);
    EXPECT_FALSE(FirstNonXmlCharacter(read->items[0].episode.title()));
  }
  EXPECT_GT(refused_batches, 0);
}

TEST(XmlCharacters, AViolationNamesTheCharacterAndNulStaysNamedAsSuch) {
  v1::CreatePodcastRequest request;
  request.mutable_podcast()->set_title("Bell\x07 Show");
  request.mutable_podcast()->set_description(std::string("nul\0here", 8));
  request.mutable_podcast()->add_categories()->add_subcategories("Arts\xEF\xBF\xBE");
  std::vector<FieldViolation> violations = FieldViolationsOf(CheckRequestText(request));
  ASSERT_EQ(violations.size(), 3u);
  EXPECT_EQ(violations[0].field, "podcast.title");
  EXPECT_THAT(violations[0].description, HasSubstr("U+0007"));
  EXPECT_EQ(violations[1].field, "podcast.description");
  EXPECT_EQ(violations[1].description, "must not contain NUL characters");
  EXPECT_EQ(violations[2].field, "podcast.categories[0].subcategories[0]");
  EXPECT_THAT(violations[2].description, HasSubstr("U+FFFE"));
  // Tab, line feed and carriage return are text.
  request.mutable_podcast()->set_title("a\tb");
  request.mutable_podcast()->set_description("line\r\nline");
  request.mutable_podcast()->clear_categories();
  EXPECT_TRUE(CheckRequestText(request).ok());
}

TEST(XmlCharacters, ImportsDropThemAndSaySo) {
  // A chapters file can carry them as JSON escapes.
  absl::StatusOr<ChapterFile> file =
      ReadChapterFile(R"({"version":"1.2.0","author":"Ann\u000b","chapters":[{"startTime":0,"title":"Intro"},)"
                      R"({"startTime":60,"title":"Bell\u0007 and \uffff end"}]})",
                      v1::PODCASTING2_JSON);
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ(file->chapters[1].title(), "Bell and  end");
  EXPECT_EQ(file->info.author(), "Ann");
  EXPECT_THAT(file->repaired_fields, ::testing::ElementsAre("chapters[1].title", "info.author"));

  // A show page is plain text: dropped before it is read, lines unchanged.
  ShowPage page = ParseShowPage(
      "Bell\x01 Show\nHosts\nAbout bells.\n\nEpisodes\n\nJan 2, 2024 \xE2\x80\xA2 30min\nOne\x02\nThe first.\n");
  EXPECT_EQ(page.podcast.title(), "Bell Show");
  ASSERT_EQ(page.episodes.size(), 1u) << (page.problems.empty() ? "" : page.problems[0].description);
  EXPECT_EQ(page.episodes[0].episode.title(), "One");
}

}  // namespace
}  // namespace podmeta::domain
