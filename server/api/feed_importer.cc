#include "api/feed_importer.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "domain/chapter_formats.h"
#include "domain/errors.h"
#include "domain/limits.h"
#include "domain/resource_names.h"
#include "domain/validation.h"

namespace podmeta::api {
namespace {

void AddProblem(google::protobuf::RepeatedPtrField<v1::ImportProblem>& list, const domain::PageProblem& problem) {
  v1::ImportProblem* added = list.Add();
  added->set_line(problem.line);
  added->set_description(problem.description);
}

// The chapters in a fetched Podcasting 2.0 JSON file, checked against the
// episode; an error says why they cannot be used.
absl::StatusOr<domain::ChapterFile> ChaptersFromFile(const std::string& body, const v1::Episode& episode) {
  absl::StatusOr<domain::ChapterFile> file = domain::ReadChapterFile(body, v1::PODCASTING2_JSON);
  if (!file.ok()) return file.status();
  domain::Violations violations;
  domain::ValidateChapters(file->chapters, episode.duration(), "chapters", violations);
  if (!violations.empty()) return violations.ToStatus();
  domain::NormalizeChapters(file->chapters);
  return file;
}

// What an import keeps of its call's time for its database work once the
// fetches are done; a chapters file is not fetched with less than
// kLeastFetchTime left.
constexpr auto kReserveForWrite = std::chrono::seconds(2);
constexpr auto kLeastFetchTime = std::chrono::milliseconds(500);

// `limits` cut to the call's deadline (less kReserveForWrite): no fetch
// outlives the call that asked for it.
fetch::FetchLimits WithinDeadline(fetch::FetchLimits limits, storage::Deadline deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - kReserveForWrite -
                                                                          std::chrono::system_clock::now());
  limits.total_timeout = std::max(std::chrono::milliseconds(1), std::min(limits.total_timeout, left));
  limits.connect_timeout = std::min(limits.connect_timeout, limits.total_timeout);
  return limits;
}

bool TimeLeftToFetch(storage::Deadline deadline) {
  return deadline - kReserveForWrite - std::chrono::system_clock::now() >= kLeastFetchTime;
}

std::string FirstViolation(const absl::Status& status) {
  std::vector<domain::FieldViolation> violations = domain::FieldViolationsOf(status);
  if (violations.empty()) return std::string(status.message());
  return absl::StrCat(violations[0].field, ": ", violations[0].description);
}

}  // namespace

