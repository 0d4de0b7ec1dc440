// Package gate is optgate's application core: it takes the consent signals
// out of Meta's webhooks and commits them before acknowledging, decides every
// outbound send, records consent given through the API, and sends optgate's
// own replies through a durable outbox. HTTP lives in package web; storage in
// package store; the rules themselves in package consent.
package gate

import (
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/optgate/optgate/internal/cloudapi"
	"github.com/optgate/optgate/internal/config"
	"github.com/optgate/optgate/internal/consent"
	"github.com/optgate/optgate/internal/intent"
	"github.com/optgate/optgate/internal/store"
)

// Account is one configured business account, ready for use.
type Account struct {
	ID              string
	Name            string
	WABAID          string
	Rules           *consent.Rules
	Upstream        cloudapi.Upstream
	DefaultLanguage string
	Languages       []string // languages optgate answers in
	Uncertain       string   // ask, act or ignore
	KeywordOptIn    []string

	signer      *signer // the account's app secret, shared with the accounts of the same app
	verifyToken string
	apiKeys     [][sha256.Size]byte
	phones      map[string]string // phone number id -> display number
	detector    *intent.Detector
	buttons     buttonSet
	replies     replyTexts

	downstreams     []Downstream
	forwardConsumed bool
	deadLetterAfter time.Duration

	optIn *optInState // hosted forms, links and their limits (optin.go)
}

// Downstreams returns the account's own webhooks.
func (a *Account) Downstreams() []Downstream { return a.downstreams }

// replyLanguage picks the language of a reply: the first of the candidates
// that the account speaks, else its default.
func (a *Account) replyLanguage(candidates ...string) string {
	for _, l := range candidates {
		if l != "" && slices.Contains(a.Languages, l) {
			return l
		}
	}
	return a.DefaultLanguage
}

// OwnsPhone reports whether phoneNumberID is one of the account's numbers.
func (a *Account) OwnsPhone(phoneNumberID string) bool {
	_, ok := a.phones[phoneNumberID]
	return ok
}

// Gate is the running core.
type Gate struct {
	store    *store.Store
	client   *cloudapi.Client
	log      *slog.Logger
	metrics  *Metrics
	now      func() time.Time
	accounts []*Account
	byID     map[string]*Account
	byPhone  map[string]*Account
	byWABA   map[string]*Account
	signers  []*signer // one per distinct app secret (signature.go)
	wake     chan struct{}
	fwake    chan struct{}

	recipients recipientCache

	// atOnce writes every message at once and acts on it, plain or not
	// (step.plain): tests compare the two.
	atOnce bool
}

// Options configure a Gate.
type Options struct {
	Store   *store.Store
	Client  *cloudapi.Client
	Logger  *slog.Logger
	Metrics *Metrics
	Now     func() time.Time
}

// New builds a Gate for the accounts of cfg, which must be valid.
func New(cfg *config.Config, opts Options) (*Gate, error) {
	g := &Gate{
		store:   opts.Store,
		client:  opts.Client,
		log:     opts.Logger,
		metrics: opts.Metrics,
		now:     opts.Now,
		byID:    map[string]*Account{},
		byPhone: map[string]*Account{},
		byWABA:  map[string]*Account{},
		wake:    make(chan struct{}, 1),
		fwake:   make(chan struct{}, 1),
	}
	if g.log == nil {
		g.log = slog.New(slog.DiscardHandler)
	}
	if g.now == nil {
		g.now = time.Now
	}
	if g.metrics == nil {
		g.metrics = NewMetrics(nil)
	}
	if g.client == nil {
		g.client = cloudapi.New(0)
	}
	for i := range cfg.Accounts {
		a, err := newAccount(&cfg.Accounts[i])
		if err != nil {
			return nil, fmt.Errorf("accounts[%s]: %w", cfg.Accounts[i].ID, err)
		}
		g.addSigner(a, cfg.Accounts[i].AppSecret.Reveal())
		g.accounts = append(g.accounts, a)
		g.byID[a.ID] = a
		g.byWABA[a.WABAID] = a
		for id := range a.phones {
			g.byPhone[id] = a
		}
	}
	return g, nil
}

