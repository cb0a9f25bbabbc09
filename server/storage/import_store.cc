#include "storage/import_store.h"

#include "absl/container/flat_hash_map.h"
#include "domain/errors.h"
#include "domain/import.h"
#include "domain/resources.h"
#include "google/protobuf/util/message_differencer.h"
#include "storage/request_ids.h"
#include "storage/rows.h"

namespace podmeta::storage {
namespace {

using google::protobuf::util::MessageDifferencer;

enum class PodcastImported { kCreated, kUpdated, kUnchanged };

// Creates or updates the podcast.
absl::StatusOr<PodcastImported> ImportPodcast(pqxx::work& transaction, const domain::ShowPage& page) {
  absl::StatusOr<v1::Podcast> stored = rows::ReadPodcast(transaction, page.podcast_id, kSelectPodcastForUpdate);
  if (absl::IsNotFound(stored.status())) {
    v1::Podcast podcast = page.podcast;
    podcast.set_guid(domain::NewGuid());
    rows::InsertPodcast(transaction, page.podcast_id, podcast);
    return PodcastImported::kCreated;
  }
  if (!stored.ok()) return stored.status();
  if (stored->has_delete_time()) {
    return domain::Error(domain::Reason::kParentDeleted,
                         "podcast " + stored->name() + " is deleted; undelete it before importing",
                         {{"podcast", stored->name()}});
  }
  v1::Podcast changed = *stored;
  domain::ApplyImportedPodcast(page.podcast, changed);
  if (MessageDifferencer::Equals(changed, *stored)) return PodcastImported::kUnchanged;
  rows::UpdatePodcast(transaction, page.podcast_id, changed);
  return PodcastImported::kUpdated;
}

// Updates the page's valid episodes that exist and reports each in
// `response`; returns the new ones (guid set), for one batched insert.
// Pointers in the result point into `page`'s episodes.
std::vector<EpisodeRow> ImportEpisodes(pqxx::work& transaction, domain::ShowPage& page,
                                       v1::ImportShowPageResponse& response) {
  std::vector<std::string> ids;
  for (const domain::ParsedEpisode& parsed : page.episodes) {
    if (parsed.valid) ids.push_back(parsed.episode_id);
  }
  absl::flat_hash_map<std::string, v1::Episode> stored;
  for (v1::Episode& episode : rows::ReadEpisodes(
           page.podcast_id,
           transaction.exec_prepared(StatementName(kSelectEpisodesForUpdate), page.podcast_id, TextArray(ids)))) {
    std::string id = EpisodeIdOf(episode);
    stored.emplace(std::move(id), std::move(episode));
  }
  std::vector<EpisodeRow> created;
  for (domain::ParsedEpisode& parsed : page.episodes) {
    if (!parsed.valid) continue;
    const domain::EpisodeKey key{page.podcast_id, parsed.episode_id};
    auto existing = stored.find(parsed.episode_id);
    if (existing == stored.end()) {
      parsed.episode.set_guid(domain::NewGuid());
      parsed.episode.set_chapters_source(domain::ShowPageChaptersSource(parsed.episode));
      created.push_back(EpisodeRow{parsed.episode_id, &parsed.episode});
      domain::RecordImported(response, domain::ImportOutcome::kCreated, domain::EpisodeName(key));
      continue;
    }
    const v1::Episode& current = existing->second;
    v1::Episode changed = current;
    domain::ApplyImportedEpisode(parsed.episode, changed);
    if (MessageDifferencer::Equals(changed, current)) {
      domain::RecordImported(response, domain::ImportOutcome::kUnchanged, domain::EpisodeName(key));
    } else {
      rows::UpdateEpisode(transaction, key, current, changed);
      domain::RecordImported(response, domain::ImportOutcome::kUpdated, domain::EpisodeName(key));
    }
  }
  return created;
}

}  // namespace

absl::StatusOr<v1::ImportShowPageResponse> ImportStore::Import(domain::ShowPage page, bool dry_run,
                                                               const domain::RequestIdentity& identity,
                                                               Deadline deadline) {
  using Response = v1::ImportShowPageResponse;
  return database_.Transact(
      deadline,
      [&](pqxx::work& transaction) -> absl::StatusOr<Response> {
        return Once<Response>(transaction, page.podcast_id, identity, [&]() -> absl::StatusOr<Response> {
          Response response;
          transaction.exec_prepared(StatementName(kImportSettings));
          transaction.exec_prepared(StatementName(kLockPodcastImport), page.podcast_id);
          absl::StatusOr<PodcastImported> podcast = ImportPodcast(transaction, page);
          if (!podcast.ok()) return podcast.status();
          response.set_podcast_created(*podcast == PodcastImported::kCreated);
          response.set_podcast_updated(*podcast == PodcastImported::kUpdated);
          rows::InsertEpisodes(transaction, page.podcast_id, ImportEpisodes(transaction, page, response));
          absl::StatusOr<v1::Podcast> result = rows::ReadPodcast(transaction, page.podcast_id, kSelectPodcast);
          if (!result.ok()) return result.status();
          *response.mutable_podcast() = *std::move(result);
          return response;
        });
      },
      dry_run ? Commit::kNever : Commit::kIfOk);
}

}  // namespace podmeta::storage
