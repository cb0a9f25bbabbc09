-- Full-text search over episodes and chapters, and the change log behind
-- WatchEpisodes.

-- 'simple' is language-neutral: it lowercases (Unicode too) and splits, with
-- no stemming or stop words, so names like "Łukasz" and "pyrepl" match as
-- written and common words stay searchable. Hyphenated words index both
-- whole and in parts ("free-threading" matches "free threading").
ALTER TABLE episodes ADD COLUMN search_document tsvector GENERATED ALWAYS AS (
  setweight(to_tsvector('simple', title), 'A') || setweight(to_tsvector('simple', description), 'B')) STORED;
CREATE INDEX episodes_search ON episodes USING gin (search_document);

ALTER TABLE chapters ADD COLUMN search_document tsvector GENERATED ALWAYS AS (
  to_tsvector('simple', title)) STORED;
CREATE INDEX chapters_search ON chapters USING gin (search_document);

-- Every change to an episode, in commit order per podcast. Watchers resume
-- from a change_id, so a reconnecting watcher misses nothing; NOTIFY only
-- wakes the watchers of every replica up.
CREATE TABLE episode_changes (
  podcast_id  text NOT NULL,
  change_id   bigserial,
  episode_id  text NOT NULL,
  kind        smallint NOT NULL,  -- podmeta.v1.EpisodeChange.Kind
  change_time timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (podcast_id, change_id)
);

CREATE FUNCTION record_episode_change() RETURNS trigger AS $$
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
  INSERT INTO episode_changes (podcast_id, episode_id, kind) VALUES (NEW.podcast_id, NEW.episode_id, change_kind);
  PERFORM pg_notify('podmeta_episode_changes', NEW.podcast_id);
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER episodes_record_change AFTER INSERT OR UPDATE ON episodes
  FOR EACH ROW EXECUTE FUNCTION record_episode_change();
