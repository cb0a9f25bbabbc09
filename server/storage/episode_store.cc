#include "storage/episode_store.h"

#include <unordered_map>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/message_differencer.h"
#include "storage/queries.h"
#include "storage/request_ids.h"
#include "storage/row_mapping.h"
#include "storage/rows.h"

namespace podmeta::storage {

absl::Status CheckPodcastWritable(pqxx::work& transaction, const std::string& podcast_id) {
  absl::StatusOr<v1::Podcast> podcast = rows::ReadPodcast(transaction, podcast_id, kSelectPodcast);
  if (!podcast.ok()) return podcast.status();
  if (podcast->has_delete_time()) {
    return absl::FailedPreconditionError(absl::StrCat("podcast ", podcast->name(), " is deleted; undelete it first"));
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::Episode> EpisodeStore::Get(const domain::EpisodeKey& key, Deadline deadline) {
  return database_.Transact(
      deadline, [&](pqxx::work& transaction) { return rows::ReadEpisode(transaction, key, kSelectEpisode); });
}

absl::StatusOr<std::vector<v1::Episode>> EpisodeStore::BatchGet(const std::string& podcast_id,
                                                                const std::vector<std::string>& episode_ids,
                                                                Deadline deadline) {
  return database_.Transact(deadline, [&](pqxx::work& transaction) -> absl::StatusOr<std::vector<v1::Episode>> {
    std::vector<v1::Episode> found = rows::ReadEpisodes(
        transaction, podcast_id,
        transaction.exec_prepared(StatementName(kSelectEpisodes), podcast_id, TextArray(episode_ids)));
    std::unordered_map<std::string, v1::Episode*> by_id;
    for (v1::Episode& episode : found) by_id[EpisodeIdOf(episode)] = &episode;
    std::vector<v1::Episode> ordered;
    ordered.reserve(episode_ids.size());
    for (const std::string& id : episode_ids) {
      auto match = by_id.find(id);
      if (match == by_id.end()) {
        return absl::NotFoundError(absl::StrCat("episode ", domain::EpisodeName({podcast_id, id}), " does not exist"));
      }
      ordered.push_back(*match->second);
    }
    return ordered;
  });
}

absl::StatusOr<EpisodePage> EpisodeStore::List(const std::string& podcast_id, const std::optional<EpisodeCursor>& after,
                                               int32_t page_size, bool show_deleted, Deadline deadline) {
  return database_.Transact(deadline, [&](pqxx::work& transaction) -> absl::StatusOr<EpisodePage> {
    if (absl::StatusOr<v1::Podcast> podcast = rows::ReadPodcast(transaction, podcast_id, kSelectPodcast);
        !podcast.ok()) {
      return podcast.status();
    }
    // One row more than the page tells whether another page follows.
    const pqxx::result found =
        after ? transaction.exec_prepared(StatementName(kListEpisodesAfter), podcast_id, show_deleted, page_size + 1,
                                          after->publish_time_micros, after->episode_id)
              : transaction.exec_prepared(StatementName(kListEpisodesFirst), podcast_id, show_deleted, page_size + 1);
    EpisodePage page;
    page.episodes = rows::ReadEpisodes(transaction, podcast_id, found);
    if (page.episodes.size() > static_cast<size_t>(page_size)) {
      page.episodes.pop_back();
      const v1::Episode& last = page.episodes.back();
      page.next = EpisodeCursor{MicrosOf(last.publish_time()), EpisodeIdOf(last)};
    }
    page.total_size =
        transaction.exec_prepared(StatementName(kCountEpisodes), podcast_id, show_deleted)[0][0].as<int32_t>();
    return page;
  });
}

absl::StatusOr<v1::Episode> EpisodeStore::Create(const domain::EpisodeKey& key, const v1::Episode& episode,
                                                 const std::string& request_id, Deadline deadline) {
  return database_.Transact(deadline, [&](pqxx::work& transaction) -> absl::StatusOr<v1::Episode> {
    if (!request_id.empty()) {
      v1::Episode first;
      absl::StatusOr<bool> repeated = LoadEarlierResponse(transaction, key.podcast_id, request_id, first);
      if (!repeated.ok()) return repeated.status();
      if (*repeated) return first;
    }
    if (absl::Status writable = CheckPodcastWritable(transaction, key.podcast_id); !writable.ok()) return writable;
    if (transaction.exec_prepared(StatementName(kEpisodeIdTaken), key.podcast_id, key.episode_id, episode.guid())[0][0]
            .as<int>() > 0) {
      return absl::AlreadyExistsError(absl::StrCat("episode ", domain::EpisodeName(key), " (or one with guid \"",
                                                   episode.guid(), "\") already exists"));
    }
    rows::InsertEpisode(transaction, key, episode);
    absl::StatusOr<v1::Episode> created = rows::ReadEpisode(transaction, key, kSelectEpisode);
    if (created.ok() && !request_id.empty()) RememberResponse(transaction, key.podcast_id, request_id, *created);
    return created;
  });
}

absl::StatusOr<v1::Episode> EpisodeStore::Modify(const domain::EpisodeKey& key, const Mutation& mutate,
                                                 Deadline deadline) {
  return database_.Transact(deadline, [&](pqxx::work& transaction) -> absl::StatusOr<v1::Episode> {
    absl::StatusOr<v1::Episode> current = rows::ReadEpisode(transaction, key, kSelectEpisodeForUpdate);
    if (!current.ok()) return current.status();
    v1::Episode changed = *current;
    if (absl::Status mutated = mutate(changed); !mutated.ok()) return mutated;
    if (google::protobuf::util::MessageDifferencer::Equals(changed, *current)) return current;
    rows::UpdateEpisode(transaction, key, *current, changed);
    return rows::ReadEpisode(transaction, key, kSelectEpisode);
  });
}

}  // namespace podmeta::storage
