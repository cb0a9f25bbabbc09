-- Erases episodes $2 (text[]) of podcast $1 with their chapters (cascade),
-- their change log entries, whose states hold them, and the stored write
-- responses that may hold them (those of writes to these episodes, and of
-- imports); the podcast's horizon rises to $3 (a change id) or, when $3 is
-- NULL, to the newest removed change; every replica's cache and watchers
-- hear of it. Returns how many episodes were erased.
WITH erased AS (
  DELETE FROM episodes WHERE podcast_id = $1 AND episode_id = ANY($2::text[]) RETURNING episode_id),
responses AS (
  DELETE FROM request_ids
   WHERE podcast_id = $1 AND (holds_episode IS NULL OR holds_episode = ANY($2::text[]))),
removed AS (
  DELETE FROM episode_changes WHERE podcast_id = $1 AND episode_id = ANY($2::text[]) RETURNING change_id),
horizon AS (
  INSERT INTO episode_change_horizons AS h (podcast_id, purged_through)
  SELECT $1, coalesce($3::bigint, max(change_id)) FROM removed HAVING count(*) > 0 OR $3::bigint IS NOT NULL
      ON CONFLICT (podcast_id) DO UPDATE SET purged_through = greatest(h.purged_through, excluded.purged_through)
  RETURNING 1)
SELECT (SELECT count(*) FROM erased) AS erased, pg_notify('podmeta_episode_changes', $1)
