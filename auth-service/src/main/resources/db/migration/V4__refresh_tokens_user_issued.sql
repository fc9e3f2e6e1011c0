-- A refresh counts the tokens its user was issued within the hour (RefreshTokens, the hourly
-- budget): by user and issue time. It serves the lookups by user alone too.
CREATE INDEX refresh_tokens_user_issued_idx ON refresh_tokens (user_id, issued_at);
DROP INDEX refresh_tokens_user_idx;
