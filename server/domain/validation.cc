#include "domain/validation.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <type_traits>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "domain/limits.h"
#include "domain/resource_names.h"
#include "google/protobuf/util/time_util.h"

namespace podmeta::domain {
namespace {

using google::protobuf::Duration;
using google::protobuf::util::TimeUtil;

std::string Path(absl::string_view prefix, absl::string_view field) {
  return prefix.empty() ? std::string(field) : absl::StrCat(prefix, ".", field);
}

// The ranges google/protobuf/duration.proto and timestamp.proto define.
bool IsValidDuration(const Duration& duration) {
  constexpr int64_t kMaxSeconds = 315'576'000'000;
  return duration.seconds() >= -kMaxSeconds && duration.seconds() <= kMaxSeconds && duration.nanos() > -1'000'000'000 &&
         duration.nanos() < 1'000'000'000 && !(duration.seconds() > 0 && duration.nanos() < 0) &&
         !(duration.seconds() < 0 && duration.nanos() > 0);
}

bool IsValidTimestamp(const google::protobuf::Timestamp& time) {
  constexpr int64_t kFirstSecond = -62'135'596'800;  // 0001-01-01T00:00:00Z
  constexpr int64_t kLastSecond = 253'402'300'799;   // 9999-12-31T23:59:59Z
  return time.seconds() >= kFirstSecond && time.seconds() <= kLastSecond && time.nanos() >= 0 &&
         time.nanos() < 1'000'000'000;
}

int64_t Millis(const Duration& duration) { return TimeUtil::DurationToMilliseconds(duration); }

std::string Clock(const Duration& duration) {
  const int64_t total_ms = Millis(duration);
  const int64_t seconds = total_ms / 1000;
  std::string text = absl::StrCat(seconds / 3600, ":", absl::Dec(seconds / 60 % 60, absl::kZeroPad2), ":",
                                  absl::Dec(seconds % 60, absl::kZeroPad2));
  if (total_ms % 1000 != 0) absl::StrAppend(&text, ".", absl::Dec(total_ms % 1000, absl::kZeroPad3));
  return text;
}

void CheckText(absl::string_view text, absl::string_view field, size_t max_bytes, bool required,
               Violations& violations) {
  if (required && text.empty()) {
    violations.Add(std::string(field), "must not be empty");
  } else if (text.size() > max_bytes) {
    violations.Add(std::string(field), absl::StrCat("must be at most ", max_bytes, " bytes, is ", text.size()));
  } else if (!IsValidUtf8(text)) {
    violations.Add(std::string(field), "must be valid UTF-8");
  } else if (text.find('\0') != absl::string_view::npos) {
    // PostgreSQL text cannot hold NUL.
    violations.Add(std::string(field), "must not contain NUL characters");
  }
}

// Titles are one line: chapter files (WebVTT cues, text lines) have no way
// to carry a line break inside one.
void CheckSingleLine(absl::string_view text, absl::string_view field, Violations& violations) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
      violations.Add(std::string(field), "must be one line, without control characters");
      return;
    }
  }
}

// A geo URI (RFC 5870) as Podcasting 2.0 locations use it:
// `geo:LAT,LON[,ALT][;parameters]`, latitude within ±90, longitude ±180.
bool IsGeoUri(absl::string_view uri) {
  if (!absl::ConsumePrefix(&uri, "geo:")) return false;
  const absl::string_view coordinates = uri.substr(0, uri.find(';'));
  std::vector<absl::string_view> parts = absl::StrSplit(coordinates, ',');
  if (parts.size() < 2 || parts.size() > 3) return false;
  double values[3] = {0, 0, 0};
  for (size_t i = 0; i < parts.size(); ++i) {
    if (parts[i].empty() || !absl::SimpleAtod(parts[i], &values[i]) || !std::isfinite(values[i])) return false;
  }
  return values[0] >= -90 && values[0] <= 90 && values[1] >= -180 && values[1] <= 180;
}

