-- The columns of an episode as EpisodeColumns (rows.h) reads them, by
-- name; `{episode_columns}` in a statement stands for them, over episodes
-- aliased e. Times are microseconds since the Unix epoch; the chapters come
-- along as one JSON array of arrays (NULL when there are none), so an
-- episode is always read whole by one statement. migration 0004's
-- episode_state has the same names.
e.episode_id,
e.guid,
e.number,
e.season,
e.episode_type,
e.title,
e.description,
(extract(epoch FROM e.publish_time) * 1000000)::bigint AS publish_micros,
e.duration_ms,
e.people::text AS people,
e.snip_count,
(extract(epoch FROM e.create_time) * 1000000)::bigint AS create_micros,
(extract(epoch FROM e.update_time) * 1000000)::bigint AS update_micros,
(extract(epoch FROM e.delete_time) * 1000000)::bigint AS delete_micros,
-- delete_time plus the server's retention (set on each connection, see
-- storage/database.cc); NULL when not deleted.
(extract(epoch FROM e.delete_time) * 1000000)::bigint
  + current_setting('podmeta.deleted_retention_seconds', true)::bigint * 1000000 AS expire_micros,
e.revision,
(SELECT json_agg(json_build_array(c.start_ms, c.end_ms, c.title, c.image_uri, c.link_uri, c.toc, c.part,
                                   c.chapter_id, c.location)
                 ORDER BY c.position)
   FROM chapters c
  WHERE c.podcast_id = e.podcast_id AND c.episode_id = e.episode_id)::text AS chapters,
e.feed::text AS feed
