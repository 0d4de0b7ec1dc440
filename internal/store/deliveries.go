package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"strconv"
	"strings"
	"time"

	"github.com/optgate/optgate/internal/consent"
)

func init() {
	maps.Copy(queries, map[string]string{
		"insertDelivery": `INSERT INTO deliveries (account_id, downstream_id, event_id, order_key, intent, next_attempt_at, expires_at, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $6) ON CONFLICT (downstream_id, event_id) DO NOTHING`,
		"insertDeliveryID": `INSERT INTO deliveries (account_id, downstream_id, event_id, order_key, intent, next_attempt_at, expires_at, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $6) ON CONFLICT (downstream_id, event_id) DO NOTHING RETURNING id`,
		"retryDelivery":   `UPDATE deliveries SET next_attempt_at = $2, last_status = $3, last_error = $4 WHERE id = $1`,
		"releaseDelivery": `UPDATE deliveries SET next_attempt_at = $2, attempts = attempts - 1 WHERE id = $1`,
		"deadDelivery":    `UPDATE deliveries SET state = 'dead', last_status = $2, last_error = $3 WHERE id = $1`,
		"deliveriesIn": `SELECT id, account_id, downstream_id, event_id, intent, state, attempts, last_status, last_error, created_at, delivered_at
			FROM deliveries WHERE state = $1 AND id > $2 ORDER BY id LIMIT $3`,
		"reviveDelivery":   `UPDATE deliveries SET state = 'pending', next_attempt_at = $2, expires_at = $3 WHERE id = $1 AND state = 'dead'`,
		"dropDelivery":     `UPDATE deliveries SET state = 'dropped' WHERE id = $1 AND state = 'dead'`,
		"dropDeliveryKeys": `DELETE FROM delivery_keys WHERE delivery_id = $1`,
		"queueDepth":       `SELECT account_id, downstream_id, COUNT(*) FROM deliveries WHERE state = 'pending' GROUP BY account_id, downstream_id`,

		// Deliveries queued before migration 0017 name their downstream by
		// its URL (it has "://", which an id cannot have).
		// A row whose event the downstream has already (two old URLs given
		// to one downstream) is not adopted: adoptCopies removes it.
		"adoptPending": `UPDATE deliveries SET downstream_id = $3 WHERE account_id = $1 AND downstream_id = $2 AND state = 'pending'
			AND NOT EXISTS (SELECT 1 FROM deliveries o WHERE o.downstream_id = $3 AND o.event_id = deliveries.event_id)`,
		"adoptDead": `UPDATE deliveries SET downstream_id = $3 WHERE account_id = $1 AND downstream_id = $2 AND state IN ('dead', 'dropped')
			AND NOT EXISTS (SELECT 1 FROM deliveries o WHERE o.downstream_id = $3 AND o.event_id = deliveries.event_id)`,
		"adoptCopies": `DELETE FROM deliveries WHERE account_id = $1 AND downstream_id = $2 AND state <> 'delivered'
			AND EXISTS (SELECT 1 FROM deliveries o WHERE o.downstream_id = $3 AND o.event_id = deliveries.event_id)`,
		"urlsQueued": `SELECT DISTINCT downstream_id FROM deliveries WHERE account_id = $1 AND state = 'pending' AND downstream_id LIKE '%://%'
			UNION SELECT DISTINCT downstream_id FROM deliveries WHERE account_id = $1 AND state IN ('dead', 'dropped') AND downstream_id LIKE '%://%'`,

		"insertSignal": `INSERT INTO account_signals (account_id, field, event, subject, detail, occurred_at, received_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		"upsertTemplate": `INSERT INTO templates (account_id, name, language, category, status, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (account_id, name, language) DO UPDATE SET category = CASE WHEN excluded.category = '' THEN templates.category ELSE excluded.category END,
			status = CASE WHEN excluded.status = '' THEN templates.status ELSE excluded.status END, updated_at = excluded.updated_at`,
		// The template in the language asked for; else, of its other
		// languages, the strictest category (each language is a template of
		// its own to Meta, and may be of another category).
		"templateCategory": `SELECT category FROM templates WHERE account_id = $1 AND name = $2 AND category <> '' AND status <> 'DELETED'
			ORDER BY CASE WHEN REPLACE(LOWER(language), '-', '_') = $3 THEN 0 ELSE 1 END,
				CASE category WHEN 'marketing' THEN 0 WHEN 'utility' THEN 1 ELSE 2 END,
				CASE WHEN status = 'APPROVED' THEN 0 ELSE 1 END, updated_at DESC LIMIT 1`,
		"upsertHold": `INSERT INTO marketing_holds (contact_id, held_until, reason, message_id) VALUES ($1, $2, $3, $4)
			ON CONFLICT (contact_id) DO UPDATE SET held_until = CASE WHEN excluded.held_until > marketing_holds.held_until
			THEN excluded.held_until ELSE marketing_holds.held_until END, reason = excluded.reason, message_id = excluded.message_id`,
		"holdOf": `SELECT held_until, reason FROM marketing_holds WHERE contact_id = $1`,
	})
}

// onEach ends each "no earlier pending delivery" subquery of dueDeliveries:
// with an OFFSET, PostgreSQL keeps it a subquery run for each candidate, an
// index range that stops at the first row, instead of turning it into a
// hash anti-join that compares every pair of one person's backlog (20,000
// pending deliveries of one person took a claim past the statement
// timeout). SQLite runs it the same either way.
const onEach = "LIMIT 1 OFFSET 0"

// dueDeliveries selects the earliest pending delivery of each (account,
// downstream, order key) only: events of one person reach each downstream in
// order. A delivery's order keys are its order_key and, when its payload
// holds several people, the others' in delivery_keys: it waits for the
// earlier deliveries of each, and the later ones of each wait for it.
// {{known}} keeps to the downstreams this instance knows; it also takes
// expired deliveries of others, to make them dead letters.
const dueDeliveries = `SELECT d.id, d.account_id, d.downstream_id, d.event_id, d.intent, d.attempts, d.created_at, d.expires_at FROM deliveries d
	WHERE d.state = 'pending' AND d.next_attempt_at <= $1 AND (d.expires_at <= $1{{known}})
	AND NOT EXISTS (SELECT 1 FROM deliveries e WHERE e.account_id = d.account_id AND e.downstream_id = d.downstream_id
		AND e.order_key = d.order_key AND e.state = 'pending' AND e.id < d.id ` + onEach + `)
	AND NOT EXISTS (SELECT 1 FROM delivery_keys k JOIN deliveries e ON e.id = k.delivery_id
		WHERE k.order_key = d.order_key AND k.delivery_id < d.id AND e.account_id = d.account_id AND e.downstream_id = d.downstream_id
		AND e.state = 'pending' ` + onEach + `)
	AND NOT EXISTS (SELECT 1 FROM delivery_keys m WHERE m.delivery_id = d.id AND (
		EXISTS (SELECT 1 FROM deliveries e WHERE e.account_id = d.account_id AND e.downstream_id = d.downstream_id
			AND e.order_key = m.order_key AND e.state = 'pending' AND e.id < d.id ` + onEach + `)
		OR EXISTS (SELECT 1 FROM delivery_keys k JOIN deliveries e ON e.id = k.delivery_id
			WHERE k.order_key = m.order_key AND k.delivery_id < d.id AND e.account_id = d.account_id
			AND e.downstream_id = d.downstream_id AND e.state = 'pending' ` + onEach + `)))
	ORDER BY d.next_attempt_at, d.id LIMIT $2 {{skipLocked}}`

// DownstreamRef names one downstream: the id it has in its account's
// configuration, not its URL, so that a corrected URL gets its backlog.
type DownstreamRef struct {
	AccountID string
	ID        string
}

// Delivery is one webhook payload to deliver to one downstream.
type Delivery struct {
	ID         int64
	AccountID  string
	Downstream string   // its id in the account (DownstreamRef.ID)
	EventID    string   // the digest of the body: stable across retries and instances
	OrderKey   string   // deliveries with one key reach the downstream in order
	MoreKeys   []string // the order keys of the payload's other people, when it holds several
	Intent     string
	State      string // pending, delivered, dead, dropped
	Attempts   int
	LastStatus int
	LastError  string
	CreatedAt  time.Time
	ExpiresAt  time.Time // after this, a failing delivery becomes a dead letter
	Delivered  time.Time
	Body       []byte
}

// EnqueueDelivery queues body (already saved with SavePayload, forwarded) for downstream.
// The same body queued twice for one downstream is one delivery.
func (t *Tx) EnqueueDelivery(ctx context.Context, d Delivery) error {
	now := t.s.now()
	if len(d.MoreKeys) == 0 {
		_, err := t.exec(ctx, "insertDelivery", d.AccountID, d.Downstream, d.EventID, d.OrderKey, d.Intent, ms(now), ms(d.ExpiresAt))
		return err
	}
	var id int64
	err := t.queryRow(ctx, "insertDeliveryID", d.AccountID, d.Downstream, d.EventID, d.OrderKey, d.Intent, ms(now), ms(d.ExpiresAt)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil // queued before
	}
	if err != nil {
		return fmt.Errorf("insertDeliveryID: %w", t.s.wrap(err))
	}
	keys := make([]any, len(d.MoreKeys))
	for i, k := range d.MoreKeys {
		keys[i] = k
	}
	return t.execValues(ctx, "insert delivery keys", "INSERT INTO delivery_keys (delivery_id, order_key)", "", []any{id}, 1, keys)
}

// ClaimDeliveries leases up to limit due deliveries, with their bodies, in
// three statements whatever the number claimed. It takes only deliveries to
// the downstreams in known, and expired ones (to make them dead letters):
// during a rolling change of configuration, the deliveries to a downstream
// this instance does not know wait for an instance that knows it.
func (s *Store) ClaimDeliveries(ctx context.Context, limit int, lease time.Duration, known []DownstreamRef) ([]Delivery, error) {
	var out []Delivery
	err := s.Write(ctx, func(ctx context.Context, tx *Tx) error {
		var err error
		out, err = tx.claimDeliveries(ctx, limit, lease, known)
		return err
	})
	return out, err
}

// dueQuery is dueDeliveries for the downstreams in known, with their ids
// from $3 on.
func (s *Store) dueQuery(known []DownstreamRef) (string, []any) {
	var b strings.Builder
	args := make([]any, 0, 2*len(known))
	for _, k := range known {
		fmt.Fprintf(&b, " OR (d.account_id = $%d AND d.downstream_id = $%d)", len(args)+3, len(args)+4)
		args = append(args, k.AccountID, k.ID)
	}
	return s.dialect.rewrite(strings.Replace(dueDeliveries, "{{known}}", b.String(), 1)), args
}

// claimDeliveries is ClaimDeliveries in tx. The group commit it runs in may
// hold webhooks saved and enqueued just before it, so their payloads are
// written first.
func (t *Tx) claimDeliveries(ctx context.Context, limit int, lease time.Duration, known []DownstreamRef) ([]Delivery, error) {
	if err := t.flushPayloads(ctx); err != nil {
		return nil, err
	}
	var out []Delivery
	now := t.s.now()
	q, args := t.s.dueQuery(known)
	st, err := t.prepared(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("due deliveries: %w", err)
	}
	rows, err := st.QueryContext(ctx, append([]any{ms(now), limit}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("due deliveries: %w", t.s.wrap(err))
	}
	for rows.Next() {
		var d Delivery
		var created, expires int64
		if err := rows.Scan(&d.ID, &d.AccountID, &d.Downstream, &d.EventID, &d.Intent, &d.Attempts, &created, &expires); err != nil {
			rows.Close()
			return nil, unavailable(err)
		}
		d.CreatedAt, d.ExpiresAt, d.State = fromMS(created), fromMS(expires), "pending"
		d.Attempts++
		out = append(out, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, unavailable(err)
	}
	if len(out) == 0 {
		return out, nil
	}
	ids := make([]any, 0, len(out)+1)
	ids = append(ids, ms(now.Add(lease)))
	digests := make([]any, 0, len(out))
	seen := map[string]bool{}
	for _, d := range out {
		ids = append(ids, d.ID)
		if !seen[d.EventID] {
			seen[d.EventID] = true
			digests = append(digests, d.EventID)
		}
	}
	if _, err := t.tx.ExecContext(ctx, "UPDATE deliveries SET next_attempt_at = $1, attempts = attempts + 1 WHERE id IN ("+placeholders(2, len(out))+")", ids...); err != nil {
		return nil, t.s.wrap(err)
	}
	brows, err := t.tx.QueryContext(ctx, "SELECT digest, body FROM webhook_payloads WHERE digest IN ("+placeholders(1, len(digests))+") AND forwarded", digests...)
	if err != nil {
		return nil, t.s.wrap(err)
	}
	bodies := map[string][]byte{}
	for brows.Next() {
		var dg string
		var b []byte
		if err := brows.Scan(&dg, &b); err != nil {
			brows.Close()
			return nil, unavailable(err)
		}
		bodies[dg] = b
	}
	brows.Close()
	if err := brows.Err(); err != nil {
		return nil, unavailable(err)
	}
	for i := range out {
		if out[i].Body = bodies[out[i].EventID]; out[i].Body == nil {
			return nil, consent.Errorf(consent.EInternal, "delivery %d: payload %s is missing", out[i].ID, out[i].EventID)
		}
	}
	return out, nil
}

// placeholders returns "$first, $first+1, ..." for n values.
func placeholders(first, n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("$" + strconv.Itoa(first+i))
	}
	return b.String()
}

// DeliveryOutcome is the result of one attempt.
type DeliveryOutcome struct {
	ID        int64
	Delivered bool
	Dead      bool      // give up: the delivery becomes a dead letter
	Release   bool      // not attempted: due again now, the claim's attempt not counted
	RetryAt   time.Time // when not delivered and not dead
	Status    int       // the downstream's HTTP status, 0 if none
	Error     string
}

// RecordDeliveries stores the outcomes of a round of attempts in one
// transaction: the deliveries in one statement, each failure or release in
// its own.
func (s *Store) RecordDeliveries(ctx context.Context, outcomes []DeliveryOutcome) error {
	return s.Write(ctx, func(ctx context.Context, tx *Tx) error {
		now := ms(s.now())
		delivered := map[int][]any{} // by the downstream's 2xx status
		var statuses []int
		for _, o := range outcomes {
			msg := o.Error
			if len(msg) > 500 {
				msg = msg[:500]
			}
			var err error
			switch {
			case o.Delivered:
				if delivered[o.Status] == nil {
					statuses = append(statuses, o.Status)
				}
				delivered[o.Status] = append(delivered[o.Status], o.ID)
			case o.Dead:
				_, err = tx.exec(ctx, "deadDelivery", o.ID, o.Status, msg)
			case o.Release:
				_, err = tx.exec(ctx, "releaseDelivery", o.ID, now)
			default:
				_, err = tx.exec(ctx, "retryDelivery", o.ID, ms(o.RetryAt), o.Status, msg)
			}
			if err != nil {
				return err
			}
		}
		for _, st := range statuses {
			ids := delivered[st]
			args := append([]any{now, st}, ids...)
			if _, err := tx.tx.ExecContext(ctx, "UPDATE deliveries SET state = 'delivered', delivered_at = $1, last_status = $2, last_error = '' WHERE id IN ("+
				placeholders(3, len(ids))+")", args...); err != nil {
				return s.wrap(err)
			}
			if _, err := tx.tx.ExecContext(ctx, "DELETE FROM delivery_keys WHERE delivery_id IN ("+placeholders(1, len(ids))+")", ids...); err != nil {
				return s.wrap(err)
			}
		}
		return nil
	})
}

// Deliveries lists deliveries in a state (pending, delivered, dead, dropped), after id, oldest first.
func (s *Store) Deliveries(ctx context.Context, state string, after int64, limit int) ([]Delivery, error) {
	rows, err := s.stmts["deliveriesIn"].QueryContext(ctx, state, after, limit)
	if err != nil {
		return nil, unavailable(err)
	}
	defer rows.Close()
	var out []Delivery
	for rows.Next() {
		var d Delivery
		var created, delivered int64
		if err := rows.Scan(&d.ID, &d.AccountID, &d.Downstream, &d.EventID, &d.Intent, &d.State, &d.Attempts, &d.LastStatus, &d.LastError, &created, &delivered); err != nil {
			return nil, unavailable(err)
		}
		d.CreatedAt, d.Delivered = fromMS(created), fromMS(delivered)
		out = append(out, d)
	}
	return out, unavailable(rows.Err())
}

// ReviveDelivery puts a dead letter back in the queue, due now, with a fresh
// deadline. It is ENotFound when id is not a dead letter.
func (s *Store) ReviveDelivery(ctx context.Context, id int64, deadLetterAfter time.Duration) error {
	return s.Write(ctx, func(ctx context.Context, tx *Tx) error {
		now := s.now()
		r, err := tx.exec(ctx, "reviveDelivery", id, ms(now), ms(now.Add(deadLetterAfter)))
		return oneRow(r, err, id)
	})
}

// DropDelivery gives up on a dead letter for good. It is ENotFound when id is not a dead letter.
func (s *Store) DropDelivery(ctx context.Context, id int64) error {
	return s.Write(ctx, func(ctx context.Context, tx *Tx) error {
		r, err := tx.exec(ctx, "dropDelivery", id)
		if err := oneRow(r, err, id); err != nil {
			return err
		}
		_, err = tx.exec(ctx, "dropDeliveryKeys", id)
		return err
	})
}

func oneRow(r sql.Result, err error, id int64) error {
	if err != nil {
		return err
	}
	if n, err := r.RowsAffected(); err != nil || n != 1 {
		return consent.Errorf(consent.ENotFound, "delivery %d is not a dead letter", id)
	}
	return nil
}

// QueueDepth returns the number of pending deliveries per downstream.
func (s *Store) QueueDepth(ctx context.Context) (map[DownstreamRef]int64, error) {
	rows, err := s.stmts["queueDepth"].QueryContext(ctx)
	if err != nil {
		return nil, unavailable(err)
	}
	defer rows.Close()
	out := map[DownstreamRef]int64{}
	for rows.Next() {
		var k DownstreamRef
		var n int64
		if err := rows.Scan(&k.AccountID, &k.ID, &n); err != nil {
			return nil, unavailable(err)
		}
		out[k] = n
	}
	return out, unavailable(rows.Err())
}

// AdoptDeliveries gives the pending and dead deliveries of an account that
// were queued before migration 0017, which name their downstream by URL, to
// the downstream of that URL in byURL (URL to id); those of a URL no longer
// configured go to sole, the account's only downstream, when it has one
// (else they stay, and become dead letters when they expire).
func (s *Store) AdoptDeliveries(ctx context.Context, accountID string, byURL map[string]string, sole string) error {
	rows, err := s.stmts["urlsQueued"].QueryContext(ctx, accountID)
	if err != nil {
		return unavailable(err)
	}
	var urls []string
	for rows.Next() {
		var u string
		if err := rows.Scan(&u); err != nil {
			rows.Close()
			return unavailable(err)
		}
		urls = append(urls, u)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(urls) == 0 {
		return unavailable(err)
	}
	// Pending rows first, of every URL, then dead ones: where two old URLs
	// go to one downstream and both hold an event, the pending copy is
	// kept, and the other, redundant, is removed (the event's body stays
	// with its payload).
	return s.Write(ctx, func(ctx context.Context, tx *Tx) error {
		for _, q := range []string{"adoptPending", "adoptDead", "adoptCopies"} {
			for _, u := range urls {
				id, ok := byURL[u]
				if !ok {
					if id = sole; id == "" {
						continue
					}
				}
				if _, err := tx.exec(ctx, q, accountID, u, id); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// Signal is a notice from Meta about the account: template status or
// quality, phone number quality, errors.
type Signal struct {
	AccountID  string
	Field      string
	Event      string
	Subject    string // template name, phone number, error code
	Detail     string // JSON
	OccurredAt time.Time
}

// RecordSignal stores a notice from Meta.
func (t *Tx) RecordSignal(ctx context.Context, sg Signal) error {
	_, err := t.exec(ctx, "insertSignal", sg.AccountID, sg.Field, sg.Event, sg.Subject, sg.Detail, ms(sg.OccurredAt), ms(t.s.now()))
	return err
}

// Template is a message template as Meta knows it.
type Template struct {
	AccountID, Name, Language, Category, Status string
}

// UpsertTemplate records a template's category and status (an empty
// category or status keeps the one known).
func (t *Tx) UpsertTemplate(ctx context.Context, tp Template) error {
	_, err := t.exec(ctx, "upsertTemplate", tp.AccountID, tp.Name, tp.Language, tp.Category, tp.Status, ms(t.s.now()))
	return err
}

// TemplateCategory returns the Meta category of a template learned from Meta,
// in language (pt_BR and pt-BR are one); when Meta named no such language,
// the strictest category among the template's others.
func (s *Store) TemplateCategory(ctx context.Context, accountID, name, language string) (consent.Category, error) {
	var c string
	lang := strings.ReplaceAll(strings.ToLower(language), "-", "_")
	if err := s.stmts["templateCategory"].QueryRowContext(ctx, accountID, name, lang).Scan(&c); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return "", ErrNotFound
		}
		return "", unavailable(err)
	}
	return consent.Category(c), nil
}

// HoldMarketing holds marketing to the contact until a time (Meta's per-user
// marketing limit, error 131049).
func (t *Tx) HoldMarketing(ctx context.Context, contactID int64, until time.Time, reason, messageID string) error {
	_, err := t.exec(ctx, "upsertHold", contactID, ms(until), reason, messageID)
	return err
}

// MarketingHold returns until when marketing to the contact is held (zero if not).
func (s *Store) MarketingHold(ctx context.Context, contactID int64) (time.Time, error) {
	var until int64
	var reason string
	err := s.stmts["holdOf"].QueryRowContext(ctx, contactID).Scan(&until, &reason)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, unavailable(err)
	}
	return fromMS(until), nil
}
