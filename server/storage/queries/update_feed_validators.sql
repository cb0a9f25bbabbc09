-- What the feed's server answered for podcast $1 ($2 ETag, $3
-- Last-Modified) when fetched from URL $4, sent back on the next fetch. Not
-- a change of the podcast: no new revision.
UPDATE podcasts SET feed_etag = $2, feed_last_modified = $3, feed_fetch_uri = $4 WHERE podcast_id = $1
