// Package store keeps optgate's state in SQLite (embedded, the default) or
// PostgreSQL, through database/sql and raw SQL that both dialects accept; the
// few differences live in dialect.go. Every write goes through Write, which
// groups concurrent writers into one transaction (group commit) so that a
// burst of webhooks costs one fsync, with a savepoint per writer so that one
// failing writer does not undo the others.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/optgate/optgate/internal/consent"
)

// Sentinel errors; nothing above the store sees a driver error.
var (
	ErrNotFound = &consent.Error{Code: consent.ENotFound, Message: "not found"}
	ErrClosed   = &consent.Error{Code: consent.EUnavailable, Message: "store is closed"}
	// ErrNotStarted is returned by Write before Start.
	ErrNotStarted = &consent.Error{Code: consent.EUnavailable, Message: "store is not started"}
)

// Store is optgate's database.
type Store struct {
	db      *sql.DB
	dialect *dialect
	log     *slog.Logger
	now     func() time.Time

	stmts map[string]*sql.Stmt
	kept  keptStatements // multi-row statements, by text (bulk.go)

	decisions *decisionReader   // group reads of send decisions (PostgreSQL); nil: one query each
	windows   *windowCache      // service windows held in memory (SQLite; windows.go); nil: written in place
	changed   *changedNumberSet // numbers named by number changes (SQLite; queued.go)
	// windowIdle is how long the writer waits idle before it writes the
	// windows held in memory (windowFlushEvery; tests change it before Start).
	windowIdle time.Duration

	retries atomic.Int64 // batches run again, for tests and logs
	// savepointRuns lets one batch at a time run with a savepoint per
	// writer (tryBatch): such a run writes each writer's queued messages
	// with a statement of its own, so its locks are not taken in the sorted
	// order of a group's single statement, and two such runs of this
	// instance's writers deadlocked each other on every attempt.
	savepointRuns sync.Mutex
	// Write submits a job only while the writers run: it holds life's read
	// lock from its check to its send, so a job is never left in jobs
	// after the writers' last look (Close takes the write lock first).
	life         sync.RWMutex
	running      bool // Start has started the writers
	closing      bool // Close has begun
	onWriteBatch func(writers int, took time.Duration)
	serving      bool

	jobs      chan *writeJob
	quit      chan struct{}
	closeOnce sync.Once
	wg        sync.WaitGroup

	// SQLite: the database file and the checkpointer (checkpoint.go).
	path            string
	dbFile          *os.File // the checkpointer's, for writeback; closed after the database
	checkpointEvery time.Duration
	restartAt       int
	committed       chan struct{} // a commit since the checkpointer last looked
	restartDue      atomic.Bool   // the WAL is long: the writer checkpoints it between batches
}

type writeJob struct {
	ctx  context.Context
	fn   func(context.Context, *Tx) error
	done chan error
}

// Options tune a Store.
type Options struct {
	Logger *slog.Logger
	Now    func() time.Time // the clock; nil means time.Now
	// OnWriteBatch, if set, is called after each group commit (or batch
	// that failed) with how many writers it ran and how long it took, reruns
	// included; not for the writes Close runs on its way out. It runs on the
	// writer, between batches: it must be quick, and must not call Write.
	OnWriteBatch func(writers int, took time.Duration)
	// Serving marks the store of optgate serve (and demo): on SQLite, one
	// such store at a time may have the file open (Start refuses a second),
	// since each holds service windows in memory that the other would not
	// see (windows.go). Commands that read or import beside it do not set it.
	Serving bool
}