// An OpenStreetMap object: N, W or R, its id, optionally `#` and a revision.
bool IsOsmReference(absl::string_view osm) {
  if (osm.size() < 2 || (osm[0] != 'N' && osm[0] != 'W' && osm[0] != 'R')) return false;
  const size_t hash = osm.find('#');
  const auto digits = [](absl::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (hash == absl::string_view::npos) return digits(osm.substr(1));
  return digits(osm.substr(1, hash - 1)) && digits(osm.substr(hash + 1));
}

void CheckLocation(const v1::ChapterLocation& location, const std::string& path, Violations& violations) {
  CheckText(location.name(), absl::StrCat(path, ".name"), kMaxShortTextBytes, true, violations);
  if (location.geo().empty()) {
    violations.Add(absl::StrCat(path, ".geo"), "must not be empty (a geo URI such as geo:54.35,18.66)");
  } else if (location.geo().size() > kMaxShortTextBytes || !IsGeoUri(location.geo())) {
    violations.Add(absl::StrCat(path, ".geo"),
                   "must be a geo URI: geo:LATITUDE,LONGITUDE (RFC 5870), latitude -90 to 90, longitude -180 to 180");
  }
  if (!location.osm().empty() && (location.osm().size() > kMaxShortTextBytes || !IsOsmReference(location.osm()))) {
    violations.Add(absl::StrCat(path, ".osm"), "must be an OpenStreetMap type and id, e.g. R2346712 or W5013364#3");
  }
}

void CheckUri(absl::string_view uri, absl::string_view field, Violations& violations) {
  if (uri.empty()) return;
  if (uri.size() > kMaxUriBytes) {
    violations.Add(std::string(field), absl::StrCat("must be at most ", kMaxUriBytes, " bytes"));
  } else if (!(absl::StartsWith(uri, "https://") || absl::StartsWith(uri, "http://")) ||
             uri.find_first_of(" \"<>") != absl::string_view::npos || std::any_of(uri.begin(), uri.end(), [](char c) {
               return static_cast<unsigned char>(c) < 0x20 || c == 0x7F;
             })) {
    // No spaces, quotes, angle brackets or control characters (NUL included,
    // which decoded JSON can carry and PostgreSQL cannot store).
    violations.Add(std::string(field), "must be an absolute http or https URI");
  }
}

void CheckDuration(const Duration& duration, absl::string_view field, Violations& violations) {
  if (!IsValidDuration(duration) || duration.seconds() < 0 || duration.nanos() < 0) {
    violations.Add(std::string(field), "must not be negative");
  } else if (duration.nanos() % 1'000'000 != 0) {
    violations.Add(std::string(field), "must be a whole number of milliseconds");
  }
}

void CheckPeople(const google::protobuf::RepeatedPtrField<v1::Person>& people, absl::string_view prefix,
                 Violations& violations) {
  if (static_cast<size_t>(people.size()) > kMaxPeople) {
    violations.Add(Path(prefix, "people"), absl::StrCat("must list at most ", kMaxPeople, " people"));
    return;
  }
  for (int i = 0; i < people.size(); ++i) {
    const std::string person = Path(prefix, absl::StrCat("people[", i, "]"));
    CheckText(people[i].display_name(), Path(person, "display_name"), kMaxTitleBytes, true, violations);
    CheckUri(people[i].uri(), Path(person, "uri"), violations);
    CheckUri(people[i].image_uri(), Path(person, "image_uri"), violations);
    CheckText(people[i].taxonomy_role(), Path(person, "taxonomy_role"), kMaxShortTextBytes, false, violations);
    CheckText(people[i].group(), Path(person, "group"), kMaxShortTextBytes, false, violations);
    if (!v1::Person::Role_IsValid(people[i].role())) violations.Add(Path(person, "role"), "unknown role");
  }
}

bool StartsPart(absl::string_view title) {
  if (!absl::StartsWith(title, "PART ")) return false;
  size_t position = 5;
  const size_t digits_start = position;
  while (position < title.size() && title[position] >= '0' && title[position] <= '9') ++position;
  return position > digits_start && position < title.size() && title[position] == ':';
}

}  // namespace

