#include "domain/chapter_formats.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "domain/errors.h"
#include "domain/show_page.h"
#include "domain/validation.h"
#include "google/protobuf/util/message_differencer.h"
#include "support/grpc_test_helpers.h"

namespace podmeta::domain {
namespace {

using ::podmeta::testing::MakeChapter;
using ::podmeta::testing::MakeEpisode;
using ::testing::HasSubstr;

constexpr v1::ChapterFormat kFormats[] = {v1::PODCASTING2_JSON, v1::PODLOVE_SIMPLE_CHAPTERS, v1::WEBVTT,
                                          v1::PLAIN_TEXT};

std::string FirstViolation(const absl::Status& status) {
  auto violations = FieldViolationsOf(status);
  return violations.empty() ? std::string(status.message()) : violations[0].field + ": " + violations[0].description;
}

// What a reader gives back, as an episode would store and present it.
v1::Episode ReadBack(const v1::Episode& original, v1::ChapterFormat format) {
  absl::StatusOr<std::string> content = ExportChapters(original, format);
  EXPECT_TRUE(content.ok()) << content.status();
  absl::StatusOr<ChapterList> chapters = ReadChapters(*content, v1::CHAPTER_FORMAT_UNSPECIFIED);
  EXPECT_TRUE(chapters.ok()) << v1::ChapterFormat_Name(format) << ": " << FirstViolation(chapters.status()) << "\n"
                             << *content;
  v1::Episode read = original;
  if (chapters.ok()) *read.mutable_chapters() = *chapters;
  NormalizeChapters(*read.mutable_chapters());
  DeriveChapterEnds(read);
  return read;
}

void ExpectSameChapters(const v1::Episode& expected, const v1::Episode& actual, v1::ChapterFormat format) {
  ASSERT_EQ(expected.chapters_size(), actual.chapters_size()) << v1::ChapterFormat_Name(format);
  for (int i = 0; i < expected.chapters_size(); ++i) {
    v1::Chapter want = expected.chapters(i);
    v1::Chapter got = actual.chapters(i);
    if (format == v1::PLAIN_TEXT || format == v1::WEBVTT) {
      // These formats carry no links, images or toc flags.
      want.clear_link_uri();
      want.clear_image_uri();
      want.clear_toc();
      got.clear_toc();
    }
    if (format == v1::PODLOVE_SIMPLE_CHAPTERS) {
      want.clear_toc();
      got.clear_toc();
    }
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(want, got))
        << v1::ChapterFormat_Name(format) << " chapter " << i << "\nwant: " << want.ShortDebugString()
        << "\ngot:  " << got.ShortDebugString();
  }
}

v1::Episode Tricky() {
  v1::Episode episode = MakeEpisode(
      "Tricky", 1, 0,
      {MakeChapter(0, "INTRO"), MakeChapter(90, "PART 1: <Markup> & \"quotes\" 'apostrophes'"),
       MakeChapter(123, "Arrows --> and -> in titles"), MakeChapter(200, "Łukasz, Poznań, Chrząszcz 🐍🎙️"),
       MakeChapter(300, "Tabs\u00A0and   spaces"), MakeChapter(400, "&amp; already escaped &lt;")});
  episode.mutable_chapters(1)->set_link_uri("https://example.com/a?b=1&c=2");
  episode.mutable_chapters(2)->set_image_uri("https://example.com/i.png");
  episode.mutable_chapters(3)->set_toc(false);
  episode.mutable_chapters(4)->mutable_start_offset()->set_nanos(250'000'000);  // 300.25 s
  NormalizeChapters(*episode.mutable_chapters());
  DeriveChapterEnds(episode);
  return episode;
}

TEST(ChapterFormats, EveryFormatRoundTripsEscapingUnicodeAndMilliseconds) {
  const v1::Episode original = Tricky();
  for (v1::ChapterFormat format : kFormats) {
    v1::Episode expected = original;
    if (format == v1::PLAIN_TEXT) {
      // Text keeps whole seconds, and its ends come back derived from the next start.
      expected.mutable_chapters(4)->mutable_start_offset()->set_nanos(0);
      expected.mutable_chapters(3)->clear_end_offset();
      for (auto& chapter : *expected.mutable_chapters()) chapter.clear_end_offset();
      DeriveChapterEnds(expected);
    }
    ExpectSameChapters(expected, ReadBack(original, format), format);
  }
}

TEST(ChapterFormats, Podcasting2JsonHasTheSpecsFields) {
  const std::string json = *ExportChapters(Tricky(), v1::PODCASTING2_JSON);
  EXPECT_THAT(json, HasSubstr("\"version\": \"1.2.0\""));
  EXPECT_THAT(json, HasSubstr("\"startTime\": 90"));
  EXPECT_THAT(json, HasSubstr("\"startTime\": 300.25"));
  EXPECT_THAT(json, HasSubstr("\"endTime\": 123"));
  EXPECT_THAT(json, HasSubstr("\"url\": \"https://example.com/a?b=1&c=2\""));
  EXPECT_THAT(json, HasSubstr("\"img\": \"https://example.com/i.png\""));
  EXPECT_THAT(json, HasSubstr("\"toc\": false"));
}

std::string ReadChapterTestFile(const std::string& name) {
  std::ifstream file(std::string(PODMETA_CHAPTERS_DIR) + "/" + name);
  std::stringstream content;
  content << file.rdbuf();
  return content.str();
}

// Every member of `expected` is in `actual` with the same value (objects key
// by key, arrays element by element; numbers as numbers, so 95.5 == 95.5).
void ExpectContains(const nlohmann::json& expected, const nlohmann::json& actual, const std::string& path) {
  if (expected.is_object()) {
    ASSERT_TRUE(actual.is_object()) << path;
    for (const auto& [key, value] : expected.items()) {
      ASSERT_TRUE(actual.contains(key)) << path << "." << key << " is lost";
      ExpectContains(value, actual[key], path + "." + key);
    }
  } else if (expected.is_array()) {
    ASSERT_TRUE(actual.is_array()) << path;
    ASSERT_EQ(expected.size(), actual.size()) << path;
    for (size_t i = 0; i < expected.size(); ++i)
      ExpectContains(expected[i], actual[i], absl::StrCat(path, "[", i, "]"));
  } else if (expected.is_number()) {
    EXPECT_DOUBLE_EQ(expected.get<double>(), actual.get<double>()) << path;
  } else {
    EXPECT_EQ(expected, actual) << path;
  }
}

// A file shaped like the spec's complex example (file-level author, title,
// podcastName; a silent untitled chapter with art and a location) plus every
// other field the spec defines: it reads, validates, and exports again
// without losing anything; what was exported reads back the same.
TEST(ChapterFormats, ASpecCompleteJsonFileExportsWithoutLoss) {
  const std::string original = ReadChapterTestFile("walking-tour.json");
  absl::StatusOr<ChapterFile> file = ReadChapterFile(original, v1::CHAPTER_FORMAT_UNSPECIFIED);
  ASSERT_TRUE(file.ok()) << FirstViolation(file.status());
  ASSERT_EQ(file->chapters.size(), 7);
  EXPECT_EQ(file->info.author(), "Marta Nowicka");
  EXPECT_EQ(file->info.podcast_name(), "Harbour Walks");
  EXPECT_EQ(file->info.file_name(), "harbour-walks-012.mp3");
  EXPECT_TRUE(file->info.waypoints());
  const v1::Chapter& silent = file->chapters[3];
  EXPECT_EQ(silent.title(), "");
  EXPECT_FALSE(silent.toc());
  EXPECT_EQ(silent.location().name(), "Granary Island");
  EXPECT_EQ(file->chapters[1].location().osm(), "W52947063");

  v1::Episode episode;
  *episode.mutable_chapters() = file->chapters;
  *episode.mutable_chapter_file_info() = file->info;
  Violations violations;
  ValidateChapters(episode.chapters(), episode.duration(), "chapters", violations);
  ASSERT_TRUE(violations.empty()) << FirstViolation(violations.ToStatus());
  NormalizeChapters(*episode.mutable_chapters());
  PresentEpisode(episode);

  absl::StatusOr<std::string> exported = ExportChapters(episode, v1::PODCASTING2_JSON);
  ASSERT_TRUE(exported.ok()) << exported.status();
  ExpectContains(nlohmann::json::parse(original), nlohmann::json::parse(*exported), "file");
  EXPECT_FALSE(nlohmann::json::parse(*exported)["chapters"][3].contains("title"));

  absl::StatusOr<ChapterFile> again = ReadChapterFile(*exported, v1::PODCASTING2_JSON);
  ASSERT_TRUE(again.ok()) << FirstViolation(again.status());
  NormalizeChapters(again->chapters);
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(again->info, file->info));
  ASSERT_EQ(again->chapters.size(), episode.chapters_size());
  for (int i = 0; i < episode.chapters_size(); ++i) {
    v1::Chapter expected = episode.chapters(i);
    expected.clear_part();  // parts are podmeta's own, derived again from titles
    v1::Chapter read = again->chapters[i];
    read.clear_part();
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(read, expected))
        << i << ": " << read.DebugString() << " vs " << expected.DebugString();
  }

  // Formats without silent chapters leave the untitled one out.
  for (v1::ChapterFormat format : {v1::PODLOVE_SIMPLE_CHAPTERS, v1::WEBVTT, v1::PLAIN_TEXT}) {
    absl::StatusOr<std::string> content = ExportChapters(episode, format);
    ASSERT_TRUE(content.ok());
    absl::StatusOr<ChapterList> read = ReadChapters(*content, format);
    ASSERT_TRUE(read.ok()) << FirstViolation(read.status());
    EXPECT_EQ(read->size(), 6) << v1::ChapterFormat_Name(format);
  }
}

