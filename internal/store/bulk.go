package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"math"
	"math/bits"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/optgate/optgate/internal/consent"
)

// Bulk writes: multi-row statements for writers that handle thousands of rows
// at once (a CSV import), where one statement per row would cost a round trip
// (PostgreSQL) or a trip through database/sql and the SQL engine (SQLite)
// each. Both dialects take multi-row VALUES, IN lists, ON CONFLICT and
// RETURNING.

// maxParams bounds the parameters of one statement: SQLite allows 32766,
// PostgreSQL 65535.
const maxParams = 30000

// maxRowsPerStatement bounds the rows of one multi-row statement: parsing a
// statement of n rows costs about as much as running it, and much smaller
// ones pay more for each run.
const maxRowsPerStatement = 256

// chunkRows is how many rows of cols parameters each go in one statement.
func chunkRows(cols int) int {
	return min(maxRowsPerStatement, maxParams/cols)
}

// chunkSize is how many of remaining rows go in the next statement of at
// most per rows: per, else the largest power of two not above remaining.
// The statements of one kind then take a few shapes, 19 rows going in as
// 16, 2 and 1, and each shape is prepared once per connection and kept
// (Tx.prepared), instead of parsed again in every group commit.
func chunkSize(remaining, per int) int {
	if remaining >= per {
		return per
	}
	return 1 << (bits.Len(uint(remaining)) - 1)
}

// sqlBuf builds a statement with many parameters. SQLite looks $N up by
// name, in a list, which makes a statement of thousands of them quadratic
// to prepare and to bind; its anonymous ? is positional. PostgreSQL only
// takes $N.
type sqlBuf struct {
	strings.Builder
	dollar bool
	n      int
}

func (t *Tx) sqlBuf(size int) *sqlBuf {
	b := &sqlBuf{dollar: t.s.dialect.name != "sqlite"}
	b.Grow(size)
	return b
}

// param appends the next parameter's placeholder.
func (b *sqlBuf) param() {
	b.n++
	if b.dollar {
		b.WriteByte('$')
		b.WriteString(strconv.Itoa(b.n))
	} else {
		b.WriteByte('?')
	}
}

// params appends n placeholders separated by commas.
func (b *sqlBuf) params(n int) {
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.param()
	}
}

// valuesList appends n groups of placeholders, "(?1, ?, ?), (?1, ?, ?)":
// each group starts with the shared parameters, numbered 1 to shared, which
// every row uses, then cols parameters of its own. A value that is the same
// in every row (the account, the time) is bound once per statement, not
// once per row: binding is a large part of a bulk write's cost.
//
// The shared parameters must be the statement's first: SQLite numbers an
// anonymous ? one past the largest number used before it, so they are
// written, numbered, before the first ? of the first row.
func (b *sqlBuf) valuesList(n, shared, cols int) {
	if b.n != 0 {
		panic("store: valuesList after other parameters")
	}
	b.n = shared
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		for k := 1; k <= shared; k++ {
			if b.dollar {
				b.WriteByte('$')
			} else {
				b.WriteByte('?')
			}
			b.WriteString(strconv.Itoa(k))
			b.WriteString(", ")
		}
		b.params(cols)
		b.WriteByte(')')
	}
}

// prepared returns the statement q in the transaction. On SQLite the store
// keeps the statement, prepared on each connection that ran it, for later
// transactions (up to maxKeptStatements of them); the transaction's cache
// holds it under its text.
func (t *Tx) prepared(ctx context.Context, q string) (*sql.Stmt, error) {
	if st, ok := t.cache[q]; ok {
		return st, nil
	}
	var st *sql.Stmt
	var err error
	if kept := t.s.keptStmt(q); kept != nil {
		st = t.tx.StmtContext(ctx, kept)
	} else {
		st, err = t.tx.PrepareContext(ctx, q)
	}
	if err != nil {
		return nil, t.s.wrap(err)
	}
	if t.cache == nil {
		t.cache = map[string]*sql.Stmt{}
	}
	t.cache[q] = st
	return st, nil
}

// chunk is how many of remaining rows go in the next statement of at most
// per rows: on SQLite, a shape it keeps (chunkSize); on PostgreSQL, where
// each statement is a round trip, as many as fit.
func (t *Tx) chunk(remaining, per int) int {
	if t.s.dialect.keepStatements {
		return chunkSize(remaining, per)
	}
	return min(remaining, per)
}

