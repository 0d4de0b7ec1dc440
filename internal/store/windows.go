package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/optgate/optgate/internal/consent"
)

// Service windows on SQLite: kept in memory and in a journal.
//
// Every message a person sends moves their service window on the business
// number. Written in place, each moved window is a random page of
// service_windows, written in every group commit twice (to the WAL, then by
// the checkpoint to the database): with plain messages no longer recorded
// one by one (queued.go), that was most of what a single-message webhook
// cost the one writer. So on SQLite the windows that a group commit's plain
// messages move are written as one row of window_journal, which is appended
// (always the table's last page), and kept in memory (windowCache), where
// send decisions and state reads see them the moment the commit is done,
// before any webhook of the group is answered.
//
// About once a second (windowFlushEvery) the windows held in memory are
// taken as a snapshot and written into service_windows in key order, a
// slice in each of the next group commits (at most windowFlushSlices of
// them), so that no commit, and no webhook waiting for it, pays for the
// whole; each page of windows is then written about once a snapshot,
// however many messages moved windows on it. The commit that writes the
// last slice deletes the journal rows the snapshot holds. When the writer
// of a store that takes webhooks is idle, and before it stops, everything
// held is written at once. A crash loses nothing: Start reads the journal
// back into memory.
//
// Windows only move forward (every write keeps the later time, and nothing
// deletes one), so a window is the later of what memory and the table hold,
// whatever the order in which they were written. Statements that read
// service_windows inside a write transaction (a number change carries the
// person's windows) first write everything held in memory into the table
// (Tx.flushWindowsNow). PostgreSQL, where several instances share the
// database, writes every window in place, with its group commit.

const (
	// windowFlushEvery is how often a snapshot of the windows held in
	// memory is taken to be written into service_windows while webhooks
	// keep coming (and how long the writer waits idle before it writes
	// everything).
	windowFlushEvery = time.Second
	// windowFlushAt is how many windows held in memory make a snapshot due
	// at once, whatever the time since the last.
	windowFlushAt = 1 << 16
	// A snapshot is written in at most windowFlushSlices group commits, of
	// at least windowSliceMin windows each.
	windowFlushSlices = 16
	windowSliceMin    = 256
)

type windowKey struct {
	contact int64
	phone   string // the business number's phone_number_id
}

type windowEntry struct {
	windowKey
	at int64 // the latest message, Unix ms
}

func compareWindows(a, b windowEntry) int {
	return cmp.Or(cmp.Compare(a.contact, b.contact), strings.Compare(a.phone, b.phone))
}

// windowCache holds the windows moved since the last snapshot (pending),
// the snapshot being written (taken: its journal rows are those up to
// takenThrough), and the last snapshot written (done), which stays one
// snapshot longer: a read that began before it was complete may have read
// the table without some of its windows (see withWindows). All three are in
// the journal or the table.
type windowCache struct {
	mu      sync.Mutex
	pending map[windowKey]int64
	taken   map[windowKey]int64
	done    map[windowKey]int64
	// snapshots counts the snapshots completed; it moves before the
	// previous one's windows leave memory.
	snapshots atomic.Int64

	// The writer's alone.
	order        []windowEntry // taken, sorted; order[written:] are still to be written
	written      int
	takenThrough int64          // the last journal row of the snapshot
	rows         map[int64]bool // the journal rows whose windows this store holds (wrote, or read)
	wrote        bool           // this store has written journal rows (it takes webhooks)
	lastTaken    time.Time      // when the last snapshot was taken
}

func newWindowCache() *windowCache {
	return &windowCache{pending: map[windowKey]int64{}, rows: map[int64]bool{}, lastTaken: time.Now()}
}

// latest returns the latest message held in memory for the window, or 0.
func (c *windowCache) latest(k windowKey) int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return max(c.pending[k], c.taken[k], c.done[k])
}

// busy reports whether windows wait in the journal that this store, which
// has written journal rows, should write out when idle or stopping. A store
// that only read the journal at Start (a command such as export or ledger
// verify, beside the server or after a crash) leaves it as it found it.
func (c *windowCache) busy() bool { return c.wrote && len(c.rows) > 0 }

// due reports whether the next group commit should take a snapshot.
func (c *windowCache) due() bool {
	if c.order != nil || len(c.rows) == 0 {
		return false
	}
	c.mu.Lock()
	n := len(c.pending)
	c.mu.Unlock()
	return n >= windowFlushAt || time.Since(c.lastTaken) >= windowFlushEvery
}

