-- Feed-grade fields (RSS 2.0 with the iTunes and Podcasting 2.0
-- namespaces). The fields a feed carries beyond the first release's columns
-- are one jsonb column each on podcasts and episodes (protobuf JSON of the
-- message's fields above its last column field, see storage/rows.cc): they
-- are read and written whole and never filtered on. Existing rows get '{}',
-- which reads as "none of these set".
ALTER TABLE podcasts ADD COLUMN feed jsonb NOT NULL DEFAULT '{}';
ALTER TABLE episodes ADD COLUMN feed jsonb NOT NULL DEFAULT '{}';

-- What the last fetch of the podcast's feed answered, for conditional GETs
-- (If-None-Match / If-Modified-Since): fetching an unchanged feed again
-- costs one 304.
ALTER TABLE podcasts ADD COLUMN feed_etag text NOT NULL DEFAULT '';
ALTER TABLE podcasts ADD COLUMN feed_last_modified text NOT NULL DEFAULT '';

-- A podcast is found by its feed URL (ImportFeed, ListPodcasts' filter) and
-- by its guid (already UNIQUE, so indexed).
CREATE INDEX podcasts_by_feed_uri ON podcasts (feed_uri) WHERE feed_uri <> '';

-- Change states carry the new column, so a watcher sees feed fields as each
-- change left them.
ALTER TYPE episode_state ADD ATTRIBUTE feed text;

CREATE OR REPLACE FUNCTION fill_episode_change_states() RETURNS void AS $$
  UPDATE episode_changes c SET state = ROW(
      e.episode_id, e.guid, e.number, e.season, e.episode_type, e.title, e.description,
      (extract(epoch FROM e.publish_time) * 1000000)::bigint, e.duration_ms, e.people::text, e.snip_count,
      (extract(epoch FROM e.create_time) * 1000000)::bigint,
      (extract(epoch FROM e.update_time) * 1000000)::bigint,
      (extract(epoch FROM e.delete_time) * 1000000)::bigint, e.revision,
      (SELECT json_agg(json_build_array(ch.start_ms, ch.end_ms, ch.title, ch.image_uri, ch.link_uri, ch.toc, ch.part)
                       ORDER BY ch.position)
       FROM chapters ch WHERE ch.podcast_id = e.podcast_id AND ch.episode_id = e.episode_id)::text,
      e.feed::text)::episode_state
  FROM episodes e
  WHERE c.state IS NULL AND e.podcast_id = c.podcast_id AND e.episode_id = c.episode_id;
$$ LANGUAGE sql;

-- The URL a feed was last fetched from, as the caller named it (the feed's
-- own URL, feed_uri, may differ: redirects, a self link elsewhere), so the
-- next fetch of that URL finds the podcast and its validators.
ALTER TABLE podcasts ADD COLUMN feed_fetch_uri text NOT NULL DEFAULT '';
CREATE INDEX podcasts_by_feed_fetch_uri ON podcasts (feed_fetch_uri) WHERE feed_fetch_uri <> '';
