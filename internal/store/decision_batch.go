package store

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/optgate/optgate/internal/consent"
)

// On PostgreSQL each send decision is a round trip to the database, and most
// of what that costs the database (waking a backend, the protocol, starting
// the executor) does not depend on how many rows the query reads. Under load,
// the decisions that arrive while another is in flight therefore go to the
// database together, as one query over arrays of recipients: a group read,
// as group commit is a group write. Every recipient is still read by a query
// that starts after its send arrived, so an opt-out committed before the send
// arrived is seen, on any instance; and a lone decision goes alone, with no
// wait for company.
const (
	decisionBatchMax     = 64
	decisionBatchTimeout = 10 * time.Second
)

func init() {
	queries["decisionBatch"] = `SELECT r.i, c.id, c.pref, COALESCE(w.last_inbound_at, 0), COALESCE(w.closed_at, 0), COALESCE(h.held_until, 0),
		COALESCE(s.scope, ''), COALESCE(s.action, ''), COALESCE(s.seq, 0), COALESCE(s.source, ''), COALESCE(s.occurred_at, 0)
		FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[]) AS r (i, account_id, wa_id, other_wa_id, phone_number_id)
		CROSS JOIN LATERAL (SELECT id, CASE WHEN wa_id = r.wa_id THEN 0 ELSE 1 END AS pref
			FROM contacts WHERE account_id = r.account_id AND wa_id IN (r.wa_id, r.other_wa_id)) c
		LEFT JOIN service_windows w ON w.contact_id = c.id AND w.phone_number_id = r.phone_number_id
		LEFT JOIN marketing_holds h ON h.contact_id = c.id
		LEFT JOIN consent_state s ON s.contact_id = c.id`
	dialectOnly["decisionBatch"] = "postgres"
}

// decisionReq is one recipient waiting for its state; done gets exactly one
// answer.
type decisionReq struct {
	ctx                        context.Context
	accountID, waID, otherWAID string
	phoneNumberID              string
	done                       chan decisionAns
}

type decisionAns struct {
	id  int64
	st  consent.State
	err error
}

// decisionReader runs group reads for DecisionState: workers each take the
// requests waiting, up to decisionBatchMax, and answer them with one query.
type decisionReader struct {
	s    *Store
	reqs chan *decisionReq

	grouped atomic.Int64 // reads that answered more than one request, for tests
}

func (s *Store) startDecisionReader(workers int) {
	r := &decisionReader{s: s, reqs: make(chan *decisionReq, 4*decisionBatchMax)}
	s.decisions = r
	for range workers {
		s.wg.Add(1)
		go r.work()
	}
}

// state asks for the state of the contact with waID (or otherWAID, its other
// Brazilian form) and waits for the answer or for ctx.
func (r *decisionReader) state(ctx context.Context, accountID, waID, otherWAID, phoneNumberID string) (int64, consent.State, error) {
	q := &decisionReq{ctx: ctx, accountID: accountID, waID: waID, otherWAID: otherWAID, phoneNumberID: phoneNumberID,
		done: make(chan decisionAns, 1)}
	select {
	case r.reqs <- q:
	case <-ctx.Done():
		return 0, consent.State{}, unavailable(ctx.Err())
	case <-r.s.quit:
		return 0, consent.State{}, ErrClosed
	}
	select {
	case a := <-q.done:
		return a.id, a.st, a.err
	case <-ctx.Done():
		return 0, consent.State{}, unavailable(ctx.Err())
	case <-r.s.quit:
		// The store is closing: the workers may have stopped before they
		// took q, which then gets no answer.
		select {
		case a := <-q.done:
			return a.id, a.st, a.err
		default:
			return 0, consent.State{}, ErrClosed
		}
	}
}

func (r *decisionReader) work() {
	defer r.s.wg.Done()
	batch := make([]*decisionReq, 0, decisionBatchMax)
	for {
		select {
		case <-r.s.quit:
			r.drainClosed()
			return
		case q := <-r.reqs:
			batch = append(batch[:0], q)
		}
	drain:
		for len(batch) < decisionBatchMax {
			select {
			case q := <-r.reqs:
				batch = append(batch, q)
			default:
				break drain
			}
		}
		r.answer(batch)
	}
}

// drainClosed fails the requests still queued when the store closes.
func (r *decisionReader) drainClosed() {
	for {
		select {
		case q := <-r.reqs:
			q.done <- decisionAns{err: ErrClosed}
		default:
			return
		}
	}
}

// answer reads the state of every live request of batch and answers each.
func (r *decisionReader) answer(batch []*decisionReq) {
	live := batch[:0:0]
	for _, q := range batch {
		if q.ctx.Err() != nil {
			q.done <- decisionAns{err: unavailable(q.ctx.Err())} // its sender has gone
			continue
		}
		live = append(live, q)
	}
	switch len(live) {
	case 0:
		return
	case 1:
		q := live[0]
		id, st, err := r.s.decisionState(q.ctx, q.phoneNumberID, "decisionByWAIDs", q.accountID, q.waID, q.otherWAID, q.phoneNumberID)
		q.done <- decisionAns{id, st, err}
		return
	}
	r.grouped.Add(1)
	ids, sts, err := r.s.decisionStates(live)
	for i, q := range live {
		switch {
		case err != nil:
			q.done <- decisionAns{err: err}
		case !sts[i].Known:
			q.done <- decisionAns{err: ErrNotFound}
		default:
			q.done <- decisionAns{id: ids[i], st: sts[i]}
		}
	}
}

// decisionStates reads the states of reqs in one query: ids[i] and sts[i]
// answer reqs[i]; a recipient not found has sts[i].Known false.
func (s *Store) decisionStates(reqs []*decisionReq) (ids []int64, sts []consent.State, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), decisionBatchTimeout)
	defer cancel()
	n := len(reqs)
	idx := make([]int64, n)
	accounts, waIDs, others, phones := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	for i, q := range reqs {
		idx[i], accounts[i], waIDs[i], others[i], phones[i] = int64(i), q.accountID, q.waID, q.otherWAID, q.phoneNumberID
	}
	rows, err := s.stmts["decisionBatch"].QueryContext(ctx, idx, accounts, waIDs, others, phones)
	if err != nil {
		return nil, nil, unavailable(err)
	}
	defer rows.Close()
	ids, sts = make([]int64, n), make([]consent.State, n)
	for rows.Next() {
		var i, id, pref, last, closed, held, seq, at int64
		var scope, action, source string
		if err := rows.Scan(&i, &id, &pref, &last, &closed, &held, &scope, &action, &seq, &source, &at); err != nil {
			return nil, nil, unavailable(err)
		}
		if i < 0 || i >= int64(n) {
			return nil, nil, unavailable(fmt.Errorf("decision batch: row for request %d of %d", i, n))
		}
		if ids[i] == 0 || pref == 0 {
			ids[i] = id // the contact of the form asked for, when both exist
		}
		addDecisionRow(&sts[i], last, closed, held, scope, action, seq, source, at)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, unavailable(err)
	}
	return ids, sts, nil
}