TEST(ChapterFormats, BadLocationsAndFileFieldsAreProblemsNamed) {
  EXPECT_THAT(
      FirstViolation(
          ReadChapterFile(R"({"chapters": [{"startTime": 0, "location": "Paris"}]})", v1::PODCASTING2_JSON).status()),
      HasSubstr("chapters[0].location must be an object"));
  EXPECT_THAT(FirstViolation(
                  ReadChapterFile(R"({"author": 7, "chapters": [{"startTime": 0}]})", v1::PODCASTING2_JSON).status()),
              HasSubstr("author must be a string"));
}

TEST(ChapterFormats, PodloveEscapesXmlAndUsesNormalPlayTime) {
  const std::string xml = *ExportChapters(Tricky(), v1::PODLOVE_SIMPLE_CHAPTERS);
  EXPECT_THAT(xml, HasSubstr("xmlns:psc=\"http://podlove.org/simple-chapters\""));
  EXPECT_THAT(xml, HasSubstr("start=\"00:01:30\" title=\"PART 1: &lt;Markup&gt; &amp; &quot;quotes&quot; "
                             "&apos;apostrophes&apos;\" href=\"https://example.com/a?b=1&amp;c=2\""));
  EXPECT_THAT(xml, HasSubstr("start=\"00:05:00.250\""));
}