// maxKeptStatements bounds the statements the store keeps for Tx.prepared.
// The multi-row statements come in a few shapes per kind (chunkSize), far
// fewer than this; the bound only guards against a caller that would make
// a new text each time.
const maxKeptStatements = 512

// keptStatements are the multi-row statements the store keeps, and those
// that transactions asked for since the writer last prepared.
type keptStatements struct {
	mu     sync.Mutex
	m      map[string]*sql.Stmt
	wanted []string
}

// keptStmt returns the store's statement for q, or nil: when the store keeps
// none (PostgreSQL) or as many as it may, or has not prepared q yet. The
// transaction asking holds a connection, and preparing for the store takes
// another, which it must not wait for: it prepares q itself this time, and
// the writer prepares it for the store after the batch (prepareWanted).
func (s *Store) keptStmt(q string) *sql.Stmt {
	if !s.dialect.keepStatements {
		return nil
	}
	k := &s.kept
	k.mu.Lock()
	defer k.mu.Unlock()
	st, ok := k.m[q]
	if !ok && len(k.m)+len(k.wanted) < maxKeptStatements && !slices.Contains(k.wanted, q) {
		k.wanted = append(k.wanted, q)
	}
	return st
}

// prepareWanted prepares, for the store, the statements that transactions
// asked for. The writer runs it between batches, holding no connection. A
// statement that fails to prepare is left out: transactions prepare it
// themselves, and report what is wrong with it.
func (s *Store) prepareWanted() {
	if !s.dialect.keepStatements {
		return
	}
	k := &s.kept
	k.mu.Lock()
	wanted := k.wanted
	k.wanted = nil
	k.mu.Unlock()
	for _, q := range wanted {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		st, err := s.db.PrepareContext(ctx, q)
		cancel()
		if err != nil {
			s.log.Debug("keep statement", "err", err)
			continue
		}
		k.mu.Lock()
		if k.m == nil {
			k.m = map[string]*sql.Stmt{}
		}
		k.m[q] = st
		k.mu.Unlock()
	}
}

// closeKept closes the statements the store keeps.
func (s *Store) closeKept() {
	s.kept.mu.Lock()
	defer s.kept.mu.Unlock()
	for _, st := range s.kept.m {
		st.Close()
	}
	s.kept.m = nil
}

// execValues runs "head VALUES (...), (...) tail" over rows of cols
// parameters each, args holding them row after row, in as few statements as
// the parameter limit allows. Every row also takes the shared values, bound
// once per statement: head names their columns first.
func (t *Tx) execValues(ctx context.Context, what, head, tail string, shared []any, cols int, args []any) error {
	per := chunkRows(cols)
	var stmtArgs []any
	for len(args) > 0 {
		n := t.chunk(len(args)/cols, per)
		b := t.sqlBuf(len(head) + len(tail) + n*(cols+len(shared))*6)
		b.WriteString(head)
		b.WriteString(" VALUES ")
		b.valuesList(n, len(shared), cols)
		b.WriteByte(' ')
		b.WriteString(tail)
		st, err := t.prepared(ctx, b.String())
		if err == nil {
			stmtArgs = append(append(stmtArgs[:0], shared...), args[:n*cols]...)
			_, err = st.ExecContext(ctx, stmtArgs...)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", what, t.s.wrap(err))
		}
		args = args[n*cols:]
	}
	return nil
}

