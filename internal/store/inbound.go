package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/optgate/optgate/internal/consent"
)

// SavePayload keeps the raw bytes of a webhook from Meta, in this
// transaction: every delivery is kept as it came, a redelivery too, with the
// time it was received. forwarded marks bytes that go to a downstream (the
// deliveries name them by digest, their Optgate-Event-Id): only those can
// be looked up by digest, as an index of every digest would cost each
// webhook a write to a random page of it. The same bytes saved again by the
// same writer are kept once (twice if payloads were written out in between
// and only the second save is forwarded: both rows hold the same bytes).
//
// The row is written with the other payloads of the group commit, in one
// multi-row statement, just before the commit or before anything in the
// transaction reads payloads (flushPayloads).
func (t *Tx) SavePayload(ctx context.Context, body []byte, forwarded bool) error {
	sum := sha256.Sum256(body)
	digest := hex.EncodeToString(sum[:])
	for i := t.writerFrom; i < len(t.payloads); i++ {
		if p := &t.payloads[i]; p.digest == digest {
			if p.forwarded || !forwarded {
				return nil
			}
			if i >= t.flushed { // not written yet
				p.forwarded = true
				return nil
			}
		}
	}
	t.payloads = append(t.payloads, pendingPayload{digest, body, forwarded})
	return nil
}

type pendingPayload struct {
	digest    string
	body      []byte
	forwarded bool
}

// flushPayloads writes the payloads saved in the transaction and not written
// yet, in the order they were saved.
func (t *Tx) flushPayloads(ctx context.Context) error {
	pending := t.payloads[t.flushed:]
	if len(pending) == 0 {
		return nil
	}
	args := make([]any, 0, 3*len(pending))
	for _, p := range pending {
		args = append(args, p.digest, p.body, p.forwarded)
	}
	shared := []any{ms(t.s.now())}
	if err := t.execValues(ctx, "save payloads", "INSERT INTO webhook_payloads (received_at, digest, body, forwarded)", "", shared, 3, args); err != nil {
		return err
	}
	t.flushed = len(t.payloads)
	return nil
}

// Inbound is one message a person sent to the business.
type Inbound struct {
	AccountID     string
	MessageID     string
	ContactID     int64
	PhoneNumberID string
	Type          string
	Intent        string
	SentAt        time.Time
}

// InsertInbound records an inbound message and reports whether it is new;
// a redelivered message id returns false, and its effects must not be applied again.
func (t *Tx) InsertInbound(ctx context.Context, m Inbound) (bool, error) {
	r, err := t.exec(ctx, "insertInbound", m.AccountID, m.MessageID, m.ContactID, m.PhoneNumberID, m.Type, m.Intent, ms(m.SentAt), ms(t.s.now()))
	if err != nil {
		return false, err
	}
	n, err := r.RowsAffected()
	return n == 1, unavailable(err)
}

// InboundSeen reports whether the account has the inbound message with this
// id already: a redelivery, for a message that must be recognised before it
// is acted on (a number change).
func (t *Tx) InboundSeen(ctx context.Context, accountID, messageID string) (bool, error) {
	if err := t.flushQueued(ctx); err != nil {
		return false, err
	}
	var one int
	err := t.queryRow(ctx, "inboundSeen", accountID, messageID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, t.s.wrap(err)
	}
	return true, nil
}

// SetInboundIntent records what optgate understood of an inbound message.
func (t *Tx) SetInboundIntent(ctx context.Context, accountID, messageID, intent string) error {
	_, err := t.exec(ctx, "setInboundIntent", accountID, messageID, intent)
	return err
}

// Status is one delivery status Meta reported for an outbound message.
type Status struct {
	AccountID string
	MessageID string
	Status    string
	Recipient string
	ErrorCode int
	At        time.Time
}

// InsertStatus records a status and reports whether it is new.
func (t *Tx) InsertStatus(ctx context.Context, st Status) (bool, error) {
	r, err := t.exec(ctx, "insertStatus", st.AccountID, st.MessageID, st.Status, st.Recipient, st.ErrorCode, ms(st.At), ms(t.s.now()))
	if err != nil {
		return false, err
	}
	n, err := r.RowsAffected()
	return n == 1, unavailable(err)
}

// TouchWindow records that the person wrote to the business phone number at t,
// opening (or extending) the 24-hour service window.
func (t *Tx) TouchWindow(ctx context.Context, contactID int64, phoneNumberID string, at time.Time) error {
	_, err := t.exec(ctx, "touchWindow", contactID, phoneNumberID, ms(at))
	return err
}

// CloseWindow records that Meta refused a free-form message at t because the
// window was closed (error 131047).
func (t *Tx) CloseWindow(ctx context.Context, contactID int64, phoneNumberID string, at time.Time) error {
	_, err := t.exec(ctx, "closeWindow", contactID, phoneNumberID, ms(at))
	return err
}

