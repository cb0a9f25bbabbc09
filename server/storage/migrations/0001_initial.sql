-- podmeta's first schema. Every table's key starts with podcast_id, so the
-- schema can be distributed by podcast (e.g. Citus) without changing keys.

-- Every write takes the next value; an etag is the revision, so a resource
-- deleted and created again never reuses an old etag.
CREATE SEQUENCE revisions;

CREATE TABLE podcasts (
  podcast_id  text PRIMARY KEY,
  guid        text NOT NULL UNIQUE,
  title       text NOT NULL,
  description text NOT NULL DEFAULT '',
  people      jsonb NOT NULL DEFAULT '[]',
  language    text NOT NULL DEFAULT '',
  image_uri   text NOT NULL DEFAULT '',
  feed_uri    text NOT NULL DEFAULT '',
  create_time timestamptz NOT NULL DEFAULT now(),
  update_time timestamptz NOT NULL DEFAULT now(),
  delete_time timestamptz,
  revision    bigint NOT NULL DEFAULT nextval('revisions')
);

CREATE TABLE episodes (
  podcast_id   text NOT NULL REFERENCES podcasts (podcast_id),
  episode_id   text NOT NULL,
  guid         text NOT NULL,
  number       integer,
  season       integer,
  episode_type smallint NOT NULL DEFAULT 0,
  title        text NOT NULL,
  description  text NOT NULL DEFAULT '',
  publish_time timestamptz NOT NULL,
  duration_ms  bigint NOT NULL DEFAULT 0,
  people       jsonb NOT NULL DEFAULT '[]',
  snip_count   integer NOT NULL DEFAULT 0,
  create_time  timestamptz NOT NULL DEFAULT now(),
  update_time  timestamptz NOT NULL DEFAULT now(),
  delete_time  timestamptz,
  revision     bigint NOT NULL DEFAULT nextval('revisions'),
  PRIMARY KEY (podcast_id, episode_id),
  UNIQUE (podcast_id, guid)
);

-- The default listing order (newest first) as a covering keyset index.
CREATE INDEX episodes_by_publish_time ON episodes (podcast_id, publish_time DESC, episode_id DESC);

CREATE TABLE chapters (
  podcast_id text NOT NULL,
  episode_id text NOT NULL,
  position   integer NOT NULL,
  start_ms   bigint NOT NULL,
  end_ms     bigint,
  title      text NOT NULL,
  image_uri  text NOT NULL DEFAULT '',
  link_uri   text NOT NULL DEFAULT '',
  toc        boolean NOT NULL DEFAULT true,
  part       text NOT NULL DEFAULT '',
  PRIMARY KEY (podcast_id, episode_id, position),
  FOREIGN KEY (podcast_id, episode_id) REFERENCES episodes (podcast_id, episode_id) ON DELETE CASCADE
);

-- Results of creates made with a request_id, so a retry returns the first
-- result instead of writing again (AIP-155).
CREATE TABLE request_ids (
  podcast_id  text NOT NULL,
  request_id  text NOT NULL,
  response    text NOT NULL,  -- base64 of the serialized response message
  create_time timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (podcast_id, request_id)
);
