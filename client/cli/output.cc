#include "output.h"

#include <unistd.h>

#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/time/time.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/time_util.h"
#include "podmeta/client.h"

namespace podmeta::cli {
namespace {

using google::protobuf::util::TimeUtil;

std::string Date(const google::protobuf::Timestamp& time) {
  return absl::FormatTime("%Y-%m-%d", absl::FromUnixSeconds(time.seconds()), absl::UTCTimeZone());
}

// Display width of UTF-8 text, one column per code point.
size_t Width(const std::string& text) {
  size_t width = 0;
  for (char c : text) width += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return width;
}

// Left-aligned columns, the last one unpadded.
void PrintTable(const std::vector<std::vector<std::string>>& rows) {
  if (rows.empty()) return;
  std::vector<size_t> widths(rows[0].size(), 0);
  for (const auto& row : rows) {
    for (size_t i = 0; i + 1 < row.size(); ++i) widths[i] = std::max(widths[i], Width(row[i]));
  }
  for (const auto& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(widths[i] - Width(row[i]) + 2, ' ');
    }
    std::cout << line << '\n';
  }
}

template <typename Message>
void PrintJsonList(const char* field, const std::vector<Message>& items) {
  std::cout << "{\"" << field << "\": [";
  for (size_t i = 0; i < items.size(); ++i) {
    std::string json;
    (void)google::protobuf::util::MessageToJsonString(items[i], &json);
    std::cout << (i == 0 ? "\n  " : ",\n  ") << json;
  }
  std::cout << "\n]}\n";
}

}  // namespace

std::string Clock(const google::protobuf::Duration& duration) {
  const int64_t seconds = duration.seconds();
  return absl::StrFormat("%02d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60);
}

int ReportError(const absl::Status& status) {
  const auto violations = FieldViolations(status);
  const std::string reason = ErrorReason(status);
  std::cerr << "error: " << absl::StatusCodeToString(status.code()) << (reason.empty() ? "" : " " + reason) << ": "
            << (violations.empty() ? std::string(status.message())
                                   : absl::StrCat(violations.size(), " problem(s) in the request:"))
            << '\n';
  for (const auto& [field, description] : violations) std::cerr << "  " << field << ": " << description << '\n';
  switch (status.code()) {
    case absl::StatusCode::kNotFound:
      return kExitNotFound;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kOutOfRange:
      return kExitInvalidInput;
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
      return kExitUnavailable;
    default:
      return kExitOther;
  }
}

void PrintJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  std::string json;
  (void)google::protobuf::util::MessageToJsonString(message, &json, options);
  std::cout << json;
}

void PrintPodcasts(const std::vector<v1::Podcast>& podcasts, Format format) {
  if (format == Format::kJson) return PrintJsonList("podcasts", podcasts);
  std::vector<std::vector<std::string>> rows = {{"NAME", "EPISODES", "TITLE"}};
  for (const v1::Podcast& podcast : podcasts) {
    rows.push_back({podcast.name() + (podcast.has_delete_time() ? " (deleted)" : ""),
                    std::to_string(podcast.episode_count()), podcast.title()});
  }
  PrintTable(rows);
}

void PrintPodcast(const v1::Podcast& podcast, Format format) {
  if (format == Format::kJson) return PrintJson(podcast);
  std::vector<std::string> people;
  for (const auto& person : podcast.people()) people.push_back(person.display_name());
  PrintTable({{"name:", podcast.name()},
              {"title:", podcast.title()},
              {"people:", absl::StrJoin(people, ", ")},
              {"episodes:", std::to_string(podcast.episode_count())},
              {"guid:", podcast.guid()},
              {"etag:", podcast.etag()},
              {"description:", podcast.description()}});
}

void PrintEpisodes(const std::vector<v1::Episode>& episodes, int32_t total_size, Format format) {
  if (format == Format::kJson) return PrintJsonList("episodes", episodes);
  std::vector<std::vector<std::string>> rows = {{"NAME", "NUMBER", "PUBLISHED", "DURATION", "CHAPTERS", "TITLE"}};
  for (const v1::Episode& episode : episodes) {
    rows.push_back({episode.name() + (episode.has_delete_time() ? " (deleted)" : ""),
                    episode.has_number() ? std::to_string(episode.number()) : "-", Date(episode.publish_time()),
                    Clock(episode.duration()), std::to_string(episode.chapter_count()), episode.title()});
  }
  PrintTable(rows);
  std::cout << episodes.size() << " of " << total_size << " episode(s)\n";
}

void PrintEpisode(const v1::Episode& episode, Format format) {
  if (format == Format::kJson) return PrintJson(episode);
  PrintTable({{"name:", episode.name()},
              {"title:", episode.title()},
              {"number:", episode.has_number() ? std::to_string(episode.number()) : "-"},
              {"type:", v1::Episode::Type_Name(episode.type())},
              {"published:", Date(episode.publish_time())},
              {"duration:", Clock(episode.duration())},
              {"snips:", std::to_string(episode.snip_count())},
              {"chapters:", std::to_string(episode.chapter_count())},
              {"guid:", episode.guid()},
              {"etag:", episode.etag()},
              {"description:", episode.description()}});
}

