-- Security-relevant events. Never a secret: no token, code or password ever lands here.
CREATE TABLE audit_events (
    id          uuid        PRIMARY KEY,
    occurred_at timestamptz NOT NULL,
    type        text        NOT NULL,
    user_id     uuid,
    session_id  uuid,
    ip          text,
    user_agent  text,
    detail      jsonb
);

CREATE INDEX audit_events_user_id_idx ON audit_events (user_id, occurred_at DESC);
CREATE INDEX audit_events_type_idx ON audit_events (type, occurred_at DESC);
CREATE INDEX audit_events_occurred_at_idx ON audit_events (occurred_at DESC);
