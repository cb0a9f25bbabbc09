-- Lifecycle: soft-deleted podcasts and episodes are purged after a
-- retention, request ids and the change log are kept for theirs, and
-- PurgePodcast/PurgeEpisode erase at once.
--
-- What was removed from the change log, per podcast: a resume token from
-- before `purged_through` may have missed a change that is gone, so it is
-- refused (RESUME_TOKEN_EXPIRED). No foreign key: it outlives a purged
-- podcast, so a watcher of it learns that its token expired.
CREATE TABLE episode_change_horizons (
  podcast_id     text PRIMARY KEY,
  purged_through bigint NOT NULL
);

-- The purger finds what is past its retention by time.
CREATE INDEX episodes_by_delete_time ON episodes (delete_time) WHERE delete_time IS NOT NULL;
CREATE INDEX podcasts_by_delete_time ON podcasts (delete_time) WHERE delete_time IS NOT NULL;
CREATE INDEX request_ids_by_create_time ON request_ids (create_time);
CREATE INDEX episode_changes_by_change_time ON episode_changes (change_time);