// insertEvents writes evs (their seqs and hashes computed) with multi-row
// INSERTs. Their IDs are left unset: nothing that appends in bulk needs them.
func (t *Tx) insertEvents(ctx context.Context, evs []consent.Event, evidence []string) error {
	// The events of one append share their account and their recording
	// time, and usually their actor (an import's, a webhook's).
	const cols = 10
	shared := []any{evs[0].AccountID, ms(evs[0].RecordedAt), evs[0].Actor}
	for i := range evs {
		if ev := &evs[i]; ev.AccountID != evs[0].AccountID || !ev.RecordedAt.Equal(evs[0].RecordedAt) {
			return consent.Errorf(consent.EInternal, "insert events: events of different accounts or times in one append")
		}
		if evs[i].Actor != evs[0].Actor {
			shared = shared[:2]
		}
	}
	if len(shared) == 2 {
		args := make([]any, 0, len(evs)*(cols+1))
		for i := range evs {
			ev := &evs[i]
			args = append(args, ev.Actor, ev.Seq, ev.ContactID, string(ev.Action), string(ev.Scope), ev.Source,
				evidence[i], ev.Reason, ms(ev.OccurredAt), ev.PrevHash, ev.Hash)
		}
		return t.execValues(ctx, "insert events", `INSERT INTO consent_events (account_id, recorded_at, actor, seq, contact_id, action, scope,
			source, evidence, reason, occurred_at, prev_hash, hash)`, "", shared, cols+1, args)
	}
	args := make([]any, 0, len(evs)*cols)
	for i := range evs {
		ev := &evs[i]
		args = append(args, ev.Seq, ev.ContactID, string(ev.Action), string(ev.Scope), ev.Source,
			evidence[i], ev.Reason, ms(ev.OccurredAt), ev.PrevHash, ev.Hash)
	}
	return t.execValues(ctx, "insert events", `INSERT INTO consent_events (account_id, recorded_at, actor, seq, contact_id, action, scope,
		source, evidence, reason, occurred_at, prev_hash, hash)`, "", shared, cols, args)
}

// upsertScopes moves the derived state (consent_state) of each contact and
// scope that evs touch to the event in force among them and the state, as
// AppendEvent does one event at a time (consent.ScopeState.Supersedes). A
// statement may not update a row twice, so each contact and scope goes in
// once: the event of evs that supersedes the others.
func (t *Tx) upsertScopes(ctx context.Context, evs []consent.Event) error {
	type cs struct {
		contact int64
		scope   consent.Scope
	}
	last := make(map[cs]int, len(evs))
	for i := range evs {
		k := cs{evs[i].ContactID, consent.StateScope(evs[i].Scope, evs[i].Action, evs[i].Source)}
		if j, ok := last[k]; !ok || scopeState(&evs[i]).Supersedes(scopeState(&evs[j])) {
			last[k] = i
		}
	}
	const cols = 6
	args := make([]any, 0, len(last)*cols)
	for i := range evs {
		ev := &evs[i]
		key := consent.StateScope(ev.Scope, ev.Action, ev.Source)
		if last[cs{ev.ContactID, key}] != i {
			continue
		}
		args = append(args, ev.ContactID, string(key), string(ev.Action), ev.Seq, ev.Source, ms(ev.OccurredAt))
	}
	return t.execValues(ctx, "upsert state", `INSERT INTO consent_state (contact_id, scope, action, seq, source, occurred_at)`,
		scopeSupersedes, nil, cols, args)
}

func scopeState(ev *consent.Event) consent.ScopeState {
	return consent.ScopeState{Scope: consent.StateScope(ev.Scope, ev.Action, ev.Source), Action: ev.Action, Seq: ev.Seq, Source: ev.Source, OccurredAt: ev.OccurredAt}
}

// ImportRow is one checked row of a consent import, ready for the ledger.
type ImportRow struct {
	Key        string // the row's idempotency key: the same content is the same row
	WAID       string
	UserID     string
	Action     consent.Action
	Scope      consent.Scope
	Source     string
	Evidence   string // a JSON object, exactly as consent.Event.EvidenceJSON writes it
	Reason     string
	OccurredAt time.Time
}

// ImportCounts counts what ImportBatch did with a batch.
type ImportCounts struct {
	Imported   int // events appended to the ledger
	Duplicates int // rows imported before, or twice in the batch
	Skipped    int // opt-ins that skip turned down
}

// ImportSkip reports whether an opt-in row must not be appended, given the
// contact's consent per scope at that point of the import (what is on record
// and the batch's earlier rows).
type ImportSkip func(scopes []consent.ScopeState, r *ImportRow) bool

// ImportBatch appends a batch of import rows to the account's ledger in one
// transaction, with a fixed number of statements whatever the batch size: the
// ledger lock first (so that two imports, or an import and the webhooks, see
// each other's rows), a multi-row insert of the rows' keys that returns the
// new ones, one multi-row lookup each of their contacts and of those
// contacts' consent, and multi-row inserts of the new contacts, the events
// (the chain computed in memory from one read of the head) and the derived
// state.
//
// A row whose key was imported before is counted a duplicate and skipped; an
// opt-in that skip turns down keeps its key (it is taken) and is not appended.
// Contacts are found as FindContact finds them (a wa_id under either Brazilian
// variant, else the user id) and created when missing. Each event gets actor.
func (s *Store) ImportBatch(ctx context.Context, accountID, actor string, rows []ImportRow, skip ImportSkip) (ImportCounts, error) {
	var counts ImportCounts
	err := s.Write(ctx, func(ctx context.Context, tx *Tx) error {
		var err error
		counts, err = tx.importBatch(ctx, accountID, actor, rows, skip)
		return err
	})
	return counts, err
}