func newAccount(c *config.Account) (*Account, error) {
	a := &Account{
		ID:              c.ID,
		Name:            c.Name,
		WABAID:          c.WABAID,
		Rules:           c.Rules(),
		Upstream:        cloudapi.Upstream{BaseURL: c.Upstream.BaseURL, AccessToken: c.Upstream.AccessToken.Reveal(), Timeout: c.Upstream.Timeout},
		DefaultLanguage: c.DefaultLanguage,
		Uncertain:       c.Uncertain,
		KeywordOptIn:    c.KeywordOptIn,
		verifyToken:     c.VerifyToken.Reveal(),
		phones:          map[string]string{},
	}
	a.Languages = c.Languages
	if len(a.Languages) == 0 {
		a.Languages = config.Languages
	}
	if a.DefaultLanguage == "" {
		a.DefaultLanguage = "en"
		if !slices.Contains(a.Languages, "en") {
			a.DefaultLanguage = a.Languages[0]
		}
	}
	if a.Uncertain == "" {
		a.Uncertain = "ask"
	}
	for _, p := range c.PhoneNumbers {
		a.phones[p.ID] = p.Display
	}
	for _, k := range c.APIKeys {
		a.apiKeys = append(a.apiKeys, sha256.Sum256([]byte(k.Reveal())))
	}
	det, err := intent.New(intent.Options{
		Keywords: map[intent.Intent][]string{intent.OptOut: c.Keywords.OptOut, intent.OptIn: c.Keywords.OptIn, intent.Help: c.Keywords.Help},
		Phrases:  map[intent.Intent][]string{intent.OptOut: c.Phrases.OptOut, intent.OptIn: c.Phrases.OptIn, intent.Help: c.Phrases.Help},
	})
	if err != nil {
		return nil, fmt.Errorf("keywords: %w", err)
	}
	a.detector = det
	a.buttons = newButtonSet(c.Buttons)
	a.downstreams = newDownstreams(c)
	a.forwardConsumed = c.ForwardConsumed == nil || *c.ForwardConsumed
	a.deadLetterAfter = c.DeadLetterAfter
	if a.deadLetterAfter == 0 {
		a.deadLetterAfter = 72 * time.Hour
	}
	a.replies = newReplyTexts(c.Name, c.Replies)
	a.optIn = newOptInState(c)
	return a, nil
}

// Accounts returns the configured accounts.
func (g *Gate) Accounts() []*Account { return g.accounts }

// AccountIDs returns the ids of the configured accounts.
func (g *Gate) AccountIDs() []string {
	ids := make([]string, len(g.accounts))
	for i, a := range g.accounts {
		ids[i] = a.ID
	}
	return ids
}

// Account returns the account with the given id.
func (g *Gate) Account(id string) (*Account, bool) {
	a, ok := g.byID[id]
	return a, ok
}

// AccountForPhone returns the account owning a business phone number id.
func (g *Gate) AccountForPhone(phoneNumberID string) (*Account, bool) {
	a, ok := g.byPhone[phoneNumberID]
	return a, ok
}

// Authenticate returns the account whose API key is key, comparing in constant time.
func (g *Gate) Authenticate(key string) (*Account, bool) {
	if key == "" {
		return nil, false
	}
	sum := sha256.Sum256([]byte(key))
	var found *Account
	for _, a := range g.accounts {
		for _, k := range a.apiKeys {
			if subtle.ConstantTimeCompare(sum[:], k[:]) == 1 {
				found = a
			}
		}
	}
	return found, found != nil
}

// VerifyToken checks the webhook handshake token against every account's, in constant time.
func (g *Gate) VerifyToken(token string) bool {
	ok := false
	for _, a := range g.accounts {
		if subtle.ConstantTimeCompare([]byte(token), []byte(a.verifyToken)) == 1 {
			ok = true
		}
	}
	return ok && token != ""
}
