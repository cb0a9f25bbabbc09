-- Every episode of podcast $1, deleted ones too, locked for a feed import
-- (which matches items by guid, enclosure URL, or title and date).
SELECT {episode_columns}
  FROM episodes e
 WHERE e.podcast_id = $1
 ORDER BY e.episode_id
   FOR UPDATE