// Open connects to the database named by dsn ("sqlite:PATH" or
// "postgres://..."). It does not migrate; call Migrate or CheckSchema.
func Open(ctx context.Context, dsn string, opts Options) (*Store, error) {
	d, db, err := openDialect(ctx, dsn)
	if err != nil {
		return nil, err
	}
	s := &Store{
		db:      db,
		dialect: d,
		log:     opts.Logger,
		now:     opts.Now,
		jobs:    make(chan *writeJob, d.maxBatch),
		quit:    make(chan struct{}),
		stmts:   map[string]*sql.Stmt{},

		onWriteBatch:    opts.OnWriteBatch,
		serving:         opts.Serving,
		checkpointEvery: checkpointEvery,
		restartAt:       restartAt,
		windowIdle:      windowFlushEvery,
	}
	if d.checkpointer {
		s.path = strings.TrimPrefix(dsn, "sqlite:")
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	return s, nil
}

// Start prepares statements and starts the group-commit writers. Call it
// after the schema is current.
func (s *Store) Start(ctx context.Context) error {
	if err := s.CheckSchema(ctx); err != nil {
		return err
	}
	for name, q := range queries {
		if d, ok := dialectOnly[name]; ok && d != s.dialect.name {
			continue
		}
		st, err := s.db.PrepareContext(ctx, s.dialect.rewrite(q))
		if err != nil {
			return fmt.Errorf("prepare %s: %w", name, s.wrap(err))
		}
		s.stmts[name] = st
	}
	if s.dialect.checkpointer {
		if err := s.startCheckpointer(ctx); err != nil {
			return err
		}
		if s.serving && s.dbFile != nil {
			if err := lockServing(s.dbFile); errors.Is(err, errHeld) {
				return consent.Errorf(consent.EUnavailable, "another optgate serve is using the database %s: one process serves a SQLite file at a time", s.path)
			} else if err != nil {
				s.log.Warn("cannot lock the database file; make sure no other optgate serve uses it", "err", err)
			}
		}
	}
	if s.dialect.windowJournal {
		if err := s.loadWindows(ctx); err != nil {
			return err
		}
	}
	if s.dialect.assignIDs {
		s.changed = &changedNumberSet{numbers: map[string]bool{}}
	}
	for range s.dialect.writers {
		s.wg.Add(1)
		go s.writer()
	}
	s.life.Lock()
	s.running = true
	s.life.Unlock()
	if s.dialect.decisionReaders > 0 {
		s.startDecisionReader(s.dialect.decisionReaders)
	}
	return nil
}

// Close stops the writer after the writes already submitted and closes the database.
func (s *Store) Close() error {
	s.life.Lock()
	s.closing = true
	s.life.Unlock()
	s.closeOnce.Do(func() { close(s.quit) })
	s.wg.Wait()
	for _, st := range s.stmts {
		st.Close()
	}
	s.closeKept()
	err := s.db.Close()
	if s.dbFile != nil {
		s.dbFile.Close()
		s.dbFile = nil
	}
	return err
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.db.PingContext(ctx); err != nil {
		return s.wrap(err)
	}
	var one int
	if err := s.db.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return s.wrap(err)
	}
	return nil
}

// Dialect names the database in use: "sqlite" or "postgres".
func (s *Store) Dialect() string { return s.dialect.name }

// Write runs fn in a transaction shared with other concurrent writers and
// returns once that transaction is committed (or fn's changes were rolled back).
// fn must only use tx, and must not call Write. fn may be run more than once
// (after a deadlock with another instance, for one), so it must start from
// scratch each time: reset what it collects, act outside tx only after Write returns.
func (s *Store) Write(ctx context.Context, fn func(context.Context, *Tx) error) error {
	j := &writeJob{ctx: ctx, fn: fn, done: make(chan error, 1)}
	if err := s.submit(j); err != nil {
		return err
	}
	return <-j.done
}

// submit hands j to the writers, or fails at once when none would run it.
func (s *Store) submit(j *writeJob) error {
	s.life.RLock()
	defer s.life.RUnlock()
	switch {
	case s.closing:
		return ErrClosed
	case !s.running:
		return ErrNotStarted
	}
	select {
	case s.jobs <- j:
		return nil
	case <-j.ctx.Done():
		return consent.Errorf(consent.EUnavailable, "write not started: %v", j.ctx.Err())
	}
}

