-- Up to $3 changes of podcast $1 after change $2, oldest first: each with the
-- episode as that change left it (migration 0004's episode_state has the
-- names of the episode columns), its id and kind.
SELECT (state).*,
       (state).delete_micros
         + current_setting('podmeta.deleted_retention_seconds', true)::bigint * 1000000 AS expire_micros,
       change_id, kind
  FROM episode_changes
 WHERE podcast_id = $1 AND change_id > $2
 ORDER BY change_id
 LIMIT $3
