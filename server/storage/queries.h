// Every SQL statement podmeta runs, named, parameterized, and prepared on each
// pooled connection. Times travel as microseconds since the Unix epoch and
// durations as milliseconds, so no text parsing of dates happens anywhere.
#pragma once

#include <string>
#include <string_view>

namespace podmeta::storage {

struct NamedQuery {
  std::string_view name;
  std::string_view sql;
};

// libpqxx 6.4 takes statement names as std::string only.
inline std::string StatementName(const NamedQuery& query) { return std::string(query.name); }

#define PODMETA_MICROS(column) "(extract(epoch FROM " column ") * 1000000)::bigint"
#define PODMETA_FROM_MICROS(param) "(timestamptz 'epoch' + " param "::bigint * interval '1 microsecond')"

// Column order is what row_mapping.cc reads.
#define PODMETA_PODCAST_COLUMNS                                                                                    \
  "p.podcast_id, p.guid, p.title, p.description, p.people::text, p.language, p.image_uri, "                        \
  "p.feed_uri, "                                                                                                   \
  "coalesce((SELECT n.live FROM podcast_episode_counts n WHERE n.podcast_id = p.podcast_id), 0), " PODMETA_MICROS( \
      "p.create_time") ", " PODMETA_MICROS("p.update_time") ", " PODMETA_MICROS("p.delete_time") ", p.revision"

// The chapters come along as one JSON array of arrays (NULL when there are
// none), so an episode is always read whole by a single statement.
#define PODMETA_EPISODE_COLUMNS \
  "e.episode_id, e.guid, e.number, e.season, e.episode_type, e.title, e.description, "           \
  PODMETA_MICROS("e.publish_time") ", e.duration_ms, e.people::text, e.snip_count, "             \
  PODMETA_MICROS("e.create_time") ", " PODMETA_MICROS("e.update_time") ", " PODMETA_MICROS(      \
      "e.delete_time") ", e.revision, "                                                          \
  "(SELECT json_agg(json_build_array(c.start_ms, c.end_ms, c.title, c.image_uri, c.link_uri,"    \
  " c.toc, c.part) ORDER BY c.position) FROM chapters c"                                         \
  " WHERE c.podcast_id = e.podcast_id AND c.episode_id = e.episode_id)::text"

// For statements built at run time (filtered, ordered listings).
inline constexpr std::string_view kEpisodeColumns = PODMETA_EPISODE_COLUMNS;

inline constexpr NamedQuery kSetStatementTimeout{"set_statement_timeout",
                                                 "SELECT set_config('statement_timeout', $1, true)"};

// --- podcasts ---
inline constexpr NamedQuery kSelectPodcast{
    "select_podcast", "SELECT " PODMETA_PODCAST_COLUMNS " FROM podcasts p WHERE p.podcast_id = $1"};
inline constexpr NamedQuery kSelectPodcastForUpdate{"select_podcast_for_update",
                                                    "SELECT " PODMETA_PODCAST_COLUMNS
                                                    " FROM podcasts p WHERE p.podcast_id = $1 FOR UPDATE OF p"};
inline constexpr NamedQuery kListPodcasts{"list_podcasts",
                                          "SELECT " PODMETA_PODCAST_COLUMNS
                                          " FROM podcasts p WHERE p.podcast_id > $1 AND ($2 OR p.delete_time IS NULL)"
                                          " ORDER BY p.podcast_id LIMIT $3"};
inline constexpr NamedQuery kCountPodcasts{"count_podcasts",
                                           "SELECT count(*) FROM podcasts WHERE $1 OR delete_time IS NULL"};
inline constexpr NamedQuery kInsertPodcast{
    "insert_podcast",
    "INSERT INTO podcasts (podcast_id, guid, title, description, people, language, image_uri, feed_uri)"
    " VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8)"};
inline constexpr NamedQuery kUpdatePodcast{
    "update_podcast",
    "UPDATE podcasts SET title = $2, description = $3, people = $4::jsonb, language = $5, image_uri = $6,"
    " feed_uri = $7, delete_time = CASE WHEN $8 THEN coalesce(delete_time, now()) END,"
    " update_time = now(), revision = nextval('revisions') WHERE podcast_id = $1"};

// --- episodes ---
inline constexpr NamedQuery kSelectEpisode{"select_episode",
                                           "SELECT " PODMETA_EPISODE_COLUMNS
                                           " FROM episodes e WHERE e.podcast_id = $1 AND e.episode_id = $2"};
inline constexpr NamedQuery kSelectEpisodeForUpdate{
    "select_episode_for_update",
    "SELECT " PODMETA_EPISODE_COLUMNS " FROM episodes e WHERE e.podcast_id = $1 AND e.episode_id = $2 FOR UPDATE"};
inline constexpr NamedQuery kSelectEpisodes{
    "select_episodes",
    "SELECT " PODMETA_EPISODE_COLUMNS " FROM episodes e WHERE e.podcast_id = $1 AND e.episode_id = ANY($2::text[])"};
// Episodes of any podcasts by (podcast, episode) pairs; the podcast id
// follows the episode columns.
inline constexpr NamedQuery kSelectEpisodesByKeys{
    "select_episodes_by_keys", "SELECT " PODMETA_EPISODE_COLUMNS
                               ", e.podcast_id"
                               " FROM unnest($1::text[], $2::text[]) AS k(podcast_id, episode_id)"
                               " JOIN episodes e ON e.podcast_id = k.podcast_id AND e.episode_id = k.episode_id"};
inline constexpr NamedQuery kSelectEpisodesForUpdate{
    "select_episodes_for_update",
    "SELECT " PODMETA_EPISODE_COLUMNS
    " FROM episodes e WHERE e.podcast_id = $1 AND e.episode_id = ANY($2::text[]) FOR UPDATE"};
// How many episodes a podcast has (migration 0003 keeps the counts); $2:
// deleted ones included.
inline constexpr NamedQuery kCountEpisodes{
    "count_episodes",
    "SELECT coalesce((SELECT CASE WHEN $2 THEN total ELSE live END FROM podcast_episode_counts"
    " WHERE podcast_id = $1), 0)"};
inline constexpr NamedQuery kEpisodeIdTaken{
    "episode_id_taken", "SELECT count(*) FROM episodes WHERE podcast_id = $1 AND (episode_id = $2 OR guid = $3)"};
// Any number of episodes in one statement: parallel arrays, unnested
// ($2.. in the order of row_mapping.h's EpisodeArrays).
inline constexpr NamedQuery kInsertEpisodes{
    "insert_episodes",
    "INSERT INTO episodes (podcast_id, episode_id, guid, number, season, episode_type, title, description,"
    " publish_time, duration_ms, people, snip_count)"
    " SELECT $1, e.episode_id, e.guid, e.number, e.season, e.episode_type, e.title, e.description, "
    PODMETA_FROM_MICROS("e.publish_micros") ", e.duration_ms, e.people::jsonb, e.snip_count"
    " FROM unnest($2::text[], $3::text[], $4::integer[], $5::integer[], $6::smallint[], $7::text[], $8::text[],"
    " $9::bigint[], $10::bigint[], $11::text[], $12::integer[])"
    " AS e(episode_id, guid, number, season, episode_type, title, description, publish_micros, duration_ms, people,"
    " snip_count)"};
inline constexpr NamedQuery kUpdateEpisode{
    "update_episode",
    "UPDATE episodes SET number = $3, season = $4, episode_type = $5, title = $6, description = $7,"
    " publish_time = " PODMETA_FROM_MICROS("$8") ", duration_ms = $9, people = $10::jsonb, snip_count = $11,"
    " delete_time = CASE WHEN $12 THEN coalesce(delete_time, now()) END,"
    " update_time = now(), revision = nextval('revisions')"
    " WHERE podcast_id = $1 AND episode_id = $2"};

// --- chapters ---
inline constexpr NamedQuery kDeleteChapters{"delete_chapters",
                                            "DELETE FROM chapters WHERE podcast_id = $1 AND episode_id = $2"};
// The chapters of any number of episodes in one statement ($2.. in the order
// of row_mapping.h's ChapterArrays).
inline constexpr NamedQuery kInsertChapters{
    "insert_chapters",
    "INSERT INTO chapters (podcast_id, episode_id, position, start_ms, end_ms, title, image_uri, link_uri, toc,"
    " part)"
    " SELECT $1, c.episode_id, c.position, c.start_ms, c.end_ms, c.title, c.image_uri, c.link_uri, c.toc, c.part"
    " FROM unnest($2::text[], $3::integer[], $4::bigint[], $5::bigint[], $6::text[], $7::text[], $8::text[],"
    " $9::boolean[], $10::text[])"
    " AS c(episode_id, position, start_ms, end_ms, title, image_uri, link_uri, toc, part)"};

// --- search ---
// Ranks the matching episodes (title and description) and chapters (title),
// takes one keyset page by (rank, podcast, episode, chapter position; -1 for
// the episode itself), and only then builds the highlighted snippets.
//
// Ranking is bounded: it looks at the 1,000 most recent matching episodes
// and the first 400 matching chapters (by episode id and position). A rare
// word has fewer matches and is ranked exactly; two words each found in a
// tenth of all titles would otherwise rank a hundred thousand rows, or scan
// far, to show twenty. Run with custom plans (kSearchSettings): the planner
// then sees the words and their frequency, and walks an index in that order
// until it has enough matches of common words, but collects a rare word's
// few matches through the GIN index.
// $1 podcast id or '' for all, $2 query (web-search syntax), $3 limit,
// $4..$7 the cursor (rank, podcast, episode, position) or NULLs.
#define PODMETA_SEARCH_QUERY "websearch_to_tsquery('simple', $2)"
inline constexpr NamedQuery kSearchSettings{"search_settings",
                                            "SELECT set_config('plan_cache_mode', 'force_custom_plan', true)"};
inline constexpr NamedQuery kSearch{
    "search",
    "WITH episode_candidates AS ("
    "  SELECT e.podcast_id, e.episode_id, e.search_document FROM episodes e"
    "  WHERE ($1 = '' OR e.podcast_id = $1) AND e.delete_time IS NULL"
    "   AND e.search_document @@ " PODMETA_SEARCH_QUERY
    "  ORDER BY e.podcast_id, e.publish_time DESC, e.episode_id DESC LIMIT 1000),"
    " chapter_candidates AS ("
    "  SELECT c.podcast_id, c.episode_id, c.position, c.search_document FROM chapters c"
    "  WHERE ($1 = '' OR c.podcast_id = $1) AND c.search_document @@ " PODMETA_SEARCH_QUERY
    "  ORDER BY c.podcast_id, c.episode_id, c.position LIMIT 400),"
    " hits AS ("
    "  SELECT ts_rank(ec.search_document, " PODMETA_SEARCH_QUERY
    ") AS rank, ec.podcast_id, ec.episode_id,"
    "   -1 AS position FROM episode_candidates ec"
    "  UNION ALL"
    "  SELECT ts_rank(cc.search_document, " PODMETA_SEARCH_QUERY
    "), cc.podcast_id, cc.episode_id, cc.position"
    "  FROM chapter_candidates cc"
    "  JOIN episodes e ON e.podcast_id = cc.podcast_id AND e.episode_id = cc.episode_id AND e.delete_time IS NULL),"
    " page AS ("
    "  SELECT * FROM hits"
    "  WHERE $4::real IS NULL OR (rank, podcast_id, episode_id, position) < ($4::real, $5, $6, $7::integer)"
    "  ORDER BY rank DESC, podcast_id DESC, episode_id DESC, position DESC LIMIT $3)"
    " SELECT page.rank::text, page.podcast_id, page.episode_id, page.position, e.title, c.title, c.start_ms,"
    "  c.part,"
    "  CASE WHEN page.position < 0"
    "   THEN ts_headline('simple', e.title || ': ' || e.description, " PODMETA_SEARCH_QUERY
    ","
    "                    'StartSel=<b>, StopSel=</b>, MaxWords=35, MinWords=15, MaxFragments=2')"
    "   ELSE ts_headline('simple', c.title, " PODMETA_SEARCH_QUERY
    ", 'StartSel=<b>, StopSel=</b>, HighlightAll=true')"
    "  END"
    " FROM page JOIN episodes e ON e.podcast_id = page.podcast_id AND e.episode_id = page.episode_id"
    " LEFT JOIN chapters c ON c.podcast_id = page.podcast_id AND c.episode_id = page.episode_id"
    "  AND c.position = page.position"
    " ORDER BY page.rank DESC, page.podcast_id DESC, page.episode_id DESC, page.position DESC"};
#undef PODMETA_SEARCH_QUERY

// --- change feed ---
inline constexpr NamedQuery kLatestChange{
    "latest_change", "SELECT coalesce(max(change_id), 0) FROM episode_changes WHERE podcast_id = $1"};
// Each change with the episode as it was after it (migration 0004's
// episode_state has the episode columns' order), then its id and kind.
inline constexpr NamedQuery kChangesAfter{
    "changes_after",
    "SELECT (state).*, change_id, kind FROM episode_changes WHERE podcast_id = $1 AND change_id > $2"
    " ORDER BY change_id LIMIT $3"};

// --- idempotent creates ---
inline constexpr NamedQuery kLockRequestId{"lock_request_id",
                                           "SELECT pg_advisory_xact_lock(hashtextextended($1 || '/' || $2, 0))"};
inline constexpr NamedQuery kSelectRequestId{
    "select_request_id", "SELECT response FROM request_ids WHERE podcast_id = $1 AND request_id = $2"};
inline constexpr NamedQuery kInsertRequestId{
    "insert_request_id", "INSERT INTO request_ids (podcast_id, request_id, response) VALUES ($1, $2, $3)"};

// --- imports ---
// Imports of one podcast take turns: two clients importing the same new page
// at once must both see the podcast and episodes the first one created (an
// import is idempotent), not race to insert the same rows.
// An import's statements are planned for the rows at hand (a page may hold
// tens of thousands of episodes), not with a generic plan made when the
// tables were small.
inline constexpr NamedQuery kImportSettings{"import_settings", "SET LOCAL plan_cache_mode = force_custom_plan"};
inline constexpr NamedQuery kLockPodcastImport{"lock_podcast_import",
                                               "SELECT pg_advisory_xact_lock(hashtextextended('import/' || $1, 0))"};

inline constexpr NamedQuery kAllQueries[] = {
    kSetStatementTimeout,
    kSelectPodcast,
    kSelectPodcastForUpdate,
    kListPodcasts,
    kCountPodcasts,
    kInsertPodcast,
    kUpdatePodcast,
    kSelectEpisode,
    kSelectEpisodeForUpdate,
    kSelectEpisodes,
    kSelectEpisodesByKeys,
    kSelectEpisodesForUpdate,
    kCountEpisodes,
    kEpisodeIdTaken,
    kInsertEpisodes,
    kUpdateEpisode,
    kDeleteChapters,
    kInsertChapters,
    kLockRequestId,
    kSelectRequestId,
    kInsertRequestId,
    kSearchSettings,
    kSearch,
    kLatestChange,
    kChangesAfter,
    kImportSettings,
    kLockPodcastImport,
};

#undef PODMETA_PODCAST_COLUMNS
#undef PODMETA_EPISODE_COLUMNS
#undef PODMETA_FROM_MICROS
#undef PODMETA_MICROS

}  // namespace podmeta::storage
