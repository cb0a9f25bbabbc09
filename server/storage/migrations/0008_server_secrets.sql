-- Secrets every server of this database shares. 'page_tokens' seals page
-- and resume tokens (domain/page_token.h) unless --page-token-secret-file
-- gives the secrets: 244 random bits from gen_random_uuid (PostgreSQL's
-- strong random source), made once, so every replica reads the others'
-- tokens with no configuration.
CREATE TABLE server_secrets (
  name   text PRIMARY KEY,
  secret text NOT NULL
);
INSERT INTO server_secrets (name, secret) VALUES ('page_tokens', gen_random_uuid()::text || gen_random_uuid()::text);
