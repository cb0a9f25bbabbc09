-- The chapters of any number of episodes of podcast $1 in one statement
-- ($2.. in the order of rows.h's ChapterArrays; a location is JSON text or
-- NULL).
INSERT INTO chapters (podcast_id, episode_id, position, start_ms, end_ms, title, image_uri, link_uri, toc, part,
                      chapter_id, location)
SELECT $1, c.episode_id, c.position, c.start_ms, c.end_ms, c.title, c.image_uri, c.link_uri, c.toc, c.part,
       c.chapter_id, c.location::jsonb
  FROM unnest($2::text[], $3::integer[], $4::bigint[], $5::bigint[], $6::text[], $7::text[], $8::text[],
              $9::boolean[], $10::text[], $11::text[], $12::text[])
       AS c(episode_id, position, start_ms, end_ms, title, image_uri, link_uri, toc, part, chapter_id, location)
