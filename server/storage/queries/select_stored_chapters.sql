-- For each episode of podcast $1: its guid, the chapters file it was
-- imported with, and whether it has chapters.
SELECT e.guid, coalesce(e.feed->>'chapters_uri', '') AS chapters_uri,
       EXISTS (SELECT 1 FROM chapters c WHERE c.podcast_id = e.podcast_id AND c.episode_id = e.episode_id)
         AS has_chapters
  FROM episodes e
 WHERE e.podcast_id = $1
