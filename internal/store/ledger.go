package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/optgate/optgate/internal/consent"
)

// EnsureAccounts creates the ledger head of each account, so that appending
// always locks an existing row.
func (s *Store) EnsureAccounts(ctx context.Context, ids []string) error {
	return s.Write(ctx, func(ctx context.Context, tx *Tx) error {
		for _, id := range ids {
			if _, err := tx.exec(ctx, "ensureHead", id, consent.GenesisHash); err != nil {
				return err
			}
		}
		return nil
	})
}

// AppendEvent adds ev to its account's hash chain and updates the contact's
// derived consent state. It fills in ev's ID, Seq, hashes and RecordedAt.
func (t *Tx) AppendEvent(ctx context.Context, ev *consent.Event) error {
	evidence, err := ev.EvidenceJSON()
	if err != nil {
		return err
	}
	if l := t.s.dialect.lockLedger; l != "" {
		if _, err := t.tx.ExecContext(ctx, l); err != nil {
			return fmt.Errorf("ledger lock: %w", t.s.wrap(err))
		}
	}
	var seq int64
	var prev string
	if err := t.queryRow(ctx, "head", ev.AccountID).Scan(&seq, &prev); err != nil {
		if err == sql.ErrNoRows {
			return consent.Errorf(consent.EInternal, "account %s has no ledger head", ev.AccountID)
		}
		return fmt.Errorf("ledger head: %w", t.s.wrap(err))
	}
	// A record merged into another since the caller found it (by another
	// instance, which held this lock) has no keys left and no decision reads
	// it: the event goes to the record it was merged into. A record that
	// lost its keys to a number change is a previous owner's: the caller
	// found it by a number it no longer holds, and must look again; unless
	// it reached the record by the number's past (ContactAt), to which it
	// belongs.
	var released bool
	if err := t.queryRow(ctx, "liveContact", ev.ContactID).Scan(&ev.ContactID, &released); err != nil && err != sql.ErrNoRows {
		return fmt.Errorf("contact of event: %w", t.s.wrap(err))
	}
	if released && !t.movers[ev.ContactID] {
		return &consent.Error{Code: consent.EConflict, Message: "contact lost its number concurrently",
			Err: errors.Join(errLostRace, fmt.Errorf("contact %d", ev.ContactID))}
	}
	ev.Seq = seq + 1
	ev.PrevHash = prev
	ev.RecordedAt = t.s.now().UTC().Truncate(time.Millisecond) // as stored: the caller shows what a read gives
	if ev.OccurredAt.IsZero() {
		ev.OccurredAt = ev.RecordedAt
	}
	ev.OccurredAt = ev.OccurredAt.Truncate(time.Millisecond)
	ev.Hash = ev.ComputeHash(evidence)
	if err := t.queryRow(ctx, "insertEvent", ev.AccountID, ev.Seq, ev.ContactID, string(ev.Action), string(ev.Scope),
		ev.Source, evidence, ev.Reason, ev.Actor, ms(ev.OccurredAt), ms(ev.RecordedAt), ev.PrevHash, ev.Hash).Scan(&ev.ID); err != nil {
		return fmt.Errorf("insert event: %w", t.s.wrap(err))
	}
	if _, err := t.exec(ctx, "setHead", ev.AccountID, ev.Seq, ev.Hash); err != nil {
		return err
	}
	_, err = t.exec(ctx, "upsertScope", ev.ContactID, string(consent.StateScope(ev.Scope, ev.Action, ev.Source)), string(ev.Action), ev.Seq, ev.Source, ms(ev.OccurredAt))
	return err
}

// LockLedger takes the account's ledger lock now, as AppendEvent would: a
// caller that reads consent state to decide what to append calls it first,
// so that what another instance appends meanwhile is committed, and seen,
// before the read. The lock is held until the transaction ends.
func (t *Tx) LockLedger(ctx context.Context, accountID string) error {
	_, _, err := t.lockHead(ctx, accountID)
	return err
}