bool IsValidUtf8(absl::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const auto byte = static_cast<unsigned char>(text[i]);
    size_t length = 0;
    uint32_t code_point = 0;
    if (byte < 0x80) {
      ++i;
      continue;
    } else if ((byte & 0xE0) == 0xC0) {
      length = 2;
      code_point = byte & 0x1F;
    } else if ((byte & 0xF0) == 0xE0) {
      length = 3;
      code_point = byte & 0x0F;
    } else if ((byte & 0xF8) == 0xF0) {
      length = 4;
      code_point = byte & 0x07;
    } else {
      return false;
    }
    if (i + length > text.size()) return false;
    for (size_t k = 1; k < length; ++k) {
      const auto continuation = static_cast<unsigned char>(text[i + k]);
      if ((continuation & 0xC0) != 0x80) return false;
      code_point = (code_point << 6) | (continuation & 0x3F);
    }
    static constexpr uint32_t kSmallestOfLength[] = {0, 0, 0x80, 0x800, 0x10000};
    if (code_point < kSmallestOfLength[length] || code_point > 0x10FFFF ||
        (code_point >= 0xD800 && code_point <= 0xDFFF)) {
      return false;
    }
    i += length;
  }
  return true;
}

void ValidatePodcast(const v1::Podcast& podcast, absl::string_view prefix, Violations& violations) {
  CheckText(podcast.title(), Path(prefix, "title"), kMaxTitleBytes, true, violations);
  CheckText(podcast.description(), Path(prefix, "description"), kMaxDescriptionBytes, false, violations);
  CheckText(podcast.guid(), Path(prefix, "guid"), kMaxGuidBytes, false, violations);
  CheckText(podcast.language(), Path(prefix, "language"), 35, false, violations);
  CheckUri(podcast.image_uri(), Path(prefix, "image_uri"), violations);
  CheckUri(podcast.feed_uri(), Path(prefix, "feed_uri"), violations);
  CheckPeople(podcast.people(), prefix, violations);
  CheckText(podcast.author(), Path(prefix, "author"), kMaxTitleBytes, false, violations);
  CheckText(podcast.owner().name(), Path(prefix, "owner.name"), kMaxTitleBytes, false, violations);
  CheckText(podcast.owner().email(), Path(prefix, "owner.email"), kMaxTitleBytes, false, violations);
  CheckText(podcast.locked_owner(), Path(prefix, "locked_owner"), kMaxTitleBytes, false, violations);
  CheckText(podcast.medium(), Path(prefix, "medium"), kMaxShortTextBytes, false, violations);
  CheckText(podcast.copyright(), Path(prefix, "copyright"), kMaxTitleBytes, false, violations);
  CheckUri(podcast.link_uri(), Path(prefix, "link_uri"), violations);
  if (!v1::Podcast::Type_IsValid(podcast.type())) violations.Add(Path(prefix, "type"), "unknown podcast type");
  if (static_cast<size_t>(podcast.categories_size()) > kMaxListedItems) {
    violations.Add(Path(prefix, "categories"), absl::StrCat("must list at most ", kMaxListedItems));
  }
  for (int i = 0; i < podcast.categories_size() && static_cast<size_t>(i) < kMaxListedItems; ++i) {
    const v1::Category& category = podcast.categories(i);
    CheckText(category.name(), Path(prefix, absl::StrCat("categories[", i, "].name")), kMaxShortTextBytes, true,
              violations);
    for (int j = 0; j < category.subcategories_size(); ++j) {
      CheckText(category.subcategories(j), Path(prefix, absl::StrCat("categories[", i, "].subcategories[", j, "]")),
                kMaxShortTextBytes, true, violations);
    }
  }
  if (static_cast<size_t>(podcast.funding_size()) > kMaxListedItems) {
    violations.Add(Path(prefix, "funding"), absl::StrCat("must list at most ", kMaxListedItems));
  }
  for (int i = 0; i < podcast.funding_size(); ++i) {
    CheckUri(podcast.funding(i).uri(), Path(prefix, absl::StrCat("funding[", i, "].uri")), violations);
    CheckText(podcast.funding(i).text(), Path(prefix, absl::StrCat("funding[", i, "].text")), kMaxShortTextBytes, false,
              violations);
  }
}

