#include "domain/show_page.h"

#include <algorithm>
#include <map>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "domain/limits.h"
#include "domain/patterns.h"
#include "domain/resource_names.h"
#include "domain/resources.h"
#include "domain/validation.h"
#include "google/protobuf/util/time_util.h"

namespace podmeta::domain {
namespace {

using google::protobuf::util::TimeUtil;

struct Line {
  int number;
  std::string text;  // trimmed
};

const Pattern& DateLine() {
  static const Pattern pattern(
      R"((Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]* (\d{1,2}), (\d{4})\s*(?:•|\|)\s*(.+))");
  return pattern;
}

const Pattern& SnipsLine() {
  static const Pattern pattern(R"((\d{1,9}) snips?)");
  return pattern;
}

const Pattern& NumberedTitle() {
  static const Pattern pattern(R"(Episode (\d+)\s*(?::|-|–|—)\s*(.+))");
  return pattern;
}

const Pattern& ChapterLine() {
  static const Pattern pattern(R"(\((\d{1,2}):(\d{1,2})(?::(\d{1,2}))?\)\s*(.*))");
  return pattern;
}

bool IsOutlineHeading(absl::string_view text) {
  const std::string lower = absl::AsciiStrToLower(text);
  return lower == "## outline" || lower == "# outline" || lower == "# timestamps" || lower == "## timestamps" ||
         lower == "## chapters" || lower == "# chapters";
}

int MonthNumber(const std::string& name) {
  static const std::map<std::string, int> months = {{"Jan", 1}, {"Feb", 2},  {"Mar", 3},  {"Apr", 4},
                                                    {"May", 5}, {"Jun", 6},  {"Jul", 7},  {"Aug", 8},
                                                    {"Sep", 9}, {"Oct", 10}, {"Nov", 11}, {"Dec", 12}};
  return months.at(name.substr(0, 3));
}

// "1h 31min", "31min", "1h", "45s" → seconds.
std::optional<int64_t> ParseListedDuration(absl::string_view text) {
  // Digit counts are bounded so the numbers always fit.
  static const Pattern pattern(R"((?:(\d{1,5})\s*h)?\s*(?:(\d{1,6})\s*min)?\s*(?:(\d{1,9})\s*s)?)");
  const absl::string_view value = absl::StripAsciiWhitespace(text);
  const std::optional<PatternMatch> match = value.empty() ? std::nullopt : pattern.FullMatch(value);
  if (!match) return std::nullopt;
  int64_t seconds = 0;
  if (match->has(1)) seconds += std::stoll(match->str(1)) * 3600;
  if (match->has(2)) seconds += std::stoll(match->str(2)) * 60;
  if (match->has(3)) seconds += std::stoll(match->str(3));
  return seconds;
}

std::vector<v1::Person> Hosts(absl::string_view line) {
  std::vector<v1::Person> hosts;
  for (absl::string_view part : absl::StrSplit(line, absl::ByAnyChar(",&"))) {
    for (absl::string_view name : absl::StrSplit(part, " and ")) {
      name = absl::StripAsciiWhitespace(name);
      if (name.empty()) continue;
      v1::Person person;
      person.set_display_name(std::string(name));
      person.set_role(v1::Person::HOST);
      hosts.push_back(std::move(person));
    }
  }
  return hosts;
}

class Parser {
 public:
  explicit Parser(absl::string_view text) {
    int number = 0;
    for (absl::string_view raw : absl::StrSplit(text, '\n')) {
      ++number;
      absl::string_view trimmed = absl::StripAsciiWhitespace(absl::StripSuffix(raw, "\r"));
      if (trimmed.size() > kMaxLineBytes) {
        Problem(number, absl::StrCat("the line is ", trimmed.size(), " bytes long; lines may have at most ",
                                     kMaxLineBytes, " bytes"));
        trimmed = {};  // read as a blank line
      }
      lines_.push_back({number, std::string(trimmed)});
    }
  }

  ShowPage Parse() {
    ParseHeader();
    while (position_ < lines_.size()) {
      if (AtEpisodeStart()) {
        ParseEpisode();
      } else {
        SkipUnknownLine();
      }
    }
    Validate();
    std::stable_sort(page_.problems.begin(), page_.problems.end(),
                     [](const PageProblem& a, const PageProblem& b) { return a.line < b.line; });
    return std::move(page_);
  }

 private:
  const Line* NextNonBlank() {
    while (position_ < lines_.size() && lines_[position_].text.empty()) ++position_;
    return position_ < lines_.size() ? &lines_[position_] : nullptr;
  }

