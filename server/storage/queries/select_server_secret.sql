-- A secret every server of this database shares (migration 0008).
SELECT secret FROM server_secrets WHERE name = $1
