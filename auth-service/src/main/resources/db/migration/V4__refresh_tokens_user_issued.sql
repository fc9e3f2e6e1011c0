-- A refresh counts the tokens its user was issued within the hour (RefreshTokens, the hourly
-- budget): by user and issue time. It serves the lookups by user alone too. CONCURRENTLY, so the
-- previous release's instances keep logging people in while it is built (Flyway runs these
-- statements outside a transaction).
CREATE INDEX CONCURRENTLY IF NOT EXISTS refresh_tokens_user_issued_idx ON refresh_tokens (user_id, issued_at);
DROP INDEX CONCURRENTLY IF EXISTS refresh_tokens_user_idx;
