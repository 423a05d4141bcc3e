-- A session is one refresh-token family: one login on one device.
CREATE TABLE sessions (
    id               uuid        PRIMARY KEY,
    user_id          uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at       timestamptz NOT NULL,
    last_used_at     timestamptz NOT NULL,
    -- absolute cap: no refresh token of the family outlives it
    expires_at       timestamptz NOT NULL,
    revoked_at       timestamptz,
    revoked_reason   text,
    user_agent       text,
    ip               text,
    current_token_id uuid
);

CREATE INDEX sessions_user_id_idx ON sessions (user_id) WHERE revoked_at IS NULL;
CREATE INDEX sessions_revoked_at_idx ON sessions (revoked_at) WHERE revoked_at IS NOT NULL;

-- Every refresh token ever issued in a family, linked to its parent. Only a hash of the token's
-- identity (jti) is kept, never the token.
CREATE TABLE refresh_tokens (
    id         uuid        PRIMARY KEY,
    session_id uuid        NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    parent_id  uuid        REFERENCES refresh_tokens (id) ON DELETE SET NULL,
    token_hash bytea       NOT NULL,
    issued_at  timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);

CREATE UNIQUE INDEX refresh_tokens_token_hash_key ON refresh_tokens (token_hash);
CREATE INDEX refresh_tokens_session_id_idx ON refresh_tokens (session_id);
CREATE UNIQUE INDEX refresh_tokens_parent_id_key ON refresh_tokens (parent_id);

ALTER TABLE sessions
    ADD CONSTRAINT sessions_current_token_fk FOREIGN KEY (current_token_id)
        REFERENCES refresh_tokens (id) ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED;
