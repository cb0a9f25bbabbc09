#include "storage/import_store.h"

#include "domain/import.h"
#include "domain/resources.h"
#include "google/protobuf/util/message_differencer.h"
#include "storage/rows.h"

namespace podmeta::storage {
namespace {

using google::protobuf::util::MessageDifferencer;

// Creates or updates the podcast; returns whether it was (created, updated).
absl::StatusOr<std::pair<bool, bool>> ImportPodcast(pqxx::work& transaction, const domain::ShowPage& page) {
  absl::StatusOr<v1::Podcast> stored = rows::ReadPodcast(transaction, page.podcast_id, kSelectPodcastForUpdate);
  if (absl::IsNotFound(stored.status())) {
    v1::Podcast podcast = page.podcast;
    podcast.set_guid(domain::NewGuid());
    rows::InsertPodcast(transaction, page.podcast_id, podcast);
    return std::make_pair(true, false);
  }
  if (!stored.ok()) return stored.status();
  if (stored->has_delete_time()) {
    return absl::FailedPreconditionError("podcast " + stored->name() + " is deleted; undelete it before importing");
  }
  v1::Podcast changed = *stored;
  domain::ApplyImportedPodcast(page.podcast, changed);
  if (MessageDifferencer::Equals(changed, *stored)) return std::make_pair(false, false);
  rows::UpdatePodcast(transaction, page.podcast_id, changed);
  return std::make_pair(false, true);
}

}  // namespace

absl::StatusOr<v1::ImportShowPageResponse> ImportStore::Import(const domain::ShowPage& page, bool dry_run,
                                                               Deadline deadline) {
  absl::StatusOr<v1::ImportShowPageResponse> imported = database_.Transact(
      deadline,
      [&](pqxx::work& transaction) -> absl::StatusOr<v1::ImportShowPageResponse> {
        v1::ImportShowPageResponse response;
        absl::StatusOr<std::pair<bool, bool>> podcast = ImportPodcast(transaction, page);
        if (!podcast.ok()) return podcast.status();
        response.set_podcast_created(podcast->first);
        response.set_podcast_updated(podcast->second);
        for (const domain::ParsedEpisode& parsed : page.episodes) {
          if (!parsed.valid) continue;
          const domain::EpisodeKey key{page.podcast_id, parsed.episode_id};
          const std::string name = domain::EpisodeName(key);
          absl::StatusOr<v1::Episode> stored = rows::ReadEpisode(transaction, key, kSelectEpisodeForUpdate);
          if (absl::IsNotFound(stored.status())) {
            v1::Episode episode = parsed.episode;
            episode.set_guid(domain::NewGuid());
            rows::InsertEpisode(transaction, key, episode);
            response.add_created_episodes(name);
            continue;
          }
          if (!stored.ok()) return stored.status();
          v1::Episode changed = *stored;
          domain::ApplyImportedEpisode(parsed.episode, changed);
          if (MessageDifferencer::Equals(changed, *stored)) {
            response.add_unchanged_episodes(name);
          } else {
            rows::UpdateEpisode(transaction, key, *stored, changed);
            response.add_updated_episodes(name);
          }
        }
        absl::StatusOr<v1::Podcast> result = rows::ReadPodcast(transaction, page.podcast_id, kSelectPodcast);
        if (!result.ok()) return result.status();
        *response.mutable_podcast() = *std::move(result);
        return response;
      },
      dry_run ? Commit::kNever : Commit::kIfOk);
  if (cache_ != nullptr && !dry_run) cache_->InvalidatePodcast(page.podcast_id);
  return imported;
}

}  // namespace podmeta::storage
