-- The podcast a feed belongs to: the one with the feed's guid ($1), else the
-- one whose feed is at URL $2 (its own URL, or the one it was fetched
-- from), else the one with id $3 ('' matches nothing); with what the last
-- fetch of its feed answered.
SELECT podcast_id, guid, feed_uri, feed_etag, feed_last_modified
  FROM podcasts
 WHERE ($1 <> '' AND guid = $1) OR ($2 <> '' AND (feed_uri = $2 OR feed_fetch_uri = $2)) OR podcast_id = $3
 ORDER BY ($1 <> '' AND guid = $1) DESC, ($2 <> '' AND (feed_uri = $2 OR feed_fetch_uri = $2)) DESC
 LIMIT 1
