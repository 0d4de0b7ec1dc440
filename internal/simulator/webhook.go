package simulator

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Webhook payloads, in Meta's shapes (see shared/fixtures/meta).

type webhookPayload struct {
	Object string         `json:"object"`
	Entry  []webhookEntry `json:"entry"`
}

type webhookEntry struct {
	ID      string          `json:"id"`
	Changes []webhookChange `json:"changes"`
}

type webhookChange struct {
	Value webhookValue `json:"value"`
	Field string       `json:"field"`
}

type webhookValue struct {
	MessagingProduct string           `json:"messaging_product"`
	Metadata         webhookMetadata  `json:"metadata"`
	Contacts         []webhookContact `json:"contacts,omitempty"`
	Messages         []inboundMessage `json:"messages,omitempty"`
	Statuses         []messageStatus  `json:"statuses,omitempty"`
	UserPreferences  []userPreference `json:"user_preferences,omitempty"`
}

type webhookMetadata struct {
	DisplayPhoneNumber string `json:"display_phone_number"`
	PhoneNumberID      string `json:"phone_number_id"`
}

type webhookContact struct {
	Profile *contactProfile `json:"profile,omitempty"`
	WaID    string          `json:"wa_id,omitempty"`
	UserID  string          `json:"user_id,omitempty"`
}

type contactProfile struct {
	Name string `json:"name"`
}

type inboundMessage struct {
	Context     *messageContext     `json:"context,omitempty"`
	From        string              `json:"from,omitempty"`
	FromUserID  string              `json:"from_user_id,omitempty"`
	ID          string              `json:"id"`
	Timestamp   string              `json:"timestamp"`
	Type        string              `json:"type"`
	Text        *inboundText        `json:"text,omitempty"`
	Button      *inboundButton      `json:"button,omitempty"`
	Interactive *inboundInteractive `json:"interactive,omitempty"`
	System      *inboundSystem      `json:"system,omitempty"`
}

type messageContext struct {
	From string `json:"from"`
	ID   string `json:"id"`
}

type inboundText struct {
	Body string `json:"body"`
}

type inboundButton struct {
	Payload string `json:"payload"`
	Text    string `json:"text"`
}

type inboundInteractive struct {
	Type        string       `json:"type"`
	ButtonReply *ButtonReply `json:"button_reply,omitempty"`
	ListReply   *ListReply   `json:"list_reply,omitempty"`
}

// ButtonReply is the reply button a person tapped in an interactive message.
type ButtonReply struct {
	ID    string `json:"id"`
	Title string `json:"title"`
}

// ListReply is the row a person picked in an interactive list message.
type ListReply struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
}

type inboundSystem struct {
	Body string `json:"body"`
	WaID string `json:"wa_id"`
	Type string `json:"type"`
}

type messageStatus struct {
	ID              string                `json:"id"`
	Status          string                `json:"status"`
	Timestamp       string                `json:"timestamp"`
	RecipientID     string                `json:"recipient_id,omitempty"`
	RecipientUserID string                `json:"recipient_user_id,omitempty"`
	Conversation    *statusConversation   `json:"conversation,omitempty"`
	Pricing         *statusPricing        `json:"pricing,omitempty"`
	Errors          []webhookErrorDetails `json:"errors,omitempty"`
}

type statusConversation struct {
	ID                  string             `json:"id"`
	ExpirationTimestamp string             `json:"expiration_timestamp"`
	Origin              conversationOrigin `json:"origin"`
}

type conversationOrigin struct {
	Type string `json:"type"`
}

type statusPricing struct {
	Billable     bool   `json:"billable"`
	PricingModel string `json:"pricing_model"`
	Type         string `json:"type"`
	Category     string `json:"category"`
}

type webhookErrorDetails struct {
	Code      int              `json:"code"`
	Title     string           `json:"title"`
	Message   string           `json:"message"`
	ErrorData webhookErrorData `json:"error_data"`
	Href      string           `json:"href"`
}

type webhookErrorData struct {
	Details string `json:"details"`
}

type userPreference struct {
	WaID      string `json:"wa_id"`
	Detail    string `json:"detail"`
	Category  string `json:"category"`
	Value     string `json:"value"`
	Timestamp int64  `json:"timestamp"`
}

// Delivery failures as Meta reports them in `failed` statuses.
var (
	errReEngagement = webhookErrorDetails{
		Code:      131047,
		Title:     "Re-engagement message",
		Message:   "Re-engagement message",
		ErrorData: webhookErrorData{Details: "Message failed to send because more than 24 hours have passed since the customer last replied to this number."},
		Href:      "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/",
	}
	errMarketingStopped = webhookErrorDetails{
		Code:      131050,
		Title:     "Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business",
		Message:   "Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business",
		ErrorData: webhookErrorData{Details: "Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business"},
		Href:      "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/",
	}
)