func (s *Store) writer() {
	defer s.wg.Done()
	maxBatch := s.dialect.maxBatch
	batch := make([]*writeJob, 0, maxBatch)
	// The windows held in memory are flushed when the writer has been idle
	// a while (windows.go), so that the journal stays short.
	var idle <-chan time.Time
	if s.windows != nil {
		tick := time.NewTicker(s.windowIdle)
		defer tick.Stop()
		idle = tick.C
	}
	lastBatch := time.Now()
	for {
		select {
		case <-idle:
			if s.windows.busy() && time.Since(lastBatch) >= s.windowIdle {
				s.flushWindows()
			}
		case j := <-s.jobs:
			batch = append(batch[:0], j)
		drain:
			for len(batch) < maxBatch {
				select {
				case j := <-s.jobs:
					batch = append(batch, j)
				default:
					break drain
				}
			}
			start := time.Now()
			lastBatch = start
			s.runBatch(batch)
			if s.onWriteBatch != nil {
				s.onWriteBatch(len(batch), time.Since(start))
			}
			if s.restartDue.Load() {
				s.restartWAL()
			}
			s.prepareWanted()
		case <-s.quit:
			for {
				select {
				case j := <-s.jobs:
					s.runBatch([]*writeJob{j})
				default:
					if s.windows != nil && s.windows.busy() {
						s.flushWindows()
					}
					return
				}
			}
		}
	}
}

// flushWindows runs a group commit of its own that writes everything held
// in memory into service_windows and empties the journal (windows.go). A
// failure leaves the windows in the journal, for the next time.
func (s *Store) flushWindows() {
	j := &writeJob{ctx: context.Background(), done: make(chan error, 1), fn: func(_ context.Context, tx *Tx) error {
		tx.flushAll = true
		return nil
	}}
	s.runBatch([]*writeJob{j})
	if err := <-j.done; err != nil {
		s.log.Warn("service windows not flushed; they stay in the journal", "err", err)
	}
}

// maxAttempts bounds how many times a writer is run when the database asks
// for it to be run again (see retryable). Under heavy contention between
// instances, a competitor that is itself rolled back by deadlocks can make a
// writer lose the same race several times in a row, so the bound is generous.
const maxAttempts = 10

// runBatch runs the batch's writers in one transaction. A writer that fails is
// rolled back to its savepoint, and the others commit. When the database
// rolled the whole transaction back for a reason that may pass (a deadlock
// with another instance, a serialization failure), the batch runs again, so
// writers must be safe to run more than once: they start from scratch and
// keep no effects outside tx until Write returns.
func (s *Store) runBatch(batch []*writeJob) {
	for attempt := 1; ; attempt++ {
		errs, err := s.tryBatch(batch)
		if err != nil && s.retryable(err) && attempt < maxAttempts {
			s.retries.Add(1)
			s.log.Debug("write batch retried", "attempt", attempt, "writers", len(batch), "err", err)
			continue
		}
		if err == nil {
			s.noteCommit()
		}
		for i, j := range batch {
			if err != nil {
				j.done <- err
			} else {
				j.done <- errs[i]
			}
		}
		return
	}
}

