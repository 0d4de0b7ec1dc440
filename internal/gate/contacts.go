package gate

import (
	"context"
	"errors"
	"sort"
	"time"

	"github.com/optgate/optgate/internal/consent"
	"github.com/optgate/optgate/internal/store"
)

// ConsentInput is a consent change given through the native API.
type ConsentInput struct {
	Action     string         `json:"action"`
	Topic      string         `json:"topic,omitempty"` // empty: all topics
	Category   string         `json:"category,omitempty"`
	Source     string         `json:"source"`
	Evidence   map[string]any `json:"evidence,omitempty"`
	Reason     string         `json:"reason,omitempty"`
	Actor      string         `json:"actor,omitempty"`
	OccurredAt *time.Time     `json:"occurred_at,omitempty"`
}

// RecordConsent appends a consent event for the contact named by id (a phone
// number in any notation, or a business-scoped user id), creating the
// contact if needed. An opt-in without evidence is refused.
func (g *Gate) RecordConsent(ctx context.Context, a *Account, id string, in ConsentInput) (consent.Event, error) {
	key, err := consent.ParseContactKey(id)
	if err != nil {
		return consent.Event{}, err
	}
	ev := consent.Event{AccountID: a.ID, Action: consent.Action(in.Action), Scope: consent.ScopeAll, Source: in.Source,
		Evidence: in.Evidence, Reason: in.Reason, Actor: in.Actor}
	if ev.Action == consent.Resume {
		return ev, consent.Errorf(consent.EInvalid, "action must be opt_in or opt_out")
	}
	switch {
	case in.Topic != "" && in.Category != "":
		return ev, consent.Errorf(consent.EInvalid, "give topic or category, not both")
	case in.Topic != "":
		ev.Scope = consent.TopicScope(in.Topic)
	case in.Category != "":
		ev.Scope = consent.CategoryScope(consent.Category(in.Category))
	}
	if ev.Source == "" {
		ev.Source = consent.SourceAPI
	}
	if ev.Actor == "" {
		ev.Actor = "api:" + a.ID
	}
	if in.OccurredAt != nil {
		now := g.now()
		if in.OccurredAt.After(now.Add(5 * time.Minute)) {
			return ev, consent.Errorf(consent.EInvalid, "occurred_at is in the future")
		}
		// A time a little ahead (a clock running fast) is taken as now:
		// kept as given, it would outrank whatever the person says in the
		// next minutes (the latest word counts, by when it was said).
		ev.OccurredAt = in.OccurredAt.UTC()
		if ev.OccurredAt.After(now) {
			ev.OccurredAt = now.UTC()
		}
	}
	if err := ev.Validate(a.Rules); err != nil {
		return ev, err
	}
	err = g.store.Write(ctx, func(ctx context.Context, tx *store.Tx) error {
		c, err := tx.UpsertContact(ctx, a.ID, store.ContactSeen{Key: key})
		if err != nil {
			return err
		}
		ev.ContactID = c.ID
		if ev.Action == consent.OptIn && !ev.OccurredAt.IsZero() {
			// A backdated opt-in never undoes an opt-out that came after
			// it, as with imports: the person's later word stands. The
			// ledger is locked first, so that an opt-out another instance
			// is appending is read.
			if err := tx.LockLedger(ctx, a.ID); err != nil {
				return err
			}
			st, err := tx.PersonState(ctx, a.ID, consent.ContactKey{WAID: c.WAID, UserID: c.UserID}, "")
			if err != nil {
				return err
			}
			if consent.OptInSuperseded(a.Rules, st.Scopes, ev.Scope, ev.OccurredAt) {
				return consent.Errorf(consent.EConflict, "the person opted out after occurred_at (%s); an opt-in from before that cannot undo it: record a new one with its own evidence",
					ev.OccurredAt.Format(time.RFC3339))
			}
		}
		return tx.AppendEvent(ctx, &ev)
	})
	if err != nil {
		return ev, err
	}
	g.metrics.ConsentEvents.WithLabelValues(a.ID, string(ev.Action), ev.Source).Inc()
	g.log.Info("consent recorded", "account", a.ID, "contact_id", ev.ContactID, "action", ev.Action, "scope", ev.Scope, "source", ev.Source, "seq", ev.Seq)
	return ev, nil
}

