-- Webhooks (docs/api.md, "Webhooks"): endpoints registered by admins, and an outbox from which the events go out.

CREATE TABLE webhook_endpoints (
    id                         uuid        PRIMARY KEY,
    url                        text        NOT NULL,
    description                text,
    -- event types (user.created, mfa.*, * …) the endpoint is sent
    events                     text[]      NOT NULL,
    -- the signing secret (whsec_ + base64), kept as it is because signing needs it: unlike a client secret, which is
    -- only compared and so kept as a digest
    secret                     text        NOT NULL,
    -- the secret before the last rotation: it signs beside the new one until it expires, so receivers can switch
    previous_secret            text,
    previous_secret_expires_at timestamptz,
    enabled                    boolean     NOT NULL DEFAULT true,
    created_at                 timestamptz NOT NULL,
    updated_at                 timestamptz NOT NULL,
    version                    bigint      NOT NULL DEFAULT 0
);

-- The outbox: one row per (event, endpoint), written in the transaction of the change that the event reports, so
-- that an event exists exactly when the change committed and none is lost when a replica dies. No foreign key to
-- the endpoint: the insert runs inside every audited change, and an endpoint deleted at that moment must not fail
-- a password change; the endpoint's deletion removes its rows, and the cleanup job removes any it missed.
CREATE TABLE webhook_messages (
    id              uuid        PRIMARY KEY,
    endpoint_id     uuid        NOT NULL,
    -- webhook-id: the same for every attempt, and for every endpoint the event goes to (the audit event's id)
    event_id        uuid        NOT NULL,
    event_type      text        NOT NULL,
    -- the body exactly as it is signed and sent
    payload         text        NOT NULL,
    created_at      timestamptz NOT NULL,
    status          text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts        integer     NOT NULL DEFAULT 0,
    -- when the next attempt is due; while an attempt runs, the end of its lease (webhook/WebhookDispatcher)
    next_attempt_at timestamptz NOT NULL,
    -- the claim of the attempt in flight; its result is written only under the same claim
    claim_id        uuid,
    finished_at     timestamptz
);

CREATE UNIQUE INDEX webhook_messages_event_endpoint_key ON webhook_messages (event_id, endpoint_id);
-- the dispatcher's claim: the due messages of one endpoint, oldest first
CREATE INDEX webhook_messages_due_idx ON webhook_messages (endpoint_id, next_attempt_at) WHERE status = 'pending';
-- the cleanup job
CREATE INDEX webhook_messages_created_at_idx ON webhook_messages (created_at);

-- The delivery log: one row per attempt (status code, duration, error), never a secret or the receiver's answer.
CREATE TABLE webhook_deliveries (
    id           uuid        PRIMARY KEY,
    endpoint_id  uuid        NOT NULL,
    message_id   uuid        NOT NULL,
    event_id     uuid        NOT NULL,
    event_type   text        NOT NULL,
    attempt      integer     NOT NULL,
    attempted_at timestamptz NOT NULL,
    duration_ms  integer     NOT NULL,
    status_code  integer,
    error        text,
    outcome      text        NOT NULL CHECK (outcome IN ('delivered', 'retrying', 'failed'))
);

CREATE INDEX webhook_deliveries_endpoint_idx ON webhook_deliveries (endpoint_id, attempted_at DESC, id);
CREATE INDEX webhook_deliveries_attempted_at_idx ON webhook_deliveries (attempted_at);

-- Failed logins per account for login.failed_burst, counted only while an endpoint subscribes to it: a fixed window
-- from the first failure, one atomic upsert per failed login. No foreign key either (a failed login racing the
-- account's deletion must not fail); a row holds nothing but the id and a count, and goes with the cleanup.
CREATE TABLE webhook_login_failures (
    user_id      uuid        PRIMARY KEY,
    window_start timestamptz NOT NULL,
    failures     integer     NOT NULL
);

CREATE INDEX webhook_login_failures_window_start_idx ON webhook_login_failures (window_start);

-- Account deletion (DELETE /users/me, DELETE /admin/users/{id}). Every table that holds a user's rows refers to
-- users ON DELETE CASCADE, so the sessions go with the account. Their revocations must outlive them until the last
-- access token of those sessions expired: a replica that starts meanwhile reads them here
-- (session/RevocationListener), as it reads revoked sessions from the sessions table.
CREATE TABLE session_tombstones (
    id         uuid        PRIMARY KEY,
    revoked_at timestamptz NOT NULL
);

CREATE INDEX session_tombstones_revoked_at_idx ON session_tombstones (revoked_at);
