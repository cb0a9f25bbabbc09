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
#define PODMETA_PODCAST_COLUMNS                                                                      \
  "p.podcast_id, p.guid, p.title, p.description, p.people::text, p.language, p.image_uri, "          \
  "p.feed_uri, "                                                                                     \
  "(SELECT count(*) FROM episodes c WHERE c.podcast_id = p.podcast_id AND c.delete_time IS NULL), " \
  PODMETA_MICROS("p.create_time") ", " PODMETA_MICROS("p.update_time") ", " PODMETA_MICROS(        \
      "p.delete_time") ", p.revision"

#define PODMETA_EPISODE_COLUMNS                                                                  \
  "e.episode_id, e.guid, e.number, e.season, e.episode_type, e.title, e.description, "           \
  PODMETA_MICROS("e.publish_time") ", e.duration_ms, e.people::text, e.snip_count, "             \
  PODMETA_MICROS("e.create_time") ", " PODMETA_MICROS("e.update_time") ", " PODMETA_MICROS(      \
      "e.delete_time") ", e.revision"

inline constexpr NamedQuery kSetStatementTimeout{"set_statement_timeout",
                                                 "SELECT set_config('statement_timeout', $1, true)"};

// --- podcasts ---
inline constexpr NamedQuery kSelectPodcast{
    "select_podcast", "SELECT " PODMETA_PODCAST_COLUMNS " FROM podcasts p WHERE p.podcast_id = $1"};
inline constexpr NamedQuery kSelectPodcastForUpdate{
    "select_podcast_for_update",
    "SELECT " PODMETA_PODCAST_COLUMNS " FROM podcasts p WHERE p.podcast_id = $1 FOR UPDATE OF p"};
inline constexpr NamedQuery kListPodcasts{
    "list_podcasts",
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
inline constexpr NamedQuery kSelectEpisode{
    "select_episode",
    "SELECT " PODMETA_EPISODE_COLUMNS " FROM episodes e WHERE e.podcast_id = $1 AND e.episode_id = $2"};
inline constexpr NamedQuery kSelectEpisodeForUpdate{
    "select_episode_for_update", "SELECT " PODMETA_EPISODE_COLUMNS
                                 " FROM episodes e WHERE e.podcast_id = $1 AND e.episode_id = $2 FOR UPDATE"};
inline constexpr NamedQuery kSelectEpisodes{
    "select_episodes",
    "SELECT " PODMETA_EPISODE_COLUMNS " FROM episodes e WHERE e.podcast_id = $1 AND e.episode_id = ANY($2::text[])"};
inline constexpr NamedQuery kListEpisodesFirst{
    "list_episodes_first",
    "SELECT " PODMETA_EPISODE_COLUMNS
    " FROM episodes e WHERE e.podcast_id = $1 AND ($2 OR e.delete_time IS NULL)"
    " ORDER BY e.publish_time DESC, e.episode_id DESC LIMIT $3"};
inline constexpr NamedQuery kListEpisodesAfter{
    "list_episodes_after",
    "SELECT " PODMETA_EPISODE_COLUMNS
    " FROM episodes e WHERE e.podcast_id = $1 AND ($2 OR e.delete_time IS NULL)"
    " AND (e.publish_time, e.episode_id) < (" PODMETA_FROM_MICROS("$4") ", $5)"
    " ORDER BY e.publish_time DESC, e.episode_id DESC LIMIT $3"};
inline constexpr NamedQuery kCountEpisodes{
    "count_episodes", "SELECT count(*) FROM episodes WHERE podcast_id = $1 AND ($2 OR delete_time IS NULL)"};
inline constexpr NamedQuery kEpisodeIdTaken{
    "episode_id_taken",
    "SELECT count(*) FROM episodes WHERE podcast_id = $1 AND (episode_id = $2 OR guid = $3)"};
inline constexpr NamedQuery kInsertEpisode{
    "insert_episode",
    "INSERT INTO episodes (podcast_id, episode_id, guid, number, season, episode_type, title, description,"
    " publish_time, duration_ms, people, snip_count)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, " PODMETA_FROM_MICROS("$9") ", $10, $11::jsonb, $12)"};
inline constexpr NamedQuery kUpdateEpisode{
    "update_episode",
    "UPDATE episodes SET number = $3, season = $4, episode_type = $5, title = $6, description = $7,"
    " publish_time = " PODMETA_FROM_MICROS("$8") ", duration_ms = $9, people = $10::jsonb, snip_count = $11,"
    " delete_time = CASE WHEN $12 THEN coalesce(delete_time, now()) END,"
    " update_time = now(), revision = nextval('revisions')"
    " WHERE podcast_id = $1 AND episode_id = $2"};

// --- chapters ---
inline constexpr NamedQuery kSelectChapters{
    "select_chapters",
    "SELECT episode_id, start_ms, end_ms, title, image_uri, link_uri, toc, part FROM chapters"
    " WHERE podcast_id = $1 AND episode_id = ANY($2::text[]) ORDER BY episode_id, position"};
inline constexpr NamedQuery kDeleteChapters{"delete_chapters",
                                            "DELETE FROM chapters WHERE podcast_id = $1 AND episode_id = $2"};
// One statement for a whole chapter list: parallel arrays, unnested.
inline constexpr NamedQuery kInsertChapters{
    "insert_chapters",
    "INSERT INTO chapters (podcast_id, episode_id, position, start_ms, end_ms, title, image_uri, link_uri, toc,"
    " part)"
    " SELECT $1, $2, c.position - 1, c.start_ms, c.end_ms, c.title, c.image_uri, c.link_uri, c.toc, c.part"
    " FROM unnest($3::bigint[], $4::bigint[], $5::text[], $6::text[], $7::text[], $8::boolean[], $9::text[])"
    " WITH ORDINALITY AS c(start_ms, end_ms, title, image_uri, link_uri, toc, part, position)"};

// --- idempotent creates ---
inline constexpr NamedQuery kLockRequestId{"lock_request_id",
                                           "SELECT pg_advisory_xact_lock(hashtextextended($1 || '/' || $2, 0))"};
inline constexpr NamedQuery kSelectRequestId{
    "select_request_id", "SELECT response FROM request_ids WHERE podcast_id = $1 AND request_id = $2"};
inline constexpr NamedQuery kInsertRequestId{
    "insert_request_id", "INSERT INTO request_ids (podcast_id, request_id, response) VALUES ($1, $2, $3)"};

inline constexpr NamedQuery kAllQueries[] = {
    kSetStatementTimeout, kSelectPodcast,     kSelectPodcastForUpdate, kListPodcasts,      kCountPodcasts,
    kInsertPodcast,       kUpdatePodcast,     kSelectEpisode,          kSelectEpisodeForUpdate, kSelectEpisodes,
    kListEpisodesFirst,   kListEpisodesAfter, kCountEpisodes,          kEpisodeIdTaken,    kInsertEpisode,
    kUpdateEpisode,       kSelectChapters,    kDeleteChapters,         kInsertChapters,    kLockRequestId,
    kSelectRequestId,     kInsertRequestId,
};

#undef PODMETA_PODCAST_COLUMNS
#undef PODMETA_EPISODE_COLUMNS
#undef PODMETA_FROM_MICROS
#undef PODMETA_MICROS

}  // namespace podmeta::storage
