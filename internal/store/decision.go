package store

import (
	"context"
	"maps"

	"github.com/optgate/optgate/internal/consent"
)

func init() {
	// One round trip: the contact (chosen in the CTE), its window on the
	// business number, any marketing hold, and one row per consent scope.
	const decisionCols = ` SELECT c.id, COALESCE(w.last_inbound_at, 0), COALESCE(w.closed_at, 0), COALESCE(h.held_until, 0),
		COALESCE(s.scope, ''), COALESCE(s.action, ''), COALESCE(s.seq, 0), COALESCE(s.source, ''), COALESCE(s.occurred_at, 0)
		FROM c
		LEFT JOIN service_windows w ON w.contact_id = c.id AND w.phone_number_id = $4
		LEFT JOIN marketing_holds h ON h.contact_id = c.id
		LEFT JOIN consent_state s ON s.contact_id = c.id`
	maps.Copy(queries, map[string]string{
		"decisionByWAIDs": `WITH c AS (SELECT id FROM contacts WHERE account_id = $1 AND wa_id IN ($2, $3)
			ORDER BY CASE WHEN wa_id = $2 THEN 0 ELSE 1 END LIMIT 1)` + decisionCols,
		"decisionByUserID": `WITH c AS (SELECT id FROM contacts WHERE account_id = $1 AND user_id = $2 AND $3 = $3)` + decisionCols,
	})
}

// DecisionState reads, fresh from the database, everything a send decision
// needs to know of one recipient on one business number: their consent per
// scope, the service window and any marketing hold. It is the hot path of
// every send, so it is one query. ErrNotFound means optgate has never seen
// the person.
func (s *Store) DecisionState(ctx context.Context, accountID string, key consent.ContactKey, phoneNumberID string) (int64, consent.State, error) {
	if key.WAID != "" {
		v := consent.WAIDVariants(key.WAID)
		var id int64
		var st consent.State
		var err error
		if s.decisions != nil {
			id, st, err = s.decisions.state(ctx, accountID, key.WAID, v[len(v)-1], phoneNumberID)
		} else {
			id, st, err = s.decisionState(ctx, "decisionByWAIDs", accountID, key.WAID, v[len(v)-1], phoneNumberID)
		}
		if err != ErrNotFound || key.UserID == "" {
			return id, st, err
		}
	}
	if key.UserID != "" {
		return s.decisionState(ctx, "decisionByUserID", accountID, key.UserID, "", phoneNumberID)
	}
	return 0, consent.State{}, ErrNotFound
}

func (s *Store) decisionState(ctx context.Context, query string, args ...any) (int64, consent.State, error) {
	var st consent.State
	var id int64
	rows, err := s.stmts[query].QueryContext(ctx, args...)
	if err != nil {
		return 0, st, unavailable(err)
	}
	defer rows.Close()
	for rows.Next() {
		var last, closed, held, seq, at int64
		var scope, action, source string
		if err := rows.Scan(&id, &last, &closed, &held, &scope, &action, &seq, &source, &at); err != nil {
			return 0, st, unavailable(err)
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

// addDecisionRow adds one row of a decision query (the contact's window and
// hold, and one of its consent scopes, if any) to st.
func addDecisionRow(st *consent.State, last, closed, held int64, scope, action string, seq int64, source string, at int64) {
	st.Known = true
	st.LastInbound, st.WindowClosedAt, st.MarketingHold = fromMS(last), fromMS(closed), fromMS(held)
	if scope != "" {
		st.Scopes = append(st.Scopes, consent.ScopeState{Scope: consent.Scope(scope), Action: consent.Action(action),
			Seq: seq, Source: source, OccurredAt: fromMS(at)})
	}
}
