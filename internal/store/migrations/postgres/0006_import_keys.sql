-- Import keys without the seq each row became (nothing read it), so that a
-- batch can claim its keys with one INSERT ... RETURNING instead of looking
-- them up first. Keys stored bare (64 hex digits) by the first version of
-- the import take their row's time in front, as keys are stored now; a bare
-- key of a row that was skipped (seq 0) has no event to take the time from
-- and is dropped: importing that row again decides it again (skipped while a
-- newer opt-out is on record).
CREATE TABLE import_keys (
    account_id TEXT NOT NULL,
    row_key    TEXT NOT NULL,
    PRIMARY KEY (account_id, row_key)
);
INSERT INTO import_keys (account_id, row_key)
    SELECT account_id, row_key FROM import_rows WHERE length(row_key) <> 64
    ON CONFLICT DO NOTHING;
INSERT INTO import_keys (account_id, row_key)
    SELECT r.account_id, lpad(to_hex(e.occurred_at # (-9223372036854775808)::bigint), 16, '0') || r.row_key
    FROM import_rows r JOIN consent_events e ON e.account_id = r.account_id AND e.seq = r.seq
    WHERE length(r.row_key) = 64 AND r.seq > 0
    ON CONFLICT DO NOTHING;
DROP TABLE import_rows;