void ValidateEpisode(const v1::Episode& episode, absl::string_view prefix, Violations& violations) {
  CheckText(episode.title(), Path(prefix, "title"), kMaxTitleBytes, true, violations);
  CheckText(episode.description(), Path(prefix, "description"), kMaxDescriptionBytes, false, violations);
  if (episode.has_chapter_file_info()) {
    const v1::ChapterFileInfo& info = episode.chapter_file_info();
    const std::string info_path = Path(prefix, "chapter_file_info");
    CheckText(info.author(), Path(info_path, "author"), kMaxTitleBytes, false, violations);
    CheckText(info.title(), Path(info_path, "title"), kMaxTitleBytes, false, violations);
    CheckText(info.podcast_name(), Path(info_path, "podcast_name"), kMaxTitleBytes, false, violations);
    CheckText(info.description(), Path(info_path, "description"), kMaxDescriptionBytes, false, violations);
    CheckText(info.file_name(), Path(info_path, "file_name"), kMaxUriBytes, false, violations);
  }
  CheckText(episode.guid(), Path(prefix, "guid"), kMaxGuidBytes, false, violations);
  if (episode.has_number() && episode.number() < 0) violations.Add(Path(prefix, "number"), "must not be negative");
  if (episode.has_season() && episode.season() < 0) violations.Add(Path(prefix, "season"), "must not be negative");
  if (!v1::Episode::Type_IsValid(episode.type())) violations.Add(Path(prefix, "type"), "unknown episode type");
  if (!episode.has_publish_time()) {
    violations.Add(Path(prefix, "publish_time"), "is required");
  } else if (!IsValidTimestamp(episode.publish_time())) {
    violations.Add(Path(prefix, "publish_time"), "is not a valid timestamp");
  }
  CheckDuration(episode.duration(), Path(prefix, "duration"), violations);
  if (episode.snip_count() < 0) violations.Add(Path(prefix, "snip_count"), "must not be negative");
  CheckPeople(episode.people(), prefix, violations);
  ValidateChapters(episode.chapters(), episode.duration(), Path(prefix, "chapters"), violations);
  CheckUri(episode.enclosure().uri(), Path(prefix, "enclosure.uri"), violations);
  CheckText(episode.enclosure().mime_type(), Path(prefix, "enclosure.mime_type"), kMaxShortTextBytes, false,
            violations);
  if (episode.enclosure().length_bytes() < 0) {
    violations.Add(Path(prefix, "enclosure.length_bytes"), "must not be negative");
  }
  CheckUri(episode.link_uri(), Path(prefix, "link_uri"), violations);
  CheckUri(episode.image_uri(), Path(prefix, "image_uri"), violations);
  CheckUri(episode.chapters_uri(), Path(prefix, "chapters_uri"), violations);
  CheckText(episode.show_notes_html(), Path(prefix, "show_notes_html"), kMaxShowNotesBytes, false, violations);
  CheckText(episode.itunes_title(), Path(prefix, "itunes_title"), kMaxTitleBytes, false, violations);
  CheckText(episode.season_name(), Path(prefix, "season_name"), kMaxShortTextBytes, false, violations);
  CheckText(episode.number_display(), Path(prefix, "number_display"), kMaxShortTextBytes, false, violations);
  if (static_cast<size_t>(episode.transcripts_size()) > kMaxListedItems) {
    violations.Add(Path(prefix, "transcripts"), absl::StrCat("must list at most ", kMaxListedItems));
  }
  for (int i = 0; i < episode.transcripts_size(); ++i) {
    const std::string path = Path(prefix, absl::StrCat("transcripts[", i, "]"));
    CheckUri(episode.transcripts(i).uri(), Path(path, "uri"), violations);
    CheckText(episode.transcripts(i).mime_type(), Path(path, "mime_type"), kMaxShortTextBytes, false, violations);
    CheckText(episode.transcripts(i).language(), Path(path, "language"), kMaxShortTextBytes, false, violations);
    CheckText(episode.transcripts(i).rel(), Path(path, "rel"), kMaxShortTextBytes, false, violations);
  }
  if (static_cast<size_t>(episode.soundbites_size()) > kMaxListedItems) {
    violations.Add(Path(prefix, "soundbites"), absl::StrCat("must list at most ", kMaxListedItems));
  }
  for (int i = 0; i < episode.soundbites_size(); ++i) {
    const std::string path = Path(prefix, absl::StrCat("soundbites[", i, "]"));
    CheckDuration(episode.soundbites(i).start_offset(), Path(path, "start_offset"), violations);
    CheckDuration(episode.soundbites(i).duration(), Path(path, "duration"), violations);
    CheckText(episode.soundbites(i).title(), Path(path, "title"), kMaxTitleBytes, false, violations);
  }
}