func (t *Tx) importBatch(ctx context.Context, accountID, actor string, rows []ImportRow, skip ImportSkip) (ImportCounts, error) {
	var counts ImportCounts
	if len(rows) == 0 {
		return counts, nil
	}
	if _, _, err := t.lockHead(ctx, accountID); err != nil {
		return counts, err
	}

	// The rows not imported before, nor earlier in the batch: their keys
	// are claimed (inserted) first, and the keys the insert returns are the
	// new ones; a key twice in the batch goes in once, for its first row.
	stored := make([]string, len(rows))
	for i := range rows {
		stored[i] = storedKey(&rows[i])
	}
	fresh, err := t.claimImportKeys(ctx, accountID, stored)
	if err != nil {
		return counts, err
	}
	live := make([]int, 0, len(rows))
	for i := range rows {
		if !fresh[stored[i]] {
			counts.Duplicates++
			continue
		}
		fresh[stored[i]] = false // a later row with the same key is a duplicate
		live = append(live, i)
	}
	if len(live) == 0 {
		return counts, nil
	}

	// Their contacts: found, or created.
	contactOf, created, twins, err := t.importContacts(ctx, accountID, rows, live)
	if err != nil {
		return counts, err
	}

	// The consent on record of the contacts that opt in, for skip, with
	// that of the other form of their number, merged as a send decision
	// merges them.
	var ask []int64
	asked := map[int64]bool{}
	if skip != nil {
		for _, i := range live {
			if c := contactOf[i]; rows[i].Action == consent.OptIn && !created[c] && !asked[c] {
				asked[c] = true
				ask = append(ask, c)
			}
		}
		if err := t.numberTwins(ctx, accountID, ask, twins); err != nil {
			return counts, err
		}
		for _, c := range ask[:len(ask):len(ask)] {
			for _, tw := range twins.of(c) {
				if !asked[tw] {
					asked[tw] = true
					ask = append(ask, tw)
				}
			}
		}
	}
	scopes, err := t.scopesOfMany(ctx, ask)
	if err != nil {
		return counts, err
	}
	own := make(map[int64][]consent.ScopeState, len(scopes))
	maps.Copy(own, scopes)
	for c, tws := range twins {
		if asked[c] {
			for _, tw := range tws {
				scopes[c] = mergeScopes(scopes[c], own[tw])
			}
		}
	}

	// The events, in file order; the batch's own events count for later rows.
	evs := make([]consent.Event, 0, len(live))
	evidence := make([]string, 0, len(live))
	eventOf := make([]int, len(live)) // index in evs, or -1
	for n, i := range live {
		r := &rows[i]
		c := contactOf[i]
		if skip != nil && r.Action == consent.OptIn && skip(scopes[c], r) {
			counts.Skipped++
			eventOf[n] = -1
			continue
		}
		eventOf[n] = len(evs)
		evs = append(evs, consent.Event{AccountID: accountID, ContactID: c, Action: r.Action, Scope: r.Scope, Source: r.Source,
			Reason: r.Reason, Actor: actor, OccurredAt: r.OccurredAt})
		evidence = append(evidence, r.Evidence)
		if skip != nil {
			// The row's seq is not known yet, only that it comes after
			// every event on record, in file order.
			sc := consent.ScopeState{Scope: consent.StateScope(r.Scope, r.Action, r.Source), Action: r.Action, Source: r.Source, OccurredAt: r.OccurredAt, Seq: math.MaxInt64/2 + int64(n)}
			scopes[c] = setScope(scopes[c], sc)
			for _, tw := range twins.of(c) {
				scopes[tw] = setScope(scopes[tw], sc)
			}
		}
	}
	if err := t.AppendEvents(ctx, evs, evidence); err != nil {
		return counts, err
	}
	counts.Imported = len(evs)
	return counts, nil
}

