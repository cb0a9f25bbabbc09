-- What a stored write response holds, so that erasing an episode forgets
-- only the responses that may hold it: the one episode's id for an episode
-- write, '' for a response that holds no episode (a podcast write), NULL
-- for one that may hold any of its podcast's episodes (an import). Rows
-- stored before are NULL: forgotten with any episode of their podcast, as
-- every stored response of the podcast was before.
ALTER TABLE request_ids ADD COLUMN holds_episode text;