bool IsHttpUri(absl::string_view uri) {
  Violations violations;
  CheckUri(uri, "uri", violations);
  return !uri.empty() && violations.empty();
}

void ValidateChapters(const google::protobuf::RepeatedPtrField<v1::Chapter>& chapters, const Duration& episode_duration,
                      absl::string_view prefix, Violations& violations) {
  if (static_cast<size_t>(chapters.size()) > kMaxChapters) {
    violations.Add(std::string(prefix), absl::StrCat("must have at most ", kMaxChapters, " chapters"));
    return;
  }
  const int64_t duration_ms = Millis(episode_duration);
  for (int i = 0; i < chapters.size(); ++i) {
    const v1::Chapter& chapter = chapters[i];
    const std::string path = absl::StrCat(prefix, "[", i, "]");
    const std::string start_field = absl::StrCat(path, ".start_offset");
    const size_t before = violations.list().size();
    CheckDuration(chapter.start_offset(), start_field, violations);
    const bool start_is_valid = violations.list().size() == before;
    const int64_t start_ms = Millis(chapter.start_offset());
    if (start_is_valid && i > 0 && start_ms <= Millis(chapters[i - 1].start_offset())) {
      violations.Add(start_field,
                     absl::StrCat("must be after ", prefix, "[", i - 1, "] (", Clock(chapter.start_offset()),
                                  " is not after ", Clock(chapters[i - 1].start_offset()), ")"));
    }
    if (start_is_valid && duration_ms > 0 && start_ms > duration_ms + kDurationRounding.count()) {
      violations.Add(start_field, absl::StrCat("starts at ", Clock(chapter.start_offset()),
                                               ", after the episode's end (", Clock(episode_duration), ")"));
    }
    if (chapter.has_end_offset()) {
      const std::string end_field = absl::StrCat(path, ".end_offset");
      const size_t before_end = violations.list().size();
      CheckDuration(chapter.end_offset(), end_field, violations);
      const int64_t end_ms = Millis(chapter.end_offset());
      if (violations.list().size() == before_end) {
        if (end_ms <= start_ms) {
          violations.Add(end_field, "must be after start_offset");
        } else if (i + 1 < chapters.size() && end_ms > Millis(chapters[i + 1].start_offset())) {
          violations.Add(end_field, absl::StrCat("must not be after ", prefix, "[", i + 1, "].start_offset"));
        } else if (duration_ms > 0 && end_ms > duration_ms + kDurationRounding.count()) {
          violations.Add(end_field, "must not be after the episode's end");
        }
      }
    }
    const std::string title_field = absl::StrCat(path, ".title");
    const bool silent = chapter.has_toc() && !chapter.toc();
    if (chapter.title().empty() && !silent) {
      violations.Add(title_field, "must not be empty (only a chapter with toc false may be untitled)");
    } else {
      CheckText(chapter.title(), title_field, kMaxTitleBytes, false, violations);
    }
    CheckSingleLine(chapter.title(), title_field, violations);
    if (chapter.has_location()) CheckLocation(chapter.location(), absl::StrCat(path, ".location"), violations);
    CheckText(chapter.part(), absl::StrCat(path, ".part"), kMaxTitleBytes, false, violations);
    CheckUri(chapter.image_uri(), absl::StrCat(path, ".image_uri"), violations);
    CheckUri(chapter.link_uri(), absl::StrCat(path, ".link_uri"), violations);
  }
}

