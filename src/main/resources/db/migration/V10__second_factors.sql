-- Second factors (docs/api.md, "Multi-factor authentication"): TOTP authenticators and passkeys, recovery codes,
-- and the short-lived challenges of the ceremonies.

-- Whether the account has a confirmed second factor. Kept by the mfa room under the account row's lock, in the
-- transaction that confirms or removes a factor, so that login reads it with the account (no extra query) and a login
-- racing an enrolment either committed first (and its session is ended by the enrolment) or sees the flag.
ALTER TABLE users ADD COLUMN mfa_enabled boolean NOT NULL DEFAULT false;

CREATE TABLE mfa_factors (
    id                 uuid        PRIMARY KEY,
    user_id            uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    type               text        NOT NULL CHECK (type IN ('totp', 'passkey')),
    name               text        NOT NULL,
    created_at         timestamptz NOT NULL,
    -- a TOTP factor counts only once a first code confirmed it; a passkey is confirmed by its registration
    confirmed_at       timestamptz,
    last_used_at       timestamptz,
    -- TOTP: the secret, encrypted (AES-256-GCM under KEYTURN_MFA_ENCRYPTION_KEY, whose id is kept beside it)
    secret_ciphertext  bytea,
    secret_key_id      text,
    -- TOTP: the last time step whose code was accepted; a code of that step or an earlier one is refused (RFC 6238
    -- section 5.2: a code is good once)
    last_used_step     bigint,
    -- passkey: the credential id, the COSE public key with its attested data, the signature counter and flags
    credential_id      bytea,
    attested_data      bytea,
    sign_count         bigint,
    backup_eligible    boolean,
    backup_state       boolean,
    uv_initialized     boolean,
    transports         text[],
    attestation_format text,
    CHECK (type <> 'totp' OR (secret_ciphertext IS NOT NULL AND secret_key_id IS NOT NULL)),
    CHECK (type <> 'passkey' OR (credential_id IS NOT NULL AND attested_data IS NOT NULL AND sign_count IS NOT NULL))
);

CREATE INDEX mfa_factors_user_id_idx ON mfa_factors (user_id);
CREATE UNIQUE INDEX mfa_factors_credential_id_key ON mfa_factors (credential_id) WHERE credential_id IS NOT NULL;

-- Ten single-use codes per account, shown once; only keyed hashes are stored.
CREATE TABLE mfa_recovery_codes (
    id         uuid        PRIMARY KEY,
    user_id    uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash  bytea       NOT NULL,
    created_at timestamptz NOT NULL,
    used_at    timestamptz
);

CREATE UNIQUE INDEX mfa_recovery_codes_code_hash_key ON mfa_recovery_codes (user_id, code_hash);

-- A ceremony in flight: the second step of a login (its mfa_token), a passkey registration, a passwordless login or
-- a step-up. Only a keyed hash of the mfa_token and of the WebAuthn challenge is kept. Each is good once, for a few
-- minutes, and for a bounded number of wrong tries (counted by one UPDATE each).
CREATE TABLE mfa_challenges (
    id             uuid        PRIMARY KEY,
    purpose        text        NOT NULL CHECK (purpose IN ('login', 'passkey_registration', 'passkey_login', 'step_up')),
    -- null for a passwordless login, whose user the passkey names
    user_id        uuid        REFERENCES users (id) ON DELETE CASCADE,
    token_hash     bytea,
    challenge_hash bytea,
    -- a login's: the OAuth client it is for and the scope granted to it (null for /auth/login)
    client_id      text,
    scope          text,
    -- a step-up's: the session that asked
    session_id     uuid,
    attempts       integer     NOT NULL DEFAULT 0,
    created_at     timestamptz NOT NULL,
    expires_at     timestamptz NOT NULL,
    used_at        timestamptz
);

CREATE UNIQUE INDEX mfa_challenges_token_hash_key ON mfa_challenges (token_hash) WHERE token_hash IS NOT NULL;
CREATE UNIQUE INDEX mfa_challenges_challenge_hash_key ON mfa_challenges (challenge_hash) WHERE challenge_hash IS NOT NULL;
CREATE INDEX mfa_challenges_expires_at_idx ON mfa_challenges (expires_at);

-- How the session's user proved who they are (RFC 8176 method values, e.g. {pwd} or {pwd,otp,mfa}) and when they
-- last did (a login, or a step-up with a second factor). Access tokens carry both (amr, acr, auth_time), and a refresh
-- keeps them. Sessions from before this migration have neither: a password login, at their creation.
ALTER TABLE sessions ADD COLUMN amr text[];
ALTER TABLE sessions ADD COLUMN auth_time timestamptz;