// lockHead takes the account's ledger lock, as AppendEvent does, and returns
// its head: the seq and hash of its last event. The lock is held until the
// transaction ends.
func (t *Tx) lockHead(ctx context.Context, accountID string) (int64, string, error) {
	if l := t.s.dialect.lockLedger; l != "" {
		if _, err := t.tx.ExecContext(ctx, l); err != nil {
			return 0, "", fmt.Errorf("ledger lock: %w", t.s.wrap(err))
		}
	}
	var seq int64
	var prev string
	if err := t.queryRow(ctx, "head", accountID).Scan(&seq, &prev); err != nil {
		if err == sql.ErrNoRows {
			return 0, "", consent.Errorf(consent.EInternal, "account %s has no ledger head", accountID)
		}
		return 0, "", fmt.Errorf("ledger head: %w", t.s.wrap(err))
	}
	return seq, prev, nil
}

// AppendEvents is AppendEvent for many events of one account, in order: the
// head is read once, the chain computed here, and events and derived state
// written with multi-row statements (bulk.go). evidence[i], when evidence is
// not nil, is evs[i]'s evidence as EvidenceJSON gives it, so that callers
// holding it already do not marshal it again. It fills in each event's Seq,
// hashes and RecordedAt (not its ID).
func (t *Tx) AppendEvents(ctx context.Context, evs []consent.Event, evidence []string) error {
	if len(evs) == 0 {
		return nil
	}
	if evidence != nil && len(evidence) != len(evs) {
		return consent.Errorf(consent.EInternal, "AppendEvents: %d events, %d evidences", len(evs), len(evidence))
	}
	accountID := evs[0].AccountID
	seq, prev, err := t.lockHead(ctx, accountID)
	if err != nil {
		return err
	}
	if evidence == nil {
		evidence = make([]string, len(evs))
		for i := range evs {
			if evidence[i], err = evs[i].EvidenceJSON(); err != nil {
				return err
			}
		}
	}
	now := t.s.now().UTC()
	for i := range evs {
		ev := &evs[i]
		if ev.AccountID != accountID {
			return consent.Errorf(consent.EInternal, "AppendEvents: events of accounts %s and %s", accountID, ev.AccountID)
		}
		seq++
		ev.Seq, ev.PrevHash, ev.RecordedAt = seq, prev, now
		if ev.OccurredAt.IsZero() {
			ev.OccurredAt = now
		}
		ev.Hash = ev.ComputeHash(evidence[i])
		prev = ev.Hash
	}
	if err := t.insertEvents(ctx, evs, evidence); err != nil {
		return err
	}
	if _, err := t.exec(ctx, "setHead", accountID, seq, prev); err != nil {
		return err
	}
	return t.upsertScopes(ctx, evs)
}

// State returns the contact's consent per scope and its service window on
// one business phone number.
func (s *Store) State(ctx context.Context, contactID int64, phoneNumberID string) (consent.State, error) {
	_, st, err := s.withWindows(phoneNumberID, func(seen func(int64)) (int64, consent.State, error) {
		seen(contactID)
		st, err := state(ctx, s, contactID, phoneNumberID)
		return contactID, st, err
	})
	return st, err
}

// State is State inside a write transaction.
func (t *Tx) State(ctx context.Context, contactID int64, phoneNumberID string) (consent.State, error) {
	st, err := state(ctx, t, contactID, phoneNumberID)
	if err == nil {
		t.applyWindows(&st, []int64{contactID}, phoneNumberID)
	}
	return st, err
}

func state(ctx context.Context, q querier, contactID int64, phoneNumberID string) (consent.State, error) {
	st := consent.State{Known: true}
	rows, err := q.stmt(ctx, "scopesOf").QueryContext(ctx, contactID)
	if err != nil {
		return st, unavailable(err)
	}
	defer rows.Close()
	for rows.Next() {
		var sc consent.ScopeState
		var at int64
		if err := rows.Scan(&sc.Scope, &sc.Action, &sc.Seq, &sc.Source, &at); err != nil {
			return st, unavailable(err)
		}
		sc.OccurredAt = fromMS(at)
		st.Scopes = append(st.Scopes, sc)
	}
	if err := rows.Err(); err != nil {
		return st, unavailable(err)
	}
	var last, closed int64
	err = q.stmt(ctx, "windowOf").QueryRowContext(ctx, contactID, phoneNumberID).Scan(&last, &closed)
	if err != nil && err != sql.ErrNoRows {
		return st, unavailable(err)
	}
	st.LastInbound, st.WindowClosedAt = fromMS(last), fromMS(closed)
	var held int64
	var reason string
	err = q.stmt(ctx, "holdOf").QueryRowContext(ctx, contactID).Scan(&held, &reason)
	if err != nil && err != sql.ErrNoRows {
		return st, unavailable(err)
	}
	st.MarketingHold = fromMS(held)
	return st, nil
}