void NormalizeChapters(google::protobuf::RepeatedPtrField<v1::Chapter>& chapters) {
  std::string current_part;
  for (v1::Chapter& chapter : chapters) {
    if (!chapter.has_toc()) chapter.set_toc(true);
    if (StartsPart(chapter.title())) current_part = chapter.title();
    if (chapter.part().empty()) {
      chapter.set_part(current_part);
    } else {
      current_part = chapter.part();
    }
  }
}

void DeriveChapterEnds(v1::Episode& episode) {
  auto& chapters = *episode.mutable_chapters();
  for (int i = 0; i < chapters.size(); ++i) {
    v1::Chapter& chapter = chapters[i];
    if (chapter.has_end_offset()) continue;
    if (i + 1 < chapters.size()) {
      *chapter.mutable_end_offset() = chapters[i + 1].start_offset();
    } else if (Millis(episode.duration()) > Millis(chapter.start_offset())) {
      *chapter.mutable_end_offset() = episode.duration();
    }
  }
}

void PresentEpisode(v1::Episode& episode) {
  DeriveChapterEnds(episode);
  episode.set_chapter_count(episode.chapters_size());
}

absl::Status CheckEtag(absl::string_view current, absl::string_view requested) {
  if (requested.empty() || requested == current) return absl::OkStatus();
  return Error(
      Reason::kEtagMismatch,
      absl::StrCat("etag mismatch: the resource changed (current etag ", current, "); read it again and retry"),
      {{"currentEtag", std::string(current)}, {"requestedEtag", std::string(requested)}});
}

bool IsXmlCharacter(char32_t c) {
  if (c < 0x20) return c == '\t' || c == '\n' || c == '\r';
  if (c >= 0xD800 && c <= 0xDFFF) return false;
  return c != 0xFFFE && c != 0xFFFF && c <= 0x10FFFF;
}

