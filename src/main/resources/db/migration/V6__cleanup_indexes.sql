-- The cleanup of a large database never finished: deleting a refresh token applied sessions_current_token_fk
-- (ON DELETE SET NULL), which looked up the sessions pointing at the token by reading the whole sessions table
-- (0.3 s a token with 3 M sessions). An index on current_token_id would make that lookup cheap, but it would
-- also end HOT updates of the session row, which every refresh rewrites with a new current_token_id. So the
-- key goes instead: the code already treats a current token that is gone as no current token (the session
-- cannot be refreshed), and the cleanup deletes such sessions.
ALTER TABLE sessions DROP CONSTRAINT sessions_current_token_fk;

-- The cleanup finds expired refresh tokens without reading every row.
CREATE INDEX refresh_tokens_expires_at_idx ON refresh_tokens (expires_at);
