#include "storage/podcast_store.h"

#include "absl/strings/str_cat.h"
#include "domain/errors.h"
#include "domain/resource_names.h"
#include "google/protobuf/util/message_differencer.h"
#include "storage/queries.h"
#include "storage/request_ids.h"
#include "storage/rows.h"

namespace podmeta::storage {
absl::StatusOr<v1::Podcast> PodcastStore::Get(const std::string& podcast_id, Deadline deadline) {
  return reads_.Read(deadline, [&](pqxx::transaction_base& transaction) {
    return rows::ReadPodcast(transaction, podcast_id, kSelectPodcast);
  });
}

absl::StatusOr<PodcastPage> PodcastStore::List(const domain::PodcastListQuery& query, Deadline deadline) {
  // Separate statements, not one snapshot: a total counted a moment before
  // the page is what AIP-158 allows, and reads need no BEGIN/COMMIT.
  return reads_.Read(deadline, [&](pqxx::transaction_base& transaction) -> absl::StatusOr<PodcastPage> {
    PodcastPage page;
    const pqxx::result rows = transaction.exec_prepared(StatementName(kListPodcasts), query.after, query.show_deleted,
                                                        query.page_size + 1, query.guid, query.feed_uri);
    const PodcastColumns columns(rows);
    for (const pqxx::row& row : rows) page.podcasts.push_back(columns.Read(row));
    if (page.podcasts.size() > static_cast<size_t>(query.page_size)) {
      page.podcasts.pop_back();
      page.next_after = page.podcasts.back().name().substr(absl::string_view("podcasts/").size());
    }
    page.total_size =
        transaction.exec_prepared(StatementName(kCountPodcasts), query.show_deleted, query.guid, query.feed_uri)[0][0]
            .as<int32_t>();
    return page;
  });
}

absl::StatusOr<v1::Podcast> PodcastStore::Create(const std::string& podcast_id, const v1::Podcast& podcast,
                                                 const domain::RequestIdentity& identity, Deadline deadline) {
  return database_.Transact(deadline, [&](pqxx::work& transaction) -> absl::StatusOr<v1::Podcast> {
    return Once<v1::Podcast>(transaction, podcast_id, identity, [&]() -> absl::StatusOr<v1::Podcast> {
      if (!transaction.exec_prepared(StatementName(kSelectPodcast), podcast_id).empty()) {
        return domain::Error(domain::Reason::kPodcastExists,
                             absl::StrCat("podcast ", domain::PodcastName(podcast_id), " already exists"),
                             {{"podcast", domain::PodcastName(podcast_id)}});
      }
      rows::InsertPodcast(transaction, podcast_id, podcast);
      return rows::ReadPodcast(transaction, podcast_id, kSelectPodcast);
    });
  });
}

absl::StatusOr<v1::Podcast> PodcastStore::Modify(const std::string& podcast_id, const domain::RequestIdentity& identity,
                                                 const Mutation& mutate, Deadline deadline) {
  return database_.Transact(deadline, [&](pqxx::work& transaction) -> absl::StatusOr<v1::Podcast> {
    return Once<v1::Podcast>(transaction, podcast_id, identity,
                             [&] { return Mutate(transaction, podcast_id, mutate); });
  });
}

absl::StatusOr<v1::Podcast> PodcastStore::Mutate(pqxx::work& transaction, const std::string& podcast_id,
                                                 const Mutation& mutate) {
  absl::StatusOr<v1::Podcast> current = rows::ReadPodcastForWrite(transaction, podcast_id);
  if (!current.ok()) return current.status();
  v1::Podcast changed = *current;
  if (absl::Status mutated = mutate(changed); !mutated.ok()) return mutated;
  if (google::protobuf::util::MessageDifferencer::Equals(changed, *current)) return current;
  if (changed.has_delete_time() && !current->has_delete_time() && current->episode_count() > 0) {
    transaction.exec_prepared(StatementName(kDeleteLiveEpisodes), podcast_id);
  }
  rows::UpdatePodcast(transaction, podcast_id, changed);
  return rows::ReadPodcast(transaction, podcast_id, kSelectPodcast);
}

}  // namespace podmeta::storage
