-- For each episode of podcast $1: its guid, the chapters file it was
-- imported with, and whether it has chapters that file gave (or that were
-- edited through the API since): chapters from the show notes, or none, mean
-- the last fetch of the file failed, so it is fetched again.
SELECT e.guid, coalesce(e.feed->>'chapters_uri', '') AS chapters_uri,
       coalesce(e.feed->>'chapters_source', '') IN ('CHAPTERS_FILE', 'API')
         AND EXISTS (SELECT 1 FROM chapters c WHERE c.podcast_id = e.podcast_id AND c.episode_id = e.episode_id)
         AS has_file_chapters
  FROM episodes e
 WHERE e.podcast_id = $1