absl::StatusOr<v1::ImportFeedResponse> FeedImporter::Import(const v1::ImportFeedRequest& request,
                                                            storage::Deadline deadline) {
  if (request.source_case() == v1::ImportFeedRequest::SOURCE_NOT_SET) {
    return domain::InvalidField("content", "give the feed's bytes (content) or its URL (uri)");
  }
  if (!request.podcast_id().empty() && !domain::IsValidId(request.podcast_id())) {
    return domain::InvalidField("podcast_id", "must be 1 to 63 lowercase letters, digits and hyphens");
  }
  storage::FeedImport import;
  import.podcast_id = request.podcast_id();
  import.dry_run = request.dry_run();
  absl::StatusOr<domain::RequestIdentity> identity = domain::RequestIdentityOf(request);
  if (!identity.ok()) return identity.status();
  import.identity = *std::move(identity);
  std::string bytes;
  std::optional<storage::FeedPodcast> stored;
  if (request.source_case() == v1::ImportFeedRequest::kUri) {
    if (request.uri().size() > domain::kMaxUriBytes) {
      return domain::InvalidField("uri", absl::StrCat("must be at most ", domain::kMaxUriBytes, " bytes"));
    }
    absl::StatusOr<std::optional<storage::FeedPodcast>> found =
        feeds_.Find("", request.uri(), request.podcast_id(), deadline);
    if (!found.ok()) return found.status();
    stored = *std::move(found);
    fetch::FetchRequest fetch_request{request.uri(), "", "", "application/rss+xml, application/xml;q=0.9, */*;q=0.5"};
    if (stored && !request.ignore_cache()) {
      fetch_request.if_none_match = stored->etag;
      fetch_request.if_modified_since = stored->last_modified;
    }
    if (!TimeLeftToFetch(deadline)) {
      return domain::Error(domain::Reason::kDeadlinePassedWaiting,
                           "the call's deadline leaves no time to fetch the feed; give the call more time");
    }
    absl::StatusOr<fetch::FetchResult> fetched =
        fetch::Fetch(fetch_request, WithinDeadline(options_.feed_limits, deadline));
    if (!fetched.ok()) {
      if (absl::IsInvalidArgument(fetched.status()))
        return domain::InvalidField("uri", std::string(fetched.status().message()));
      return fetched.status();
    }
    if (fetched->not_modified && stored) {
      v1::ImportFeedResponse response;
      response.set_not_modified(true);
      response.set_fetched_uri(domain::PublicUri(fetched->final_uri));
      absl::StatusOr<v1::Podcast> podcast = podcasts_.Get(stored->podcast_id, deadline);
      if (!podcast.ok()) return podcast.status();
      *response.mutable_podcast() = *std::move(podcast);
      return response;
    }
    bytes = std::move(fetched->body);
    import.fetched_uri = fetched->final_uri.empty() ? request.uri() : fetched->final_uri;
    import.etag = fetched->etag;
    import.last_modified = fetched->last_modified;
  } else {
    bytes = request.content();
  }
  if (bytes.size() > domain::kMaxFeedBytes) {
    return domain::InvalidField("content", absl::StrCat("must be at most ", domain::BytesText(domain::kMaxFeedBytes)));
  }
  absl::StatusOr<domain::Feed> parsed = domain::ParseFeed(bytes);
  if (!parsed.ok()) return parsed.status();
  domain::Feed& feed = *parsed;
  if (!feed.problems.empty() && !request.allow_partial()) return domain::PageProblemsStatus(feed.problems);

  // Chapters files: fetched when new or changed; without one (skipped, or
  // it failed) an item keeps the show notes' chapters.
  if (!request.skip_chapter_files()) {
    if (!stored) {
      const domain::FeedIdentity feed_identity = domain::FeedIdentityOf(feed, import.fetched_uri);
      absl::StatusOr<std::optional<storage::FeedPodcast>> found =
          feeds_.Find(feed_identity.guid, feed_identity.feed_uri, request.podcast_id(), deadline);
      if (!found.ok()) return found.status();
      stored = *std::move(found);
    }
    size_t fetches = 0;
    for (domain::FeedItem& item : feed.items) {
      if (!item.valid || item.chapters_uri.empty()) continue;
      if (stored) {
        auto known = stored->chapters_by_guid.find(item.episode.guid());
        if (known != stored->chapters_by_guid.end() && known->second.chapters_uri == item.chapters_uri &&
            known->second.has_file_chapters) {
          continue;  // the same file as last time: the stored chapters stay
        }
      }
      if (++fetches > options_.max_chapter_files) {
        feed.warnings.push_back(
            {item.line, absl::StrCat("chapters file not fetched (at most ", options_.max_chapter_files,
                                     " per import); the next import fetches it")});
        continue;
      }
      if (!TimeLeftToFetch(deadline)) {
        feed.warnings.push_back(
            {item.line, "chapters file not fetched: the call's deadline is near; the next import fetches it"});
        continue;
      }
      absl::StatusOr<fetch::FetchResult> file =
          fetch::Fetch({item.chapters_uri, "", "", "application/json+chapters, application/json;q=0.9"},
                       WithinDeadline(options_.chapters_limits, deadline));
      absl::StatusOr<domain::ChapterFile> chapters =
          file.ok() ? ChaptersFromFile(file->body, item.episode) : absl::StatusOr<domain::ChapterFile>(file.status());
      if (!chapters.ok()) {
        feed.warnings.push_back(
            {item.line, absl::StrCat("chapters file ", item.chapters_uri, " not used (",
                                     domain::Truncated(FirstViolation(chapters.status()), 200), ")",
                                     item.show_notes_chapters.empty() ? "" : "; the show notes' timestamps are used")});
        continue;
      }
      if (!chapters->repaired_fields.empty()) {
        feed.warnings.push_back(
            {item.line, absl::StrCat("chapters file ", item.chapters_uri, ": characters XML cannot carry dropped from ",
                                     domain::Truncated(absl::StrJoin(chapters->repaired_fields, ", "), 200))});
      }
      *item.episode.mutable_chapters() = std::move(chapters->chapters);
      domain::SetChapterFileInfo(chapters->info, item.episode);
      item.episode.set_chapters_source(v1::Episode::CHAPTERS_FILE);
    }
  }
  for (domain::FeedItem& item : feed.items) {
    if (item.episode.chapters().empty() && !item.show_notes_chapters.empty()) {
      *item.episode.mutable_chapters() = item.show_notes_chapters;
      item.episode.set_chapters_source(v1::Episode::SHOW_NOTES);
    }
  }

  const std::string fetched_uri = import.fetched_uri;
  const std::vector<domain::PageProblem> problems = feed.problems;
  std::vector<domain::PageProblem> warnings = feed.warnings;
  import.feed = std::move(feed);
  absl::StatusOr<v1::ImportFeedResponse> response = feeds_.Import(std::move(import), deadline);
  if (!response.ok()) return response;
  for (const domain::PageProblem& problem : problems) AddProblem(*response->mutable_problems(), problem);
  for (const domain::PageProblem& warning : warnings) AddProblem(*response->mutable_warnings(), warning);
  std::stable_sort(response->mutable_warnings()->begin(), response->mutable_warnings()->end(),
                   [](const v1::ImportProblem& a, const v1::ImportProblem& b) { return a.line() < b.line(); });
  if (request.source_case() == v1::ImportFeedRequest::kUri) response->set_fetched_uri(domain::PublicUri(fetched_uri));
  return response;
}

absl::StatusOr<v1::ExportFeedResponse> FeedImporter::Export(const v1::ExportFeedRequest& request,
                                                            storage::Deadline deadline) {
  absl::StatusOr<std::string> podcast_id = domain::ParsePodcastName(request.name(), "name");
  if (!podcast_id.ok()) return podcast_id.status();
  absl::StatusOr<Rendered> rendered = Render(*podcast_id, deadline);
  if (!rendered.ok()) return rendered.status();
  v1::ExportFeedResponse response;
  response.set_content_type(kFeedContentType);
  response.set_content(std::move(rendered->content));
  return response;
}

absl::StatusOr<FeedImporter::Rendered> FeedImporter::Render(const std::string& podcast_id, storage::Deadline deadline) {
  absl::StatusOr<storage::FeedStore::Export> stored = feeds_.Read(podcast_id, deadline);
  if (!stored.ok()) return stored.status();
  return Rendered{stored->version, domain::WriteFeed(stored->podcast, stored->episodes, {options_.public_base_uri})};
}

}  // namespace podmeta::api
