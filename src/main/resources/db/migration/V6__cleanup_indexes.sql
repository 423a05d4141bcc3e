-- Deleting a refresh token applies sessions_current_token_fk (ON DELETE SET NULL), which looks up the sessions
-- pointing at it: without this index every deleted token read the whole sessions table (0.3 s a token with
-- 3 M sessions, so the cleanup of a large database never finished).
CREATE INDEX sessions_current_token_id_idx ON sessions (current_token_id);

-- The cleanup finds what has expired without reading every row.
CREATE INDEX refresh_tokens_expires_at_idx ON refresh_tokens (expires_at);
CREATE INDEX sessions_expires_at_idx ON sessions (expires_at);
