// Package simulator is a local stand-in for Meta's WhatsApp Cloud API and for the people on the phones.
// It serves the Graph send API in Meta's formats, answers with Meta's errors, sends signed status
// webhooks the way Meta does, and lets a demo or a test act as a person (send text, tap buttons, stop
// marketing, change number). `optgate demo` and the test suites use it instead of Meta.
package simulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"
)

// Config configures a Simulator. Every field but Templates, Now, Client, Logger and ReadReceipts is required.
type Config struct {
	AppSecret     string            // signs webhooks: X-Hub-Signature-256: sha256=<lower-case hex HMAC-SHA256 of raw body>
	AccessToken   string            // the Bearer token the send API requires (else 401 Graph error code 190)
	WABAID        string            // entry.id in webhooks
	PhoneNumberID string            // metadata.phone_number_id; sends to another phone_number_id get a Graph error (code 100)
	DisplayPhone  string            // metadata.display_phone_number
	WebhookURL    string            // where webhooks are POSTed (optgate's /webhooks/whatsapp)
	Templates     map[string]string // template name -> category ("MARKETING","UTILITY","AUTHENTICATION"); unknown names get Graph error 132001
	Now           func() time.Time  // clock; nil means time.Now
	Client        *http.Client      // nil means a client with a 10s timeout
	Logger        *slog.Logger      // nil means discard
	// ReadReceipts makes every delivered message also get a `read` status, as if the person opened it.
	ReadReceipts bool
}

// ServiceWindow is how long after a person's last message the business may send free-form messages.
const ServiceWindow = 24 * time.Hour

// Template categories as Meta names them.
const (
	CategoryMarketing      = "MARKETING"
	CategoryUtility        = "UTILITY"
	CategoryAuthentication = "AUTHENTICATION"
)

// Simulator plays Meta's Cloud API and the people who use WhatsApp. It is safe for concurrent use.
type Simulator struct {
	cfg       Config
	templates map[string]string
	now       func() time.Time
	client    *http.Client
	log       *slog.Logger
	mux       http.Handler
	outbox    *outbox

	mu     sync.Mutex
	people map[string]*person // by wa_id
}

// person is one WhatsApp user as the simulator remembers them.
type person struct {
	waID             string
	userID           string
	name             string
	lastInbound      time.Time // zero: never wrote to the business
	marketingStopped bool
	lastReceivedID   string // id of the last business message that reached the phone
	inbox            []Delivered
	conversations    map[string]conversationState // by pricing category
}

type conversationState struct {
	id      string
	expires time.Time
}

// Delivered is a business message that reached a person's phone.
type Delivered struct {
	ID       string          `json:"id"`
	Type     string          `json:"type"`
	Template string          `json:"template,omitempty"` // template name, for type template
	Text     string          `json:"text,omitempty"`     // text body, or interactive body text
	At       time.Time       `json:"at"`
	Body     json.RawMessage `json:"body"` // the send request as the business sent it
}

// Person is a snapshot of one simulated WhatsApp user, as GET /sandbox/people shows it.
type Person struct {
	WaID             string     `json:"wa_id"`
	UserID           string     `json:"user_id,omitempty"`
	Name             string     `json:"name"`
	LastInboundAt    *time.Time `json:"last_inbound_at"`
	WindowOpenUntil  *time.Time `json:"window_open_until"` // nil: the service window is closed
	MarketingStopped bool       `json:"marketing_stopped"`
	Received         int        `json:"received"` // messages in the inbox
}

