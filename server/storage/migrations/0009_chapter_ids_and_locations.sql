-- Chapters get a stable id (Chapter.id), kept through every edit so a
-- chapter is addressed by id as well as by position, and a location
-- (Podcasting 2.0 `location`: {"name", "geo", "osm"}). Chapters stored
-- before get an id each here (random, as new ones are); from now on the
-- server gives every chapter its id when it is first stored.
ALTER TABLE chapters ADD COLUMN chapter_id text NOT NULL DEFAULT substr(md5(gen_random_uuid()::text), 1, 10);
ALTER TABLE chapters ALTER COLUMN chapter_id DROP DEFAULT;
ALTER TABLE chapters ADD COLUMN location jsonb;
CREATE UNIQUE INDEX chapters_by_id ON chapters (podcast_id, episode_id, chapter_id);

-- Change states carry both, as the episode columns do.
CREATE OR REPLACE FUNCTION fill_episode_change_states() RETURNS void AS $$
  UPDATE episode_changes c SET state = ROW(
      e.episode_id, e.guid, e.number, e.season, e.episode_type, e.title, e.description,
      (extract(epoch FROM e.publish_time) * 1000000)::bigint, e.duration_ms, e.people::text, e.snip_count,
      (extract(epoch FROM e.create_time) * 1000000)::bigint,
      (extract(epoch FROM e.update_time) * 1000000)::bigint,
      (extract(epoch FROM e.delete_time) * 1000000)::bigint, e.revision,
      (SELECT json_agg(json_build_array(ch.start_ms, ch.end_ms, ch.title, ch.image_uri, ch.link_uri, ch.toc, ch.part,
                                        ch.chapter_id, ch.location)
                       ORDER BY ch.position)
       FROM chapters ch WHERE ch.podcast_id = e.podcast_id AND ch.episode_id = e.episode_id)::text,
      e.feed::text)::episode_state
  FROM episodes e
  WHERE c.state IS NULL AND e.podcast_id = c.podcast_id AND e.episode_id = c.episode_id;
$$ LANGUAGE sql;
