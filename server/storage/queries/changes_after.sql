-- Up to $3 changes of podcast $1 after change $2, oldest first: each with the
-- episode as that change left it (migration 0004's episode_state has the
-- names of the episode columns), its id and kind. The page also ends before
-- the change that would take it past $4 bytes as stored (pg_column_size:
-- compressed where PostgreSQL compressed it), though never before the first,
-- so a reader's memory is bounded by bytes as well as by count. page_rows is
-- how many changes the page had before that cut.
SELECT *
  FROM (SELECT (c.state).*,
               (c.state).delete_micros
                 + current_setting('podmeta.deleted_retention_seconds', true)::bigint * 1000000 AS expire_micros,
               c.change_id, c.kind,
               sum(pg_column_size(c.state)) OVER (ORDER BY c.change_id) - pg_column_size(c.state) AS bytes_before,
               count(*) OVER () AS page_rows
          FROM (SELECT change_id, kind, state
                  FROM episode_changes
                 WHERE podcast_id = $1 AND change_id > $2
                 ORDER BY change_id
                 LIMIT $3) c) page
 WHERE bytes_before < $4
 ORDER BY change_id
