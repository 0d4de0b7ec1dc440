package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// SavePayload keeps the raw bytes of a webhook from Meta. The same bytes
// delivered again are stored once.
func (t *Tx) SavePayload(ctx context.Context, body []byte) error {
	sum := sha256.Sum256(body)
	_, err := t.exec(ctx, "savePayload", hex.EncodeToString(sum[:]), body, ms(t.s.now()))
	return err
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