// TopicConsent is a contact's effective consent for one topic.
type TopicConsent struct {
	Topic    string    `json:"topic"`
	Category string    `json:"category"`
	Status   string    `json:"status"` // opted_in, opted_out or none
	Scope    string    `json:"scope,omitempty"`
	Source   string    `json:"source,omitempty"`
	Since    time.Time `json:"since,omitzero"`
}

// WindowView is a contact's service window on one business number.
type WindowView struct {
	PhoneNumberID string    `json:"phone_number_id"`
	Open          bool      `json:"open"`
	LastInbound   time.Time `json:"last_inbound_at,omitzero"`
	ExpiresAt     time.Time `json:"expires_at,omitzero"`
}

// ContactView is everything optgate knows of one contact.
type ContactView struct {
	Contact       consent.Contact
	OptedOutOfAll bool
	Topics        []TopicConsent
	Windows       []WindowView
	History       []consent.Event
}

// Contact returns the contact named by id with its consent per topic, its
// service windows and its full history.
func (g *Gate) Contact(ctx context.Context, a *Account, id string) (ContactView, error) {
	var v ContactView
	key, err := consent.ParseContactKey(id)
	if err != nil {
		return v, err
	}
	c, err := g.store.FindContact(ctx, a.ID, key)
	if errors.Is(err, store.ErrNotFound) {
		return v, consent.Errorf(consent.ENotFound, "no contact %s in account %s", key, a.ID)
	}
	if err != nil {
		return v, err
	}
	v.Contact = c
	// As a send decision reads it: a person Meta reports under another form
	// of the number (store.DecisionState) may be on record twice, and both
	// records are theirs. Any phone number gives the scopes; windows are read
	// per number below.
	st, err := g.decisionState(ctx, a, key, "")
	if err != nil {
		return v, err
	}
	v.OptedOutOfAll = st.OptedOutOfAll()
	ids := make([]string, 0, len(a.Rules.Topics))
	for id := range a.Rules.Topics {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		t := a.Rules.Topics[id]
		tc := TopicConsent{Topic: id, Category: string(t.Category), Status: "none"}
		if eff, ok := st.Effective(t); ok {
			tc.Status = map[consent.Action]string{consent.OptIn: "opted_in", consent.OptOut: "opted_out"}[eff.Action]
			tc.Scope, tc.Source, tc.Since = string(eff.Scope.Ledger()), eff.Source, eff.OccurredAt
		}
		v.Topics = append(v.Topics, tc)
	}
	now := g.now()
	phones := make([]string, 0, len(a.phones))
	for p := range a.phones {
		phones = append(phones, p)
	}
	sort.Strings(phones)
	for _, p := range phones {
		w, err := g.decisionState(ctx, a, key, p)
		if err != nil {
			return v, err
		}
		v.Windows = append(v.Windows, WindowView{PhoneNumberID: p, Open: w.WindowOpen(now), LastInbound: w.LastInbound, ExpiresAt: w.WindowExpires(now)})
	}
	if v.History, err = g.store.History(ctx, c.ID); err != nil {
		return v, err
	}
	if c.WAID != "" {
		for _, w := range consent.WAIDVariants(c.WAID) {
			other, err := g.store.FindContact(ctx, a.ID, consent.ContactKey{WAID: w})
			if errors.Is(err, store.ErrNotFound) || err == nil && other.ID == c.ID {
				continue
			}
			if err != nil {
				return v, err
			}
			h, err := g.store.History(ctx, other.ID)
			if err != nil {
				return v, err
			}
			v.History = append(v.History, h...)
			sort.Slice(v.History, func(i, j int) bool { return v.History[i].Seq < v.History[j].Seq })
		}
	}
	return v, nil
}

// decisionState is the person's state as a send decision reads it: every
// record of them, merged.
func (g *Gate) decisionState(ctx context.Context, a *Account, key consent.ContactKey, phoneNumberID string) (consent.State, error) {
	_, st, err := g.store.DecisionState(ctx, a.ID, key, phoneNumberID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return st, err
	}
	return st, nil
}
