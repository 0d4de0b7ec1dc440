-- PostgreSQL tables have no rowid: nothing to do (see the SQLite migration of the same number).
SELECT 1;