namespace {

// Where the first character XML cannot carry starts in UTF-8 `text`, and its
// length in bytes. In UTF-8 these are single bytes below 0x20 and the three
// bytes of U+FFFE and U+FFFF (surrogates are not valid UTF-8 at all).
std::optional<std::pair<size_t, size_t>> FindNonXmlCharacter(absl::string_view text) {
  for (size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x20 && !IsXmlCharacter(byte)) return std::make_pair(i, size_t{1});
    if (byte == 0xEF && i + 2 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0xBF &&
        (static_cast<unsigned char>(text[i + 2]) & 0xFE) == 0xBE) {
      return std::make_pair(i, size_t{3});
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<char32_t> FirstNonXmlCharacter(absl::string_view text) {
  const auto found = FindNonXmlCharacter(text);
  if (!found) return std::nullopt;
  if (found->second == 1) return static_cast<char32_t>(static_cast<unsigned char>(text[found->first]));
  return static_cast<unsigned char>(text[found->first + 2]) == 0xBE ? 0xFFFE : 0xFFFF;
}

std::string WithoutNonXmlCharacters(absl::string_view text) {
  std::string kept;
  while (const auto found = FindNonXmlCharacter(text)) {
    kept.append(text.data(), found->first);
    text.remove_prefix(found->first + found->second);
  }
  kept.append(text.data(), text.size());
  return kept;
}

namespace {

// "must not contain ..." for a text field that holds a character XML cannot
// carry (NUL named as such: PostgreSQL cannot store it either).
std::optional<std::string> NonXmlCharacterViolation(absl::string_view text) {
  const std::optional<char32_t> found = FirstNonXmlCharacter(text);
  if (!found) return std::nullopt;
  if (*found == 0) return "must not contain NUL characters";
  return absl::StrFormat("must not contain U+%04X: XML (feeds, Podlove chapter files) cannot carry it",
                         static_cast<uint32_t>(*found));
}

// Calls `visit(path, text)` for every set string field of `message`, at any
// depth, in field order. With a mutable message, `visit` gets the text to
// change and returns whether it did.
template <typename MessageType, typename Visit>
void ForEachTextField(MessageType& message, const std::string& prefix, Visit& visit) {
  constexpr bool kMutable = !std::is_const_v<MessageType>;
  const google::protobuf::Reflection* reflection = message.GetReflection();
  std::vector<const google::protobuf::FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);
  for (const google::protobuf::FieldDescriptor* field : fields) {
    const std::string path = prefix.empty() ? field->name() : absl::StrCat(prefix, ".", field->name());
    const bool is_text = field->type() == google::protobuf::FieldDescriptor::TYPE_STRING;
    const bool is_message = field->cpp_type() == google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE;
    if (!is_text && !is_message) continue;
    const int count = field->is_repeated() ? reflection->FieldSize(message, field) : 1;
    for (int i = 0; i < count; ++i) {
      const std::string element = field->is_repeated() ? absl::StrCat(path, "[", i, "]") : path;
      if (is_message) {
        if constexpr (kMutable) {
          ForEachTextField(field->is_repeated() ? *reflection->MutableRepeatedMessage(&message, field, i)
                                                : *reflection->MutableMessage(&message, field),
                           element, visit);
        } else {
          ForEachTextField(field->is_repeated() ? reflection->GetRepeatedMessage(message, field, i)
                                                : reflection->GetMessage(message, field),
                           element, visit);
        }
        continue;
      }
      std::string scratch;
      const std::string& text = field->is_repeated()
                                    ? reflection->GetRepeatedStringReference(message, field, i, &scratch)
                                    : reflection->GetStringReference(message, field, &scratch);
      if constexpr (kMutable) {
        std::string changed = text;
        if (!visit(element, changed)) continue;
        if (field->is_repeated()) {
          reflection->SetRepeatedString(&message, field, i, std::move(changed));
        } else {
          reflection->SetString(&message, field, std::move(changed));
        }
      } else {
        visit(element, text);
      }
    }
  }
}

}  // namespace

std::vector<std::string> DropNonXmlCharacters(google::protobuf::Message& message) {
  std::vector<std::string> changed;
  auto drop = [&changed](const std::string& path, std::string& text) {
    if (!FindNonXmlCharacter(text)) return false;
    text = WithoutNonXmlCharacters(text);
    changed.push_back(path);
    return true;
  };
  ForEachTextField(message, "", drop);
  return changed;
}

absl::Status CheckRequestText(const google::protobuf::Message& request) {
  Violations violations;
  auto check = [&violations](const std::string& path, const std::string& text) {
    if (std::optional<std::string> violation = NonXmlCharacterViolation(text)) violations.Add(path, *violation);
  };
  ForEachTextField(request, "", check);
  return violations.ToStatus();
}

absl::Status CheckRequestText(const v1::GetEpisodeRequest& request) {
  std::optional<std::string> violation = NonXmlCharacterViolation(request.name());
  if (!violation) return absl::OkStatus();
  Violations violations;
  violations.Add("name", *violation);
  return violations.ToStatus();
}

}  // namespace podmeta::domain