// tryBatch runs the batch once. err fails every writer; otherwise errs[i] is
// writer i's own result.
func (s *Store) tryBatch(batch []*writeJob) (errs []error, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if !s.dialect.cancelWrites {
		// Without a Done channel, database/sql and the driver skip the
		// goroutine that each statement would start to watch for it.
		ctx = context.WithoutCancel(ctx)
	}
	sqlTx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, s.wrap(err)
	}
	tx := &Tx{tx: sqlTx, s: s}
	if len(batch) == 1 {
		// No savepoint needed: the writer's failure is the transaction's.
		j := batch[0]
		if err := j.ctx.Err(); err != nil {
			sqlTx.Rollback()
			return nil, abandoned(err)
		}
		if err := j.fn(ctx, tx); err != nil {
			sqlTx.Rollback()
			return nil, err
		}
		if err := tx.commit(ctx); err != nil {
			return nil, err
		}
		return []error{nil}, nil
	}
	// Writers almost never fail (their input is checked before Write), so
	// the batch first runs without savepoints, which cost two statements per
	// writer. If any writer fails, that attempt is rolled back and the batch
	// runs again with a savepoint per writer, so the others still commit.
	if errs, ok := s.tryWithoutSavepoints(ctx, sqlTx, tx, batch); ok {
		// The writers' queued messages are written now. A lost race or a
		// deadlock runs the whole batch again (runBatch): the statement
		// then finds the people another transaction created. Any other
		// failure is one writer's: the savepoint run writes each writer's
		// own, one statement each, which would take locks out of order if
		// it ran for a race.
		err := tx.flushQueued(ctx)
		if err == nil {
			if err := tx.commit(ctx); err != nil {
				return nil, err
			}
			return errs, nil
		}
		sqlTx.Rollback()
		if s.retryable(err) {
			return nil, err
		}
	}
	s.savepointRuns.Lock()
	defer s.savepointRuns.Unlock()
	if sqlTx, err = s.db.BeginTx(ctx, nil); err != nil {
		return nil, s.wrap(err)
	}
	tx = &Tx{tx: sqlTx, s: s}
	errs = make([]error, len(batch))
	for i, j := range batch {
		if err := j.ctx.Err(); err != nil {
			errs[i] = abandoned(err)
			continue
		}
		errs[i], err = s.runInSavepoint(ctx, sqlTx, tx, j)
		if err != nil {
			sqlTx.Rollback()
			return nil, err
		}
	}
	if err := tx.commit(ctx); err != nil {
		return nil, err
	}
	return errs, nil
}

// tryWithoutSavepoints runs every writer of the batch in the transaction as
// it is. ok is false (and the transaction rolled back) if any writer failed.
func (s *Store) tryWithoutSavepoints(ctx context.Context, sqlTx *sql.Tx, tx *Tx, batch []*writeJob) (errs []error, ok bool) {
	errs = make([]error, len(batch))
	for i, j := range batch {
		if err := j.ctx.Err(); err != nil {
			errs[i] = abandoned(err)
			continue
		}
		tx.writerFrom = len(tx.payloads)
		if err := j.fn(ctx, tx); err != nil {
			sqlTx.Rollback()
			return nil, false
		}
	}
	return errs, true
}

// runInSavepoint runs one writer of a batch inside a savepoint, rolling its
// changes back if it fails, and running it again when it lost a race for a
// unique key that another transaction has since committed. fatal means the
// whole transaction is lost.
func (s *Store) runInSavepoint(ctx context.Context, sqlTx *sql.Tx, tx *Tx, j *writeJob) (fnErr, fatal error) {
	for attempt := 1; ; attempt++ {
		if _, err := sqlTx.ExecContext(ctx, "SAVEPOINT w"); err != nil {
			return nil, s.wrap(err)
		}
		saved, flushed, windows := len(tx.payloads), tx.flushed, len(tx.windows)
		changedThrough, changedNew := tx.changedThrough, maps.Clone(tx.changedNew)
		tx.writerFrom = saved
		fnErr = j.fn(ctx, tx)
		if fnErr == nil {
			fnErr = tx.flushQueued(ctx) // the writer's own
		}
		if fnErr != nil {
			// Rolled back with the rest of the writer: its payloads, and
			// any payloads of earlier writers that it wrote out.
			tx.payloads, tx.flushed = tx.payloads[:saved], flushed
			tx.queued = tx.queued[:0]
			tx.windows = tx.windows[:windows]
			// Number changes it wrote are gone, and their ids may be
			// given again.
			tx.changedThrough, tx.changedNew = changedThrough, changedNew
			if s.dialect.isRetryable != nil && s.dialect.isRetryable(fnErr) {
				// Rolling back to the savepoint would keep the locks the
				// batch's earlier writers hold, and with them the deadlock.
				return nil, fnErr
			}
			if _, err := sqlTx.ExecContext(ctx, "ROLLBACK TO SAVEPOINT w"); err != nil {
				return nil, s.wrap(err)
			}
		}
		if _, err := sqlTx.ExecContext(ctx, "RELEASE SAVEPOINT w"); err != nil {
			return nil, s.wrap(err)
		}
		if fnErr == nil || !errors.Is(fnErr, errLostRace) || attempt == maxAttempts {
			return fnErr, nil
		}
	}
}