func init() {
	// PostgreSQL: a message's contact (found by wa_id, or created, and
	// renamed when the webhook says so), the message itself (unless it came
	// before) and the service window it opens, in one statement: one round
	// trip instead of three or four, and a round trip costs the database more
	// than the rows it writes.
	//
	// A change of name or language updates the contact's row before the
	// message is inserted (the main query reads c, which reads upd, before
	// it reads msg), as UpsertContact came first in the statements this
	// replaces: two transactions that carry the same message (a redelivery
	// to two instances) then meet on the contact, not one on the message
	// and the other on the contact (a deadlock).
	queries["ingestMessage"] = `WITH found AS (
			SELECT id, COALESCE(user_id, '') AS user_id, name, language, created_at, false AS created
			FROM contacts WHERE account_id = $1 AND wa_id = $2),
		upd AS (
			UPDATE contacts SET name = CASE WHEN $3 <> '' THEN $3 ELSE name END,
				language = CASE WHEN $4 <> '' THEN $4 ELSE language END, updated_at = $5
			WHERE id = (SELECT id FROM found) AND (($3 <> '' AND name <> $3) OR ($4 <> '' AND language <> $4))
			RETURNING id, COALESCE(user_id, '') AS user_id, name, language, created_at, false AS created),
		made AS (
			INSERT INTO contacts (account_id, wa_id, user_id, name, language, created_at, updated_at)
			SELECT $1, $2, NULL, $3, $4, $5, $5 WHERE NOT EXISTS (SELECT 1 FROM found)
			ON CONFLICT DO NOTHING
			RETURNING id, ''::text AS user_id, name, language, created_at, true AS created),
		c AS (SELECT * FROM upd
			UNION ALL SELECT * FROM found WHERE NOT EXISTS (SELECT 1 FROM upd)
			UNION ALL SELECT * FROM made),
		msg AS (
			INSERT INTO inbound_messages (account_id, message_id, contact_id, phone_number_id, type, intent, sent_at, received_at)
			SELECT $1, $6, c.id, $7, $8, '', $9, $5 FROM c
			ON CONFLICT (account_id, message_id) DO NOTHING
			RETURNING contact_id),
		win AS (
			INSERT INTO service_windows (contact_id, phone_number_id, last_inbound_at, closed_at)
			SELECT contact_id, $7, $9, 0 FROM msg WHERE $10::boolean
			ON CONFLICT (contact_id, phone_number_id) DO UPDATE SET last_inbound_at =
			GREATEST(service_windows.last_inbound_at, excluded.last_inbound_at))
		SELECT id, user_id, name, language, created_at, created, EXISTS (SELECT 1 FROM msg) FROM c`
	dialectOnly["ingestMessage"] = "postgres"
}

// IngestMessage records a message a person sent: their contact (found or
// created, and completed as UpsertContact does), the message (isNew is
// false for a message id seen before, whose effects must not be applied
// again) and, for a new message when openWindow, the service window on
// m.PhoneNumberID. m.ContactID is ignored.
func (t *Tx) IngestMessage(ctx context.Context, seen ContactSeen, m Inbound, openWindow bool) (c consent.Contact, isNew bool, err error) {
	if err := t.flushQueued(ctx); err != nil {
		return c, false, err
	}
	if seen.Key.WAID != "" {
		// Sent from a number before its owner moved to another (a STOP
		// redelivered after Meta's user_changed_number, say): the
		// mover's, wherever their record is now, not a stranger's.
		// Or sent from a number before someone moved onto it: the
		// previous owner's, on the record they kept.
		mover, ok, err := t.holderAt(ctx, m.AccountID, seen.Key.WAID, m.SentAt)
		switch {
		case err != nil:
			return c, false, err
		case ok:
			m.ContactID = mover.ID
			if isNew, err = t.InsertInbound(ctx, m); err != nil || !isNew || !openWindow {
				return mover, isNew, err
			}
			return mover, true, t.TouchWindow(ctx, mover.ID, m.PhoneNumberID, m.SentAt)
		}
	}
	if t.s.dialect.name != "postgres" || seen.Key.WAID == "" || seen.Key.UserID != "" {
		// One statement at a time: SQLite has no round trips to save, and
		// a business-scoped user id takes UpsertContact's rules.
		if c, err = t.UpsertContact(ctx, m.AccountID, seen); err != nil {
			return c, false, err
		}
		m.ContactID = c.ID
		if isNew, err = t.InsertInbound(ctx, m); err != nil || !isNew || !openWindow {
			return c, isNew, err
		}
		return c, true, t.TouchWindow(ctx, c.ID, m.PhoneNumberID, m.SentAt)
	}
	now := ms(t.s.now())
	var created int64
	var made bool // created by this statement (the column keeps the UNION's branches apart)
	c = consent.Contact{AccountID: m.AccountID, WAID: seen.Key.WAID}
	err = t.stmt(ctx, "ingestMessage").QueryRowContext(ctx, m.AccountID, seen.Key.WAID, seen.Name, seen.Language, now,
		m.MessageID, m.PhoneNumberID, m.Type, ms(m.SentAt), openWindow).Scan(&c.ID, &c.UserID, &c.Name, &c.Language, &created, &made, &isNew)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		// Not there when the statement began, and created by another
		// transaction before it could insert: Write runs this writer
		// again, and then it finds them.
		return c, false, &consent.Error{Code: consent.EConflict, Message: "contact was created concurrently",
			Err: errors.Join(errLostRace, fmt.Errorf("contact %q", seen.Key.WAID))}
	case err != nil:
		return c, false, fmt.Errorf("ingest message: %w", t.s.wrap(err))
	}
	c.CreatedAt = fromMS(created)
	return c, isNew, nil
}
