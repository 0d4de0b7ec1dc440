// Package meta speaks the formats of Meta's WhatsApp Cloud API: webhook
// payloads and their X-Hub-Signature-256, send requests, and Graph API error
// objects. It only parses and builds; it decides nothing.
package meta

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// SignatureHeader is the header Meta signs webhooks with.
const SignatureHeader = "X-Hub-Signature-256"

// Sign returns the X-Hub-Signature-256 value of body under secret.
func Sign(body []byte, secret string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// VerifySignature checks header against the HMAC-SHA256 of the raw body, in
// constant time.
func VerifySignature(body []byte, header, secret string) bool {
	hexSig, ok := strings.CutPrefix(header, "sha256=")
	if !ok || secret == "" {
		return false
	}
	got, err := hex.DecodeString(hexSig)
	if err != nil || len(got) != sha256.Size {
		return false
	}
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return hmac.Equal(got, m.Sum(nil))
}

// Payload is one webhook POST from Meta. One payload may batch many entries,
// changes, messages and statuses.
type Payload struct {
	Object string  `json:"object"`
	Entry  []Entry `json:"entry"`
}

// Entry is the part of a payload about one WhatsApp Business Account.
type Entry struct {
	ID      string   `json:"id"` // the WABA id
	Time    int64    `json:"time,omitempty"`
	Changes []Change `json:"changes"`
}

// Change is one notification; Field says which kind.
type Change struct {
	Field string `json:"field"`
	Value Value  `json:"value"`
}

// Value is the union of the change shapes optgate reads: messages, statuses
// and errors (field "messages"), user_preferences, and the template and
// quality notifications, which have their own fields and no metadata.
type Value struct {
	MessagingProduct string           `json:"messaging_product,omitempty"`
	Metadata         Metadata         `json:"metadata"`
	Contacts         []Contact        `json:"contacts,omitempty"`
	Messages         []Message        `json:"messages,omitempty"`
	Statuses         []Status         `json:"statuses,omitempty"`
	Errors           []Error          `json:"errors,omitempty"`
	UserPreferences  []UserPreference `json:"user_preferences,omitempty"`

	// message_template_status_update, message_template_quality_update, phone_number_quality_update
	Event                   string      `json:"event,omitempty"`
	MessageTemplateID       json.Number `json:"message_template_id,omitempty"`
	MessageTemplateName     string      `json:"message_template_name,omitempty"`
	MessageTemplateLanguage string      `json:"message_template_language,omitempty"`
	MessageTemplateCategory string      `json:"message_template_category,omitempty"`
	Reason                  string      `json:"reason,omitempty"`
	PreviousQualityScore    string      `json:"previous_quality_score,omitempty"`
	NewQualityScore         string      `json:"new_quality_score,omitempty"`
	DisplayPhoneNumber      string      `json:"display_phone_number,omitempty"`
	CurrentLimit            string      `json:"current_limit,omitempty"`

	// template_category_update: a completed change has previous_category
	// and new_category; a coming one has new_category (the current one),
	// correct_category and category_update_timestamp.
	PreviousCategory        string `json:"previous_category,omitempty"`
	NewCategory             string `json:"new_category,omitempty"`
	CorrectCategory         string `json:"correct_category,omitempty"`
	CategoryUpdateTimestamp int64  `json:"category_update_timestamp,omitempty"`
}

// Metadata names the business phone number a change is about.
type Metadata struct {
	DisplayPhoneNumber string `json:"display_phone_number"`
	PhoneNumberID      string `json:"phone_number_id"`
}

// Contact is the sender's profile. From 2026 it may carry a business-scoped
// user id, and may omit wa_id for people who hide their number.
type Contact struct {
	Profile struct {
		Name string `json:"name"`
	} `json:"profile"`
	WAID   string `json:"wa_id,omitempty"`
	UserID string `json:"user_id,omitempty"`
}

// Message is one inbound message.
type Message struct {
	From        string       `json:"from,omitempty"`
	FromUserID  string       `json:"from_user_id,omitempty"`
	ID          string       `json:"id"`
	Timestamp   string       `json:"timestamp"`
	Type        string       `json:"type"`
	Text        *Text        `json:"text,omitempty"`
	Button      *Button      `json:"button,omitempty"`
	Interactive *Interactive `json:"interactive,omitempty"`
	System      *System      `json:"system,omitempty"`
	Context     *MsgContext  `json:"context,omitempty"`
	Errors      []Error      `json:"errors,omitempty"`
}

// Text is a text message's body.
type Text struct {
	Body string `json:"body"`
}

// Button is a tap on a template's quick-reply button.
type Button struct {
	Payload string `json:"payload"`
	Text    string `json:"text"`
}

// Interactive is a reply to an interactive message.
type Interactive struct {
	Type        string `json:"type"`
	ButtonReply *Reply `json:"button_reply,omitempty"`
	ListReply   *Reply `json:"list_reply,omitempty"`
}

// Reply is a button or list reply.
type Reply struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
}