// New checks cfg and starts the background webhook delivery. Call Close to stop it.
func New(cfg Config) (*Simulator, error) {
	if err := validate(cfg); err != nil {
		return nil, err
	}
	templates := make(map[string]string, len(cfg.Templates))
	for name, category := range cfg.Templates {
		c, err := normalizeCategory(category)
		if err != nil {
			return nil, fmt.Errorf("simulator: Templates[%q]: %w", name, err)
		}
		templates[name] = c
	}
	s := &Simulator{
		cfg:       cfg,
		templates: templates,
		now:       cfg.Now,
		client:    cfg.Client,
		log:       cfg.Logger,
		people:    make(map[string]*person),
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.client == nil {
		s.client = &http.Client{Timeout: 10 * time.Second}
	}
	if s.log == nil {
		s.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	s.log = s.log.With("component", "simulator")
	s.mux = s.routes()
	s.outbox = newOutbox(s.deliver, s.log)
	return s, nil
}

func validate(cfg Config) error {
	var errs []error
	for _, f := range []struct{ name, value string }{
		{"AppSecret", cfg.AppSecret},
		{"AccessToken", cfg.AccessToken},
		{"WABAID", cfg.WABAID},
		{"PhoneNumberID", cfg.PhoneNumberID},
		{"DisplayPhone", cfg.DisplayPhone},
		{"WebhookURL", cfg.WebhookURL},
	} {
		if strings.TrimSpace(f.value) == "" {
			errs = append(errs, fmt.Errorf("simulator: %s is required", f.name))
		}
	}
	if cfg.WebhookURL != "" {
		u, err := url.Parse(cfg.WebhookURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("simulator: WebhookURL %q is not an absolute http(s) URL", cfg.WebhookURL))
		}
	}
	return errors.Join(errs...)
}

// Handler serves the Graph send API under /{version}/{phone_number_id}/messages and the sandbox
// control API under /sandbox/.
func (s *Simulator) Handler() http.Handler { return s.mux }

// Close waits until every queued webhook has been delivered (or given up on), then stops delivery.
// Webhooks queued after Close are dropped.
func (s *Simulator) Close() error {
	s.outbox.close()
	return nil
}

// SetTemplate registers (or re-categorizes) an approved template, as if Meta had approved it.
func (s *Simulator) SetTemplate(name, category string) error {
	c, err := normalizeCategory(category)
	if err != nil {
		return fmt.Errorf("simulator: template %q: %w", name, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.templates[name] = c
	return nil
}

func normalizeCategory(category string) (string, error) {
	c := strings.ToUpper(strings.TrimSpace(category))
	switch c {
	case CategoryMarketing, CategoryUtility, CategoryAuthentication:
		return c, nil
	}
	return "", fmt.Errorf("unknown category %q (want MARKETING, UTILITY or AUTHENTICATION)", category)
}

// SetName sets the profile name a person's webhooks carry, creating the person if needed.
func (s *Simulator) SetName(waID, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.personLocked(waID).name = name
}

// SetUserID gives a person a business-scoped user id (e.g. "US.13491208655302741918"): their webhooks
// then carry contacts[].user_id, messages[].from_user_id and statuses[].recipient_user_id, and the
// send API accepts it in `to`. An empty userID removes it.
func (s *Simulator) SetUserID(waID, userID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.personLocked(waID).userID = userID
}

// Inbox returns what actually reached the person's phone (accepted and not failed), oldest first.
func (s *Simulator) Inbox(waID string) []Delivered {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.people[waID]
	if !ok {
		return []Delivered{}
	}
	return append([]Delivered{}, p.inbox...)
}

// People returns every person the simulator knows, ordered by wa_id.
func (s *Simulator) People() []Person {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	out := make([]Person, 0, len(s.people))
	for _, p := range s.people {
		v := Person{
			WaID:             p.waID,
			UserID:           p.userID,
			Name:             p.name,
			MarketingStopped: p.marketingStopped,
			Received:         len(p.inbox),
		}
		if !p.lastInbound.IsZero() {
			last := p.lastInbound
			v.LastInboundAt = &last
			if until := last.Add(ServiceWindow); until.After(now) {
				v.WindowOpenUntil = &until
			}
		}
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].WaID < out[j].WaID })
	return out
}

// personLocked returns the person with that wa_id, creating them on first use. s.mu must be held.
func (s *Simulator) personLocked(waID string) *person {
	p, ok := s.people[waID]
	if !ok {
		p = &person{waID: waID, name: defaultName(waID), conversations: map[string]conversationState{}}
		s.people[waID] = p
	}
	return p
}

// personByUserIDLocked finds a person by business-scoped user id. s.mu must be held.
func (s *Simulator) personByUserIDLocked(userID string) *person {
	for _, p := range s.people {
		if p.userID != "" && p.userID == userID {
			return p
		}
	}
	return nil
}

func defaultName(waID string) string {
	suffix := waID
	if len(suffix) > 4 {
		suffix = suffix[len(suffix)-4:]
	}
	return "Sandbox User " + suffix
}

func (p *person) windowOpen(now time.Time) bool {
	return !p.lastInbound.IsZero() && now.Sub(p.lastInbound) < ServiceWindow
}
