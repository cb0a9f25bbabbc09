#include "storage/search_store.h"

#include "domain/resource_names.h"
#include "google/protobuf/util/time_util.h"
#include "storage/queries.h"

namespace podmeta::storage {

absl::StatusOr<SearchPage> SearchStore::Search(const std::string& podcast_id, const std::string& query,
                                               int32_t page_size, const std::optional<SearchCursor>& after,
                                               Deadline deadline) {
  return database_.Transact(deadline, [&](pqxx::work& transaction) -> absl::StatusOr<SearchPage> {
    const auto cursor_text = [&](const std::string& value) {
      return after ? std::optional<std::string>(value) : std::nullopt;
    };
    transaction.exec_prepared(StatementName(kSearchSettings));
    // One row more than the page tells whether another page follows.
    const pqxx::result rows = transaction.exec_prepared(
        StatementName(kSearch), podcast_id, query, page_size + 1, cursor_text(after ? after->rank : ""),
        cursor_text(after ? after->podcast_id : ""), cursor_text(after ? after->episode_id : ""),
        after ? std::optional<int32_t>(after->position) : std::nullopt);
    SearchPage page;
    std::optional<SearchCursor> last;
    for (const pqxx::row& row : rows) {
      if (page.hits.size() == static_cast<size_t>(page_size)) {
        page.next = last;
        break;
      }
      v1::SearchHit hit;
      const domain::EpisodeKey key{row[1].c_str(), row[2].c_str()};
      const int32_t position = row[3].as<int32_t>();
      hit.set_episode(domain::EpisodeName(key));
      hit.set_episode_title(row[4].c_str());
      if (position >= 0) {
        hit.set_chapter_index(position);
        hit.set_chapter_title(row[5].c_str());
        *hit.mutable_chapter_start_offset() =
            google::protobuf::util::TimeUtil::MillisecondsToDuration(row[6].as<int64_t>());
        hit.set_chapter_part(row[7].c_str());
      }
      hit.set_snippet(row[8].c_str());
      hit.set_rank(row[0].as<float>());
      page.hits.push_back(std::move(hit));
      last = SearchCursor{row[0].c_str(), key.podcast_id, key.episode_id, position};
    }
    return page;
  });
}

}  // namespace podmeta::storage
