#include "storage/podcast_store.h"

#include "absl/strings/str_cat.h"
#include "domain/resource_names.h"
#include "google/protobuf/util/message_differencer.h"
#include "storage/queries.h"
#include "storage/request_ids.h"
#include "storage/row_mapping.h"

namespace podmeta::storage {
namespace {

absl::StatusOr<v1::Podcast> ReadOne(pqxx::work& transaction, const std::string& podcast_id, const NamedQuery& query) {
  const pqxx::result rows = transaction.exec_prepared(StatementName(query), podcast_id);
  if (rows.empty()) {
    return absl::NotFoundError(absl::StrCat("podcast ", domain::PodcastName(podcast_id), " does not exist"));
  }
  return PodcastFromRow(rows[0]);
}

}  // namespace

absl::StatusOr<v1::Podcast> PodcastStore::Get(const std::string& podcast_id, Deadline deadline) {
  return database_.Transact(deadline,
                            [&](pqxx::work& transaction) { return ReadOne(transaction, podcast_id, kSelectPodcast); });
}

absl::StatusOr<PodcastPage> PodcastStore::List(const std::string& after, int32_t page_size, bool show_deleted,
                                               Deadline deadline) {
  return database_.Transact(deadline, [&](pqxx::work& transaction) -> absl::StatusOr<PodcastPage> {
    PodcastPage page;
    for (const pqxx::row& row : transaction.exec_prepared(StatementName(kListPodcasts), after, show_deleted, page_size + 1)) {
      page.podcasts.push_back(PodcastFromRow(row));
    }
    if (page.podcasts.size() > static_cast<size_t>(page_size)) {
      page.podcasts.pop_back();
      page.next_after = page.podcasts.back().name().substr(absl::string_view("podcasts/").size());
    }
    page.total_size = transaction.exec_prepared(StatementName(kCountPodcasts), show_deleted)[0][0].as<int32_t>();
    return page;
  });
}

absl::StatusOr<v1::Podcast> PodcastStore::Create(const std::string& podcast_id, const v1::Podcast& podcast,
                                                 const std::string& request_id, Deadline deadline) {
  return database_.Transact(deadline, [&](pqxx::work& transaction) -> absl::StatusOr<v1::Podcast> {
    if (!request_id.empty()) {
      v1::Podcast first;
      absl::StatusOr<bool> repeated = LoadEarlierResponse(transaction, podcast_id, request_id, first);
      if (!repeated.ok()) return repeated.status();
      if (*repeated) return first;
    }
    if (!transaction.exec_prepared(StatementName(kSelectPodcast), podcast_id).empty()) {
      return absl::AlreadyExistsError(absl::StrCat("podcast ", domain::PodcastName(podcast_id), " already exists"));
    }
    transaction.exec_prepared(StatementName(kInsertPodcast), podcast_id, podcast.guid(), podcast.title(), podcast.description(),
                              PeopleToJson(podcast.people()), podcast.language(), podcast.image_uri(),
                              podcast.feed_uri());
    absl::StatusOr<v1::Podcast> created = ReadOne(transaction, podcast_id, kSelectPodcast);
    if (created.ok() && !request_id.empty()) {
      RememberResponse(transaction, podcast_id, request_id, *created);
    }
    return created;
  });
}

absl::StatusOr<v1::Podcast> PodcastStore::Modify(const std::string& podcast_id, const Mutation& mutate,
                                                 Deadline deadline) {
  return database_.Transact(deadline, [&](pqxx::work& transaction) -> absl::StatusOr<v1::Podcast> {
    absl::StatusOr<v1::Podcast> current = ReadOne(transaction, podcast_id, kSelectPodcastForUpdate);
    if (!current.ok()) return current.status();
    v1::Podcast changed = *current;
    if (absl::Status mutated = mutate(changed); !mutated.ok()) return mutated;
    if (google::protobuf::util::MessageDifferencer::Equals(changed, *current)) return current;
    transaction.exec_prepared(StatementName(kUpdatePodcast), podcast_id, changed.title(), changed.description(),
                              PeopleToJson(changed.people()), changed.language(), changed.image_uri(),
                              changed.feed_uri(), changed.has_delete_time());
    return ReadOne(transaction, podcast_id, kSelectPodcast);
  });
}

}  // namespace podmeta::storage
