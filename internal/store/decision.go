package store

import (
	"context"
	"database/sql"
	"errors"
	"maps"

	"github.com/optgate/optgate/internal/consent"
)

func init() {
	// One round trip: the contact (chosen in the CTE), its window on the
	// business number, any marketing hold, and one row per consent scope.
	const decisionCols = ` SELECT c.id, c.pref, COALESCE(w.last_inbound_at, 0), COALESCE(w.closed_at, 0), COALESCE(h.held_until, 0),
		COALESCE(s.scope, ''), COALESCE(s.action, ''), COALESCE(s.seq, 0), COALESCE(s.source, ''), COALESCE(s.occurred_at, 0)
		FROM c
		LEFT JOIN service_windows w ON w.contact_id = c.id AND w.phone_number_id = $4
		LEFT JOIN marketing_holds h ON h.contact_id = c.id
		LEFT JOIN consent_state s ON s.contact_id = c.id`
	maps.Copy(queries, map[string]string{
		// Both Brazilian forms of a number are read: Meta may report a person
		// under the old one while the business wrote the new one, so the two
		// can be two contacts, and the person's opt-out on either must count
		// (addDecisionRow merges them). pref 0 marks the form asked for.
		"decisionByWAIDs": `WITH c AS (SELECT id, CASE WHEN wa_id = $2 THEN 0 ELSE 1 END AS pref
			FROM contacts WHERE account_id = $1 AND wa_id IN ($2, $3))` + decisionCols,
		"decisionByUserID": `WITH c AS (SELECT id, 0 AS pref FROM contacts WHERE account_id = $1 AND user_id = $2 AND $3 = $3)` + decisionCols,
	})
}

// DecisionState reads, fresh from the database, everything a send decision
// needs to know of one recipient on one business number: their consent per
// scope, the service window and any marketing hold. It is the hot path of
// every send, so it is one query. ErrNotFound means optgate has never seen
// the person.
func (s *Store) DecisionState(ctx context.Context, accountID string, key consent.ContactKey, phoneNumberID string) (int64, consent.State, error) {
	if key.WAID == "" && key.UserID != "" {
		// A person asked for by user id whose number is known is read as a
		// send to the number is: with the record of its other form.
		var err error
		if key.WAID, err = numberOfUser(ctx, s, accountID, key.UserID); err != nil {
			return 0, consent.State{}, err
		}
	}
	if key.WAID != "" {
		v := consent.WAIDVariants(key.WAID)
		var id int64
		var st consent.State
		var err error
		if s.decisions != nil {
			id, st, err = s.decisions.state(ctx, accountID, key.WAID, v[len(v)-1], phoneNumberID)
		} else {
			id, st, err = s.decisionState(ctx, phoneNumberID, "decisionByWAIDs", accountID, key.WAID, v[len(v)-1], phoneNumberID)
		}
		if err != ErrNotFound || key.UserID == "" {
			return id, st, err
		}
	}
	if key.UserID != "" {
		return s.decisionState(ctx, phoneNumberID, "decisionByUserID", accountID, key.UserID, "", phoneNumberID)
	}
	return 0, consent.State{}, ErrNotFound
}

// decisionState runs a decision query, with the windows held in memory
// (SQLite; windows.go).
func (s *Store) decisionState(ctx context.Context, phoneNumberID, query string, args ...any) (int64, consent.State, error) {
	return s.withWindows(phoneNumberID, func(seen func(int64)) (int64, consent.State, error) {
		return readDecision(seen)(s.stmts[query].QueryContext(ctx, args...))
	})
}