// History returns the contact's consent events, oldest first.
func (s *Store) History(ctx context.Context, contactID int64) ([]consent.Event, error) {
	rows, err := s.stmts["eventsOf"].QueryContext(ctx, contactID)
	if err != nil {
		return nil, unavailable(err)
	}
	return scanEvents(rows)
}

func scanEvents(rows *sql.Rows) ([]consent.Event, error) {
	defer rows.Close()
	var out []consent.Event
	for rows.Next() {
		var e consent.Event
		var evidence string
		var occurred, recorded int64
		if err := rows.Scan(&e.ID, &e.AccountID, &e.Seq, &e.ContactID, &e.Action, &e.Scope, &e.Source, &evidence,
			&e.Reason, &e.Actor, &occurred, &recorded, &e.PrevHash, &e.Hash); err != nil {
			return nil, unavailable(err)
		}
		if err := json.Unmarshal([]byte(evidence), &e.Evidence); err != nil {
			return nil, consent.Errorf(consent.EInternal, "event %d: stored evidence is not JSON", e.ID)
		}
		e.OccurredAt, e.RecordedAt = fromMS(occurred), fromMS(recorded)
		out = append(out, e)
	}
	return out, unavailable(rows.Err())
}

// LedgerReport is the result of verifying an account's chain.
type LedgerReport struct {
	Events   int64
	HeadHash string
}

// LedgerAccounts returns the accounts that have a ledger, sorted.
func (s *Store) LedgerAccounts(ctx context.Context) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT account_id FROM ledger_heads ORDER BY account_id")
	if err != nil {
		return nil, unavailable(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, unavailable(err)
		}
		out = append(out, id)
	}
	if err := rows.Err(); err != nil {
		return nil, unavailable(err)
	}
	return out, nil
}

// VerifyLedger recomputes every hash of the account's chain, in order, and
// checks it against the stored hashes and the head. It stops at the first
// broken link and says which.
func (s *Store) VerifyLedger(ctx context.Context, accountID string) (LedgerReport, error) {
	var rep LedgerReport
	prev := consent.GenesisHash
	var seq int64
	for {
		rows, err := s.stmts["eventsFrom"].QueryContext(ctx, accountID, seq, 1000)
		if err != nil {
			return rep, unavailable(err)
		}
		evs, err := scanEvents(rows)
		if err != nil {
			return rep, err
		}
		for i := range evs {
			e := &evs[i]
			if e.Seq != seq+1 {
				return rep, consent.Errorf(consent.EConflict, "ledger %s: event %d follows %d: events are missing", accountID, e.Seq, seq)
			}
			if e.PrevHash != prev {
				return rep, consent.Errorf(consent.EConflict, "ledger %s: event %d does not point at the hash of event %d", accountID, e.Seq, seq)
			}
			evidence, err := e.EvidenceJSON()
			if err != nil {
				return rep, err
			}
			if got := e.ComputeHash(evidence); got != e.Hash {
				return rep, consent.Errorf(consent.EConflict, "ledger %s: event %d was altered (hash mismatch)", accountID, e.Seq)
			}
			prev, seq = e.Hash, e.Seq
			rep.Events++
		}
		if len(evs) < 1000 {
			break
		}
	}
	var headSeq int64
	var headHash string
	err := s.db.QueryRowContext(ctx, "SELECT seq, hash FROM ledger_heads WHERE account_id = $1", accountID).Scan(&headSeq, &headHash)
	if err != nil && err != sql.ErrNoRows {
		return rep, unavailable(err)
	}
	if err == nil && (headSeq != seq || headHash != prev) {
		return rep, consent.Errorf(consent.EConflict, "ledger %s: head says event %d but the chain ends at %d: events were removed", accountID, headSeq, seq)
	}
	rep.HeadHash = prev
	return rep, nil
}

func unavailable(err error) error {
	if err == nil {
		return nil
	}
	return &consent.Error{Code: consent.EUnavailable, Message: "database unavailable", Err: err}
}
