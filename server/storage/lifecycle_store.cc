#include "storage/lifecycle_store.h"

#include <map>
#include <vector>

#include "domain/errors.h"
#include "domain/validation.h"
#include "storage/queries.h"
#include "storage/rows.h"

namespace podmeta::storage {
namespace {

// Erases episodes `ids` of the podcast; its change horizon rises to
// `horizon` (a reserved change id: every older token expires) or, without
// one, to the newest removed change. Returns how many were erased.
template <typename Horizon>
int64_t EraseEpisodes(pqxx::work& transaction, const std::string& podcast_id, const std::vector<std::string>& ids,
                      Horizon horizon) {
  const pqxx::result erased =
      transaction.exec_prepared(StatementName(kEraseEpisodes), podcast_id, TextArray(ids), horizon);
  return erased[0]["erased"].as<int64_t>();
}

std::vector<std::string> EpisodeIdsOf(pqxx::work& transaction, const std::string& podcast_id) {
  std::vector<std::string> ids;
  for (const pqxx::row& row : transaction.exec_prepared(StatementName(kPodcastEpisodeIds), podcast_id)) {
    ids.emplace_back(row["episode_id"].c_str());
  }
  return ids;
}

}  // namespace

absl::StatusOr<PurgeCounts> LifecycleStore::PurgeExpired(const Retention& retention, int32_t batch) {
  PurgeCounts counts;
  std::vector<std::string> touched;  // podcasts whose episodes were erased
  const auto seconds = [](std::chrono::seconds s) { return static_cast<double>(s.count()); };
  // Episodes, then podcasts: a podcast goes with whatever episodes it has.
  absl::Status episodes = database_.Transact(kNoDeadline, [&](pqxx::work& transaction) -> absl::Status {
    std::map<std::string, std::vector<std::string>> by_podcast;
    for (const pqxx::row& row :
         transaction.exec_prepared(StatementName(kExpiredEpisodes), seconds(retention.deleted), batch)) {
      by_podcast[row["podcast_id"].c_str()].emplace_back(row["episode_id"].c_str());
    }
    for (const auto& [podcast_id, ids] : by_podcast) {
      counts.episodes += EraseEpisodes(transaction, podcast_id, ids, nullptr);
      touched.push_back(podcast_id);
    }
    return absl::OkStatus();
  });
  if (!episodes.ok()) return episodes;
  absl::Status podcasts = database_.Transact(kNoDeadline, [&](pqxx::work& transaction) -> absl::Status {
    for (const pqxx::row& row :
         transaction.exec_prepared(StatementName(kExpiredPodcasts), seconds(retention.deleted), batch)) {
      const std::string podcast_id = row["podcast_id"].c_str();
      counts.episodes += EraseEpisodes(transaction, podcast_id, EpisodeIdsOf(transaction, podcast_id), nullptr);
      touched.push_back(podcast_id);
      counts.podcasts += transaction.exec_prepared(StatementName(kErasePodcast), podcast_id)[0]["erased"].as<int64_t>();
    }
    return absl::OkStatus();
  });
  if (!touched.empty()) database_.ReportEpisodesCommitted(touched);
  if (!podcasts.ok()) return podcasts;
  absl::Status responses = database_.Transact(kNoDeadline, [&](pqxx::work& transaction) -> absl::Status {
    counts.request_ids =
        transaction.exec_prepared(StatementName(kPurgeOldRequestIds), seconds(retention.request_ids), batch)
            .affected_rows();
    return absl::OkStatus();
  });
  if (!responses.ok()) return responses;
  absl::Status changes = database_.Transact(kNoDeadline, [&](pqxx::work& transaction) -> absl::Status {
    counts.change_podcasts =
        transaction.exec_prepared(StatementName(kPurgeOldChanges), seconds(retention.changes), batch).size();
    return absl::OkStatus();
  });
  if (!changes.ok()) return changes;
  return counts;
}

absl::Status LifecycleStore::PurgePodcast(const std::string& podcast_id, const std::string& etag, bool allow_missing,
                                          Deadline deadline) {
  absl::Status purged = database_.Transact(deadline, [&](pqxx::work& transaction) -> absl::Status {
    absl::StatusOr<v1::Podcast> podcast = rows::ReadPodcastForWrite(transaction, podcast_id);
    if (absl::IsNotFound(podcast.status()) && allow_missing) return absl::OkStatus();
    if (!podcast.ok()) return podcast.status();
    if (absl::Status matches = domain::CheckEtag(podcast->etag(), etag); !matches.ok()) return matches;
    const int64_t horizon =
        transaction.exec_prepared(StatementName(kReserveChangeId), podcast_id)[0]["change_id"].as<int64_t>();
    EraseEpisodes(transaction, podcast_id, EpisodeIdsOf(transaction, podcast_id), horizon);
    transaction.exec_prepared(StatementName(kErasePodcast), podcast_id);
    return absl::OkStatus();
  });
  // This server's cache forgets at once; others hear the erase's NOTIFY.
  if (purged.ok()) database_.ReportEpisodesCommitted({podcast_id});
  return purged;
}

absl::Status LifecycleStore::PurgeEpisode(const domain::EpisodeKey& key, const std::string& etag, bool allow_missing,
                                          Deadline deadline) {
  absl::Status purged = database_.Transact(deadline, [&](pqxx::work& transaction) -> absl::Status {
    // The podcast's row first, as every episode write takes it.
    transaction.exec_prepared(StatementName(kSharePodcast), key.podcast_id);
    absl::StatusOr<v1::Episode> episode = rows::ReadEpisode(transaction, key, kSelectEpisodeForUpdate);
    if (absl::IsNotFound(episode.status()) && allow_missing) return absl::OkStatus();
    if (!episode.ok()) return episode.status();
    if (absl::Status matches = domain::CheckEtag(episode->etag(), etag); !matches.ok()) return matches;
    const int64_t horizon =
        transaction.exec_prepared(StatementName(kReserveChangeId), key.podcast_id)[0]["change_id"].as<int64_t>();
    EraseEpisodes(transaction, key.podcast_id, {key.episode_id}, horizon);
    return absl::OkStatus();
  });
  if (purged.ok()) database_.ReportEpisodesCommitted({key.podcast_id});
  return purged;
}

}  // namespace podmeta::storage