// storedKey is the form in which import_keys keeps a row's key: the row's
// time, as 16 hex digits, then its content hash. The hash alone is random,
// so each batch would write to pages all over the key index, and the
// transaction would rewrite most of that index as it grows (at a million
// rows, 18 MB per batch of 5,000); with the time first, the rows of a file in
// time order, as exports are, land on a few pages at its end. The time is
// part of the hashed content, so the same row still has the same key.
func storedKey(r *ImportRow) string {
	var b [16 + 64]byte
	v := uint64(r.OccurredAt.UnixMilli()) ^ 1<<63 // earlier times sort first, negative ones too
	const hexDigits = "0123456789abcdef"
	for i := 15; i >= 0; i-- {
		b[i] = hexDigits[v&15]
		v >>= 4
	}
	return string(append(b[:16], r.Key...))
}

// twinSet holds, for a contact, the other records of the same person that
// a send decision (or a merge to come) reads with it.
type twinSet map[int64][]int64

// add records that existing contacts a and b (ids above 0) are one person.
func (s twinSet) add(a, b int64) {
	if a <= 0 || b <= 0 || a == b || slices.Contains(s[a], b) {
		return
	}
	s[a] = append(s[a], b)
	s[b] = append(s[b], a)
}

func (s twinSet) of(c int64) []int64 { return s[c] }

// numberTwins adds to twins, for each contact, the record of the other form
// of its own number (WAIDVariants), which rows keyed by user id alone do not
// name: two statements whatever the number of contacts.
func (t *Tx) numberTwins(ctx context.Context, accountID string, contacts []int64, twins twinSet) error {
	if len(contacts) == 0 {
		return nil
	}
	ids := make([]string, len(contacts))
	for i, c := range contacts {
		ids[i] = strconv.FormatInt(c, 10)
	}
	numberOf := map[int64]string{}
	per := maxRowsPerStatement * 4
	for start := 0; start < len(ids); start += per {
		// Integers this function formatted, as in scopesOfMany.
		rows, err := t.tx.QueryContext(ctx, "SELECT id, wa_id FROM contacts WHERE wa_id IS NOT NULL AND id IN ("+
			strings.Join(ids[start:min(start+per, len(ids))], ", ")+")")
		if err != nil {
			return fmt.Errorf("numbers of contacts: %w", t.s.wrap(err))
		}
		for rows.Next() {
			var id int64
			var wa string
			if err := rows.Scan(&id, &wa); err != nil {
				rows.Close()
				return fmt.Errorf("numbers of contacts: %w", t.s.wrap(err))
			}
			numberOf[id] = wa
		}
		if err := errors.Join(rows.Close(), rows.Err()); err != nil {
			return fmt.Errorf("numbers of contacts: %w", t.s.wrap(err))
		}
	}
	var others []string
	for _, wa := range numberOf {
		if v := consent.WAIDVariants(wa); len(v) > 1 {
			others = append(others, v[1])
		}
	}
	if len(others) == 0 {
		return nil
	}
	slices.Sort(others)
	byWA := map[string]int64{}
	err := t.selectIn(ctx, "find contacts", "SELECT id, wa_id FROM contacts WHERE account_id = ? AND wa_id IN", accountID, others,
		func(scan func(...any) error) error {
			var id int64
			var wa string
			if err := scan(&id, &wa); err != nil {
				return err
			}
			byWA[wa] = id
			return nil
		})
	if err != nil {
		return err
	}
	for id, wa := range numberOf {
		if v := consent.WAIDVariants(wa); len(v) > 1 {
			twins.add(id, byWA[v[1]])
		}
	}
	return nil
}

// mergeScopes returns a's scopes with those of b that supersede them (or are
// missing from a): two records of one person, as addDecisionRow merges them.
// a is not modified.
func mergeScopes(a, b []consent.ScopeState) []consent.ScopeState {
	out := slices.Clone(a)
next:
	for _, sc := range b {
		for i := range out {
			if out[i].Scope == sc.Scope {
				if sc.Supersedes(out[i]) {
					out[i] = sc
				}
				continue next
			}
		}
		out = append(out, sc)
	}
	return out
}

// setScope returns scopes with sc in place of the state of its scope, if sc
// supersedes it (consent.ScopeState.Supersedes).
func setScope(scopes []consent.ScopeState, sc consent.ScopeState) []consent.ScopeState {
	for i := range scopes {
		if scopes[i].Scope == sc.Scope {
			if sc.Supersedes(scopes[i]) {
				scopes[i] = sc
			}
			return scopes
		}
	}
	return append(scopes, sc)
}

