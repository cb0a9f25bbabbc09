#include "domain/show_page.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "domain/limits.h"

namespace podmeta::domain {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

std::string ReadFile(const std::string& path) {
  std::ifstream file(path);
  std::stringstream content;
  content << file.rdbuf();
  return content.str();
}

const ParsedEpisode* Find(const ShowPage& page, const std::string& id) {
  for (const ParsedEpisode& parsed : page.episodes) {
    if (parsed.episode_id == id) return &parsed;
  }
  return nullptr;
}

std::vector<int> ProblemLines(const ShowPage& page) {
  std::vector<int> lines;
  for (const PageProblem& problem : page.problems) lines.push_back(problem.line);
  return lines;
}

class CorePyPage : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { page_ = new ShowPage(ParseShowPage(ReadFile(PODMETA_CORE_PY_PAGE))); }
  static void TearDownTestSuite() { delete page_; }
  static ShowPage* page_;
};

ShowPage* CorePyPage::page_ = nullptr;

TEST_F(CorePyPage, HasNoProblems) {
  for (const PageProblem& problem : page_->problems) ADD_FAILURE() << problem.line << ": " << problem.description;
}

TEST_F(CorePyPage, ShowTitleHostsAndDescription) {
  EXPECT_EQ(page_->podcast.title(), "core.py");
  EXPECT_EQ(page_->podcast_id, "core-py");
  ASSERT_EQ(page_->podcast.people_size(), 2);
  EXPECT_EQ(page_->podcast.people(0).display_name(), "Pablo Galindo");
  EXPECT_EQ(page_->podcast.people(1).display_name(), "Łukasz Langa");
  EXPECT_THAT(page_->podcast.description(), HasSubstr("because we’re jokers"));
}

TEST_F(CorePyPage, TenEpisodesNumberedFiveToFourteenWith181Chapters) {
  ASSERT_EQ(page_->episodes.size(), 10u);
  int chapters = 0;
  std::vector<int> numbers;
  for (const ParsedEpisode& parsed : page_->episodes) {
    chapters += parsed.episode.chapters_size();
    numbers.push_back(parsed.episode.number());
  }
  EXPECT_EQ(chapters, 181);
  EXPECT_THAT(numbers, ElementsAre(14, 13, 12, 11, 10, 9, 8, 7, 6, 5));
}

TEST_F(CorePyPage, Episode14) {
  const ParsedEpisode* parsed = Find(*page_, "14");
  ASSERT_NE(parsed, nullptr);
  const v1::Episode& episode = parsed->episode;
  EXPECT_EQ(episode.title(), "Integration Events");
  EXPECT_EQ(episode.publish_time().seconds(), 1725321600);  // 2024-09-03
  EXPECT_EQ(episode.duration().seconds(), 91 * 60);
  ASSERT_EQ(episode.chapters_size(), 35);
  EXPECT_EQ(episode.chapters(0).start_offset().seconds(), 0);
  EXPECT_EQ(episode.chapters(1).start_offset().seconds(), 90);
  EXPECT_EQ(episode.chapters(2).start_offset().seconds(), 123);
  EXPECT_EQ(episode.chapters(2).part(), "PART 1: EuroPython highlights");
  EXPECT_EQ(episode.chapters(34).title(), "OUTRO");
  EXPECT_THAT(episode.description(), HasSubstr("Łukasz’s home studio in Poznań!"));
  EXPECT_EQ(episode.chapters(3).title(), "Mai Giménez and her keynote");
}

TEST_F(CorePyPage, EpisodesWithoutOutlinesHaveNoChapters) {
  for (const char* id : {"13", "12", "7", "6"}) {
    const ParsedEpisode* parsed = Find(*page_, id);
    ASSERT_NE(parsed, nullptr) << id;
    EXPECT_EQ(parsed->episode.chapters_size(), 0) << id;
  }
}

TEST_F(CorePyPage, SnipsBelongToTheEpisodeAfterThem) {
  EXPECT_EQ(Find(*page_, "10")->episode.snip_count(), 12);
  EXPECT_EQ(Find(*page_, "11")->episode.snip_count(), 0);
  EXPECT_EQ(Find(*page_, "10")->episode.chapters(4).title(), "Chrząszcz");
}

TEST_F(CorePyPage, DashTitlesAndShortDurations) {
  EXPECT_EQ(Find(*page_, "6")->episode.title(), "An Exceptional Episode");
  EXPECT_EQ(Find(*page_, "5")->episode.title(), "Cinder with Carl Meyer");
  EXPECT_EQ(Find(*page_, "11")->episode.duration().seconds(), 31 * 60);
}

TEST(ShowPage, EpisodeWithoutNumberIsABonusWithASlugId) {
  ShowPage page = ParseShowPage("Show\nHost\nAbout\n\nJan 2, 2024 • 1h\nLive Q&A special\nFun.\n");
  ASSERT_THAT(page.problems, IsEmpty());
  ASSERT_EQ(page.episodes.size(), 1u);
  EXPECT_FALSE(page.episodes[0].episode.has_number());
  EXPECT_EQ(page.episodes[0].episode.type(), v1::Episode::BONUS);
  EXPECT_EQ(page.episodes[0].episode_id, "live-q-a-special");
  EXPECT_EQ(page.episodes[0].episode.duration().seconds(), 3600);
}

