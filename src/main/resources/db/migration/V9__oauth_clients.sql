-- Registered OAuth 2.0 clients (docs/api.md, "OAuth 2.0 token endpoint and clients"). A client's secrets live in a
-- table of their own so that two can be live during a rotation; only a SHA-256 digest of each is kept (secrets are
-- 256-bit random values made by the service, or at least 32 characters when declared in configuration, so a slow
-- hash would protect nothing and cost every token request a bcrypt).
CREATE TABLE oauth_clients (
    client_id              text        PRIMARY KEY,
    name                   text        NOT NULL,
    type                   text        NOT NULL CHECK (type IN ('confidential', 'public')),
    grant_types            text[]      NOT NULL,
    scopes                 text[]      NOT NULL,
    -- empty: tokens carry the service's own audience
    audience               text[]      NOT NULL,
    access_token_lifetime  integer,
    refresh_token_lifetime integer,
    -- the client's JWK Set (JSON) for private_key_jwt, if it authenticates that way
    jwks                   text,
    enabled                boolean     NOT NULL DEFAULT true,
    -- 'api' for clients made through /admin/clients, 'configuration' for those declared in KEYTURN_CLIENTS
    managed_by             text        NOT NULL DEFAULT 'api',
    created_at             timestamptz NOT NULL,
    updated_at             timestamptz NOT NULL,
    version                bigint      NOT NULL DEFAULT 0
);

CREATE TABLE oauth_client_secrets (
    id          uuid        PRIMARY KEY,
    client_id   text        NOT NULL REFERENCES oauth_clients (client_id) ON DELETE CASCADE,
    secret_hash bytea       NOT NULL,
    created_at  timestamptz NOT NULL
);

CREATE INDEX oauth_client_secrets_client_id_idx ON oauth_client_secrets (client_id);

-- The jti of every private_key_jwt assertion until it expires: an assertion is good for one request (RFC 7523
-- section 3, item 7).
CREATE TABLE oauth_client_assertions (
    client_id  text        NOT NULL,
    jti        text        NOT NULL,
    expires_at timestamptz NOT NULL,
    PRIMARY KEY (client_id, jti)
);

CREATE INDEX oauth_client_assertions_expires_at_idx ON oauth_client_assertions (expires_at);

-- A session started at the token endpoint belongs to its client: its refresh token works only for that client
-- (and never at /auth/refresh), and its access tokens carry the scope granted at the start. No foreign key: a
-- deleted client's sessions are revoked first and then kept until the cleanup, like any other revoked session.
ALTER TABLE sessions ADD COLUMN client_id text;
ALTER TABLE sessions ADD COLUMN scope text;