// apply moves st's window to the latest message held in memory for any of
// the contacts (the person's records) on the business number, and in also.
func (c *windowCache) apply(st *consent.State, contacts []int64, phone string, also []windowEntry) {
	var at int64
	for _, id := range contacts {
		k := windowKey{id, phone}
		at = max(at, c.latest(k))
		for _, w := range also {
			if w.windowKey == k {
				at = max(at, w.at)
			}
		}
	}
	if t := fromMS(at); t.After(st.LastInbound) {
		st.LastInbound = t
	}
}

// withWindows runs read, which reads a person's state from the database and
// reports the ids of the records it read, and adds the windows held in
// memory. The table is read first, then memory: a snapshot completed in
// between leaves its windows in memory (done) until the next one completes,
// so only a read that outlasts two snapshots can miss one, and it is run
// again.
func (s *Store) withWindows(phone string, read func(seen func(id int64)) (int64, consent.State, error)) (int64, consent.State, error) {
	c := s.windows
	if c == nil {
		return read(func(int64) {})
	}
	for {
		before := c.snapshots.Load()
		var buf [2]int64
		ids := buf[:0]
		id, st, err := read(func(id int64) { ids = append(ids, id) })
		if err != nil {
			return id, st, err
		}
		c.apply(&st, ids, phone, nil)
		if c.snapshots.Load()-before < 2 {
			return id, st, nil
		}
	}
}

// applyWindows adds to st, read inside the transaction, the windows held in
// memory and those the transaction's plain messages moved. Only the writer
// changes what memory holds, so nothing leaves it meanwhile.
func (t *Tx) applyWindows(st *consent.State, contacts []int64, phone string) {
	if c := t.s.windows; c != nil {
		c.apply(st, contacts, phone, t.windows)
	}
}

// openWindows moves the service windows of plain messages: on SQLite kept
// for the journal row that the commit writes (settleWindows), on PostgreSQL
// written at once.
func (t *Tx) openWindows(ctx context.Context, ws []windowEntry) error {
	if t.s.windows == nil {
		return t.writeWindows(ctx, ws)
	}
	t.windows = append(t.windows, ws...)
	return nil
}

// writeWindows moves windows in service_windows, each to the later time.
func (t *Tx) writeWindows(ctx context.Context, ws []windowEntry) error {
	if len(ws) == 0 {
		return nil
	}
	args := make([]any, 0, 3*len(ws))
	for _, w := range ws {
		args = append(args, w.contact, w.phone, w.at)
	}
	return t.execValues(ctx, "move windows", "INSERT INTO service_windows (closed_at, contact_id, phone_number_id, last_inbound_at)",
		`ON CONFLICT (contact_id, phone_number_id) DO UPDATE SET last_inbound_at =
		CASE WHEN excluded.last_inbound_at > service_windows.last_inbound_at THEN excluded.last_inbound_at ELSE service_windows.last_inbound_at END`,
		[]any{int64(0)}, 3, args)
}

// held returns every window held in memory (pending, and a snapshot being
// written) and moved by the transaction.
func (t *Tx) held() map[windowKey]int64 {
	c := t.s.windows
	all := map[windowKey]int64{}
	c.mu.Lock()
	for _, m := range []map[windowKey]int64{c.pending, c.taken} {
		for k, at := range m {
			all[k] = max(all[k], at)
		}
	}
	c.mu.Unlock()
	merge := mergeWindow(all)
	for _, w := range t.windows {
		merge(w)
	}
	return all
}

// mergeWindow returns a function that keeps a window in all, at its later
// time.
func mergeWindow(all map[windowKey]int64) func(windowEntry) {
	return func(w windowEntry) { all[w.windowKey] = max(all[w.windowKey], w.at) }
}

func sortedWindows(m map[windowKey]int64) []windowEntry {
	ws := make([]windowEntry, 0, len(m))
	for k, at := range m {
		ws = append(ws, windowEntry{k, at})
	}
	slices.SortFunc(ws, compareWindows)
	return ws
}

// flushWindowsNow writes everything held in memory, and the windows of the
// transaction so far, into service_windows, for a statement of the
// transaction that reads the table; the commit then writes the rest and
// empties the journal (settleWindows).
func (t *Tx) flushWindowsNow(ctx context.Context) error {
	if t.s.windows == nil {
		return nil
	}
	t.flushAll = true
	return t.writeWindows(ctx, sortedWindows(t.held()))
}

