-- Episodes of any podcasts by (podcast, episode) pairs, as parallel arrays;
-- the batched GetEpisode read.
SELECT {episode_columns}, e.podcast_id
  FROM unnest($1::text[], $2::text[]) AS k(podcast_id, episode_id)
  JOIN episodes e ON e.podcast_id = k.podcast_id AND e.episode_id = k.episode_id