// System is a system message, such as user_changed_number.
type System struct {
	Body string `json:"body"`
	WAID string `json:"wa_id,omitempty"`
	Type string `json:"type"`
}

// MsgContext points at the business message a reply answers.
type MsgContext struct {
	From string `json:"from"`
	ID   string `json:"id"`
}

// Status is a delivery status of an outbound message.
type Status struct {
	ID              string  `json:"id"`
	Status          string  `json:"status"`
	Timestamp       string  `json:"timestamp"`
	RecipientID     string  `json:"recipient_id,omitempty"`
	RecipientUserID string  `json:"recipient_user_id,omitempty"`
	Errors          []Error `json:"errors,omitempty"`
}

// Error is an error object inside a webhook.
type Error struct {
	Code      int    `json:"code"`
	Title     string `json:"title"`
	Message   string `json:"message,omitempty"`
	ErrorData struct {
		Details string `json:"details"`
	} `json:"error_data"`
}

// UserPreference is a person's marketing stop or resume in WhatsApp's settings.
type UserPreference struct {
	WAID      string `json:"wa_id,omitempty"`
	UserID    string `json:"user_id,omitempty"`
	Detail    string `json:"detail"`
	Category  string `json:"category"`
	Value     string `json:"value"`
	Timestamp int64  `json:"timestamp"`
}

// Parse decodes a webhook body. It refuses anything that is not a WhatsApp
// Business Account payload, with an error that says why.
func Parse(body []byte) (*Payload, error) {
	var p Payload
	// Unmarshal reads the body where it is; a Decoder would first copy it
	// into a buffer of its own. It refuses anything after the first value,
	// but says so in words of its scanner: a Decoder, run only when the body
	// is refused, tells which error to give.
	if err := json.Unmarshal(body, &p); err != nil {
		return nil, parseError(body, err)
	}
	if p.Object != "whatsapp_business_account" {
		return nil, fmt.Errorf("object is %q, want whatsapp_business_account", p.Object)
	}
	if len(p.Entry) == 0 {
		return nil, errors.New("payload has no entry")
	}
	return &p, nil
}

// parseError says why Unmarshal refused body: an invalid first value, or
// data after a valid one.
func parseError(body []byte, err error) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	var v Payload
	if derr := dec.Decode(&v); derr != nil {
		return fmt.Errorf("body is not a valid webhook payload: %w", derr)
	}
	if _, terr := dec.Token(); !errors.Is(terr, io.EOF) {
		return errors.New("body has data after the JSON object")
	}
	return fmt.Errorf("body is not a valid webhook payload: %w", err)
}

// ParseTime reads Meta's timestamps: seconds since the epoch, as a string.
func ParseTime(ts string) (time.Time, error) {
	n, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || n < 0 {
		return time.Time{}, fmt.Errorf("timestamp %q is not seconds since the epoch", ts)
	}
	return time.Unix(n, 0).UTC(), nil
}