TEST(ChapterFormats, WebVttEscapesCueArrowsAndIsWellFormed) {
  const std::string vtt = *ExportChapters(Tricky(), v1::WEBVTT);
  EXPECT_EQ(vtt.rfind("WEBVTT\n\n1\n00:00:00.000 --> 00:01:30.000\nINTRO\n", 0), 0u) << vtt;
  EXPECT_THAT(vtt, HasSubstr("Arrows --&gt; and -&gt; in titles"));
  EXPECT_THAT(vtt, HasSubstr("&amp;amp; already escaped &amp;lt;"));
  // Only timing lines contain "-->", so no title can end a cue early.
  std::istringstream lines(vtt);
  std::string line;
  int timing_lines = 0;
  while (std::getline(lines, line)) timing_lines += line.find("-->") != std::string::npos;
  EXPECT_EQ(timing_lines, Tricky().chapters_size());
}

TEST(ChapterFormats, PlainTextIsWhatPodcastAppsParse) {
  EXPECT_EQ(
      *ExportChapters(MakeEpisode("E", 1, 0, {MakeChapter(0, "INTRO"), MakeChapter(4953, "OUTRO")}), v1::PLAIN_TEXT),
      "(00:00:00) INTRO\n(01:22:33) OUTRO\n");
}

TEST(ChapterFormats, DetectsFormatsFromContent) {
  EXPECT_EQ(DetectChapterFormat("\xEF\xBB\xBFWEBVTT\n"), v1::WEBVTT);
  EXPECT_EQ(DetectChapterFormat("  {\"version\": \"1.2.0\"}"), v1::PODCASTING2_JSON);
  EXPECT_EQ(DetectChapterFormat("<?xml version=\"1.0\"?>"), v1::PODLOVE_SIMPLE_CHAPTERS);
  EXPECT_EQ(DetectChapterFormat("(00:00:00) INTRO"), v1::PLAIN_TEXT);
}

