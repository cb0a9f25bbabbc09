// ImportFeed and ExportFeed's work, between the handler and the stores:
// fetch the feed (conditionally) when given a URL, read it, fetch the
// items' chapters files that changed, import in one transaction; or read a
// podcast and write its feed. Runs on the blocking executor.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "fetch/http_fetcher.h"
#include "podmeta/v1/podcast_service.pb.h"
#include "storage/feed_store.h"
#include "storage/podcast_store.h"

namespace podmeta::api {

struct FeedOptions {
  fetch::FetchLimits feed_limits;
  fetch::FetchLimits chapters_limits;  // each chapters file
  size_t max_chapter_files = 200;      // fetched per import; the rest wait for the next
  std::string public_base_uri;         // for podcast:chapters links in exported feeds
};

// The media type of an exported feed.
inline constexpr char kFeedContentType[] = "application/rss+xml; charset=utf-8";

class FeedImporter {
 public:
  FeedImporter(storage::FeedStore& feeds, storage::PodcastStore& podcasts, FeedOptions options)
      : feeds_(feeds), podcasts_(podcasts), options_(std::move(options)) {}

  absl::StatusOr<v1::ImportFeedResponse> Import(const v1::ImportFeedRequest& request, storage::Deadline deadline);
  absl::StatusOr<v1::ExportFeedResponse> Export(const v1::ExportFeedRequest& request, storage::Deadline deadline);

  // The feed of `podcast_id` rendered, with the version it is at least
  // (FeedStore::Version), and that version alone: what the HTTP feed.xml
  // needs to render a feed once per version.
  struct Rendered {
    std::string version;
    std::string content;
  };
  absl::StatusOr<Rendered> Render(const std::string& podcast_id, storage::Deadline deadline);
  absl::StatusOr<std::string> Version(const std::string& podcast_id, storage::Deadline deadline) {
    return feeds_.Version(podcast_id, deadline);
  }

 private:
  storage::FeedStore& feeds_;
  storage::PodcastStore& podcasts_;
  const FeedOptions options_;
};

}  // namespace podmeta::api
