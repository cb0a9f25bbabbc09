#include "storage/episode_store.h"

#include <algorithm>
#include <unordered_map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "domain/errors.h"
#include "google/protobuf/util/message_differencer.h"
#include "storage/episode_filter_sql.h"
#include "storage/queries.h"
#include "storage/request_ids.h"
#include "storage/rows.h"

namespace podmeta::storage {
namespace {

std::string SortKeyOf(const v1::Episode& episode, domain::OrderField field) {
  switch (field) {
    case domain::OrderField::kNumber:
      return std::to_string(episode.has_number() ? episode.number() : -1);
    case domain::OrderField::kSeason:
      return std::to_string(episode.has_season() ? episode.season() : -1);
    case domain::OrderField::kTitle:
      return episode.title();
    case domain::OrderField::kPublishTime:
      break;
  }
  return std::to_string(MicrosOf(episode.publish_time()));
}

// Rows after the cursor in the order of `keys` (then the episode id, in the
// first key's direction), with the cursor's values as parameters. One
// direction throughout: a row comparison, which the indexes serve. Mixed
// directions ("season desc, number"): key by key, each tie passed on to
// the next.
std::string AfterCursorSql(const std::vector<domain::OrderKey>& keys, const domain::EpisodePagePosition& after,
                           std::vector<std::string>& params) {
  std::vector<std::string> columns, cursor;
  for (size_t i = 0; i < keys.size(); ++i) {
    params.push_back(i == 0 ? after.sort_key : after.then_keys[i - 1]);
    columns.push_back(SortKeySql(keys[i].field));
    cursor.push_back(SortKeyParameterSql(keys[i].field, params.size()));
  }
  params.push_back(after.episode_id);
  columns.push_back("e.episode_id");
  cursor.push_back(absl::StrCat("$", params.size()));
  std::vector<bool> descending;
  for (const domain::OrderKey& key : keys) descending.push_back(key.descending);
  descending.push_back(keys.front().descending);
  if (std::all_of(descending.begin(), descending.end(), [&](bool d) { return d == descending.front(); })) {
    return absl::StrCat("(", absl::StrJoin(columns, ", "), ") ", descending.front() ? "<" : ">", " (",
                        absl::StrJoin(cursor, ", "), ")");
  }
  std::vector<std::string> alternatives;
  for (size_t i = 0; i < columns.size(); ++i) {
    std::vector<std::string> terms;
    for (size_t j = 0; j < i; ++j) terms.push_back(absl::StrCat(columns[j], " = ", cursor[j]));
    terms.push_back(absl::StrCat(columns[i], descending[i] ? " < " : " > ", cursor[i]));
    alternatives.push_back(absl::StrCat("(", absl::StrJoin(terms, " AND "), ")"));
  }
  return absl::StrCat("(", absl::StrJoin(alternatives, " OR "), ")");
}

// An episode is written only under a podcast that exists and is not deleted;
// the podcast's row is locked first (before any episode row), always in that
// order, so a write and a DeletePodcast never deadlock.
absl::Status CheckPodcastWritable(pqxx::work& transaction, const std::string& podcast_id) {
  const pqxx::result found = transaction.exec_prepared(StatementName(kSharePodcast), podcast_id);
  const std::string name = domain::PodcastName(podcast_id);
  if (found.empty()) {
    return domain::Error(domain::Reason::kPodcastNotFound, absl::StrCat("podcast ", name, " does not exist"),
                         {{"podcast", name}});
  }
  if (found[0]["deleted"].as<bool>()) {
    return domain::Error(domain::Reason::kParentDeleted,
                         absl::StrCat("podcast ", name, " is deleted; undelete it first"), {{"podcast", name}});
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<v1::Episode> EpisodeStore::Get(const domain::EpisodeKey& key, Deadline deadline) {
  return reads_.Read(deadline, [&](pqxx::transaction_base& transaction) {
    return rows::ReadEpisode(transaction, key, kSelectEpisode);
  });
}

absl::StatusOr<v1::Episode> EpisodeStore::GetFromPrimary(const domain::EpisodeKey& key, Deadline deadline) {
  return database_.Read(deadline, [&](pqxx::transaction_base& transaction) {
    return rows::ReadEpisode(transaction, key, kSelectEpisode);
  });
}

absl::StatusOr<EpisodeStore::EpisodesRead> EpisodeStore::GetMany(const std::vector<domain::EpisodeKey>& keys,
                                                                 Deadline deadline) {
  std::vector<std::string> podcast_ids, episode_ids;
  for (const domain::EpisodeKey& key : keys) {
    podcast_ids.push_back(key.podcast_id);
    episode_ids.push_back(key.episode_id);
  }
  const bool from_replica = &reads_ != &database_;
  return reads_.Read(deadline, [&](pqxx::transaction_base& transaction) -> absl::StatusOr<EpisodesRead> {
    EpisodesRead read;
    if (from_replica) {
      // Before the rows (separate statements, each with its own snapshot):
      // the rows are at least as new as this position.
      const pqxx::field position = transaction.exec_prepared(StatementName(kReplayedWalLsn))[0]["position"];
      if (!position.is_null()) read.replayed_lsn = static_cast<uint64_t>(position.as<int64_t>());
    }
    const pqxx::result rows =
        transaction.exec_prepared(StatementName(kSelectEpisodesByKeys), TextArray(podcast_ids), TextArray(episode_ids));
    read.episodes.reserve(rows.size());
    const EpisodeColumns columns(rows);
    const pqxx::row_size_type podcast_id = rows.column_number("podcast_id");
    for (const pqxx::row& row : rows) read.episodes.push_back(columns.Read(row[podcast_id].c_str(), row));
    return read;
  });
}

absl::StatusOr<std::vector<v1::Episode>> EpisodeStore::BatchGet(const std::string& podcast_id,
                                                                const std::vector<std::string>& episode_ids,
                                                                Deadline deadline) {
  return reads_.Read(deadline, [&](pqxx::transaction_base& transaction) -> absl::StatusOr<std::vector<v1::Episode>> {
    std::vector<v1::Episode> found = rows::ReadEpisodes(
        podcast_id, transaction.exec_prepared(StatementName(kSelectEpisodes), podcast_id, TextArray(episode_ids)));
    std::unordered_map<std::string, v1::Episode*> by_id;
    for (v1::Episode& episode : found) by_id[EpisodeIdOf(episode)] = &episode;
    std::vector<v1::Episode> ordered;
    ordered.reserve(episode_ids.size());
    for (const std::string& id : episode_ids) {
      auto match = by_id.find(id);
      if (match == by_id.end()) {
        return domain::Error(domain::Reason::kEpisodeNotFound,
                             absl::StrCat("episode ", domain::EpisodeName({podcast_id, id}), " does not exist"),
                             {{"episode", domain::EpisodeName({podcast_id, id})}});
      }
      ordered.push_back(*match->second);
    }
    return ordered;
  });
}

absl::StatusOr<EpisodePage> EpisodeStore::List(const EpisodeListQuery& query, Deadline deadline) {
  // Separate statements, not one snapshot: a total counted a moment before
  // the page is what AIP-158 allows, and reads need no BEGIN/COMMIT.
  return reads_.Read(deadline, [&](pqxx::transaction_base& transaction) -> absl::StatusOr<EpisodePage> {
    if (absl::StatusOr<v1::Podcast> podcast = rows::ReadPodcast(transaction, query.podcast_id, kSelectPodcast);
        !podcast.ok()) {
      return podcast.status();
    }
    EpisodePage page;
    if (!query.after) {
      page.latest_change =
          transaction.exec_prepared(StatementName(kLatestChange), query.podcast_id)[0][0].as<int64_t>();
    }
    std::vector<std::string> params = {query.podcast_id, query.show_deleted ? "true" : "false"};
    std::string where = "e.podcast_id = $1 AND ($2::boolean OR e.delete_time IS NULL)";
    if (query.filter) absl::StrAppend(&where, " AND ", FilterSql(*query.filter, params));

    // Counted on a listing's first page only (later pages carry it); without
    // a filter, migration 0003's counts answer.
    if (query.after) {
      page.total_size = query.after->total_size;
    } else if (query.filter) {
      page.total_size = transaction
                            .exec_params(absl::StrCat("SELECT count(*) FROM episodes e WHERE ", where),
                                         pqxx::prepare::make_dynamic_params(params))[0][0]
                            .as<int32_t>();
    } else {
      page.total_size =
          transaction.exec_prepared(StatementName(kCountEpisodes), query.podcast_id, query.show_deleted)[0][0]
              .as<int32_t>();
    }

    // The order's keys, then the episode id (in the first key's direction).
    std::vector<domain::OrderKey> keys = {{query.order.field, query.order.descending}};
    keys.insert(keys.end(), query.order.then.begin(), query.order.then.end());
    const char* id_direction = query.order.descending ? "DESC" : "ASC";
    if (query.after) {
      where += " AND " + AfterCursorSql(keys, *query.after, params);
    }
    // The page's rows are chosen first and only they are read whole (with
    // their chapters). One row more than the page tells whether another page
    // follows. The limit is written out, not a parameter: a generic plan
    // would not know it is small and might sort the whole podcast instead of
    // walking the index; it is a validated integer, never caller text.
    std::string order = " ORDER BY ";
    for (const domain::OrderKey& key : keys) {
      absl::StrAppend(&order, SortKeySql(key.field), key.descending ? " DESC, " : " ASC, ");
    }
    absl::StrAppend(&order, "e.episode_id ", id_direction);
    const std::string list_sql =
        absl::StrCat("SELECT ", std::string(kEpisodeColumns), " FROM (SELECT * FROM episodes e WHERE ", where, order,
                     " LIMIT ", query.page_size + 1, ") e", order);

    page.episodes = rows::ReadEpisodes(query.podcast_id,
                                       transaction.exec_params(list_sql, pqxx::prepare::make_dynamic_params(params)));
    // The page may end before page_size, at the byte budget.
    if (domain::FitEpisodePage(query, page.episodes)) {
      const v1::Episode& last = page.episodes.back();
      std::vector<std::string> then_keys;
      for (const domain::OrderKey& key : query.order.then) then_keys.push_back(SortKeyOf(last, key.field));
      page.next = domain::EpisodePagePosition{SortKeyOf(last, query.order.field), EpisodeIdOf(last), page.total_size,
                                              std::move(then_keys)};
    }
    return page;
  });
}

absl::StatusOr<v1::Episode> EpisodeStore::Create(const domain::EpisodeKey& key, const v1::Episode& episode,
                                                 const domain::RequestIdentity& identity, Deadline deadline) {
  return database_.Transact(deadline, [&](pqxx::work& transaction) -> absl::StatusOr<v1::Episode> {
    return Once<v1::Episode>(transaction, key.podcast_id, identity, [&]() -> absl::StatusOr<v1::Episode> {
      if (absl::Status writable = CheckPodcastWritable(transaction, key.podcast_id); !writable.ok()) return writable;
      if (transaction
              .exec_prepared(StatementName(kEpisodeIdTaken), key.podcast_id, key.episode_id, episode.guid())[0][0]
              .as<int>() > 0) {
        return domain::Error(domain::Reason::kEpisodeExists,
                             absl::StrCat("episode ", domain::EpisodeName(key), " (or one with guid \"", episode.guid(),
                                          "\") already exists"),
                             {{"episode", domain::EpisodeName(key)}, {"guid", episode.guid()}});
      }
      rows::InsertEpisodes(transaction, key.podcast_id, {{key.episode_id, &episode}});
      return rows::ReadEpisode(transaction, key, kSelectEpisode);
    });
  });
}

absl::StatusOr<v1::Episode> EpisodeStore::Modify(const domain::EpisodeKey& key, const domain::RequestIdentity& identity,
                                                 const Mutation& mutate, Deadline deadline) {
  return database_.Transact(deadline, [&](pqxx::work& transaction) -> absl::StatusOr<v1::Episode> {
    return Once<v1::Episode>(transaction, key.podcast_id, identity, [&]() -> absl::StatusOr<v1::Episode> {
      if (absl::Status writable = CheckPodcastWritable(transaction, key.podcast_id); !writable.ok()) return writable;
      absl::StatusOr<v1::Episode> current = rows::ReadEpisode(transaction, key, kSelectEpisodeForUpdate);
      if (!current.ok()) return current.status();
      v1::Episode changed = *current;
      if (absl::Status mutated = mutate(changed); !mutated.ok()) return mutated;
      if (google::protobuf::util::MessageDifferencer::Equals(changed, *current)) return current;
      rows::UpdateEpisode(transaction, key, *current, changed);
      return rows::ReadEpisode(transaction, key, kSelectEpisode);
    });
  });
}

absl::StatusOr<int64_t> EpisodeStore::LatestChange(const std::string& podcast_id, Deadline deadline) {
  return database_.Read(deadline, [&](pqxx::transaction_base& transaction) -> absl::StatusOr<int64_t> {
    if (absl::StatusOr<v1::Podcast> podcast = rows::ReadPodcast(transaction, podcast_id, kSelectPodcast);
        !podcast.ok()) {
      return podcast.status();
    }
    return transaction.exec_prepared(StatementName(kLatestChange), podcast_id)[0][0].as<int64_t>();
  });
}

absl::StatusOr<ChangePage> EpisodeStore::ChangesAfter(const std::string& podcast_id, int64_t after_change_id,
                                                      int32_t limit, int64_t max_bytes, Deadline deadline) {
  ++change_log_reads_;
  return database_.Read(deadline, [&](auto& transaction) -> absl::StatusOr<ChangePage> {
    // Changes after the token that are gone (trimmed by age, or erased by a
    // purge) would leave a hole in the replay: the token has expired. Read
    // before the changes, so a purge between the two is seen next time.
    const int64_t purged_through =
        transaction.exec_prepared(StatementName(kChangeHorizon), podcast_id)[0]["purged_through"]
            .template as<int64_t>();
    if (after_change_id < purged_through) {
      return domain::Error(domain::Reason::kResumeTokenExpired,
                           absl::StrCat("the change log of ", domain::PodcastName(podcast_id),
                                        " no longer holds every change after this resume token (older than the "
                                        "log's retention, or from before a purge); list the episodes again and "
                                        "watch from the list's resume_token"),
                           {{"podcast", domain::PodcastName(podcast_id)}});
    }
    const pqxx::result changes =
        transaction.exec_prepared(StatementName(kChangesAfter), podcast_id, after_change_id, limit, max_bytes);
    const EpisodeColumns columns(changes);
    const pqxx::row_size_type change_id = changes.column_number("change_id");
    const pqxx::row_size_type kind = changes.column_number("kind");
    const pqxx::row_size_type page_rows = changes.column_number("page_rows");
    ChangePage page;
    page.changes.reserve(changes.size());
    for (const pqxx::row& row : changes) {
      EpisodeChangeRecord record;
      record.change_id = row[change_id].as<int64_t>();
      record.kind = static_cast<v1::EpisodeChange::Kind>(row[kind].as<int>());
      record.episode = columns.Read(podcast_id, row);
      page.changes.push_back(std::move(record));
    }
    if (!changes.empty()) {
      const auto rows = changes[0][page_rows].as<int64_t>();
      page.more = rows == limit || static_cast<int64_t>(changes.size()) < rows;
    }
    return page;
  });
}

}  // namespace podmeta::storage
