-- Episode counts per podcast, kept by statement-level triggers, so that
-- GetPodcast and the first page of a listing read a number instead of
-- counting a podcast's episodes one by one (half a second for a million).
-- A separate table, not columns of podcasts: episode writers take the
-- podcast's change-log lock (0002) first and this row second, while an
-- import holds the podcast row; one order for everyone, so no deadlock.
CREATE TABLE podcast_episode_counts (
  podcast_id text PRIMARY KEY REFERENCES podcasts (podcast_id),
  live       bigint NOT NULL DEFAULT 0,  -- not deleted
  total      bigint NOT NULL DEFAULT 0
);

INSERT INTO podcast_episode_counts (podcast_id, live, total)
  SELECT podcast_id, count(*) FILTER (WHERE delete_time IS NULL), count(*) FROM episodes GROUP BY podcast_id;

-- Adds per-podcast deltas of (live, total) from one statement's rows.
CREATE FUNCTION add_episode_counts(deltas podcast_episode_counts[]) RETURNS void AS $$
  INSERT INTO podcast_episode_counts AS c (podcast_id, live, total)
    SELECT podcast_id, sum(live), sum(total) FROM unnest(deltas) GROUP BY podcast_id
  ON CONFLICT (podcast_id) DO UPDATE SET live = c.live + excluded.live, total = c.total + excluded.total;
$$ LANGUAGE sql;

CREATE FUNCTION count_episode_changes() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM add_episode_counts(array(
      SELECT (podcast_id, count(*) FILTER (WHERE delete_time IS NULL), count(*))::podcast_episode_counts
      FROM new_rows GROUP BY podcast_id));
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM add_episode_counts(array(
      SELECT (podcast_id, -count(*) FILTER (WHERE delete_time IS NULL), -count(*))::podcast_episode_counts
      FROM old_rows GROUP BY podcast_id));
  ELSE
    PERFORM add_episode_counts(array(
      SELECT (podcast_id, sum(live), 0)::podcast_episode_counts FROM (
        SELECT podcast_id, CASE WHEN delete_time IS NULL THEN 1 ELSE 0 END AS live FROM new_rows
        UNION ALL
        SELECT podcast_id, CASE WHEN delete_time IS NULL THEN -1 ELSE 0 END FROM old_rows) changes
      GROUP BY podcast_id HAVING sum(live) <> 0));
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER episodes_count_inserts AFTER INSERT ON episodes
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION count_episode_changes();
CREATE TRIGGER episodes_count_updates AFTER UPDATE ON episodes
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION count_episode_changes();
CREATE TRIGGER episodes_count_deletes AFTER DELETE ON episodes
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION count_episode_changes();
