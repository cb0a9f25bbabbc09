#include "storage/episode_store.h"

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/message_differencer.h"
#include "storage/queries.h"
#include "storage/request_ids.h"
#include "storage/row_mapping.h"

namespace podmeta::storage {
namespace {

using google::protobuf::util::MessageDifferencer;

absl::Status EpisodeNotFound(const domain::EpisodeKey& key) {
  return absl::NotFoundError(absl::StrCat("episode ", domain::EpisodeName(key), " does not exist"));
}

// Reads episodes (and their chapters) from rows of an episode column list.
std::vector<v1::Episode> ReadEpisodes(pqxx::work& transaction, const std::string& podcast_id,
                                      const pqxx::result& rows) {
  std::vector<v1::Episode> episodes;
  episodes.reserve(rows.size());
  std::vector<std::string> ids;
  for (const pqxx::row& row : rows) {
    episodes.push_back(EpisodeFromRow(podcast_id, row));
    ids.emplace_back(row[0].c_str());
  }
  if (episodes.empty()) return episodes;
  std::vector<v1::Episode*> targets;
  for (v1::Episode& episode : episodes) targets.push_back(&episode);
  AttachChapters(transaction.exec_prepared(StatementName(kSelectChapters), podcast_id, TextArray(ids)), targets);
  return episodes;
}

absl::StatusOr<v1::Episode> ReadOne(pqxx::work& transaction, const domain::EpisodeKey& key, const NamedQuery& query) {
  const pqxx::result rows = transaction.exec_prepared(StatementName(query), key.podcast_id, key.episode_id);
  if (rows.empty()) return EpisodeNotFound(key);
  return std::move(ReadEpisodes(transaction, key.podcast_id, rows).front());
}

void WriteChapters(pqxx::work& transaction, const domain::EpisodeKey& key, const v1::Episode& episode) {
  transaction.exec_prepared(StatementName(kDeleteChapters), key.podcast_id, key.episode_id);
  if (episode.chapters().empty()) return;
  const ChapterArrays arrays = ChapterArraysOf(episode.chapters());
  transaction.exec_prepared(StatementName(kInsertChapters), key.podcast_id, key.episode_id, arrays.start_ms, arrays.end_ms,
                            arrays.titles, arrays.image_uris, arrays.link_uris, arrays.tocs, arrays.parts);
}

bool SameChapters(const v1::Episode& a, const v1::Episode& b) {
  if (a.chapters_size() != b.chapters_size()) return false;
  for (int i = 0; i < a.chapters_size(); ++i) {
    if (!MessageDifferencer::Equals(a.chapters(i), b.chapters(i))) return false;
  }
  return true;
}

std::optional<int32_t> OptionalNumber(bool present, int32_t value) {
  return present ? std::optional<int32_t>(value) : std::nullopt;
}

}  // namespace

absl::Status CheckPodcastWritable(pqxx::work& transaction, const std::string& podcast_id) {
  const pqxx::result rows = transaction.exec_prepared(StatementName(kSelectPodcast), podcast_id);
  if (rows.empty()) {
    return absl::NotFoundError(absl::StrCat("podcast ", domain::PodcastName(podcast_id), " does not exist"));
  }
  if (!rows[0][11].is_null()) {
    return absl::FailedPreconditionError(
        absl::StrCat("podcast ", domain::PodcastName(podcast_id), " is deleted; undelete it first"));
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::Episode> EpisodeStore::Get(const domain::EpisodeKey& key, Deadline deadline) {
  return database_.Transact(deadline, [&](pqxx::work& transaction) {
    return ReadOne(transaction, key, kSelectEpisode);
  });
}

absl::StatusOr<std::vector<v1::Episode>> EpisodeStore::BatchGet(const std::string& podcast_id,
                                                                const std::vector<std::string>& episode_ids,
                                                                Deadline deadline) {
  return database_.Transact(
      deadline, [&](pqxx::work& transaction) -> absl::StatusOr<std::vector<v1::Episode>> {
        std::vector<v1::Episode> found = ReadEpisodes(
            transaction, podcast_id, transaction.exec_prepared(StatementName(kSelectEpisodes), podcast_id, TextArray(episode_ids)));
        std::unordered_map<std::string, v1::Episode*> by_id;
        for (v1::Episode& episode : found) by_id[EpisodeIdOf(episode)] = &episode;
        std::vector<v1::Episode> ordered;
        ordered.reserve(episode_ids.size());
        for (const std::string& id : episode_ids) {
          auto match = by_id.find(id);
          if (match == by_id.end()) return EpisodeNotFound({podcast_id, id});
          ordered.push_back(*match->second);
        }
        return ordered;
      });
}

absl::StatusOr<EpisodePage> EpisodeStore::List(const std::string& podcast_id, const std::optional<EpisodeCursor>& after,
                                               int32_t page_size, bool show_deleted, Deadline deadline) {
  return database_.Transact(deadline, [&](pqxx::work& transaction) -> absl::StatusOr<EpisodePage> {
    if (transaction.exec_prepared(StatementName(kSelectPodcast), podcast_id).empty()) {
      return absl::NotFoundError(absl::StrCat("podcast ", domain::PodcastName(podcast_id), " does not exist"));
    }
    // One row more than the page tells whether another page follows.
    const pqxx::result rows =
        after ? transaction.exec_prepared(StatementName(kListEpisodesAfter), podcast_id, show_deleted, page_size + 1,
                                          after->publish_time_micros, after->episode_id)
              : transaction.exec_prepared(StatementName(kListEpisodesFirst), podcast_id, show_deleted, page_size + 1);
    EpisodePage page;
    page.episodes = ReadEpisodes(transaction, podcast_id, rows);
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
      return absl::AlreadyExistsError(absl::StrCat("episode ", domain::EpisodeName(key),
                                                   " (or one with guid \"", episode.guid(), "\") already exists"));
    }
    transaction.exec_prepared(StatementName(kInsertEpisode), key.podcast_id, key.episode_id, episode.guid(),
                              OptionalNumber(episode.has_number(), episode.number()),
                              OptionalNumber(episode.has_season(), episode.season()), static_cast<int>(episode.type()),
                              episode.title(), episode.description(), MicrosOf(episode.publish_time()),
                              MillisOf(episode.duration()), PeopleToJson(episode.people()), episode.snip_count());
    WriteChapters(transaction, key, episode);
    absl::StatusOr<v1::Episode> created = ReadOne(transaction, key, kSelectEpisode);
    if (created.ok() && !request_id.empty()) {
      RememberResponse(transaction, key.podcast_id, request_id, *created);
    }
    return created;
  });
}

absl::StatusOr<v1::Episode> EpisodeStore::Modify(const domain::EpisodeKey& key, const Mutation& mutate,
                                                 Deadline deadline) {
  return database_.Transact(deadline, [&](pqxx::work& transaction) -> absl::StatusOr<v1::Episode> {
    absl::StatusOr<v1::Episode> current = ReadOne(transaction, key, kSelectEpisodeForUpdate);
    if (!current.ok()) return current.status();
    v1::Episode changed = *current;
    if (absl::Status mutated = mutate(changed); !mutated.ok()) return mutated;
    if (MessageDifferencer::Equals(changed, *current)) return current;
    transaction.exec_prepared(StatementName(kUpdateEpisode), key.podcast_id, key.episode_id,
                              OptionalNumber(changed.has_number(), changed.number()),
                              OptionalNumber(changed.has_season(), changed.season()), static_cast<int>(changed.type()),
                              changed.title(), changed.description(), MicrosOf(changed.publish_time()),
                              MillisOf(changed.duration()), PeopleToJson(changed.people()), changed.snip_count(),
                              changed.has_delete_time());
    if (!SameChapters(changed, *current)) WriteChapters(transaction, key, changed);
    return ReadOne(transaction, key, kSelectEpisode);
  });
}

}  // namespace podmeta::storage