void PrintChapters(const v1::Episode& episode, Format format) {
  if (format == Format::kJson) {
    v1::Episode chapters_only;
    chapters_only.set_name(episode.name());
    *chapters_only.mutable_chapters() = episode.chapters();
    return PrintJson(chapters_only);
  }
  std::vector<std::vector<std::string>> rows = {{"#", "START", "END", "TITLE"}};
  std::string part;
  for (int i = 0; i < episode.chapters_size(); ++i) {
    const v1::Chapter& chapter = episode.chapters(i);
    if (chapter.part() != part && chapter.part() != chapter.title()) {
      rows.push_back({"", "", "", "[" + chapter.part() + "]"});
    }
    part = chapter.part();
    rows.push_back({std::to_string(i), Clock(chapter.start_offset()),
                    chapter.has_end_offset() ? Clock(chapter.end_offset()) : "", chapter.title()});
  }
  PrintTable(rows);
}

void PrintChange(const v1::EpisodeChange& change, Format format) {
  if (format == Format::kJson) {
    // JSON Lines: each change one complete JSON object on one line.
    std::string json;
    if (auto printed = google::protobuf::util::MessageToJsonString(change, &json); !printed.ok()) {
      std::cerr << "error: cannot print a change as JSON: " << printed.ToString() << '\n';
      return;
    }
    std::cout << json << std::endl;
    return;
  }
  std::cout << v1::EpisodeChange::Kind_Name(change.kind()) << '\t' << change.episode().name() << '\t'
            << change.episode().title() << "\tresume-token=" << change.resume_token() << std::endl;
}

void PrintSearch(const v1::SearchEpisodesResponse& response, Format format) {
  if (format == Format::kJson) return PrintJson(response);
  // Matches are bold on a terminal, plain elsewhere.
  const bool terminal = isatty(STDOUT_FILENO) != 0;
  std::vector<std::vector<std::string>> rows = {{"EPISODE", "AT", "MATCH"}};
  for (const v1::SearchHit& hit : response.hits()) {
    const std::string snippet =
        absl::StrReplaceAll(hit.snippet(), {{"<b>", terminal ? "\033[1m" : ""}, {"</b>", terminal ? "\033[0m" : ""}});
    rows.push_back({hit.episode(), hit.has_chapter_index() ? Clock(hit.chapter_start_offset()) : "",
                    hit.has_chapter_index() ? snippet : absl::StrCat(hit.episode_title(), " — ", snippet)});
  }
  PrintTable(rows);
  if (!response.next_page_token().empty())
    std::cout << "next page: --page-token " << response.next_page_token() << '\n';
}

namespace {

// The summary both imports print (show pages and feeds answer alike).
template <typename Response>
void PrintImportSummary(const Response& response, bool dry_run) {
  const char* verb = dry_run ? "would be " : "";
  std::cout << response.podcast().name() << ": "
            << (response.podcast_created()   ? absl::StrCat(verb, "created")
                : response.podcast_updated() ? absl::StrCat(verb, "updated")
                                             : std::string("unchanged"))
            << '\n';
  std::cout << "episodes: " << response.created_count() << ' ' << verb << "created, " << response.updated_count() << ' '
            << verb << "updated, " << response.unchanged_count() << " unchanged\n";
  for (const auto& name : response.created_episodes()) std::cout << "  + " << name << '\n';
  if (response.created_count() > response.created_episodes_size()) {
    std::cout << "  + ... and " << response.created_count() - response.created_episodes_size() << " more\n";
  }
  for (const auto& name : response.updated_episodes()) std::cout << "  ~ " << name << '\n';
  if (response.updated_count() > response.updated_episodes_size()) {
    std::cout << "  ~ ... and " << response.updated_count() - response.updated_episodes_size() << " more\n";
  }
  for (const auto& problem : response.problems()) {
    std::cerr << "skipped: line " << problem.line() << ": " << problem.description() << '\n';
  }
}

}  // namespace

void PrintImport(const v1::ImportShowPageResponse& response, bool dry_run, Format format) {
  if (format == Format::kJson) return PrintJson(response);
  PrintImportSummary(response, dry_run);
  if (dry_run) std::cout << "dry run: nothing was written\n";
}

void PrintImport(const v1::ImportFeedResponse& response, bool dry_run, Format format) {
  if (format == Format::kJson) return PrintJson(response);
  if (response.not_modified()) {
    std::cout << response.podcast().name() << ": feed not modified since the last import (HTTP 304); nothing read\n";
    return;
  }
  PrintImportSummary(response, dry_run);
  for (const auto& warning : response.warnings())
    std::cerr << "warning: line " << warning.line() << ": " << warning.description() << '\n';
  if (dry_run) std::cout << "dry run: nothing was written\n";
}

}  // namespace podmeta::cli
