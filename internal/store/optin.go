package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"maps"
	"strconv"
	"strings"
	"time"

	"github.com/optgate/optgate/internal/consent"
)

func init() {
	maps.Copy(queries, map[string]string{
		"saveOptInText": `INSERT INTO optin_texts (hash, account_id, form_id, language, body, created_at) VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (account_id, hash) DO NOTHING`,
		"optInText": `SELECT hash, account_id, form_id, language, body, created_at FROM optin_texts WHERE account_id = $1 AND hash = $2`,

		"insertPending": `INSERT INTO optin_pending (account_id, token, form_id, wa_id, topics, evidence, language, created_at, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
		"setPendingSent": `UPDATE optin_pending SET state = $2, message_id = $3 WHERE account_id = $1 AND token = $4 AND state = 'pending'`,
		"countPending":   `SELECT COUNT(*) FROM optin_pending WHERE account_id = $1 AND wa_id IN ($2, $3) AND created_at >= $4`,
		"pendingByToken": `SELECT id, account_id, token, form_id, wa_id, topics, evidence, language, message_id, state, created_at, expires_at, confirmed_at
			FROM optin_pending WHERE account_id = $1 AND token = $2`,
		"latestPending": `SELECT id, account_id, token, form_id, wa_id, topics, evidence, language, message_id, state, created_at, expires_at, confirmed_at
			FROM optin_pending WHERE account_id = $1 AND wa_id IN ($2, $3) AND state IN ('pending', 'sent') AND expires_at > $4
			AND created_at <= $4 + ` + replySkewMS + `
			ORDER BY created_at DESC, id DESC LIMIT 1`,
		"confirmPending": `UPDATE optin_pending SET state = 'confirmed', confirmed_at = $2 WHERE id = $1 AND state IN ('pending', 'sent')`,

		"insertLink": `INSERT INTO optin_links (account_id, code, form_id, topic, source, language, body, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (account_id, code) DO NOTHING`,
		"linkByCode": `SELECT account_id, code, form_id, topic, source, language, body, created_at FROM optin_links WHERE account_id = $1 AND code = $2`,
		"linksOf": `SELECT account_id, code, form_id, topic, source, language, body, created_at FROM optin_links WHERE account_id = $1
			ORDER BY created_at, code`,

		// Each event under the keys of the person it is of (as eventsOf
		// lists it): its record's, or the record's it was merged into, or,
		// for an event a previous owner's record received from the moment
		// a number change took the number from it, the mover's (while that
		// record holds no key, is merged into none and has not left the
		// number by a change of its own, as in eventsOf).
		"exportEvents": `SELECT e.seq, COALESCE(c.wa_id, ''), COALESCE(c.user_id, ''), e.action, e.scope, e.source, e.evidence, e.reason, e.actor,
			e.occurred_at, e.recorded_at, e.hash FROM consent_events e
			JOIN contacts m ON m.id = COALESCE((SELECT n.contact_id FROM number_changes n
				WHERE n.released_contact_id = e.contact_id AND n.occurred_at - ` + skewMS + ` <= e.occurred_at
				AND EXISTS (SELECT 1 FROM contacts r WHERE r.id = e.contact_id AND r.wa_id IS NULL AND r.user_id IS NULL AND r.merged_into IS NULL)
				AND NOT EXISTS (SELECT 1 FROM number_changes o WHERE o.contact_id = e.contact_id AND o.old_wa_id = n.new_wa_id)
				ORDER BY n.occurred_at LIMIT 1), e.contact_id)
			JOIN contacts c ON c.id = COALESCE(m.merged_into, m.id)
			WHERE e.account_id = $1 AND e.seq > $2 ORDER BY e.seq LIMIT $3`,
	})
}

// OptInText is one version of the consent text a hosted form showed, kept
// once and named by the SHA-256 of its body, which the proof of every
// submission carries.
type OptInText struct {
	Hash      string
	AccountID string
	FormID    string
	Language  string
	Body      string
	CreatedAt time.Time
}

// SaveOptInText keeps a text version; saving it again changes nothing.
func (t *Tx) SaveOptInText(ctx context.Context, x OptInText) error {
	_, err := t.exec(ctx, "saveOptInText", x.Hash, x.AccountID, x.FormID, x.Language, x.Body, ms(t.s.now()))
	return err
}

// OptInText returns a text version of the account by its hash.
func (s *Store) OptInText(ctx context.Context, accountID, hash string) (OptInText, error) {
	var x OptInText
	var at int64
	err := s.stmts["optInText"].QueryRowContext(ctx, accountID, hash).Scan(&x.Hash, &x.AccountID, &x.FormID, &x.Language, &x.Body, &at)
	if err != nil {
		return x, s.wrap(err)
	}
	x.CreatedAt = fromMS(at)
	return x, nil
}

// Pending is a double opt-in waiting for the person to confirm in WhatsApp.
// It grants nothing: the opt-in events are written only on confirmation.
type Pending struct {
	ID          int64
	AccountID   string
	Token       string // the confirm button's payload carries it
	FormID      string
	WAID        string
	Topics      []string
	Evidence    map[string]any // the proof of the form submission
	Language    string
	MessageID   string // the confirmation template's wamid, once sent
	State       string // pending, sent, failed, confirmed
	CreatedAt   time.Time
	ExpiresAt   time.Time
	ConfirmedAt time.Time
}

// InsertPending stores a new pending opt-in.
func (t *Tx) InsertPending(ctx context.Context, p *Pending) error {
	ev, err := json.Marshal(p.Evidence)
	if err != nil {
		return consent.Errorf(consent.EInvalid, "evidence is not valid JSON: %v", err)
	}
	if p.CreatedAt.IsZero() {
		p.CreatedAt = t.s.now().UTC()
	}
	p.State = "pending"
	err = t.queryRow(ctx, "insertPending", p.AccountID, p.Token, p.FormID, p.WAID, strings.Join(p.Topics, ","), string(ev), p.Language,
		ms(p.CreatedAt), ms(p.ExpiresAt)).Scan(&p.ID)
	if err != nil {
		return t.s.wrap(err)
	}
	return nil
}

// SetPendingSent records the outcome of sending the confirmation: state sent
// with the template's message id, or failed.
func (s *Store) SetPendingSent(ctx context.Context, accountID, token, state, messageID string) error {
	return s.Write(ctx, func(ctx context.Context, tx *Tx) error {
		_, err := tx.exec(ctx, "setPendingSent", accountID, state, messageID, token)
		return err
	})
}

// CountPending counts the account's pending opt-ins for a number (either
// Brazilian variant) created since a time: the per-number abuse limit.
func (s *Store) CountPending(ctx context.Context, accountID, waID string, since time.Time) (int, error) {
	v := consent.WAIDVariants(waID)
	var n int
	if err := s.stmts["countPending"].QueryRowContext(ctx, accountID, v[0], v[len(v)-1], ms(since)).Scan(&n); err != nil {
		return 0, s.wrap(err)
	}
	return n, nil
}

// PendingByToken returns the account's pending opt-in with that token.
func (t *Tx) PendingByToken(ctx context.Context, accountID, token string) (Pending, error) {
	return scanPending(t.queryRow(ctx, "pendingByToken", accountID, token))
}

// ReplySkew is how much earlier than a pending opt-in a reply to it may be
// stamped: Meta's clock, which stamps the reply (in whole seconds), and
// optgate's, which stamped the request, may differ by a little. A reply
// stamped earlier than that was written before the request existed (Meta
// delivered it late) and answers something else.
const ReplySkew = 5 * time.Second

var replySkewMS = strconv.FormatInt(ReplySkew.Milliseconds(), 10)

// LatestPending returns the newest unconfirmed opt-in for a number that a
// reply stamped now may answer: unexpired then, and made before it.
func (t *Tx) LatestPending(ctx context.Context, accountID, waID string, now time.Time) (Pending, error) {
	v := consent.WAIDVariants(waID)
	return scanPending(t.queryRow(ctx, "latestPending", accountID, v[0], v[len(v)-1], ms(now)))
}

// ConfirmPending marks a pending opt-in confirmed. It reports false when it
// was confirmed already.
func (t *Tx) ConfirmPending(ctx context.Context, id int64, at time.Time) (bool, error) {
	r, err := t.exec(ctx, "confirmPending", id, ms(at))
	if err != nil {
		return false, err
	}
	n, err := r.RowsAffected()
	return n == 1, t.s.wrap(err)
}

func scanPending(row *sql.Row) (Pending, error) {
	var p Pending
	var topics, evidence string
	var created, expires, confirmed int64
	err := row.Scan(&p.ID, &p.AccountID, &p.Token, &p.FormID, &p.WAID, &topics, &evidence, &p.Language, &p.MessageID, &p.State,
		&created, &expires, &confirmed)
	if errors.Is(err, sql.ErrNoRows) {
		return p, ErrNotFound
	}
	if err != nil {
		return p, unavailable(err)
	}
	if topics != "" {
		p.Topics = strings.Split(topics, ",")
	}
	if err := json.Unmarshal([]byte(evidence), &p.Evidence); err != nil {
		return p, consent.Errorf(consent.EInternal, "pending opt-in %d: stored evidence is not JSON", p.ID)
	}
	p.CreatedAt, p.ExpiresAt, p.ConfirmedAt = fromMS(created), fromMS(expires), fromMS(confirmed)
	return p, nil
}

// Link is a wa.me opt-in link: its prefilled text carries Code, and a
// message with that code opts in to Topic, attributed to Source.
type Link struct {
	AccountID string
	Code      string
	FormID    string
	Topic     string
	Source    string // poster, packaging, ad, in-store, ...
	Language  string
	Text      string // the prefilled text, code included
	CreatedAt time.Time
}

// SaveLink stores a link and returns it as stored: saving the same code
// again returns the first one.
func (s *Store) SaveLink(ctx context.Context, l Link) (Link, error) {
	var out Link
	err := s.Write(ctx, func(ctx context.Context, tx *Tx) error {
		if _, err := tx.exec(ctx, "insertLink", l.AccountID, l.Code, l.FormID, l.Topic, l.Source, l.Language, l.Text, ms(s.now())); err != nil {
			return err
		}
		var err error
		out, err = tx.LinkByCode(ctx, l.AccountID, l.Code)
		return err
	})
	return out, err
}

// LinkByCode returns the account's link with that code.
func (t *Tx) LinkByCode(ctx context.Context, accountID, code string) (Link, error) {
	return scanLink(t.queryRow(ctx, "linkByCode", accountID, code))
}

// Link returns the account's link with that code.
func (s *Store) Link(ctx context.Context, accountID, code string) (Link, error) {
	return scanLink(s.stmts["linkByCode"].QueryRowContext(ctx, accountID, code))
}

// Links returns every link of the account, oldest first.
func (s *Store) Links(ctx context.Context, accountID string) ([]Link, error) {
	rows, err := s.stmts["linksOf"].QueryContext(ctx, accountID)
	if err != nil {
		return nil, unavailable(err)
	}
	defer rows.Close()
	var out []Link
	for rows.Next() {
		var l Link
		var at int64
		if err := rows.Scan(&l.AccountID, &l.Code, &l.FormID, &l.Topic, &l.Source, &l.Language, &l.Text, &at); err != nil {
			return nil, unavailable(err)
		}
		l.CreatedAt = fromMS(at)
		out = append(out, l)
	}
	return out, unavailable(rows.Err())
}

type rowScanner interface{ Scan(...any) error }

func scanLink(row rowScanner) (Link, error) {
	var l Link
	var at int64
	err := row.Scan(&l.AccountID, &l.Code, &l.FormID, &l.Topic, &l.Source, &l.Language, &l.Text, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return l, ErrNotFound
	}
	if err != nil {
		return l, unavailable(err)
	}
	l.CreatedAt = fromMS(at)
	return l, nil
}

// ExportRow is one consent event with the person it belongs to.
type ExportRow struct {
	Seq        int64
	WAID       string
	UserID     string
	Action     string
	Scope      string
	Source     string
	Evidence   string // JSON
	Reason     string
	Actor      string
	OccurredAt time.Time
	RecordedAt time.Time
	Hash       string
}

// ExportEvents returns up to limit events of the account after seq, in chain order.
func (s *Store) ExportEvents(ctx context.Context, accountID string, afterSeq int64, limit int) ([]ExportRow, error) {
	rows, err := s.stmts["exportEvents"].QueryContext(ctx, accountID, afterSeq, limit)
	if err != nil {
		return nil, unavailable(err)
	}
	defer rows.Close()
	out := make([]ExportRow, 0, limit)
	for rows.Next() {
		var r ExportRow
		var occ, rec int64
		if err := rows.Scan(&r.Seq, &r.WAID, &r.UserID, &r.Action, &r.Scope, &r.Source, &r.Evidence, &r.Reason, &r.Actor, &occ, &rec, &r.Hash); err != nil {
			return nil, unavailable(err)
		}
		r.OccurredAt, r.RecordedAt = fromMS(occ), fromMS(rec)
		out = append(out, r)
	}
	return out, unavailable(rows.Err())
}

// Scopes returns the contact's newest event per scope.
func (t *Tx) Scopes(ctx context.Context, contactID int64) ([]consent.ScopeState, error) {
	rows, err := t.stmt(ctx, "scopesOf").QueryContext(ctx, contactID)
	if err != nil {
		return nil, unavailable(err)
	}
	defer rows.Close()
	var out []consent.ScopeState
	for rows.Next() {
		var sc consent.ScopeState
		var at int64
		if err := rows.Scan(&sc.Scope, &sc.Action, &sc.Seq, &sc.Source, &at); err != nil {
			return nil, unavailable(err)
		}
		sc.OccurredAt = fromMS(at)
		out = append(out, sc)
	}
	return out, unavailable(rows.Err())
}
