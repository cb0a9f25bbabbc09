-- Every mutation may carry a request_id (AIP-155), not only creates. The
-- stored response answers a retry; the request's fingerprint tells a retry
-- from the same id sent with a different request (REQUEST_ID_REUSED). Rows
-- stored before have no fingerprint ('') and answer any request with their id.
ALTER TABLE request_ids ADD COLUMN fingerprint text NOT NULL DEFAULT '';