// errLostRace marks a unique violation on a row that another transaction
// inserted while this one looked for it: running the writer again finds it.
var errLostRace = errors.New("another transaction inserted the same row")

// errHeld: another process holds the lock (lockServing).
var errHeld = errors.New("lock held by another process")

// retryable reports whether running a failed write again may succeed.
func (s *Store) retryable(err error) bool {
	if errors.Is(err, errLostRace) {
		return true
	}
	return s.dialect.isRetryable != nil && s.dialect.isRetryable(err)
}

func abandoned(err error) error {
	return consent.Errorf(consent.EUnavailable, "write abandoned: %v", err)
}

// Tx is a write transaction handed to Write's callback.
type Tx struct {
	tx    *sql.Tx
	s     *Store
	cache map[string]*sql.Stmt // the prepared statements bound to this transaction

	payloads   []pendingPayload // saved by SavePayload, written at commit or before a read of payloads
	flushed    int              // how many of payloads are written
	writerFrom int              // where the running writer's payloads start
	queued     []queuedMessage  // plain messages, written before the commit (queued.go)
	movers     map[int64]bool   // records ContactAt reached by a number's past (AppendEvent may write to them)
	windows    []windowEntry    // windows moved by queued messages, for the journal (SQLite; windows.go)
	flushAll   bool             // the commit writes the windows held in memory into service_windows

	changedThrough int64           // number changes read past the store's set, up to this id (queued.go)
	changedNew     map[string]bool // the numbers they name
}

// commit writes what the transaction's writers left for the end, then
// commits.
func (t *Tx) commit(ctx context.Context) error {
	if err := t.flushQueued(ctx); err != nil {
		t.tx.Rollback()
		return err
	}
	after, err := t.settleWindows(ctx)
	if err != nil {
		t.tx.Rollback()
		return err
	}
	if err := t.flushPayloads(ctx); err != nil {
		t.tx.Rollback()
		return err
	}
	if err := t.tx.Commit(); err != nil {
		return t.s.wrap(err)
	}
	if after != nil {
		// Before any writer of the group hears of the commit: a send that
		// follows the webhook's answer sees the window.
		after()
	}
	t.keepChangedNumbers()
	return nil
}

func (t *Tx) exec(ctx context.Context, name string, args ...any) (sql.Result, error) {
	r, err := t.stmt(ctx, name).ExecContext(ctx, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, t.s.wrap(err))
	}
	return r, nil
}

func (t *Tx) queryRow(ctx context.Context, name string, args ...any) *sql.Row {
	return t.stmt(ctx, name).QueryRowContext(ctx, args...)
}

func (t *Tx) query(ctx context.Context, name string, args ...any) (*sql.Rows, error) {
	rows, err := t.stmt(ctx, name).QueryContext(ctx, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, t.s.wrap(err))
	}
	return rows, nil
}

// querier is what read helpers need: the database or a transaction.
type querier interface {
	stmt(ctx context.Context, name string) *sql.Stmt
}

func (s *Store) stmt(_ context.Context, name string) *sql.Stmt { return s.stmts[name] }
func (t *Tx) stmt(ctx context.Context, name string) *sql.Stmt {
	if st, ok := t.cache[name]; ok {
		return st
	}
	if t.cache == nil {
		t.cache = map[string]*sql.Stmt{}
	}
	st := t.tx.StmtContext(ctx, t.s.stmts[name])
	t.cache[name] = st
	return st
}

// wrap turns driver errors into optgate's errors.
func (s *Store) wrap(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	var ce *consent.Error
	if errors.As(err, &ce) {
		return err
	}
	if s.dialect.isConflict(err) {
		return &consent.Error{Code: consent.EConflict, Message: "conflict", Err: err}
	}
	return &consent.Error{Code: consent.EUnavailable, Message: "database unavailable", Err: err}
}

func ms(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func fromMS(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMilli(v).UTC()
}
