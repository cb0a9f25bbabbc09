-- Removes up to $2 changes older than $1 seconds, except each podcast's
-- newest; each podcast's horizon rises to the newest of its removed changes.
-- Returns one row per podcast touched.
WITH old AS (
  SELECT c.podcast_id, c.change_id
    FROM episode_changes c
   WHERE c.change_time < now() - make_interval(secs => $1)
     AND c.change_id < (SELECT max(n.change_id) FROM episode_changes n WHERE n.podcast_id = c.podcast_id)
   ORDER BY c.change_time
   LIMIT $2),
removed AS (
  DELETE FROM episode_changes c USING old
   WHERE c.podcast_id = old.podcast_id AND c.change_id = old.change_id
  RETURNING c.podcast_id, c.change_id)
INSERT INTO episode_change_horizons AS h (podcast_id, purged_through)
SELECT podcast_id, max(change_id) FROM removed GROUP BY podcast_id
    ON CONFLICT (podcast_id) DO UPDATE SET purged_through = greatest(h.purged_through, excluded.purged_through)
RETURNING podcast_id