// settleWindows, at commit, writes the transaction's windows as a journal
// row, and the next slice of the snapshot being written (taking one when it
// is due), or, when the transaction asked for it, everything held. after,
// called once the transaction has committed, updates memory.
func (t *Tx) settleWindows(ctx context.Context) (after func(), err error) {
	c := t.s.windows
	if c == nil || (len(t.windows) == 0 && !t.flushAll && c.order == nil && !c.due()) {
		return nil, nil
	}
	ws, row := t.windows, int64(0)
	if len(ws) > 0 {
		b := appendWindows(make([]byte, 0, 32*len(ws)), ws)
		r, err := t.stmt(ctx, "journalWindows").ExecContext(ctx, string(b))
		if err == nil {
			row, err = r.LastInsertId()
		}
		if err != nil {
			return nil, fmt.Errorf("journal windows: %w", t.s.wrap(err))
		}
	}
	if t.flushAll {
		return t.flushAllWindows(ctx)
	}
	if c.order == nil && c.due() {
		return t.takeWindows(ctx, row)
	}
	if c.order == nil {
		return func() { c.keep(ws, row) }, nil
	}
	// The next slice of the snapshot; the last one deletes its rows.
	n := max(windowSliceMin, (len(c.order)+windowFlushSlices-1)/windowFlushSlices)
	end := min(len(c.order), c.written+n)
	if err := t.writeWindows(ctx, c.order[c.written:end]); err != nil {
		return nil, err
	}
	if end < len(c.order) {
		return func() { c.keep(ws, row); c.written = end }, nil
	}
	if _, err := t.tx.ExecContext(ctx, "DELETE FROM window_journal WHERE id <= ?", c.takenThrough); err != nil {
		return nil, fmt.Errorf("empty window journal: %w", t.s.wrap(err))
	}
	return func() { c.keep(ws, row); c.complete(nil) }, nil
}

// keep holds the windows of a committed journal row (0: none).
func (c *windowCache) keep(ws []windowEntry, row int64) {
	c.mu.Lock()
	for _, w := range ws {
		c.pending[w.windowKey] = max(c.pending[w.windowKey], w.at)
	}
	c.mu.Unlock()
	if row != 0 {
		c.rows[row], c.wrote = true, true
	}
}

// takeWindows takes the windows held, this commit's among them (its journal
// row is row), as a snapshot to write: the journal rows up to the last one
// now. Rows among them that this store does not hold (another process on the
// same file appended them) are read, and their windows taken too.
func (t *Tx) takeWindows(ctx context.Context, row int64) (after func(), err error) {
	c := t.s.windows
	all := t.held() // no snapshot is being written: pending and the transaction's
	held := func(id int64) bool { return id == row || c.rows[id] }
	through, err := readJournal(ctx, t.tx, held, mergeWindow(all))
	if err != nil {
		return nil, err
	}
	order := sortedWindows(all)
	return func() {
		c.mu.Lock()
		c.taken, c.pending = all, map[windowKey]int64{}
		c.mu.Unlock()
		if row != 0 {
			c.rows[row], c.wrote = true, true
		}
		c.order, c.written, c.takenThrough = order, 0, through
		c.lastTaken = time.Now()
	}, nil
}

// flushAllWindows writes everything held, and the windows of the journal
// rows other processes appended, into service_windows, and deletes every
// row up to the last.
func (t *Tx) flushAllWindows(ctx context.Context) (after func(), err error) {
	c := t.s.windows
	all := t.held()
	// The rows this store holds are in memory (held); others' are read.
	through, err := readJournal(ctx, t.tx, func(id int64) bool { return c.rows[id] }, mergeWindow(all))
	if err != nil {
		return nil, err
	}
	if err := t.writeWindows(ctx, sortedWindows(all)); err != nil {
		return nil, err
	}
	if through > 0 {
		if _, err := t.tx.ExecContext(ctx, "DELETE FROM window_journal WHERE id <= ?", through); err != nil {
			return nil, fmt.Errorf("empty window journal: %w", t.s.wrap(err))
		}
	}
	return func() {
		c.complete(all)
		c.mu.Lock()
		c.pending = map[windowKey]int64{}
		c.mu.Unlock()
		// Everything held is in the table, and no row is left (the write
		// lock is held): rows another process deleted are forgotten too.
		clear(c.rows)
		c.lastTaken = time.Now()
	}, nil
}

