-- Each change keeps the episode as it was when the change committed, so a
-- watcher that resumes from an old token, or lags behind, sees every state
-- in order (not the episode's current state again and again), and a DELETED
-- event keeps its delete_time after a later undelete.
--
-- The state is a row of the columns podmeta reads an episode by (the same
-- expressions as the episode columns in storage/queries.h).
CREATE TYPE episode_state AS (
  episode_id     text,
  guid           text,
  number         integer,
  season         integer,
  episode_type   smallint,
  title          text,
  description    text,
  publish_micros bigint,
  duration_ms    bigint,
  people         text,
  snip_count     integer,
  create_micros  bigint,
  update_micros  bigint,
  delete_micros  bigint,
  revision       bigint,
  chapters       text
);

ALTER TABLE episode_changes ADD COLUMN state episode_state;

-- Fills in the state of every change that has none yet, from the episodes
-- and chapters as they are now: set-based, one statement for a whole import.
CREATE FUNCTION fill_episode_change_states() RETURNS void AS $$
  UPDATE episode_changes c SET state = ROW(
      e.episode_id, e.guid, e.number, e.season, e.episode_type, e.title, e.description,
      (extract(epoch FROM e.publish_time) * 1000000)::bigint, e.duration_ms, e.people::text, e.snip_count,
      (extract(epoch FROM e.create_time) * 1000000)::bigint,
      (extract(epoch FROM e.update_time) * 1000000)::bigint,
      (extract(epoch FROM e.delete_time) * 1000000)::bigint, e.revision,
      (SELECT json_agg(json_build_array(ch.start_ms, ch.end_ms, ch.title, ch.image_uri, ch.link_uri, ch.toc, ch.part)
                       ORDER BY ch.position)
       FROM chapters ch WHERE ch.podcast_id = e.podcast_id AND ch.episode_id = e.episode_id)::text)::episode_state
  FROM episodes e
  WHERE c.state IS NULL AND e.podcast_id = c.podcast_id AND e.episode_id = c.episode_id;
$$ LANGUAGE sql;

-- Only this transaction's own new changes are without a state (others'
-- are invisible until they commit, and committed ones have theirs).
CREATE INDEX episode_changes_without_state ON episode_changes (podcast_id, change_id) WHERE state IS NULL;

SELECT fill_episode_change_states();

-- Changes are recorded per statement (one INSERT for a whole import), in
-- the order of the statement's rows. change_ids must become visible in
-- order: a later id committed before an earlier one would let a watcher
-- skip the earlier, so writers of one podcast take their ids one
-- transaction at a time (the advisory lock is held until commit). These
-- triggers sort before episodes_count_* so the change-log lock is still
-- taken before the podcast's counts row (see 0003).
DROP TRIGGER episodes_record_change ON episodes;
DROP FUNCTION record_episode_change();

CREATE FUNCTION record_episode_changes() RETURNS trigger AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended('podmeta-episode-changes/' || p.podcast_id, 0))
    FROM (SELECT DISTINCT podcast_id FROM new_rows ORDER BY podcast_id) p;
  IF TG_OP = 'INSERT' THEN
    INSERT INTO episode_changes (podcast_id, episode_id, kind)
      SELECT n.podcast_id, n.episode_id, 1 FROM new_rows n;  -- CREATED
  ELSE
    INSERT INTO episode_changes (podcast_id, episode_id, kind)
      SELECT n.podcast_id, n.episode_id,
             CASE WHEN n.delete_time IS NOT NULL AND o.delete_time IS NULL THEN 3  -- DELETED
                  ELSE 2 END                                                       -- UPDATED (undelete too)
      FROM new_rows n JOIN old_rows o ON o.podcast_id = n.podcast_id AND o.episode_id = n.episode_id;
  END IF;
  PERFORM pg_notify('podmeta_episode_changes', p.podcast_id) FROM (SELECT DISTINCT podcast_id FROM new_rows) p;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER episodes_changes_recorded_on_insert AFTER INSERT ON episodes
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION record_episode_changes();
CREATE TRIGGER episodes_changes_recorded_on_update AFTER UPDATE ON episodes
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION record_episode_changes();

-- The states are filled in at commit, when the transaction's chapters are
-- written too: the first deferred firing fills every change of the
-- transaction at once, the others find nothing left to do.
CREATE FUNCTION fill_states_at_commit() RETURNS trigger AS $$
BEGIN
  IF current_setting('podmeta.change_states_filled', true) = 'on' THEN
    RETURN NULL;
  END IF;
  PERFORM set_config('podmeta.change_states_filled', 'on', true);  -- until this transaction ends
  PERFORM fill_episode_change_states();
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER episode_changes_states_filled AFTER INSERT ON episode_changes
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION fill_states_at_commit();