// claimImportKeys records keys as imported for the account and returns
// those that were not before (true): one multi-row look-up finds the keys
// already there, one multi-row insert adds the others. The caller holds the
// account's ledger lock, so no other transaction claims a key in between;
// an insert that collides all the same (a key claimed by a writer that did
// not hold the lock) fails the transaction, which runs again.
//
// An INSERT ... ON CONFLICT DO NOTHING RETURNING would do both in one
// statement, but SQLite keeps every row a RETURNING clause returns in a
// table of its own before the first comes back: for a new file, that is
// every key.
func (t *Tx) claimImportKeys(ctx context.Context, accountID string, keys []string) (map[string]bool, error) {
	taken := map[string]bool{}
	err := t.selectIn(ctx, "import keys", "SELECT row_key FROM import_keys WHERE account_id = ? AND row_key IN", accountID, keys,
		func(scan func(...any) error) error {
			var k string
			if err := scan(&k); err != nil {
				return err
			}
			taken[k] = true
			return nil
		})
	if err != nil {
		return nil, err
	}
	fresh := make(map[string]bool, len(keys))
	args := make([]any, 0, len(keys))
	for _, k := range keys {
		if !taken[k] && !fresh[k] {
			fresh[k] = true
			args = append(args, k)
		}
	}
	err = t.execValues(ctx, "import keys", "INSERT INTO import_keys (account_id, row_key)", "", []any{accountID}, 1, args)
	return fresh, lostRaceIfConflict(err, "import keys were claimed concurrently")
}

// lostRaceIfConflict marks a unique violation of a bulk insert (err, as the
// store wraps it) as a lost race, so that Write runs the transaction again;
// other errors come back as they are.
func lostRaceIfConflict(err error, message string) error {
	if ce := (*consent.Error)(nil); errors.As(err, &ce) && ce.Code == consent.EConflict {
		return &consent.Error{Code: consent.EConflict, Message: message, Err: errors.Join(errLostRace, err)}
	}
	return err
}

// queryEach prepares q in the transaction, runs it with args and calls each
// for every row it returns; errors name what.
func (t *Tx) queryEach(ctx context.Context, what, q string, args []any, each func(scan func(...any) error) error) error {
	st, err := t.prepared(ctx, q)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	rows, err := st.QueryContext(ctx, args...)
	if err != nil {
		return fmt.Errorf("%s: %w", what, t.s.wrap(err))
	}
	for rows.Next() {
		if err := each(rows.Scan); err != nil {
			rows.Close()
			return fmt.Errorf("%s: %w", what, t.s.wrap(err))
		}
	}
	if err := rows.Close(); err != nil {
		return fmt.Errorf("%s: %w", what, t.s.wrap(err))
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("%s: %w", what, t.s.wrap(err))
	}
	return nil
}

// selectIn runs query, which ends "... = ? AND x IN", with first as its
// parameter and the IN list filled from list, in chunks, calling each for
// every row.
func (t *Tx) selectIn(ctx context.Context, what, query string, first any, list []string, each func(scan func(...any) error) error) error {
	for start, n := 0, 0; start < len(list); start += n {
		n = t.chunk(len(list)-start, maxRowsPerStatement*4)
		chunk := list[start : start+n]
		b := t.sqlBuf(len(query) + 6*len(chunk))
		q, rest, _ := strings.Cut(query, "?")
		b.WriteString(q)
		b.param()
		b.WriteString(rest)
		b.WriteString(" (")
		b.params(len(chunk))
		b.WriteByte(')')
		args := make([]any, 0, len(chunk)+1)
		args = append(args, first)
		for _, v := range chunk {
			args = append(args, v)
		}
		if err := t.queryEach(ctx, what, b.String(), args, each); err != nil {
			return err
		}
	}
	return nil
}

