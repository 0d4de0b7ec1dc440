package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/optgate/optgate/internal/consent"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// dialect holds every difference between SQLite and PostgreSQL. Queries are
// written once, with $N placeholders (both accept them) and {{forUpdate}}
// where PostgreSQL must lock a row that SQLite's single writer already owns,
// {{skipLocked}} where a reader should pass over rows another instance holds.
type dialect struct {
	name       string
	forUpdate  string
	skipLocked string
	// isConflict reports a unique-constraint violation.
	isConflict func(error) bool
	// isRetryable reports an error after which the database has rolled back
	// the whole transaction and running it again may succeed (a deadlock, a
	// serialization failure). Nil when the dialect has none.
	isRetryable func(error) bool
	// isMissingTable reports a query on a table that does not exist.
	isMissingTable func(error) bool
	// lockMigrations, when set, is run first in each migration transaction
	// so that only one process migrates at a time. Each of its statements
	// runs on its own.
	lockMigrations []string
	// lockLedger, when set, is run before an append locks its account's
	// ledger head. It serializes appending transactions, so that two of them
	// never lock the heads of two accounts in opposite orders (a deadlock).
	lockLedger string
	// writers is how many group-commit transactions run at once, and
	// maxBatch how many writers one of them takes.
	writers  int
	maxBatch int
	// cancelWrites bounds a write transaction with a timeout. SQLite needs
	// none (busy_timeout bounds its only wait, for the lock), and a
	// cancelable context costs each statement a goroutine.
	cancelWrites bool
	// assignIDs lets a bulk writer number the rows it inserts itself,
	// from the largest id in the table: SQLite's one writer holds the whole
	// database. PostgreSQL's ids come from sequences that instances share.
	assignIDs bool
	// decisionReaders, when above zero, is how many group reads of send
	// decisions run at once (decision_batch.go).
	decisionReaders int
	// checkpointer copies the WAL into the database beside the writer
	// (SQLite; checkpoint.go).
	checkpointer bool
	// keepStatements keeps multi-row statements prepared across
	// transactions, in a few shapes (SQLite; bulk.go). On PostgreSQL every
	// extra statement is a round trip, and every kept one a plan in each
	// backend.
	keepStatements bool
	// windowJournal keeps the service windows that plain messages move in
	// memory and in a journal, flushed about once a second (SQLite, where
	// one process writes; windows.go).
	windowJournal bool
}

func (d *dialect) rewrite(q string) string {
	q = strings.ReplaceAll(q, "{{forUpdate}}", d.forUpdate)
	return strings.ReplaceAll(q, "{{skipLocked}}", d.skipLocked)
}

var sqliteDialect = &dialect{
	name: "sqlite",
	// SQLite has one writer at a time; a second would only wait for the lock.
	writers:        1,
	maxBatch:       256,
	assignIDs:      true,
	checkpointer:   true,
	keepStatements: true,
	windowJournal:  true,
	isConflict: func(err error) bool {
		var se *sqlite.Error
		if errors.As(err, &se) {
			c := se.Code()
			return c == sqlite3.SQLITE_CONSTRAINT_UNIQUE || c == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
		}
		return false
	},
	isMissingTable: func(err error) bool {
		return err != nil && strings.Contains(err.Error(), "no such table")
	},
}

func openDialect(ctx context.Context, dsn string) (*dialect, *sql.DB, error) {
	switch {
	case strings.HasPrefix(dsn, "sqlite:"):
		path := strings.TrimPrefix(dsn, "sqlite:")
		if path == "" {
			return nil, nil, consent.Errorf(consent.EInvalid, "database: sqlite: needs a file path, e.g. sqlite:./optgate.db")
		}
		// WAL lets readers run beside the one writer; synchronous(FULL) makes
		// a commit survive power loss, which group commit keeps affordable.
		// Savepoint journals in memory (temp_store) spare a system call per
		// page the group-commit writer touches; memory-mapped reads (mmap_size)
		// keep send decisions off read() calls on large databases. The WAL
		// is copied into the database beside the writer (checkpoint.go);
		// SQLite's own checkpoint, inside a commit, only backs that up, at
		// 16,384 pages.
		q := "?_txlock=immediate&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)" +
			"&_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=temp_store(MEMORY)" +
			"&_pragma=mmap_size(268435456)&_pragma=cache_size(-16384)" +
			"&_pragma=journal_size_limit(67108864)&_pragma=wal_autocheckpoint(16384)"
		db, err := sql.Open("sqlite", "file:"+path+q)
		if err != nil {
			return nil, nil, fmt.Errorf("open sqlite: %w", err)
		}
		db.SetMaxOpenConns(8)
		db.SetMaxIdleConns(8)
		db.SetConnMaxIdleTime(0)
		if err := db.PingContext(ctx); err != nil {
			db.Close()
			return nil, nil, &consent.Error{Code: consent.EUnavailable, Message: "cannot open sqlite database " + path, Err: err}
		}
		return sqliteDialect, db, nil
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		return openPostgres(ctx, dsn)
	}
	return nil, nil, consent.Errorf(consent.EInvalid, "database: %q must start with sqlite: or postgres://", dsn)
}
