package gate

import (
	"context"
	"errors"
	"github.com/prometheus/client_golang/prometheus"
	"strings"
	"sync"

	"github.com/optgate/optgate/internal/consent"
	"github.com/optgate/optgate/internal/meta"
	"github.com/optgate/optgate/internal/store"
)

// Decide decides one send request of account a from business phone number
// phoneNumberID. It reads the contact's consent fresh from the database,
// with no cache, so an opt-out acknowledged to Meta by any instance is
// already enforced. If the database cannot answer, it returns an
// EUnavailable error: the caller must refuse the send (fail closed).
func (g *Gate) Decide(ctx context.Context, a *Account, phoneNumberID string, req *meta.SendRequest) (consent.Decision, error) {
	return g.decideAndRecord(ctx, a, phoneNumberID, req, g.metrics.Decisions, "send decision")
}

// Check is Decide for a send that will not be made (POST /v1/decisions, a
// dry run): the same decision, counted and logged apart from real sends, so
// that the send figures count sends only.
func (g *Gate) Check(ctx context.Context, a *Account, phoneNumberID string, req *meta.SendRequest) (consent.Decision, error) {
	return g.decideAndRecord(ctx, a, phoneNumberID, req, g.metrics.Checks, "decision check (dry run)")
}

func (g *Gate) decideAndRecord(ctx context.Context, a *Account, phoneNumberID string, req *meta.SendRequest, count *prometheus.CounterVec, what string) (consent.Decision, error) {
	d, contactID, err := g.decide(ctx, a, phoneNumberID, req)
	if err != nil {
		count.WithLabelValues(a.ID, "error", "unavailable").Inc()
		g.log.Error(what+" failed, refusing", "account", a.ID, "phone_number_id", phoneNumberID, "err", err)
		return d, err
	}
	outcome := "refused"
	if d.Allow {
		outcome = "allowed"
	}
	count.WithLabelValues(a.ID, outcome, string(d.Reason)).Inc()
	g.log.Info(what, "account", a.ID, "phone_number_id", phoneNumberID, "outcome", outcome, "reason", d.Reason,
		"type", req.Type, "template", templateName(req), "topic", d.Topic, "contact_id", contactID, "recipient", maskRecipient(req.RecipientKey()))
	return d, nil
}

func (g *Gate) decide(ctx context.Context, a *Account, phoneNumberID string, req *meta.SendRequest) (consent.Decision, int64, error) {
	msg := consent.Outbound{Kind: consent.FreeForm, Type: req.Type}
	switch {
	case req.IsStatusUpdate():
		msg.Kind = consent.StatusUpdate
		return consent.Decide(a.Rules, msg, &consent.State{}, g.now()), 0, nil
	case req.Type == "template":
		msg.Kind, msg.Template = consent.Template, templateName(req)
		if _, known := a.Rules.Templates[msg.Template]; !known && a.Rules.UnknownTemplates == consent.CategoryUnknownTemplates {
			cat, err := g.store.TemplateCategory(ctx, a.ID, msg.Template, req.Template.Language.Code)
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				return consent.Decision{}, 0, err
			}
			msg.Category = cat
		}
	}
	key, err := g.recipients.parse(req.RecipientKey())
	if err != nil {
		return consent.Refuse(consent.ReasonInvalidRecipient, "%s", consent.ErrorMessage(err)), 0, nil
	}
	id, st, err := g.store.DecisionState(ctx, a.ID, key, phoneNumberID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return consent.Decision{}, 0, err
	}
	return consent.Decide(a.Rules, msg, &st, g.now()), id, nil
}

func templateName(req *meta.SendRequest) string {
	if req.Template == nil {
		return ""
	}
	return req.Template.Name
}

// maskRecipient keeps logs free of whole phone numbers and user ids, which
// name a person as well: 5511*****4321, BR.*****8765 (the line's contact_id
// says who it was to those who may know).
func maskRecipient(s string) string {
	s = strings.TrimSpace(s)
	if consent.IsUserID(s) {
		return s[:3] + "*****" + s[len(s)-4:]
	}
	if len(s) <= 8 {
		return s
	}
	return s[:4] + strings.Repeat("*", len(s)-8) + s[len(s)-4:]
}

// recipientCache remembers how recent recipients normalize: parsing a number
// with libphonenumber costs more than the rest of a decision's CPU work. It
// holds results only (the number's E.164 form), never consent.
type recipientCache struct {
	mu sync.Mutex
	m  map[string]recipientEntry
}

type recipientEntry struct {
	key consent.ContactKey
	err error
}

const recipientCacheSize = 65536

func (c *recipientCache) parse(raw string) (consent.ContactKey, error) {
	c.mu.Lock()
	e, ok := c.m[raw]
	c.mu.Unlock()
	if ok {
		return e.key, e.err
	}
	key, err := consent.ParseContactKey(raw)
	c.mu.Lock()
	if c.m == nil || len(c.m) >= recipientCacheSize {
		c.m = make(map[string]recipientEntry, 1024)
	}
	c.m[raw] = recipientEntry{key, err}
	c.mu.Unlock()
	return key, err
}