TEST(ShowPage, ReportsEveryProblemWithItsLine) {
  const std::string page_text =
      "Show\n"                     // 1
      "Host\n"                     // 2
      "About\n"                    // 3
      "\n"                         // 4
      "Jan 2, 2024 • 10min\n"      // 5
      "Episode 2: Backwards\n"     // 6
      "Desc\n"                     // 7
      "## Outline\n"               // 8
      "(00:00:00) INTRO\n"         // 9
      "(00:05:00) Later\n"         // 10
      "(00:04:00) Earlier\n"       // 11
      "(00:61:00) Minute 61\n"     // 12
      "(00:20:00) Past the end\n"  // 13
      "\n"                         // 14
      "Episode 1: No date\n"       // 15
      "Feb 30, 2024 • 1h\n"        // 16
      "Episode 3: Bad date\n";     // 17
  ShowPage page = ParseShowPage(page_text);
  EXPECT_THAT(ProblemLines(page), ElementsAre(11, 12, 13, 15, 16));
  EXPECT_THAT(page.problems[1].description, HasSubstr("minute 61"));
  EXPECT_THAT(page.problems[2].description, HasSubstr("after the episode's end"));
  EXPECT_THAT(page.problems[3].description, HasSubstr("without a date line"));
  EXPECT_THAT(page.problems[4].description, HasSubstr("is not a date"));
}

TEST(ShowPage, DuplicateEpisodeNumbersAreReported) {
  ShowPage page =
      ParseShowPage("Show\nHost\nAbout\n\nJan 2, 2024 • 1h\nEpisode 1: A\n\nJan 3, 2024 • 1h\nEpisode 1: B\n");
  EXPECT_THAT(ProblemLines(page), ElementsAre(8));
}

TEST(ShowPage, HugeNumbersAreProblemsNotCrashes) {
  ShowPage page = ParseShowPage(
      "Show\nHost\nAbout\n\n99999999999999999999 snips\nJan 2, 2024 • 99999999999999999999h\nEpisode 1: A\n");
  EXPECT_FALSE(page.problems.empty());
}

// Lines of 30,000 to 40,000 characters used to overflow the stack inside a
// backtracking regular expression engine; every line shape goes through the
// parser's patterns here.
TEST(ShowPage, VeryLongLinesOfEveryShapeAreParsedNotCrashed) {
  const std::string long_text(40'000, 'a');
  const std::string long_digits(40'000, '7');
  const std::string page_text =
      absl::StrCat("Show ", long_text, "\n", "Host ", long_text, "\n", long_text, "\n\n",  // header: lines 1-3
                   long_digits, " snips\n",                                                // 5
                   "Jan 2, 2024 • ", long_text, "\n",                                      // 6
                   "Episode 1: ", long_text, "\n",                                         // 7
                   long_text, "\n",                                                        // 8
                   "## Outline\n",                                                         // 9
                   "(00:00) ", long_text, "\n",                                            // 10
                   "(", long_digits, ") x\n",                                              // 11
                   "\n",                                                                   // 12
                   "Episode ", long_digits, ": ", long_text, "\n");                        // 13
  const ShowPage page = ParseShowPage(page_text);
  EXPECT_FALSE(page.problems.empty());
  for (const PageProblem& problem : page.problems) {
    EXPECT_GE(problem.line, 1);
    EXPECT_LE(problem.line, 13);
  }
}

TEST(ShowPage, ALineOverTheLimitIsAProblemOnItsLine) {
  const std::string page_text =
      absl::StrCat("Show\nHost\nAbout\n\nJan 2, 2024 • 1h\nEpisode 1: A\n", std::string(kMaxLineBytes + 1, 'x'), "\n");
  const ShowPage page = ParseShowPage(page_text);
  ASSERT_THAT(ProblemLines(page), ElementsAre(7));
  EXPECT_THAT(page.problems[0].description, HasSubstr("at most 65536 bytes"));
}

TEST(ShowPage, EmptyPageIsAProblem) { EXPECT_THAT(ProblemLines(ParseShowPage("\n\n")), ElementsAre(1)); }

TEST(ShowPage, CrlfLineEndingsAndStrayLinesAreTolerated) {
  ShowPage page =
      ParseShowPage("Show\r\nHost\r\nAbout\r\nHi Loren!\r\nEpisodes\r\n\r\nJan 2, 2024 • 1h\r\nEpisode 1: A\r\n");
  EXPECT_THAT(page.problems, IsEmpty());
  ASSERT_EQ(page.episodes.size(), 1u);
  EXPECT_EQ(page.episodes[0].episode.title(), "A");
}

}  // namespace
}  // namespace podmeta::domain
