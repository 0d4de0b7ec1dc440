package store

import (
	"context"
	"database/sql"
	"errors"
	"maps"

	"github.com/optgate/optgate/internal/consent"
)

func init() {
	const decisionCols = `SELECT c.id, COALESCE(w.last_inbound_at, 0), COALESCE(w.closed_at, 0), COALESCE(h.held_until, 0)
		FROM contacts c
		LEFT JOIN service_windows w ON w.contact_id = c.id AND w.phone_number_id = $4
		LEFT JOIN marketing_holds h ON h.contact_id = c.id `
	maps.Copy(queries, map[string]string{
		"decisionByWAIDs": decisionCols + `WHERE c.account_id = $1 AND c.wa_id IN ($2, $3)
			ORDER BY CASE WHEN c.wa_id = $2 THEN 0 ELSE 1 END LIMIT 1`,
		"decisionByUserID": decisionCols + `WHERE c.account_id = $1 AND c.user_id = $2 AND $3 = $3`,
	})
}

// DecisionState reads, fresh from the database, everything a send decision
// needs to know of one recipient on one business number: their consent per
// scope, the service window and any marketing hold. It is the hot path of
// every send, so it takes two queries. ErrNotFound means optgate has never
// seen the person.
func (s *Store) DecisionState(ctx context.Context, accountID string, key consent.ContactKey, phoneNumberID string) (int64, consent.State, error) {
	st := consent.State{}
	var id, last, closed, held int64
	var err error = ErrNotFound
	if key.WAID != "" {
		v := consent.WAIDVariants(key.WAID)
		err = s.stmts["decisionByWAIDs"].QueryRowContext(ctx, accountID, key.WAID, v[len(v)-1], phoneNumberID).Scan(&id, &last, &closed, &held)
	}
	if errors.Is(err, sql.ErrNoRows) || errors.Is(err, ErrNotFound) {
		err = ErrNotFound
		if key.UserID != "" {
			err = s.stmts["decisionByUserID"].QueryRowContext(ctx, accountID, key.UserID, "", phoneNumberID).Scan(&id, &last, &closed, &held)
		}
	}
	switch {
	case errors.Is(err, sql.ErrNoRows), errors.Is(err, ErrNotFound):
		return 0, st, ErrNotFound
	case err != nil:
		return 0, st, unavailable(err)
	}
	st.Known = true
	st.LastInbound, st.WindowClosedAt, st.MarketingHold = fromMS(last), fromMS(closed), fromMS(held)
	rows, qerr := s.stmts["scopesOf"].QueryContext(ctx, id)
	if qerr != nil {
		return id, st, unavailable(qerr)
	}
	defer rows.Close()
	for rows.Next() {
		var sc consent.ScopeState
		var at int64
		if err := rows.Scan(&sc.Scope, &sc.Action, &sc.Seq, &sc.Source, &at); err != nil {
			return id, st, unavailable(err)
		}
		sc.OccurredAt = fromMS(at)
		st.Scopes = append(st.Scopes, sc)
	}
	return id, st, unavailable(rows.Err())
}
