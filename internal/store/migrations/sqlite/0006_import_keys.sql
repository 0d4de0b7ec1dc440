-- Import keys without the seq each row became (nothing read it), so that a
-- batch can claim its keys with one INSERT ... RETURNING instead of looking
-- them up first, in a WITHOUT ROWID table: one b-tree per key, not two.
-- Keys stored bare (64 hex digits) by the first version of the import take
-- their row's time in front, as keys are stored now; a bare key of a row
-- that was skipped (seq 0) has no event to take the time from and is
-- dropped: importing that row again decides it again (skipped while a newer
-- opt-out is on record).
CREATE TABLE import_keys (
    account_id TEXT NOT NULL,
    row_key    TEXT NOT NULL,
    PRIMARY KEY (account_id, row_key)
) WITHOUT ROWID;
INSERT OR IGNORE INTO import_keys (account_id, row_key)
    SELECT account_id, row_key FROM import_rows WHERE length(row_key) <> 64;
INSERT OR IGNORE INTO import_keys (account_id, row_key)
    SELECT r.account_id, printf('%016x', CASE WHEN e.occurred_at >= 0 THEN e.occurred_at - 9223372036854775807 - 1
        ELSE e.occurred_at + 9223372036854775807 + 1 END) || r.row_key
    FROM import_rows r JOIN consent_events e ON e.account_id = r.account_id AND e.seq = r.seq
    WHERE length(r.row_key) = 64 AND r.seq > 0;
DROP TABLE import_rows;
