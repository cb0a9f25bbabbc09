#include "storage/search_store.h"

#include "domain/resource_names.h"
#include "google/protobuf/util/time_util.h"
#include "storage/queries.h"

namespace podmeta::storage {

absl::StatusOr<SearchPage> SearchStore::Search(const std::string& podcast_id, const std::string& query,
                                               int32_t page_size, const std::optional<SearchCursor>& after,
                                               Deadline deadline) {
  // One transaction: search_settings.sql sets its plan mode for it alone.
  return database_.ReadTransaction(deadline, [&](pqxx::work& transaction) -> absl::StatusOr<SearchPage> {
    const auto cursor_text = [&](const std::string& value) {
      return after ? std::optional<std::string>(value) : std::nullopt;
    };
    transaction.exec_prepared(StatementName(kSearchSettings));
    // One row more than the page tells whether another page follows.
    const pqxx::result rows = transaction.exec_prepared(
        StatementName(kSearch), podcast_id, query, page_size + 1, cursor_text(after ? after->rank : ""),
        cursor_text(after ? after->podcast_id : ""), cursor_text(after ? after->episode_id : ""),
        after ? std::optional<int32_t>(after->position) : std::nullopt);
    const auto column = [&rows](const char* name) { return rows.column_number(name); };
    const pqxx::row_size_type rank = column("rank"), podcast_id_column = column("podcast_id"),
                              episode_id = column("episode_id"), position_column = column("position"),
                              episode_title = column("episode_title"), chapter_title = column("chapter_title"),
                              chapter_start_ms = column("chapter_start_ms"), chapter_part = column("chapter_part"),
                              snippet = column("snippet");
    SearchPage page;
    std::optional<SearchCursor> last;
    for (const pqxx::row& row : rows) {
      if (page.hits.size() == static_cast<size_t>(page_size)) {
        page.next = last;
        break;
      }
      v1::SearchHit hit;
      const domain::EpisodeKey key{row[podcast_id_column].c_str(), row[episode_id].c_str()};
      const int32_t position = row[position_column].as<int32_t>();
      hit.set_episode(domain::EpisodeName(key));
      hit.set_episode_title(row[episode_title].c_str());
      if (position >= 0) {
        hit.set_chapter_index(position);
        hit.set_chapter_title(row[chapter_title].c_str());
        *hit.mutable_chapter_start_offset() =
            google::protobuf::util::TimeUtil::MillisecondsToDuration(row[chapter_start_ms].as<int64_t>());
        hit.set_chapter_part(row[chapter_part].c_str());
      }
      hit.set_snippet(row[snippet].c_str());
      hit.set_rank(row[rank].as<float>());
      page.hits.push_back(std::move(hit));
      last = SearchCursor{row[rank].c_str(), key.podcast_id, key.episode_id, position};
    }
    return page;
  });
}

}  // namespace podmeta::storage
