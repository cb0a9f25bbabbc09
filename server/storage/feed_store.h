// Feeds in PostgreSQL: finding the podcast a feed belongs to, importing a
// parsed feed in one transaction (the podcast and every item are created or
// updated, or on any error nothing is), and reading a podcast for export.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "domain/feed.h"
#include "domain/requests.h"
#include "podmeta/v1/podcast_service.pb.h"
#include "storage/database.h"

namespace podmeta::storage {

// A podcast a feed belongs to, as stored.
struct FeedPodcast {
  std::string podcast_id;
  std::string guid;
  std::string feed_uri;
  std::string etag;  // the feed server's, from the last fetch
  std::string last_modified;
  // Stored episodes by guid: the chapters file each was imported with and
  // whether it has the chapters that file gave (or API edits of them), so
  // unchanged chapters files are not fetched again, and one whose fetch
  // failed is.
  struct StoredChapters {
    std::string chapters_uri;
    bool has_file_chapters = false;
  };
  absl::flat_hash_map<std::string, StoredChapters> chapters_by_guid;
};

struct FeedImport {
  domain::Feed feed;        // valid items are imported, invalid ones skipped
  std::string podcast_id;   // for a new podcast ("" = slug of the title)
  std::string fetched_uri;  // the URL it was fetched from (after redirects), or ""
  std::string etag;         // the feed server's validators, stored when fetched
  std::string last_modified;
  bool dry_run = false;
  domain::RequestIdentity identity;  // a retry returns the first import's response
};

class FeedStore {
 public:
  FeedStore(Database& database, Database& reads) : database_(database), reads_(reads) {}

  // The podcast with guid `guid`, else feed URL `feed_uri`, else id
  // `podcast_id`; nullopt when none.
  absl::StatusOr<std::optional<FeedPodcast>> Find(const std::string& guid, const std::string& feed_uri,
                                                  const std::string& podcast_id, Deadline deadline);

  absl::StatusOr<v1::ImportFeedResponse> Import(FeedImport import, Deadline deadline);

  // A podcast and its live episodes, newest first (chapter ends derived),
  // and the feed version read just before them (see Version): the content
  // is that version or newer.
  struct Export {
    v1::Podcast podcast;
    std::vector<v1::Episode> episodes;
    std::string version;
  };
  absl::StatusOr<Export> Read(const std::string& podcast_id, Deadline deadline);

  // A value that changes whenever the podcast's feed would (a write of the
  // podcast or of any of its episodes), read with one indexed statement:
  // "<podcast revision>.<newest episode change>". NOT_FOUND or
  // RESOURCE_DELETED as Read.
  absl::StatusOr<std::string> Version(const std::string& podcast_id, Deadline deadline);

 private:
  Database& database_;
  Database& reads_;
};

}  // namespace podmeta::storage
