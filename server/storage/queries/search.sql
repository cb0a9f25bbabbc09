-- Ranks the matching episodes (title and description) and chapters (title),
-- takes one keyset page by (rank, podcast, episode, chapter position; -1 for
-- the episode itself), and only then builds the highlighted snippets.
--
-- Ranking is bounded: it looks at the 1,000 most recent matching episodes
-- and the first 200 matching chapters (by episode id and position). A rare
-- word has fewer matches and is ranked exactly; two words each found in a
-- tenth of all titles would otherwise rank a hundred thousand rows, or scan
-- far, to show twenty. Run with custom plans (search_settings.sql): the
-- planner then sees the words and their frequency, and walks an index in
-- that order until it has enough matches of common words, but collects a
-- rare word's few matches through the GIN index.
--
-- $1 podcast id or '' for all, $2 query (web-search syntax), $3 limit,
-- $4..$7 the cursor (rank, podcast, episode, position) or NULLs.
WITH episode_candidates AS (
  SELECT e.podcast_id, e.episode_id, e.search_document
    FROM episodes e
   WHERE ($1 = '' OR e.podcast_id = $1) AND e.delete_time IS NULL
     AND e.search_document @@ websearch_to_tsquery('simple', $2)
   ORDER BY e.podcast_id, e.publish_time DESC, e.episode_id DESC
   LIMIT 1000),
chapter_candidates AS (
  SELECT c.podcast_id, c.episode_id, c.position, c.search_document
    FROM chapters c
   WHERE ($1 = '' OR c.podcast_id = $1) AND c.search_document @@ websearch_to_tsquery('simple', $2)
   ORDER BY c.podcast_id, c.episode_id, c.position
   LIMIT 200),
hits AS (
  SELECT ts_rank(ec.search_document, websearch_to_tsquery('simple', $2)) AS rank, ec.podcast_id, ec.episode_id,
         -1 AS position
    FROM episode_candidates ec
  UNION ALL
  SELECT ts_rank(cc.search_document, websearch_to_tsquery('simple', $2)), cc.podcast_id, cc.episode_id, cc.position
    FROM chapter_candidates cc
    JOIN episodes e ON e.podcast_id = cc.podcast_id AND e.episode_id = cc.episode_id AND e.delete_time IS NULL),
page AS (
  SELECT * FROM hits
   WHERE $4::real IS NULL OR (rank, podcast_id, episode_id, position) < ($4::real, $5, $6, $7::integer)
   ORDER BY rank DESC, podcast_id DESC, episode_id DESC, position DESC
   LIMIT $3)
SELECT page.rank::text AS rank, page.podcast_id, page.episode_id, page.position,
       e.title AS episode_title, c.title AS chapter_title, c.start_ms AS chapter_start_ms, c.part AS chapter_part,
       CASE WHEN page.position < 0
            THEN ts_headline('simple', e.title || ': ' || e.description, websearch_to_tsquery('simple', $2),
                             'StartSel=<b>, StopSel=</b>, MaxWords=35, MinWords=15, MaxFragments=2')
            ELSE ts_headline('simple', c.title, websearch_to_tsquery('simple', $2),
                             'StartSel=<b>, StopSel=</b>, HighlightAll=true')
       END AS snippet
  FROM page
  JOIN episodes e ON e.podcast_id = page.podcast_id AND e.episode_id = page.episode_id
  LEFT JOIN chapters c ON c.podcast_id = page.podcast_id AND c.episode_id = page.episode_id
   AND c.position = page.position
 ORDER BY page.rank DESC, page.podcast_id DESC, page.episode_id DESC, page.position DESC