// complete records a snapshot written and its journal rows deleted: the
// snapshot (or all, for everything held) stays in memory until the next
// completes.
func (c *windowCache) complete(all map[windowKey]int64) {
	c.snapshots.Add(1)
	c.mu.Lock()
	if all == nil {
		all = c.taken
	}
	c.done, c.taken = all, nil
	c.mu.Unlock()
	for id := range c.rows {
		if id <= c.takenThrough {
			delete(c.rows, id)
		}
	}
	c.order, c.written, c.takenThrough = nil, 0, 0
}

func init() {
	queries["journalWindows"] = `INSERT INTO window_journal (windows) VALUES ($1)`
	dialectOnly["journalWindows"] = "sqlite"
}

// loadWindows reads the journal left by the last run (a crash, or a
// command that wrote beside the server) into memory; Start calls it before
// the writer starts.
func (s *Store) loadWindows(ctx context.Context) error {
	// One statement, so one snapshot: a server beside this process may
	// delete rows meanwhile.
	c := newWindowCache()
	rows, err := s.db.QueryContext(ctx, "SELECT id, windows FROM window_journal ORDER BY id")
	if err != nil {
		return fmt.Errorf("read window journal: %w", unavailable(err))
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var text string
		if err := rows.Scan(&id, &text); err != nil {
			return fmt.Errorf("read window journal: %w", unavailable(err))
		}
		if err := parseWindows(text, mergeWindow(c.pending)); err != nil {
			return fmt.Errorf("read window journal row %d: %w", id, err)
		}
		c.rows[id] = true
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read window journal: %w", unavailable(err))
	}
	s.windows = c
	return nil
}

// readJournal calls each for every window in the rows of window_journal
// but those skip reports held, and returns the last row's id (0 for none).
// Only the ids of the rows skipped are read. q is a write transaction, so
// that its statements see one snapshot.
func readJournal(ctx context.Context, q *sql.Tx, skip func(id int64) bool, each func(windowEntry)) (int64, error) {
	ids, err := q.QueryContext(ctx, "SELECT id FROM window_journal ORDER BY id")
	if err != nil {
		return 0, fmt.Errorf("read window journal: %w", unavailable(err))
	}
	var last int64
	var read []int64
	for ids.Next() {
		var id int64
		if err := ids.Scan(&id); err != nil {
			ids.Close()
			return 0, fmt.Errorf("read window journal: %w", unavailable(err))
		}
		last = id
		if !skip(id) {
			read = append(read, id)
		}
	}
	ids.Close()
	if err := ids.Err(); err != nil {
		return 0, fmt.Errorf("read window journal: %w", unavailable(err))
	}
	for _, id := range read {
		var text string
		if err := q.QueryRowContext(ctx, "SELECT windows FROM window_journal WHERE id = ?", id).Scan(&text); err != nil {
			return 0, fmt.Errorf("read window journal: %w", unavailable(err))
		}
		if err := parseWindows(text, each); err != nil {
			return 0, fmt.Errorf("read window journal row %d: %w", id, err)
		}
	}
	return last, nil
}

// appendWindows encodes windows as journal text: a line each, the contact
// id, the time (Unix ms) and the quoted phone_number_id.
func appendWindows(b []byte, ws []windowEntry) []byte {
	for _, w := range ws {
		b = strconv.AppendInt(b, w.contact, 10)
		b = append(b, ' ')
		b = strconv.AppendInt(b, w.at, 10)
		b = append(b, ' ')
		b = strconv.AppendQuote(b, w.phone)
		b = append(b, '\n')
	}
	return b
}

var errBadJournal = errors.New("malformed window journal line")

// parseWindows decodes what appendWindows wrote.
func parseWindows(text string, each func(windowEntry)) error {
	for line := range strings.Lines(text) {
		line = strings.TrimSuffix(line, "\n")
		id, rest, ok1 := strings.Cut(line, " ")
		at, phone, ok2 := strings.Cut(rest, " ")
		contact, err1 := strconv.ParseInt(id, 10, 64)
		ts, err2 := strconv.ParseInt(at, 10, 64)
		p, err3 := strconv.Unquote(phone)
		if !ok1 || !ok2 || err1 != nil || err2 != nil || err3 != nil {
			return fmt.Errorf("%w: %q", errBadJournal, line)
		}
		each(windowEntry{windowKey{contact, p}, ts})
	}
	return nil
}
