-- The service windows that plain messages move are kept in memory and, until
-- they are written into service_windows (about once a second), here: one row
-- per group commit, appended, a line per window ("contact_id last_inbound_at
-- "phone_number_id""). optgate reads the rows back when it starts (after a
-- crash) and empties the table when it writes them (store/windows.go).
-- AUTOINCREMENT: an id is never given twice, even once the table is empty
-- (another process on the same file may empty it), so "the rows up to id N"
-- never takes in a row appended later.
CREATE TABLE window_journal (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    windows TEXT    NOT NULL
);
