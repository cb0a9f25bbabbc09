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

CREATE FUNCTION episode_state_of(podcast text, episode text) RETURNS episode_state AS $$
  SELECT ROW(e.episode_id, e.guid, e.number, e.season, e.episode_type, e.title, e.description,
             (extract(epoch FROM e.publish_time) * 1000000)::bigint, e.duration_ms, e.people::text, e.snip_count,
             (extract(epoch FROM e.create_time) * 1000000)::bigint,
             (extract(epoch FROM e.update_time) * 1000000)::bigint,
             (extract(epoch FROM e.delete_time) * 1000000)::bigint, e.revision,
             (SELECT json_agg(json_build_array(c.start_ms, c.end_ms, c.title, c.image_uri, c.link_uri, c.toc, c.part)
                              ORDER BY c.position)
              FROM chapters c WHERE c.podcast_id = e.podcast_id AND c.episode_id = e.episode_id)::text)::episode_state
  FROM episodes e WHERE e.podcast_id = podcast AND e.episode_id = episode;
$$ LANGUAGE sql STABLE;

ALTER TABLE episode_changes ADD COLUMN state episode_state;
UPDATE episode_changes SET state = episode_state_of(podcast_id, episode_id);

-- Recorded at commit (a deferred trigger), when the episode's chapters are
-- written too. Taking the change-log lock last, at commit, also keeps every
-- writer's lock order the same: rows first, the change log at the end.
CREATE OR REPLACE FUNCTION record_episode_change() RETURNS trigger AS $$
DECLARE
  change_kind smallint;
BEGIN
  IF TG_OP = 'INSERT' THEN
    change_kind := 1;  -- CREATED
  ELSIF NEW.delete_time IS NOT NULL AND OLD.delete_time IS NULL THEN
    change_kind := 3;  -- DELETED
  ELSE
    change_kind := 2;  -- UPDATED (undelete included)
  END IF;
  -- change_ids must become visible in order: a later id committed before an
  -- earlier one would let a watcher skip the earlier. Writers of one podcast
  -- therefore take their ids one transaction at a time.
  PERFORM pg_advisory_xact_lock(hashtextextended('podmeta-episode-changes/' || NEW.podcast_id, 0));
  INSERT INTO episode_changes (podcast_id, episode_id, kind, state)
    VALUES (NEW.podcast_id, NEW.episode_id, change_kind, episode_state_of(NEW.podcast_id, NEW.episode_id));
  PERFORM pg_notify('podmeta_episode_changes', NEW.podcast_id);
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER episodes_record_change ON episodes;
CREATE CONSTRAINT TRIGGER episodes_record_change AFTER INSERT OR UPDATE ON episodes
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION record_episode_change();