TEST(ChapterFormats, ReadersReportProblemsWithLines) {
  EXPECT_THAT(FirstViolation(ReadChapters("(00:00:00) A\nnot a chapter\n", v1::PLAIN_TEXT).status()),
              HasSubstr("line 2"));
  EXPECT_THAT(FirstViolation(ReadChapters("(00:61:00) A\n", v1::PLAIN_TEXT).status()), HasSubstr("line 1"));
  EXPECT_THAT(FirstViolation(ReadChapters("WEBVTT\n\n1\n00:00:00.000 -> 00:00:01.000\nA\n", v1::WEBVTT).status()),
              HasSubstr("line 4"));
  EXPECT_THAT(FirstViolation(ReadChapters("<psc:chapters xmlns:psc=\"http://podlove.org/simple-chapters\">\n"
                                          "<psc:chapter start=\"soon\" title=\"A\"/>\n</psc:chapters>",
                                          v1::PODLOVE_SIMPLE_CHAPTERS)
                                 .status()),
              HasSubstr("line 2"));
  EXPECT_THAT(FirstViolation(ReadChapters("<unclosed", v1::PODLOVE_SIMPLE_CHAPTERS).status()), HasSubstr("XML error"));
  EXPECT_THAT(FirstViolation(ReadChapters("{\"chapters\": [{\"startTime\": -1}]}", v1::PODCASTING2_JSON).status()),
              HasSubstr("chapters[0].startTime"));
  EXPECT_THAT(FirstViolation(ReadChapters("{not json", v1::PODCASTING2_JSON).status()), HasSubstr("not a JSON"));
  EXPECT_FALSE(ReadChapters("(00:00:00) \xC3\x28", v1::PLAIN_TEXT).ok());
}

TEST(ChapterFormats, HugeNumbersAreProblemsNotCrashes) {
  // Found by fuzz_chapters_psc: a 30-digit start once threw std::out_of_range.
  EXPECT_FALSE(ReadChapters("<psc:chapters xmlns:psc=\"http://podlove.org/simple-chapters\">"
                            "<psc:chapter start=\"000000000022222222222222222222\" title=\"A\"/></psc:chapters>",
                            v1::PODLOVE_SIMPLE_CHAPTERS)
                   .ok());
  EXPECT_FALSE(ReadChapters("(99999999999999999999:00:00) A\n", v1::PLAIN_TEXT).ok());
  EXPECT_FALSE(ReadChapters("WEBVTT\n\n99999999999999999999:00:00.000 --> 1:00:00.000\nA\n", v1::WEBVTT).ok());
}