// PersonState is DecisionState inside a write transaction: what the
// transaction wrote so far counts. Checks that must see every record of the
// person (is an opt-out newer than this opt-in?) read it.
func (t *Tx) PersonState(ctx context.Context, accountID string, key consent.ContactKey, phoneNumberID string) (consent.State, error) {
	if err := t.flushQueued(ctx); err != nil {
		return consent.State{}, err
	}
	var st consent.State
	var err error
	if key.WAID == "" && key.UserID != "" {
		if key.WAID, err = numberOfUser(ctx, t, accountID, key.UserID); err != nil {
			return st, err
		}
	}
	var ids []int64
	seen := func(id int64) { ids = append(ids, id) }
	if key.WAID != "" {
		v := consent.WAIDVariants(key.WAID)
		_, st, err = readDecision(seen)(t.stmt(ctx, "decisionByWAIDs").QueryContext(ctx, accountID, key.WAID, v[len(v)-1], phoneNumberID))
		if err != ErrNotFound || key.UserID == "" {
			t.applyWindows(&st, ids, phoneNumberID)
			return st, nilIfNotFound(err)
		}
	}
	if key.UserID != "" {
		_, st, err = readDecision(seen)(t.stmt(ctx, "decisionByUserID").QueryContext(ctx, accountID, key.UserID, "", phoneNumberID))
	}
	t.applyWindows(&st, ids, phoneNumberID)
	return st, nilIfNotFound(err)
}

// numberOfUser returns the number of the contact with the user id, or ""
// if it has none or there is no such contact. A user id that a number
// change retired gives the number of the person who changed.
func numberOfUser(ctx context.Context, q querier, accountID, userID string) (string, error) {
	var wa sql.NullString
	err := q.stmt(ctx, "numberOfUser").QueryRowContext(ctx, accountID, userID).Scan(&wa)
	if err == sql.ErrNoRows {
		c, err := scanContact(q.stmt(ctx, "retiredUserID").QueryRowContext(ctx, accountID, userID))
		if err != nil && !errors.Is(err, ErrNotFound) {
			return "", err
		}
		return c.WAID, nil
	}
	if err != nil {
		return "", unavailable(err)
	}
	return wa.String, nil
}

func nilIfNotFound(err error) error {
	if err == ErrNotFound {
		return nil
	}
	return err
}

// readDecision returns a reader of the rows of a decision query, which
// calls seen (if not nil) with the id of each record it reads.
func readDecision(seen func(id int64)) func(rows *sql.Rows, err error) (int64, consent.State, error) {
	return func(rows *sql.Rows, err error) (int64, consent.State, error) {
		return readDecisionRows(rows, err, seen)
	}
}

func readDecisionRows(rows *sql.Rows, err error, seen func(id int64)) (int64, consent.State, error) {
	var st consent.State
	var id, last0 int64
	if err != nil {
		return 0, st, unavailable(err)
	}
	defer rows.Close()
	for rows.Next() {
		var rowID, pref, last, closed, held, seq, at int64
		var scope, action, source string
		if err := rows.Scan(&rowID, &pref, &last, &closed, &held, &scope, &action, &seq, &source, &at); err != nil {
			return 0, st, unavailable(err)
		}
		if id == 0 || pref == 0 {
			id = rowID
		}
		if seen != nil && rowID != last0 {
			seen(rowID)
			last0 = rowID
		}
		addDecisionRow(&st, last, closed, held, scope, action, seq, source, at)
	}
	if err := rows.Err(); err != nil {
		return 0, st, unavailable(err)
	}
	if !st.Known {
		return 0, st, ErrNotFound
	}
	return id, st, nil
}

// addDecisionRow adds one row of a decision query (a contact's window and
// hold, and one of its consent scopes, if any) to st. The rows of two
// contacts that are one person (the two Brazilian forms of a number) merge as
// that person's: the latest message, window close and hold, and for each
// scope the event in force (consent.ScopeState.Supersedes: the newest in the
// account's ledger, but an opt-in never undoes an opt-out it predates).
func addDecisionRow(st *consent.State, last, closed, held int64, scope, action string, seq int64, source string, at int64) {
	st.Known = true
	if t := fromMS(last); t.After(st.LastInbound) {
		st.LastInbound = t
	}
	if t := fromMS(closed); t.After(st.WindowClosedAt) {
		st.WindowClosedAt = t
	}
	if t := fromMS(held); t.After(st.MarketingHold) {
		st.MarketingHold = t
	}
	if scope == "" {
		return
	}
	sc := consent.ScopeState{Scope: consent.Scope(scope), Action: consent.Action(action), Seq: seq, Source: source, OccurredAt: fromMS(at)}
	for i := range st.Scopes {
		if st.Scopes[i].Scope == sc.Scope {
			if sc.Supersedes(st.Scopes[i]) {
				st.Scopes[i] = sc
			}
			return
		}
	}
	st.Scopes = append(st.Scopes, sc)
}