// envelope wraps one change value for this simulator's account.
func (s *Simulator) envelope(field string, value webhookValue) webhookPayload {
	value.MessagingProduct = "whatsapp"
	value.Metadata = webhookMetadata{DisplayPhoneNumber: s.cfg.DisplayPhone, PhoneNumberID: s.cfg.PhoneNumberID}
	return webhookPayload{
		Object: "whatsapp_business_account",
		Entry:  []webhookEntry{{ID: s.cfg.WABAID, Changes: []webhookChange{{Value: value, Field: field}}}},
	}
}

// Sign returns the X-Hub-Signature-256 header value Meta would send for body.
func Sign(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// WebhookError is returned when optgate did not answer a webhook with 200.
type WebhookError struct {
	StatusCode int    // optgate's HTTP status
	Body       string // the start of optgate's answer
}

func (e *WebhookError) Error() string {
	return fmt.Sprintf("simulator: webhook answered %d: %s", e.StatusCode, e.Body)
}

// post signs and POSTs one webhook body to WebhookURL; anything but 200 is an error.
func (s *Simulator) post(ctx context.Context, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.cfg.WebhookURL, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("simulator: build webhook request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "facebookexternalua")
	req.Header.Set("X-Hub-Signature-256", Sign(s.cfg.AppSecret, body))
	resp, err := s.client.Do(req)
	if err != nil {
		return fmt.Errorf("simulator: post webhook: %w", err)
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode != http.StatusOK {
		return &WebhookError{StatusCode: resp.StatusCode, Body: string(answer)}
	}
	return nil
}

// deliver is the outbox's sender: it posts with a bounded per-attempt context.
func (s *Simulator) deliver(body []byte) error {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	return s.post(ctx, body)
}

// enqueue queues a payload for background delivery.
func (s *Simulator) enqueue(p webhookPayload) {
	body, err := json.Marshal(p)
	if err != nil {
		s.log.Error("encode webhook", "err", err)
		return
	}
	s.outbox.push(body)
}

func unixString(t time.Time) string { return strconv.FormatInt(t.Unix(), 10) }

// outbox delivers webhooks one at a time, in order, from a single goroutine, retrying a few times.
type outbox struct {
	send    func([]byte) error
	log     *slog.Logger
	backoff []time.Duration

	mu      sync.Mutex
	queue   [][]byte
	pending int           // queued plus in flight
	idle    chan struct{} // closed when pending drops to zero
	closed  bool
	wake    chan struct{}
	done    chan struct{}
}

func newOutbox(send func([]byte) error, log *slog.Logger) *outbox {
	o := &outbox{
		send:    send,
		log:     log,
		backoff: []time.Duration{100 * time.Millisecond, 300 * time.Millisecond, time.Second},
		idle:    make(chan struct{}),
		wake:    make(chan struct{}, 1),
		done:    make(chan struct{}),
	}
	close(o.idle)
	go o.run()
	return o
}

func (o *outbox) push(body []byte) {
	o.mu.Lock()
	if o.closed {
		o.mu.Unlock()
		o.log.Warn("webhook dropped: simulator closed")
		return
	}
	if o.pending == 0 {
		o.idle = make(chan struct{})
	}
	o.pending++
	o.queue = append(o.queue, body)
	o.mu.Unlock()
	select {
	case o.wake <- struct{}{}:
	default:
	}
}

func (o *outbox) run() {
	defer close(o.done)
	for {
		o.mu.Lock()
		if len(o.queue) == 0 {
			closed := o.closed
			o.mu.Unlock()
			if closed {
				return
			}
			<-o.wake
			continue
		}
		body := o.queue[0]
		o.queue[0] = nil
		o.queue = o.queue[1:]
		o.mu.Unlock()

		o.deliver(body)

		o.mu.Lock()
		o.pending--
		if o.pending == 0 {
			close(o.idle)
		}
		o.mu.Unlock()
	}
}

func (o *outbox) deliver(body []byte) {
	for attempt := 0; ; attempt++ {
		err := o.send(body)
		if err == nil {
			o.log.Debug("webhook delivered", "attempt", attempt+1, "bytes", len(body))
			return
		}
		if attempt >= len(o.backoff) {
			o.log.Error("webhook given up", "attempts", attempt+1, "err", err)
			return
		}
		o.log.Warn("webhook failed, will retry", "attempt", attempt+1, "err", err)
		time.Sleep(o.backoff[attempt])
	}
}

// flush waits until nothing is queued or in flight.
func (o *outbox) flush(ctx context.Context) error {
	o.mu.Lock()
	idle := o.idle
	o.mu.Unlock()
	select {
	case <-idle:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (o *outbox) close() {
	o.mu.Lock()
	if !o.closed {
		o.closed = true
	}
	o.mu.Unlock()
	select {
	case o.wake <- struct{}{}:
	default:
	}
	<-o.done
}

// Flush waits until every queued webhook has been delivered (or given up on after retries).
func (s *Simulator) Flush(ctx context.Context) error {
	return s.outbox.flush(ctx)
}
