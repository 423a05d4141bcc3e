-- Accounts. The email is stored in its normalised form (trimmed, NFKC, lower-cased), which is also
-- what makes look-alike duplicates collide on the unique index.
CREATE TABLE users (
    id             uuid        PRIMARY KEY,
    username       text        NOT NULL,
    email          text        NOT NULL,
    password_hash  text        NOT NULL,
    email_verified boolean     NOT NULL DEFAULT false,
    disabled       boolean     NOT NULL DEFAULT false,
    roles          text[]      NOT NULL DEFAULT ARRAY['user'],
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL
);

CREATE UNIQUE INDEX users_email_key ON users (email);
CREATE UNIQUE INDEX users_username_key ON users (lower(username));