// importContacts finds the contact of each live row as FindContact would (the
// wa_id, else its other Brazilian variant, else the user id), creating those
// that do not exist yet, once each, with multi-row statements. created holds
// the contacts it created.
//
// twins holds, for a contact found under one form of a number, the record of
// the number's other form when there is one (WAIDVariants): a send decision
// reads both as one person, and so must the import's check of a newer
// opt-out.
func (t *Tx) importContacts(ctx context.Context, accountID string, rows []ImportRow, live []int) (contactOf map[int]int64, created map[int64]bool, twins twinSet, err error) {
	var waIDs, userIDs []string
	seenWA, seenUser := map[string]bool{}, map[string]bool{}
	for _, i := range live {
		r := &rows[i]
		if r.WAID != "" {
			for _, v := range consent.WAIDVariants(r.WAID) {
				if !seenWA[v] {
					seenWA[v] = true
					waIDs = append(waIDs, v)
				}
			}
		}
		if r.UserID != "" && !seenUser[r.UserID] {
			seenUser[r.UserID] = true
			userIDs = append(userIDs, r.UserID)
		}
	}
	byWA := make(map[string]int64, len(waIDs))
	byUser := make(map[string]int64, len(userIDs))
	collect := func(m map[string]int64) func(scan func(...any) error) error {
		return func(scan func(...any) error) error {
			var id int64
			var k string
			if err := scan(&id, &k); err != nil {
				return err
			}
			m[k] = id
			return nil
		}
	}
	if err := t.selectIn(ctx, "find contacts", "SELECT id, wa_id FROM contacts WHERE account_id = ? AND wa_id IN", accountID, waIDs, collect(byWA)); err != nil {
		return nil, nil, nil, err
	}
	if err := t.selectIn(ctx, "find contacts", "SELECT id, user_id FROM contacts WHERE account_id = ? AND user_id IN", accountID, userIDs, collect(byUser)); err != nil {
		return nil, nil, nil, err
	}

	twins = twinSet{}
	for _, i := range live {
		if r := &rows[i]; r.WAID != "" {
			v := consent.WAIDVariants(r.WAID)
			a, b := byWA[v[0]], byWA[v[len(v)-1]]
			twins.add(a, b)
			// A row that names a number and a user id held by another
			// record (one without the number, whose person hid it): one
			// person, as the next message naming both will make them.
			if u := byUser[r.UserID]; r.UserID != "" {
				twins.add(cmp.Or(a, b), u)
			}
		}
	}

	// New contacts get a placeholder id (-1, -2, ...) until inserted, so that
	// later rows of the same person find them.
	var fresh []newContact
	contactOf = make(map[int]int64, len(live))
	for _, i := range live {
		r := &rows[i]
		id, ok := int64(0), false
		if r.WAID != "" {
			if id, ok = byWA[r.WAID]; !ok {
				v := consent.WAIDVariants(r.WAID)
				id, ok = byWA[v[len(v)-1]]
			}
		}
		if !ok && r.UserID != "" {
			id, ok = byUser[r.UserID]
		}
		if !ok {
			fresh = append(fresh, newContact{waID: r.WAID, userID: r.UserID})
			id = -int64(len(fresh))
			if r.WAID != "" {
				byWA[r.WAID] = id
			}
			if r.UserID != "" {
				byUser[r.UserID] = id
			}
		}
		contactOf[i] = id
	}
	created = make(map[int64]bool, len(fresh))
	if len(fresh) == 0 {
		return contactOf, created, twins, nil
	}

	real := make([]int64, len(fresh))
	if t.s.dialect.assignIDs {
		err = t.insertContactsNumbered(ctx, accountID, fresh, real)
	} else {
		err = t.insertContactsReturning(ctx, accountID, fresh, real, byWA, byUser)
	}
	if err != nil {
		return nil, nil, nil, err
	}
	for n, id := range real {
		if id == 0 {
			// Another instance created this person since we looked: Write
			// runs the batch again, and then it finds them.
			return nil, nil, nil, &consent.Error{Code: consent.EConflict, Message: "contact was created concurrently",
				Err: errors.Join(errLostRace, fmt.Errorf("contact %q/%q", fresh[n].waID, fresh[n].userID))}
		}
		created[id] = true
	}
	for i, id := range contactOf {
		if id < 0 {
			contactOf[i] = real[-id-1]
		}
	}
	return contactOf, created, twins, nil
}

// newContact is a contact a bulk writer creates: its number and its user
// id, either of which may be empty, and what it knows of the person.
type newContact struct{ waID, userID, name, language string }

