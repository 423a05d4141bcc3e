-- Rate-limit counters shared by every replica: one row per (action, subject), a fixed window that starts
-- at the first hit after the previous window ended. The subject (an IP, an email, …) is stored only as a
-- keyed hash. One upsert per check (ratelimit/RateLimiter.java).
CREATE TABLE rate_limits (
    action         text        NOT NULL,
    subject        text        NOT NULL,
    window_start   timestamptz NOT NULL,
    window_seconds integer     NOT NULL,
    hits           integer     NOT NULL,
    PRIMARY KEY (action, subject)
);

-- the cleanup job deletes rows whose window ended
CREATE INDEX rate_limits_window_start_idx ON rate_limits (window_start);

-- Refreshes per session are counted on the session row itself, which rotation locks and updates anyway:
-- the limit costs no extra round trip on the hot path.
ALTER TABLE sessions
    ADD COLUMN refresh_window_start timestamptz,
    ADD COLUMN refresh_count        integer NOT NULL DEFAULT 0;
