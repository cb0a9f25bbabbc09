#include "domain/chapter_formats.h"

#include <expat.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "domain/errors.h"
#include "domain/limits.h"
#include "domain/patterns.h"
#include "domain/validation.h"
#include "google/protobuf/util/time_util.h"

namespace podmeta::domain {
namespace {

using google::protobuf::util::TimeUtil;

int64_t Millis(const google::protobuf::Duration& duration) { return TimeUtil::DurationToMilliseconds(duration); }
google::protobuf::Duration FromMillis(int64_t millis) { return TimeUtil::MillisecondsToDuration(millis); }

// Collects reader problems as "line N: ..." violations of field "content".
class Problems {
 public:
  void Add(int line, absl::string_view description) {
    violations_.Add("content", line > 0 ? absl::StrCat("line ", line, ": ", description) : std::string(description));
  }
  bool empty() const { return violations_.empty(); }
  absl::Status ToStatus() const { return violations_.ToStatus(); }

 private:
  Violations violations_;
};

// An empty file is far more often a mistake (an empty pipe, a wrong path)
// than a wish to remove every chapter, which ReplaceChapters says explicitly.
constexpr absl::string_view kNoChapters = "has no chapters; to remove every chapter, replace them with an empty list";

// "HH:MM:SS.mmm" (WebVTT and normal play time alike, hours always written).
std::string Timestamp(int64_t millis, bool with_millis) {
  const int64_t seconds = millis / 1000;
  std::string text = absl::StrFormat("%02d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60);
  if (with_millis) absl::StrAppendFormat(&text, ".%03d", millis % 1000);
  return text;
}

// "[[HH:]MM:]SS[.mmm]" → milliseconds.
std::optional<int64_t> ParseClock(absl::string_view text) {
  // Digit counts are bounded so the numbers always fit.
  static const Pattern pattern(R"((?:(?:(\d{1,5}):)?(\d{1,2}):)?(\d{1,9})(?:\.(\d{1,3}))?)");
  const std::optional<PatternMatch> match = pattern.FullMatch(text);
  if (!match) return std::nullopt;
  const int64_t hours = match->has(1) ? std::stoll(match->str(1)) : 0;
  const int64_t minutes = match->has(2) ? std::stoll(match->str(2)) : 0;
  const int64_t seconds = std::stoll(match->str(3));
  if ((match->has(2) && seconds > 59) || (match->has(1) && minutes > 59)) return std::nullopt;
  int64_t millis = 0;
  if (match->has(4)) {
    std::string fraction = match->str(4);
    fraction.resize(3, '0');
    millis = std::stoll(fraction);
  }
  return ((hours * 60 + minutes) * 60 + seconds) * 1000 + millis;
}

std::vector<absl::string_view> Lines(absl::string_view content) {
  std::vector<absl::string_view> lines = absl::StrSplit(content, '\n');
  for (absl::string_view& line : lines) line = absl::StripSuffix(line, "\r");
  return lines;
}

// --- Podcasting 2.0 JSON ---

nlohmann::json Seconds(int64_t millis) {
  if (millis % 1000 == 0) return millis / 1000;
  return static_cast<double>(millis) / 1000.0;
}

std::string WritePodcasting2(const v1::Episode& episode) {
  nlohmann::json chapters = nlohmann::json::array();
  for (const v1::Chapter& chapter : episode.chapters()) {
    nlohmann::json entry = {{"startTime", Seconds(Millis(chapter.start_offset()))}};
    if (!chapter.title().empty()) entry["title"] = chapter.title();
    if (chapter.has_end_offset()) entry["endTime"] = Seconds(Millis(chapter.end_offset()));
    if (!chapter.image_uri().empty()) entry["img"] = chapter.image_uri();
    if (!chapter.link_uri().empty()) entry["url"] = chapter.link_uri();
    if (chapter.has_toc() && !chapter.toc()) entry["toc"] = false;
    if (chapter.has_location()) {
      nlohmann::json location = {{"name", chapter.location().name()}, {"geo", chapter.location().geo()}};
      if (!chapter.location().osm().empty()) location["osm"] = chapter.location().osm();
      entry["location"] = std::move(location);
    }
    chapters.push_back(std::move(entry));
  }
  // The file's own fields, in the spec's order, when the episode has them.
  nlohmann::ordered_json file = {{"version", "1.2.0"}};
  const v1::ChapterFileInfo& info = episode.chapter_file_info();
  if (!info.author().empty()) file["author"] = info.author();
  if (!info.title().empty()) file["title"] = info.title();
  if (!info.podcast_name().empty()) file["podcastName"] = info.podcast_name();
  if (!info.description().empty()) file["description"] = info.description();
  if (!info.file_name().empty()) file["fileName"] = info.file_name();
  if (info.waypoints()) file["waypoints"] = true;
  file["chapters"] = std::move(chapters);
  return file.dump(2) + "\n";
}

std::optional<int64_t> MillisOfSeconds(const nlohmann::json& value) {
  if (!value.is_number() || !std::isfinite(value.get<double>())) return std::nullopt;
  const double seconds = value.get<double>();
  if (seconds < 0 || seconds > 1e9) return std::nullopt;
  return static_cast<int64_t>(std::llround(seconds * 1000));
}

// An optional string member of a JSON object; anything but a string is a
// problem named `where` + key.
void ReadText(const nlohmann::json& object, const char* key, const std::string& where, std::string* out,
              Problems& problems) {
  if (!object.contains(key)) return;
  if (!object[key].is_string()) {
    problems.Add(0, absl::StrCat(where, key, " must be a string"));
    return;
  }
  *out = object[key].get<std::string>();
}

// An optional boolean member of a JSON object: empty when absent or not a
// boolean (then a problem named `where` + key).
std::optional<bool> ReadBool(const nlohmann::json& object, const char* key, const std::string& where,
                             Problems& problems) {
  if (!object.contains(key)) return std::nullopt;
  if (!object[key].is_boolean()) {
    problems.Add(0, absl::StrCat(where, key, " must be true or false"));
    return std::nullopt;
  }
  return object[key].get<bool>();
}

absl::StatusOr<ChapterFile> ReadPodcasting2(absl::string_view content) {
  Problems problems;
  nlohmann::json document = nlohmann::json::parse(content.begin(), content.end(), nullptr, false);
  if (document.is_discarded() || !document.is_object()) {
    problems.Add(0, "is not a JSON object");
    return problems.ToStatus();
  }
  if (!document.contains("chapters") || !document["chapters"].is_array()) {
    problems.Add(0, "has no \"chapters\" array");
    return problems.ToStatus();
  }
  ChapterFile file;
  ChapterList& chapters = file.chapters;
  v1::ChapterFileInfo& info = file.info;
  ReadText(document, "author", "", info.mutable_author(), problems);
  ReadText(document, "title", "", info.mutable_title(), problems);
  ReadText(document, "podcastName", "", info.mutable_podcast_name(), problems);
  ReadText(document, "description", "", info.mutable_description(), problems);
  ReadText(document, "fileName", "", info.mutable_file_name(), problems);
  if (std::optional<bool> waypoints = ReadBool(document, "waypoints", "", problems)) info.set_waypoints(*waypoints);
  int index = 0;
  for (const nlohmann::json& entry : document["chapters"]) {
    const std::string where = absl::StrCat("chapters[", index++, "]");
    if (!entry.is_object()) {
      problems.Add(0, where + " is not an object");
      continue;
    }
    v1::Chapter chapter;
    std::optional<int64_t> start = entry.contains("startTime") ? MillisOfSeconds(entry["startTime"]) : std::nullopt;
    if (!start) {
      problems.Add(0, where + ".startTime must be a number of seconds, 0 or more");
      continue;
    }
    *chapter.mutable_start_offset() = FromMillis(*start);
    if (entry.contains("endTime")) {
      std::optional<int64_t> end = MillisOfSeconds(entry["endTime"]);
      if (!end) {
        problems.Add(0, where + ".endTime must be a number of seconds, 0 or more");
        continue;
      }
      *chapter.mutable_end_offset() = FromMillis(*end);
    }
    ReadText(entry, "title", where + ".", chapter.mutable_title(), problems);
    ReadText(entry, "img", where + ".", chapter.mutable_image_uri(), problems);
    ReadText(entry, "url", where + ".", chapter.mutable_link_uri(), problems);
    if (std::optional<bool> toc = ReadBool(entry, "toc", where + ".", problems)) chapter.set_toc(*toc);
    if (entry.contains("location")) {
      const nlohmann::json& location = entry["location"];
      if (!location.is_object()) {
        problems.Add(0, where + ".location must be an object with name and geo");
      } else {
        v1::ChapterLocation* place = chapter.mutable_location();
        ReadText(location, "name", where + ".location.", place->mutable_name(), problems);
        ReadText(location, "geo", where + ".location.", place->mutable_geo(), problems);
        ReadText(location, "osm", where + ".location.", place->mutable_osm(), problems);
      }
    }
    *chapters.Add() = std::move(chapter);
  }
  if (!problems.empty()) return problems.ToStatus();
  return file;
}

// --- Podlove Simple Chapters ---

// Markup escaped, and characters XML cannot carry left out (writes refuse
// them and imports drop them; anything stored before stays out of the file).
std::string XmlEscape(absl::string_view text) {
  return absl::StrReplaceAll(WithoutNonXmlCharacters(text),
                             {{"&", "&amp;"}, {"<", "&lt;"}, {">", "&gt;"}, {"\"", "&quot;"}, {"'", "&apos;"}});
}

std::string WritePodlove(const v1::Episode& episode) {
  std::string xml =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<psc:chapters version=\"1.2\" xmlns:psc=\"http://podlove.org/simple-chapters\">\n";
  for (const v1::Chapter& chapter : episode.chapters()) {
    const int64_t start = Millis(chapter.start_offset());
    absl::StrAppend(&xml, "  <psc:chapter start=\"", Timestamp(start, start % 1000 != 0), "\" title=\"",
                    XmlEscape(chapter.title()), "\"");
    if (!chapter.link_uri().empty()) absl::StrAppend(&xml, " href=\"", XmlEscape(chapter.link_uri()), "\"");
    if (!chapter.image_uri().empty()) absl::StrAppend(&xml, " image=\"", XmlEscape(chapter.image_uri()), "\"");
    xml += "/>\n";
  }
  xml += "</psc:chapters>\n";
  return xml;
}

struct PodloveParse {
  XML_Parser parser = nullptr;
  bool has_chapters_element = false;
  ChapterList chapters;
  Problems problems;
};

void OnPodloveElement(void* data, const XML_Char* name, const XML_Char** attributes) {
  auto* parse = static_cast<PodloveParse*>(data);
  // Namespace processing reports "URI|local"; accept the PSC namespace or none.
  absl::string_view element(name);
  if (element == "http://podlove.org/simple-chapters|chapters" || element == "chapters") {
    parse->has_chapters_element = true;
  }
  if (element != "http://podlove.org/simple-chapters|chapter" && element != "chapter") return;
  const int line = static_cast<int>(XML_GetCurrentLineNumber(parse->parser));
  v1::Chapter chapter;
  bool has_start = false;
  for (int i = 0; attributes[i] != nullptr; i += 2) {
    absl::string_view key(attributes[i]);
    const std::string value(attributes[i + 1]);
    if (key == "start") {
      std::optional<int64_t> start = ParseClock(value);
      if (!start) {
        parse->problems.Add(line, absl::StrCat("start=\"", value, "\" is not normal play time (HH:MM:SS.mmm)"));
        return;
      }
      *chapter.mutable_start_offset() = FromMillis(*start);
      has_start = true;
    } else if (key == "title") {
      chapter.set_title(value);
    } else if (key == "href") {
      chapter.set_link_uri(value);
    } else if (key == "image") {
      chapter.set_image_uri(value);
    }
  }
  if (!has_start) {
    parse->problems.Add(line, "chapter without a start attribute");
    return;
  }
  *parse->chapters.Add() = std::move(chapter);
}

absl::StatusOr<ChapterList> ReadPodlove(absl::string_view content) {
  PodloveParse parse;
  parse.parser = XML_ParserCreateNS("UTF-8", '|');
  XML_SetUserData(parse.parser, &parse);
  XML_SetStartElementHandler(parse.parser, OnPodloveElement);
  const bool parsed = XML_Parse(parse.parser, content.data(), static_cast<int>(content.size()), 1) == XML_STATUS_OK;
  if (!parsed) {
    parse.problems.Add(static_cast<int>(XML_GetCurrentLineNumber(parse.parser)),
                       absl::StrCat("XML error: ", XML_ErrorString(XML_GetErrorCode(parse.parser))));
  }
  XML_ParserFree(parse.parser);
  if (parsed && !parse.has_chapters_element) parse.problems.Add(0, "has no <psc:chapters> element");
  if (!parse.problems.empty()) return parse.problems.ToStatus();
  return std::move(parse.chapters);
}

// --- WebVTT ---

std::string VttEscape(absl::string_view text) {
  return absl::StrReplaceAll(text, {{"&", "&amp;"}, {"<", "&lt;"}, {">", "&gt;"}});
}

std::string VttUnescape(absl::string_view text) {
  return absl::StrReplaceAll(
      text,
      {{"&lt;", "<"}, {"&gt;", ">"}, {"&nbsp;", "\u00A0"}, {"&lrm;", "\u200E"}, {"&rlm;", "\u200F"}, {"&amp;", "&"}});
}

std::string WriteWebVtt(const v1::Episode& episode) {
  std::string vtt = "WEBVTT\n";
  for (int i = 0; i < episode.chapters_size(); ++i) {
    const v1::Chapter& chapter = episode.chapters(i);
    const int64_t start = Millis(chapter.start_offset());
    // A cue needs an end; without one the chapter lasts a second.
    const int64_t end = chapter.has_end_offset() ? Millis(chapter.end_offset()) : start + 1000;
    absl::StrAppend(&vtt, "\n", i + 1, "\n", Timestamp(start, true), " --> ", Timestamp(end, true), "\n",
                    VttEscape(chapter.title()), "\n");
  }
  return vtt;
}

absl::StatusOr<ChapterList> ReadWebVtt(absl::string_view content) {
  Problems problems;
  const std::vector<absl::string_view> lines = Lines(absl::StripPrefix(content, "\xEF\xBB\xBF"));
  if (lines.empty() || !absl::StartsWith(lines[0], "WEBVTT")) {
    problems.Add(1, "a WebVTT file starts with \"WEBVTT\"");
    return problems.ToStatus();
  }
  ChapterList chapters;
  size_t i = 1;
  while (i < lines.size()) {
    if (lines[i].empty()) {
      ++i;
      continue;
    }
    // A block: optional identifier, then a timing line, then payload lines.
    size_t block_end = i;
    while (block_end < lines.size() && !lines[block_end].empty()) ++block_end;
    size_t timing = i;
    if (!absl::StrContains(lines[timing], "-->") && timing + 1 < block_end) ++timing;
    const absl::string_view first = lines[i];
    if (absl::StartsWith(first, "NOTE") || absl::StartsWith(first, "STYLE") || absl::StartsWith(first, "REGION")) {
      i = block_end;
      continue;
    }
    const int line_number = static_cast<int>(timing + 1);
    std::vector<absl::string_view> parts = absl::StrSplit(lines[timing], " --> ");
    if (parts.size() != 2) {
      problems.Add(line_number, "expected a cue timing line \"HH:MM:SS.mmm --> HH:MM:SS.mmm\"");
      i = block_end;
      continue;
    }
    const absl::string_view after_arrow = absl::StripLeadingAsciiWhitespace(parts[1]);
    const absl::string_view end_text = after_arrow.substr(0, after_arrow.find(' '));  // cue settings follow
    std::optional<int64_t> start = ParseClock(absl::StripAsciiWhitespace(parts[0]));
    std::optional<int64_t> end = ParseClock(end_text);
    if (!start || !end) {
      problems.Add(line_number, "cue times must be HH:MM:SS.mmm or MM:SS.mmm");
      i = block_end;
      continue;
    }
    std::vector<std::string> payload;
    for (size_t k = timing + 1; k < block_end; ++k) payload.push_back(VttUnescape(lines[k]));
    v1::Chapter chapter;
    *chapter.mutable_start_offset() = FromMillis(*start);
    *chapter.mutable_end_offset() = FromMillis(*end);
    chapter.set_title(absl::StrJoin(payload, " "));
    *chapters.Add() = std::move(chapter);
    i = block_end;
  }
  if (!problems.empty()) return problems.ToStatus();
  return chapters;
}

// --- Plain text ---

std::string WritePlainText(const v1::Episode& episode) {
  std::string text;
  for (const v1::Chapter& chapter : episode.chapters()) {
    absl::StrAppend(&text, "(", Timestamp(Millis(chapter.start_offset()), false), ") ", chapter.title(), "\n");
  }
  return text;
}

absl::StatusOr<ChapterList> ReadPlainText(absl::string_view content) {
  static const Pattern chapter_line(R"(\(([0-9:.]+)\)\s*(.*))");
  Problems problems;
  ChapterList chapters;
  int line_number = 0;
  for (absl::string_view line : Lines(content)) {
    ++line_number;
    const absl::string_view trimmed = absl::StripAsciiWhitespace(line);
    if (trimmed.empty()) continue;
    const std::optional<PatternMatch> match = chapter_line.FullMatch(trimmed);
    if (!match) {
      problems.Add(line_number, "expected a chapter as \"(HH:MM:SS) Title\"");
      continue;
    }
    std::optional<int64_t> start = ParseClock(match->view(1));
    if (!start) {
      problems.Add(line_number, absl::StrCat(Quoted(absl::StrCat("(", match->view(1), ")")),
                                             " is not a time (HH:MM:SS, minutes and seconds 0 to 59)"));
      continue;
    }
    v1::Chapter chapter;
    *chapter.mutable_start_offset() = FromMillis(*start);
    chapter.set_title(match->str(2));
    *chapters.Add() = std::move(chapter);
  }
  if (problems.empty() && chapters.empty()) problems.Add(0, kNoChapters);
  if (!problems.empty()) return problems.ToStatus();
  return chapters;
}

absl::StatusOr<ChapterFile> FileOf(absl::StatusOr<ChapterList> chapters) {
  if (!chapters.ok()) return chapters.status();
  ChapterFile file;
  file.chapters = *std::move(chapters);
  return file;
}

// Podlove, WebVTT and text have no silent chapters: an untitled one (toc
// false) is left out of them; JSON keeps it.
v1::Episode TitledChaptersOnly(const v1::Episode& episode) {
  v1::Episode titled = episode;
  auto& chapters = *titled.mutable_chapters();
  chapters.erase(std::remove_if(chapters.begin(), chapters.end(),
                                [](const v1::Chapter& chapter) { return chapter.title().empty(); }),
                 chapters.end());
  return titled;
}

}  // namespace

absl::StatusOr<std::string> ExportChapters(const v1::Episode& episode, v1::ChapterFormat format) {
  if (format != v1::PODCASTING2_JSON &&
      std::any_of(episode.chapters().begin(), episode.chapters().end(),
                  [](const v1::Chapter& chapter) { return chapter.title().empty(); })) {
    return ExportChapters(TitledChaptersOnly(episode), format);
  }
  switch (format) {
    case v1::PODCASTING2_JSON:
      return WritePodcasting2(episode);
    case v1::PODLOVE_SIMPLE_CHAPTERS:
      return WritePodlove(episode);
    case v1::WEBVTT:
      return WriteWebVtt(episode);
    case v1::PLAIN_TEXT:
      return WritePlainText(episode);
    default:
      return InvalidField("format", "must be PODCASTING2_JSON, PODLOVE_SIMPLE_CHAPTERS, WEBVTT or PLAIN_TEXT");
  }
}

absl::StatusOr<v1::ExportChaptersResponse> ExportChapterFile(const v1::Episode& episode, v1::ChapterFormat format) {
  absl::StatusOr<std::string> content = ExportChapters(episode, format);
  if (!content.ok()) return content.status();
  v1::ExportChaptersResponse file;
  file.set_content(*std::move(content));
  file.set_content_type(ChapterContentType(format));
  return file;
}

std::string ChapterContentType(v1::ChapterFormat format) {
  switch (format) {
    case v1::PODCASTING2_JSON:
      return "application/json+chapters";
    case v1::PODLOVE_SIMPLE_CHAPTERS:
      return "application/xml";
    case v1::WEBVTT:
      return "text/vtt";
    default:
      return "text/plain; charset=utf-8";
  }
}

v1::ChapterFormat DetectChapterFormat(absl::string_view content) {
  const absl::string_view start = absl::StripLeadingAsciiWhitespace(absl::StripPrefix(content, "\xEF\xBB\xBF"));
  if (absl::StartsWith(start, "WEBVTT")) return v1::WEBVTT;
  if (absl::StartsWith(start, "{")) return v1::PODCASTING2_JSON;
  if (absl::StartsWith(start, "<")) return v1::PODLOVE_SIMPLE_CHAPTERS;
  return v1::PLAIN_TEXT;
}

absl::StatusOr<ChapterList> ReadChapters(absl::string_view content, v1::ChapterFormat format) {
  absl::StatusOr<ChapterFile> file = ReadChapterFile(content, format);
  if (!file.ok()) return file.status();
  return std::move(file->chapters);
}

absl::StatusOr<ChapterFile> ReadChapterFile(absl::string_view content, v1::ChapterFormat format) {
  if (content.size() > kMaxChapterFileBytes) {
    return InvalidField("content", absl::StrCat("must be at most ", kMaxChapterFileBytes, " bytes"));
  }
  if (format == v1::CHAPTER_FORMAT_UNSPECIFIED) format = DetectChapterFormat(content);
  if (!IsValidUtf8(content)) return InvalidField("content", "must be UTF-8");
  if (format == v1::WEBVTT || format == v1::PLAIN_TEXT) {
    // Line-based formats: a chapter line is short, so a huge one is an error
    // (reported, not parsed).
    Problems problems;
    int line_number = 0;
    for (absl::string_view line : Lines(content)) {
      ++line_number;
      if (line.size() > kMaxLineBytes) {
        problems.Add(line_number, absl::StrCat("the line is ", line.size(), " bytes long; lines may have at most ",
                                               kMaxLineBytes, " bytes"));
      }
    }
    if (!problems.empty()) return problems.ToStatus();
  }
  absl::StatusOr<ChapterFile> file;
  switch (format) {
    case v1::PODCASTING2_JSON:
      file = ReadPodcasting2(content);
      break;
    case v1::PODLOVE_SIMPLE_CHAPTERS:
      file = FileOf(ReadPodlove(content));
      break;
    case v1::WEBVTT:
      file = FileOf(ReadWebVtt(content));
      break;
    case v1::PLAIN_TEXT:
      file = FileOf(ReadPlainText(content));
      break;
    default:
      return InvalidField("format", "is not a chapter format podmeta reads");
  }
  if (!file.ok()) return file;
  file->format = format;
  for (int i = 0; i < file->chapters.size(); ++i) {
    for (const std::string& field : DropNonXmlCharacters(file->chapters[i])) {
      file->repaired_fields.push_back(absl::StrCat("chapters[", i, "].", field));
    }
  }
  for (const std::string& field : DropNonXmlCharacters(file->info)) {
    file->repaired_fields.push_back(absl::StrCat("info.", field));
  }
  return file;
}

void SetChapterFileInfo(const v1::ChapterFileInfo& info, v1::Episode& episode) {
  if (info.ByteSizeLong() > 0) {
    *episode.mutable_chapter_file_info() = info;
  } else {
    episode.clear_chapter_file_info();
  }
}

}  // namespace podmeta::domain
