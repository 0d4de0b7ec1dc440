package gate

import (
	"context"
	"errors"
	"strings"

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
	d, contactID, err := g.decide(ctx, a, phoneNumberID, req)
	if err != nil {
		g.metrics.Decisions.WithLabelValues(a.ID, "error", "unavailable").Inc()
		g.log.Error("send decision failed, refusing", "account", a.ID, "phone_number_id", phoneNumberID, "err", err)
		return d, err
	}
	outcome := "refused"
	if d.Allow {
		outcome = "allowed"
	}
	g.metrics.Decisions.WithLabelValues(a.ID, outcome, string(d.Reason)).Inc()
	g.log.Info("send decision", "account", a.ID, "phone_number_id", phoneNumberID, "outcome", outcome, "reason", d.Reason,
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
			cat, err := g.store.TemplateCategory(ctx, a.ID, msg.Template)
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				return consent.Decision{}, 0, err
			}
			msg.Category = cat
		}
	}
	key, err := consent.ParseContactKey(req.RecipientKey())
	if err != nil {
		return consent.Refuse(consent.ReasonInvalidRecipient, "%s", consent.ErrorMessage(err)), 0, nil
	}
	st := consent.State{}
	c, err := g.store.FindContact(ctx, a.ID, key)
	switch {
	case errors.Is(err, store.ErrNotFound):
	case err != nil:
		return consent.Decision{}, 0, err
	default:
		if st, err = g.store.State(ctx, c.ID, phoneNumberID); err != nil {
			return consent.Decision{}, c.ID, err
		}
	}
	return consent.Decide(a.Rules, msg, &st, g.now()), c.ID, nil
}

func templateName(req *meta.SendRequest) string {
	if req.Template == nil {
		return ""
	}
	return req.Template.Name
}

// maskRecipient keeps logs free of whole phone numbers: 5511*****4321.
func maskRecipient(s string) string {
	s = strings.TrimSpace(s)
	if consent.IsUserID(s) || len(s) <= 8 {
		return s
	}
	return s[:4] + strings.Repeat("*", len(s)-8) + s[len(s)-4:]
}
