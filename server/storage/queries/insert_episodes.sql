-- Any number of episodes of podcast $1 in one statement: parallel arrays,
-- unnested ($2.. in the order of rows.h's EpisodeArrays).
INSERT INTO episodes (podcast_id, episode_id, guid, number, season, episode_type, title, description,
                      publish_time, duration_ms, people, snip_count, feed)
SELECT $1, e.episode_id, e.guid, e.number, e.season, e.episode_type, e.title, e.description,
       (timestamptz 'epoch' + e.publish_micros::bigint * interval '1 microsecond'), e.duration_ms,
       e.people::jsonb, e.snip_count, e.feed::jsonb
  FROM unnest($2::text[], $3::text[], $4::integer[], $5::integer[], $6::smallint[], $7::text[], $8::text[],
              $9::bigint[], $10::bigint[], $11::text[], $12::integer[], $13::text[])
       AS e(episode_id, guid, number, season, episode_type, title, description, publish_micros, duration_ms,
            people, snip_count, feed)