  void Problem(int line, std::string description) { page_.problems.push_back({line, std::move(description)}); }

  void ParseHeader() {
    const Line* title = NextNonBlank();
    if (title == nullptr) {
      Problem(1, "the page is empty: expected the show's title");
      return;
    }
    page_.podcast.set_title(title->text);
    page_.podcast_id = SlugOf(title->text);
    if (page_.podcast_id.empty()) Problem(title->number, "the show's title has no letters or digits to make an id of");
    ++position_;
    if (const Line* hosts = NextNonBlank(); hosts != nullptr && !AtEpisodeStart()) {
      for (v1::Person& host : Hosts(hosts->text)) *page_.podcast.add_people() = std::move(host);
      ++position_;
    }
    if (const Line* description = NextNonBlank(); description != nullptr && !AtEpisodeStart()) {
      page_.podcast.set_description(description->text);
      ++position_;
    }
  }

  bool AtEpisodeStart() const {
    if (position_ >= lines_.size()) return false;
    const std::string& text = lines_[position_].text;
    return SnipsLine().Matches(text) || DateLine().Matches(text);
  }

  void SkipUnknownLine() {
    const Line& line = lines_[position_];
    if (NumberedTitle().Matches(line.text)) {
      Problem(line.number, "episode title without a date line (\"Mon D, YYYY • duration\") before it");
    } else if (ChapterLine().Matches(line.text)) {
      Problem(line.number, "chapter outside an episode's \"## Outline\" or \"# Timestamps\" list");
    }
    ++position_;
  }

  void ParseEpisode() {
    ParsedEpisode parsed;
    if (std::optional<PatternMatch> snips = SnipsLine().FullMatch(lines_[position_].text)) {
      parsed.episode.set_snip_count(std::stoi(snips->str(1)));
      const int snips_line = lines_[position_].number;
      ++position_;
      NextNonBlank();
      if (position_ >= lines_.size() || !DateLine().Matches(lines_[position_].text)) {
        Problem(snips_line, "snips line not followed by an episode's date line");
        return;
      }
    }
    const Line& date_line = lines_[position_];
    parsed.line = date_line.number;
    ParseDate(*DateLine().FullMatch(date_line.text), date_line.number, parsed);
    ++position_;

    const Line* title = NextNonBlank();
    if (title == nullptr || AtEpisodeStart()) {
      Problem(date_line.number, "episode without a title after its date line");
      parsed.valid = false;
      page_.episodes.push_back(std::move(parsed));
      return;
    }
    if (std::optional<PatternMatch> numbered = NumberedTitle().FullMatch(title->text)) {
      int number = 0;
      if (!absl::SimpleAtoi(numbered->view(1), &number)) {
        Problem(title->number, "episode number is too large");
        parsed.valid = false;
      }
      parsed.episode.set_number(number);
      parsed.episode.set_type(v1::Episode::FULL);
      parsed.episode.set_title(numbered->str(2));
    } else {
      parsed.episode.set_title(title->text);
      parsed.episode.set_type(v1::Episode::BONUS);
    }
    ++position_;

    std::vector<std::string> description;
    while (position_ < lines_.size() && !lines_[position_].text.empty() && !AtEpisodeStart() &&
           !IsOutlineHeading(lines_[position_].text)) {
      description.push_back(lines_[position_].text);
      ++position_;
    }
    parsed.episode.set_description(absl::StrJoin(description, "\n"));

    NextNonBlank();
    if (position_ < lines_.size() && IsOutlineHeading(lines_[position_].text)) {
      ++position_;
      ParseChapters(parsed);
    }
    page_.episodes.push_back(std::move(parsed));
  }

  void ParseDate(const PatternMatch& match, int line, ParsedEpisode& parsed) {
    const int day = std::stoi(match.str(2));
    const int year = std::stoi(match.str(3));
    const absl::CivilDay civil(year, MonthNumber(match.str(1)), day);
    if (civil.day() != day || civil.year() != year) {
      Problem(line, absl::StrCat("\"", match.view(1), " ", day, ", ", year, "\" is not a date"));
      parsed.valid = false;
    } else {
      const absl::Time time = absl::FromCivil(civil, absl::UTCTimeZone());
      *parsed.episode.mutable_publish_time() = TimeUtil::SecondsToTimestamp(absl::ToUnixSeconds(time));
    }
    const std::optional<int64_t> duration = ParseListedDuration(match.view(4));
    if (!duration) {
      Problem(line, absl::StrCat(Quoted(match.view(4)), " is not a duration (like \"1h 31min\", \"31min\" or \"1h\")"));
      parsed.valid = false;
    } else {
      *parsed.episode.mutable_duration() = TimeUtil::SecondsToDuration(*duration);
    }
  }