// insertContactsReturning inserts contacts with multi-row INSERT ...
// RETURNING statements and puts the id of each in ids. One that another
// transaction created first is skipped and keeps id 0.
func (t *Tx) insertContactsReturning(ctx context.Context, accountID string, fresh []newContact, ids []int64, byWA, byUser map[string]int64) error {
	const cols = 2
	per := chunkRows(cols)
	now := ms(t.s.now())
	for start, n := 0, 0; start < len(fresh); start += n {
		n = t.chunk(len(fresh)-start, per)
		chunk := fresh[start : start+n]
		b := t.sqlBuf(len(chunk) * 24)
		// New contacts have no name nor language yet (the columns'
		// defaults) and share their account and creation time.
		b.WriteString("INSERT INTO contacts (account_id, created_at, updated_at, wa_id, user_id) VALUES ")
		b.valuesList(len(chunk), 3, cols)
		args := make([]any, 0, 3+cols*len(chunk))
		args = append(args, accountID, now, now)
		for _, c := range chunk {
			args = append(args, nullable(c.waID), nullable(c.userID))
		}
		b.WriteString(" ON CONFLICT DO NOTHING RETURNING id, COALESCE(wa_id, ''), COALESCE(user_id, '')")
		err := t.queryEach(ctx, "insert contacts", b.String(), args, func(scan func(...any) error) error {
			var id int64
			var wa, user string
			if err := scan(&id, &wa, &user); err != nil {
				return err
			}
			ph, ok := byWA[wa]
			if wa == "" {
				ph, ok = byUser[user]
			}
			if ok && ph < 0 {
				ids[-ph-1] = id
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// insertContactsNumbered inserts contacts with the ids that follow the
// largest in the table, which it puts in ids, with multi-row INSERTs. Only
// a writer that holds the whole database may number rows itself (SQLite's);
// RETURNING would cost SQLite a temporary table of every row inserted. A
// collision (which that writer rules out) fails the transaction, which runs
// again.
func (t *Tx) insertContactsNumbered(ctx context.Context, accountID string, fresh []newContact, ids []int64) error {
	var last int64
	if err := t.tx.QueryRowContext(ctx, "SELECT COALESCE(MAX(id), 0) FROM contacts").Scan(&last); err != nil {
		return fmt.Errorf("insert contacts: %w", t.s.wrap(err))
	}
	now := ms(t.s.now())
	const cols = 5
	args := make([]any, 0, cols*len(fresh))
	for n, c := range fresh {
		ids[n] = last + 1 + int64(n)
		args = append(args, ids[n], nullable(c.waID), nullable(c.userID), c.name, c.language)
	}
	err := t.execValues(ctx, "insert contacts", "INSERT INTO contacts (account_id, created_at, updated_at, id, wa_id, user_id, name, language)", "",
		[]any{accountID, now, now}, cols, args)
	return lostRaceIfConflict(err, "contact was created concurrently")
}

// scopesOfMany returns the consent on record (consent_state) of contacts.
func (t *Tx) scopesOfMany(ctx context.Context, contacts []int64) (map[int64][]consent.ScopeState, error) {
	out := make(map[int64][]consent.ScopeState, len(contacts))
	ids := make([]string, len(contacts))
	for i, c := range contacts {
		ids[i] = strconv.FormatInt(c, 10)
	}
	// The ids are integers this function formatted: they go in the SQL as
	// they are, which spares a parameter each and the text-to-integer casts.
	per := maxRowsPerStatement * 4
	for start := 0; start < len(ids); start += per {
		chunk := ids[start:min(start+per, len(ids))]
		rows, err := t.tx.QueryContext(ctx, "SELECT contact_id, scope, action, seq, source, occurred_at FROM consent_state WHERE contact_id IN ("+
			strings.Join(chunk, ", ")+")")
		if err != nil {
			return nil, fmt.Errorf("consent of contacts: %w", t.s.wrap(err))
		}
		for rows.Next() {
			var c, at int64
			var sc consent.ScopeState
			if err := rows.Scan(&c, &sc.Scope, &sc.Action, &sc.Seq, &sc.Source, &at); err != nil {
				rows.Close()
				return nil, fmt.Errorf("consent of contacts: %w", t.s.wrap(err))
			}
			sc.OccurredAt = fromMS(at)
			out[c] = append(out[c], sc)
		}
		if err := rows.Close(); err != nil {
			return nil, fmt.Errorf("consent of contacts: %w", t.s.wrap(err))
		}
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("consent of contacts: %w", t.s.wrap(err))
		}
	}
	return out, nil
}