// Text and WebVTT lines of 40,000 characters used to overflow the stack in a
// backtracking regular expression engine.
TEST(ChapterFormats, VeryLongLinesAreErrorsNotCrashes) {
  const std::string long_text(40'000, 'a');
  const std::string long_digits(40'000, '1');
  absl::StatusOr<ChapterList> long_title = ReadChapters(absl::StrCat("(00:00:01) ", long_text, "\n"), v1::PLAIN_TEXT);
  ASSERT_TRUE(long_title.ok()) << long_title.status();  // read; its title's length is validated on write
  ASSERT_EQ(long_title->size(), 1);
  EXPECT_EQ((*long_title)[0].title().size(), long_text.size());
  for (const std::string& content :
       {absl::StrCat("(", long_digits, ") x\n"), absl::StrCat("(00:00:01", long_text, "\n"),
        absl::StrCat(long_text, "\n"), absl::StrCat("(", std::string(40'000, ':'), ") x\n")}) {
    EXPECT_EQ(ReadChapters(content, v1::PLAIN_TEXT).status().code(), absl::StatusCode::kInvalidArgument);
  }
  EXPECT_EQ(ReadChapters(absl::StrCat("WEBVTT\n\n", long_digits, " --> 00:00:02.000\nx\n"), v1::WEBVTT).status().code(),
            absl::StatusCode::kInvalidArgument);
  const absl::Status too_long =
      ReadChapters(absl::StrCat("(00:00:01) a\n", std::string(70'000, 'b')), v1::PLAIN_TEXT).status();
  ASSERT_EQ(too_long.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(too_long.message()), HasSubstr("line 2: the line is 70000 bytes long"));
}

TEST(ChapterFormats, DeepNestingIsAnErrorNotACrash) {
  const std::string deep_json = std::string(200'000, '[') + std::string(200'000, ']');
  EXPECT_EQ(ReadChapters(deep_json, v1::PODCASTING2_JSON).status().code(), absl::StatusCode::kInvalidArgument);
  const std::string deep_object =
      absl::StrCat("{\"chapters\":", std::string(100'000, '['), std::string(100'000, ']'), "}");
  EXPECT_EQ(ReadChapters(deep_object, v1::PODCASTING2_JSON).status().code(), absl::StatusCode::kInvalidArgument);
  std::string deep_xml;
  for (int i = 0; i < 50'000; ++i) deep_xml += "<a>";
  for (int i = 0; i < 50'000; ++i) deep_xml += "</a>";
  EXPECT_EQ(ReadChapters(deep_xml, v1::PODLOVE_SIMPLE_CHAPTERS).status().code(), absl::StatusCode::kInvalidArgument);
  const std::string deep_chapters =
      absl::StrCat("<psc:chapters xmlns:psc=\"http://podlove.org/simple-chapters\">", deep_xml,
                   "<psc:chapter start=\"00:00:01\" title=\"A\"/></psc:chapters>");
  absl::StatusOr<ChapterList> read = ReadChapters(deep_chapters, v1::PODLOVE_SIMPLE_CHAPTERS);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->size(), 1);
}

// NUL is one of the characters XML cannot carry (and PostgreSQL cannot
// store): an import drops it and names the field, never cutting the value at it.
TEST(ChapterFormats, NulDecodedFromJsonIsDroppedAndReportedNotATruncatedValue) {
  absl::StatusOr<ChapterFile> read = ReadChapterFile(
      R"({"chapters": [{"startTime": 0, "title": "A\u0000B", "url": "https://example.com/\u0000x", "img": "https://example.com/a.png"}]})",
      v1::PODCASTING2_JSON);
  ASSERT_TRUE(read.ok()) << read.status();
  ASSERT_EQ(read->chapters.size(), 1);
  EXPECT_EQ(read->chapters[0].title(), "AB");
  EXPECT_EQ(read->chapters[0].link_uri(), "https://example.com/x");
  EXPECT_THAT(read->repaired_fields, ::testing::ElementsAre("chapters[0].title", "chapters[0].link_uri"));
  v1::Episode episode = MakeEpisode("E", 1, 3600);
  *episode.mutable_chapters() = read->chapters;
  Violations violations;
  ValidateEpisode(episode, "episode", violations);
  EXPECT_TRUE(violations.empty());
}

TEST(ChapterFormats, AFileWithoutChaptersIsAnErrorNotAnEmptyList) {
  for (const auto& [content, format] :
       std::vector<std::pair<std::string, v1::ChapterFormat>>{{"", v1::PLAIN_TEXT},
                                                              {"\n\n", v1::PLAIN_TEXT},
                                                              {"", v1::WEBVTT},
                                                              {"<html/>", v1::PODLOVE_SIMPLE_CHAPTERS}}) {
    const absl::Status status = ReadChapters(content, format).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << content;
  }
  // An explicit empty list is what it says.
  EXPECT_TRUE(ReadChapters("WEBVTT\n", v1::WEBVTT).ok());
  EXPECT_TRUE(ReadChapters(R"({"version": "1.2.0", "chapters": []})", v1::PODCASTING2_JSON).ok());
  EXPECT_TRUE(
      ReadChapters("<psc:chapters xmlns:psc=\"http://podlove.org/simple-chapters\"/>", v1::PODLOVE_SIMPLE_CHAPTERS)
          .ok());
}

TEST(ChapterFormats, XmlEntityExpansionIsNotABomb) {
  std::string bomb = "<?xml version=\"1.0\"?><!DOCTYPE l [<!ENTITY a \"aaaaaaaaaa\">";
  for (char name = 'b'; name <= 'k'; ++name) {
    const char previous = static_cast<char>(name - 1);
    bomb += absl::StrCat("<!ENTITY ", std::string(1, name), " \"", std::string(10, '&'), "\">");
    bomb.replace(bomb.rfind(std::string(10, '&')), 10,
                 absl::StrCat("&", std::string(1, previous), ";&", std::string(1, previous), ";&",
                              std::string(1, previous), ";&", std::string(1, previous), ";"));
  }
  bomb += "]><psc:chapters><psc:chapter start=\"0\" title=\"&k;\"/></psc:chapters>";
  // Either refused or bounded: it must come back quickly either way.
  absl::StatusOr<ChapterList> chapters = ReadChapters(bomb, v1::PODLOVE_SIMPLE_CHAPTERS);
  if (chapters.ok()) {
    EXPECT_LT(chapters->size(), 2);
  }
}

TEST(ChapterFormats, EveryCorePyEpisodeRoundTripsInEveryFormat) {
  std::ifstream file(PODMETA_CORE_PY_PAGE);
  std::stringstream content;
  content << file.rdbuf();
  ShowPage page = ParseShowPage(content.str());
  ASSERT_EQ(page.episodes.size(), 10u);
  for (ParsedEpisode& parsed : page.episodes) {
    DeriveChapterEnds(parsed.episode);
    for (v1::ChapterFormat format : kFormats) {
      SCOPED_TRACE(parsed.episode_id);
      if (parsed.episode.chapters().empty() && format == v1::PLAIN_TEXT) {
        // An empty text file cannot say "no chapters" apart from an empty
        // pipe; reading one is refused (the other formats say it explicitly).
        EXPECT_EQ(ReadChapters(*ExportChapters(parsed.episode, format), format).status().code(),
                  absl::StatusCode::kInvalidArgument);
        continue;
      }
      ExpectSameChapters(parsed.episode, ReadBack(parsed.episode, format), format);
    }
  }
}

TEST(ChapterValidation, TitlesMustBeOneLine) {
  auto episode = MakeEpisode("E", 1, 0, {MakeChapter(0, "two\nlines"), MakeChapter(1, "tab\there")});
  Violations violations;
  ValidateEpisode(episode, "episode", violations);
  ASSERT_EQ(violations.list().size(), 2u);
  EXPECT_EQ(violations.list()[0].field, "episode.chapters[0].title");
}

}  // namespace
}  // namespace podmeta::domain
