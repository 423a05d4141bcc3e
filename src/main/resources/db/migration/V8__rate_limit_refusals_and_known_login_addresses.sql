-- A refused request counts against no limit (ratelimit/RateLimiter.java). The old single upsert bumped every
-- counter of a check, so requests that one limit refused still filled the others: 105 wrong logins from one
-- address, refused by the per-(account, address) limit after 10, filled the per-account ceiling and locked the
-- owner out everywhere. This function does the check in one round trip and one transaction: it locks every
-- counter of the check (creating it, or restarting its window when it ended), refuses if any is full, and only
-- then counts the request in all of them. The row locks serialise parallel checks of the same counters, in a
-- fixed order so that two checks never deadlock.
-- Returns 0 when the request was counted, else the seconds until the fullest counter's window ends.
CREATE FUNCTION rate_limit_hit(p_actions text[], p_subjects text[], p_windows integer[], p_maxes integer[])
    RETURNS integer
    LANGUAGE plpgsql
AS $$
DECLARE
    retry_after integer;
BEGIN
    WITH locked AS (
        INSERT INTO rate_limits AS r (action, subject, window_start, window_seconds, hits)
        SELECT i.action, i.subject, now(), i.window_seconds, 0
          FROM unnest(p_actions, p_subjects, p_windows) AS i(action, subject, window_seconds)
         ORDER BY i.action, i.subject
        ON CONFLICT (action, subject) DO UPDATE SET
            window_start   = CASE WHEN r.window_start + EXCLUDED.window_seconds * interval '1 second' <= now()
                                  THEN now() ELSE r.window_start END,
            hits           = CASE WHEN r.window_start + EXCLUDED.window_seconds * interval '1 second' <= now()
                                  THEN 0 ELSE r.hits END,
            window_seconds = EXCLUDED.window_seconds
        RETURNING r.action, r.subject, r.hits, r.window_start, r.window_seconds
    )
    SELECT max(greatest(1, ceil(extract(epoch FROM l.window_start + l.window_seconds * interval '1 second' - now()))::int))
      INTO retry_after
      FROM locked l
      JOIN unnest(p_actions, p_subjects, p_maxes) AS i(action, subject, max_hits)
        ON i.action = l.action AND i.subject = l.subject
     WHERE l.hits >= i.max_hits;
    IF retry_after IS NOT NULL THEN
        RETURN retry_after;
    END IF;
    UPDATE rate_limits r SET hits = r.hits + 1
      FROM unnest(p_actions, p_subjects) AS i(action, subject)
     WHERE r.action = i.action AND r.subject = i.subject;
    RETURN 0;
END
$$;

-- Addresses an account has logged in from successfully (ratelimit/KnownLoginAddresses.java): the per-account
-- login ceiling counts only attempts from other addresses, so that guessing from elsewhere can never lock the
-- owner out of the places he usually logs in from. The address is stored as a keyed hash only.
CREATE TABLE login_known_addresses (
    user_id   uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    ip_hash   bytea       NOT NULL,
    last_seen timestamptz NOT NULL,
    PRIMARY KEY (user_id, ip_hash)
);

-- the cleanup job deletes addresses not seen for longer than they are remembered
CREATE INDEX login_known_addresses_last_seen_idx ON login_known_addresses (last_seen);
