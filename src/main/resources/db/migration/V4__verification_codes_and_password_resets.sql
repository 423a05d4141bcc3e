-- Single-use secrets sent by mail. Only keyed hashes (HMAC under a server secret) are stored, so a copy
-- of the database does not reveal a live code or reset token.
CREATE TABLE verification_codes (
    id          uuid        PRIMARY KEY,
    user_id     uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash   bytea       NOT NULL,
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    attempts    integer     NOT NULL DEFAULT 0,
    consumed_at timestamptz,
    -- true when sent by POST /auth/resend-verification (these are rate limited), false for the sign-up mail
    resent      boolean     NOT NULL DEFAULT false
);

CREATE INDEX verification_codes_user_id_idx ON verification_codes (user_id, created_at DESC);

CREATE TABLE password_resets (
    id         uuid        PRIMARY KEY,
    user_id    uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash bytea       NOT NULL,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);

CREATE UNIQUE INDEX password_resets_token_hash_key ON password_resets (token_hash);
CREATE INDEX password_resets_user_id_idx ON password_resets (user_id);
