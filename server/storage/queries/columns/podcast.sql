-- The columns of a podcast as PodcastColumns (rows.h) reads them, by
-- name; `{podcast_columns}` in a statement stands for them, over podcasts
-- aliased p.
p.podcast_id,
p.guid,
p.title,
p.description,
p.people::text AS people,
p.language,
p.image_uri,
p.feed_uri,
coalesce((SELECT n.live FROM podcast_episode_counts n WHERE n.podcast_id = p.podcast_id), 0) AS episode_count,
(extract(epoch FROM p.create_time) * 1000000)::bigint AS create_micros,
(extract(epoch FROM p.update_time) * 1000000)::bigint AS update_micros,
(extract(epoch FROM p.delete_time) * 1000000)::bigint AS delete_micros,
(extract(epoch FROM p.delete_time) * 1000000)::bigint
  + current_setting('podmeta.deleted_retention_seconds', true)::bigint * 1000000 AS expire_micros,
p.revision,
p.feed::text AS feed