  void ParseChapters(ParsedEpisode& parsed) {
    while (position_ < lines_.size() && !lines_[position_].text.empty() && !AtEpisodeStart()) {
      const Line& line = lines_[position_];
      ++position_;
      const std::optional<PatternMatch> match = ChapterLine().FullMatch(line.text);
      if (!match) {
        if (line.text.front() == '(') {
          Problem(line.number, "expected a chapter as \"(HH:MM:SS) Title\"");
          parsed.valid = false;
        }
        continue;
      }
      // (MM:SS) has no third group; (HH:MM:SS) has all three.
      const bool has_hours = match->has(3);
      const int hours = has_hours ? std::stoi(match->str(1)) : 0;
      const int minutes = std::stoi(match->str(has_hours ? 2 : 1));
      const int seconds = std::stoi(match->str(has_hours ? 3 : 2));
      if (minutes > 59 || seconds > 59) {
        Problem(line.number,
                absl::StrCat(minutes > 59 ? "minute " : "second ", minutes > 59 ? minutes : seconds, " in \"",
                             line.text.substr(0, line.text.find(')') + 1), "\" is out of range (0 to 59)"));
        parsed.valid = false;
        continue;
      }
      v1::Chapter* chapter = parsed.episode.add_chapters();
      *chapter->mutable_start_offset() = TimeUtil::SecondsToDuration(int64_t{hours} * 3600 + minutes * 60 + seconds);
      chapter->set_title(match->str(4));
      parsed.chapter_lines.push_back(line.number);
    }
  }

  // Line of the chapter a violation field like "chapters[3].start_offset"
  // names, or the episode's own line.
  static int LineOf(const ParsedEpisode& parsed, const std::string& field) {
    static const Pattern chapter_field(R"(chapters\[(\d{1,9})\])");
    if (std::optional<PatternMatch> match = chapter_field.PrefixMatch(field)) {
      const size_t chapter = std::stoul(match->str(1));
      if (chapter < parsed.chapter_lines.size()) return parsed.chapter_lines[chapter];
    }
    return parsed.line;
  }

  void Validate() {
    std::map<std::string, int> first_line_of_id;
    for (size_t i = 0; i < page_.episodes.size(); ++i) {
      ParsedEpisode& parsed = page_.episodes[i];
      NormalizeChapters(*parsed.episode.mutable_chapters());
      Violations violations;
      ValidateEpisode(parsed.episode, "", violations);
      for (const FieldViolation& violation : violations.list()) {
        if (!parsed.valid && violation.field == "publish_time") continue;  // already reported
        Problem(LineOf(parsed, violation.field), absl::StrCat(violation.field, ": ", violation.description));
        parsed.valid = false;
      }
      absl::StatusOr<std::string> id = ChooseEpisodeId("", parsed.episode);
      if (!id.ok()) {
        Problem(parsed.line, "the episode's title has no letters or digits to make an id of");
        parsed.valid = false;
        continue;
      }
      parsed.episode_id = *id;
      auto [existing, inserted] = first_line_of_id.emplace(*id, parsed.line);
      if (!inserted) {
        Problem(parsed.line,
                absl::StrCat("episode id \"", *id, "\" is used by the episode at line ", existing->second, " too"));
        parsed.valid = false;
      }
    }
    if (page_.podcast.title().empty()) return;  // reported as an empty page
    Violations podcast_violations;
    ValidatePodcast(page_.podcast, "", podcast_violations);
    for (const FieldViolation& violation : podcast_violations.list()) {
      Problem(1, absl::StrCat("show ", violation.field, ": ", violation.description));
    }
  }

  std::vector<Line> lines_;
  size_t position_ = 0;
  ShowPage page_;
};

}  // namespace

ShowPage ParseShowPage(absl::string_view text) {
  // A page is plain text without escapes: characters XML cannot carry are
  // dropped before it is read (line breaks stay, so lines keep their numbers).
  const std::string carriable = WithoutNonXmlCharacters(text);
  return Parser(carriable).Parse();
}

absl::Status PageProblemsStatus(const std::vector<PageProblem>& problems) {
  Violations violations;
  for (const PageProblem& problem : problems) {
    violations.Add("content", absl::StrCat("line ", problem.line, ": ", problem.description));
  }
  return violations.ToStatus();
}

}  // namespace podmeta::domain
