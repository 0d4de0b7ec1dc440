package consent

import (
	"fmt"
	"math"
	"time"
)

// ServiceWindow is how long after a person's last message Meta lets a
// business reply with free-form messages.
const ServiceWindow = 24 * time.Hour

// ScopeState is the latest event of one scope for one contact.
type ScopeState struct {
	Scope      Scope
	Action     Action
	Seq        int64
	Source     string
	OccurredAt time.Time
}

// State is what the send decision needs to know of one contact on one
// business phone number: the latest event per scope, and the service window.
type State struct {
	Known          bool // the contact exists
	Scopes         []ScopeState
	LastInbound    time.Time // last message from the person to this phone number
	WindowClosedAt time.Time // Meta said the window was closed (error 131047)
	MarketingHold  time.Time // Meta's per-user marketing limit (error 131049) holds marketing until then
}

// WindowOpen reports whether the person wrote within the last 24 hours and
// Meta has not said otherwise since.
func (s *State) WindowOpen(now time.Time) bool {
	if s.LastInbound.IsZero() || now.Sub(s.LastInbound) >= ServiceWindow {
		return false
	}
	return s.WindowClosedAt.Before(s.LastInbound)
}

// WindowExpires returns when the service window closes, or zero when it is closed.
func (s *State) WindowExpires(now time.Time) time.Time {
	if !s.WindowOpen(now) {
		return time.Time{}
	}
	return s.LastInbound.Add(ServiceWindow)
}

// Effective returns the consent that applies to topic t: of the events in
// force of the scopes that cover it (all, its category, the topic itself,
// and WhatsApp's marketing setting: StateScope), the latest
// (ScopeState.After: the person's latest word, by when they said it),
// skipping a key whose event in force is a Resume. A START written
// before a "Stop promotions" and delivered after it counts for order
// updates, not for promotions. ok is false when the person never said
// anything that covers t.
func (s *State) Effective(t Topic) (ScopeState, bool) {
	var best ScopeState
	found := false
	for _, sc := range s.Scopes {
		if sc.Action == Resume || !covers(sc.Scope, t) {
			continue
		}
		if !found || sc.After(best) {
			best, found = sc, true
		}
	}
	return best, found
}

// OptedOutOfAll reports whether the contact's opt-out of everything is in
// force: the all scope's event in force is an opt-out and no opt-in of any
// scope came after it (ScopeState.After). Later opt-outs or a Resume of a
// narrower scope do not lift it.
func (s *State) OptedOutOfAll() bool {
	var all ScopeState
	for _, sc := range s.Scopes {
		if sc.Scope == ScopeAll {
			all = sc
		}
	}
	if all.Action != OptOut {
		return false
	}
	for _, sc := range s.Scopes {
		if sc.Action == OptIn && sc.After(all) {
			return false
		}
	}
	return true
}

// After reports whether x came after y: it happened in a later second; or in
// the same second, where both times carry milliseconds (the API's, an
// import's), at a later millisecond; otherwise it was recorded later (seq).
// Meta's timestamps are whole seconds, so a PARAR sent a moment after an
// opt-in recorded through the API can carry an earlier time than the
// opt-in's: within its second, a whole-second time says nothing about the
// order. Events reach optgate late and out of order (Meta does not promise
// order; an import or an API call can give a time in the past), so the
// ledger's order alone would let an old list or a START delivered late undo
// a newer opt-out, and a STOP delivered late hide a newer one.
func (x ScopeState) After(y ScopeState) bool {
	xm, ym := x.OccurredAt.UnixMilli(), y.OccurredAt.UnixMilli()
	if xs, ys := floorDiv(xm, 1000), floorDiv(ym, 1000); xs != ys {
		return xs > ys
	}
	if xm != ym && xm%1000 != 0 && ym%1000 != 0 {
		return xm > ym
	}
	return x.Seq > y.Seq
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// Supersedes reports whether x, rather than y, is the event in force when
// both stand under one key of a contact's state (StateScope): a new event
// against the one there, or the same key on two records of one person, as
// the two forms of a Brazilian number. It is After, which orders events, so
// the state does not depend on the order they arrive in (short of three
// events in one second that mix whole-second and millisecond times, recorded
// out of order). The database keeps the same rule (store's scopeSupersedes).
func (x ScopeState) Supersedes(y ScopeState) bool { return x.After(y) }

func covers(sc Scope, t Topic) bool {
	sc = sc.Ledger()
	if sc == ScopeAll {
		return true
	}
	if c, ok := sc.Category(); ok {
		return c == t.Category
	}
	id, _ := sc.Topic()
	return id == t.ID
}

// MessageKind sorts outbound requests for the decision.
type MessageKind int

const (
	// FreeForm is any message that is not a template: text, media, interactive, reaction, ...
	FreeForm MessageKind = iota
	// Template is a pre-approved template message.
	Template
	// StatusUpdate is a mark-as-read or typing indicator.
	StatusUpdate
)

// Outbound is the part of a send request that the decision reads.
type Outbound struct {
	Kind     MessageKind
	Type     string // Meta's message type, e.g. text, template, image
	Template string // template name, for Template
	// Category is the Meta category of a template missing from the registry,
	// as learned from Meta, for accounts whose unknown templates take their
	// topic from their category.
	Category Category
}

// Reason explains a decision. The refusal reasons are part of the public API.
type Reason string

// Refusal reasons.
const (
	ReasonOptedOut         Reason = "opted_out"
	ReasonTopicOptedOut    Reason = "topic_opted_out"
	ReasonNoOptIn          Reason = "no_opt_in"
	ReasonWindowClosed     Reason = "window_closed"
	ReasonUnknownTemplate  Reason = "unknown_template"
	ReasonInvalidRecipient Reason = "invalid_recipient"
	ReasonMarketingLimit   Reason = "meta_marketing_limit"
)

// Reasons for allowing.
const (
	ReasonStatusUpdate   Reason = "status_update"
	ReasonWindowOpen     Reason = "window_open"
	ReasonOptedIn        Reason = "opted_in"
	ReasonUnknownAllowed Reason = "unknown_template_allowed"
)

// Decision is the verdict on one outbound request.
type Decision struct {
	Allow   bool
	Reason  Reason
	Topic   string // the template's topic, when there is one
	Details string // plain words for the business's developers
}

// Refuse returns a refusal with the given reason and details.
func Refuse(r Reason, format string, args ...any) Decision {
	return Decision{Reason: r, Details: fmt.Sprintf(format, args...)}
}

// Decide applies the send rules of design.md, in order; the first rule that
// applies decides.
//
//  1. Mark-as-read and typing indicators always pass.
//  2. Opted out of everything: refuse.
//  3. A template: unknown to the registry, refuse unless the account allows
//     it; opted out of its topic (or of its category, as Meta's marketing
//     stop is): refuse; inside the service window: allow; else it needs an
//     opt-in to the topic.
//  4. Anything else only inside the service window.
func Decide(r *Rules, msg Outbound, st *State, now time.Time) Decision {
	if msg.Kind == StatusUpdate {
		return Decision{Allow: true, Reason: ReasonStatusUpdate, Details: "mark-as-read and typing indicators always pass"}
	}
	if st.OptedOutOfAll() {
		return Refuse(ReasonOptedOut, "the recipient opted out of all messages from this business")
	}
	windowOpen := st.WindowOpen(now)
	if msg.Kind == Template {
		topic, ok := r.TopicOfTemplate(msg.Template)
		if !ok && r.UnknownTemplates == CategoryUnknownTemplates && msg.Category != "" {
			topic, ok = r.Topics[r.CategoryTopics[msg.Category]]
		}
		if !ok {
			if r.UnknownTemplates == AllowUnknownTemplates {
				return Decision{Allow: true, Reason: ReasonUnknownAllowed, Details: fmt.Sprintf("template %q is not in the registry; the account allows unknown templates", msg.Template)}
			}
			return Refuse(ReasonUnknownTemplate, "template %q is not in the account's template registry (nor known from Meta with a mapped category), so its topic and consent cannot be checked", msg.Template)
		}
		eff, known := st.Effective(topic)
		if known && eff.Action == OptOut {
			if eff.Scope == ScopeAll {
				return Refuse(ReasonOptedOut, "the recipient opted out of all messages from this business").withTopic(topic.ID)
			}
			return Refuse(ReasonTopicOptedOut, "the recipient opted out of %s (topic %s, %s messages; source %s)", describeScope(eff.Scope), topic.ID, topic.Category, eff.Source).withTopic(topic.ID)
		}
		if topic.Category == Marketing && now.Before(st.MarketingHold) {
			return Refuse(ReasonMarketingLimit, "Meta's per-user marketing limit (error 131049) holds marketing to this recipient until %s", st.MarketingHold.UTC().Format(time.RFC3339)).withTopic(topic.ID)
		}
		if windowOpen {
			return Decision{Allow: true, Reason: ReasonWindowOpen, Topic: topic.ID, Details: "the recipient wrote within the last 24 hours"}
		}
		if known && eff.Action == OptIn {
			return Decision{Allow: true, Reason: ReasonOptedIn, Topic: topic.ID, Details: fmt.Sprintf("the recipient opted in to %s", describeScope(eff.Scope))}
		}
		return Refuse(ReasonNoOptIn, "the recipient has not opted in to topic %s and has not written in the last 24 hours", topic.ID).withTopic(topic.ID)
	}
	if windowOpen {
		return Decision{Allow: true, Reason: ReasonWindowOpen, Details: "the recipient wrote within the last 24 hours"}
	}
	return Refuse(ReasonWindowClosed, "a %s message is allowed only within 24 hours of the recipient's last message; send an approved template instead", msgType(msg))
}

func (d Decision) withTopic(id string) Decision {
	d.Topic = id
	return d
}

func describeScope(s Scope) string {
	if s == ScopeAll {
		return "all messages"
	}
	if c, ok := s.Category(); ok {
		return "all " + string(c) + " messages"
	}
	id, _ := s.Topic()
	return "topic " + id
}

func msgType(m Outbound) string {
	if m.Type == "" {
		return "free-form"
	}
	return m.Type
}

// OptInSuperseded reports whether an opt-in of sc dated at would change
// nothing because an opt-out that happened after at (ScopeState.After, the
// opt-in being recorded after it) covers every topic sc
// covers (the same scope, a wider one, or the category of sc's topic): an
// old list, or a message delivered late, never undoes a later opt-out. An
// opt-out that covers only part of sc (a "Stop promotions" after a START)
// does not make the opt-in moot: it still counts for the other topics, and
// State.Effective keeps the opt-out in force for its own.
func OptInSuperseded(r *Rules, scopes []ScopeState, sc Scope, at time.Time) bool {
	optIn := ScopeState{Scope: sc, Action: OptIn, Seq: math.MaxInt64, OccurredAt: at} // recorded after all
	for _, s := range scopes {
		if s.Scope != s.Scope.Ledger() {
			// WhatsApp's own setting stands apart: its stop does not make
			// moot what the person told the business (a resume lifts it).
			continue
		}
		if s.Action == OptOut && s.After(optIn) && coversScope(r, s.Scope, sc) {
			return true
		}
	}
	return false
}

// coversScope reports whether every topic that scope y covers is covered by
// scope x.
func coversScope(r *Rules, x, y Scope) bool {
	x, y = x.Ledger(), y.Ledger()
	if x == y || x == ScopeAll {
		return true
	}
	cx, xIsCat := x.Category()
	if !xIsCat {
		return false
	}
	if cy, ok := y.Category(); ok {
		return cx == cy
	}
	ty, ok := y.Topic()
	return ok && r.Topics[ty].Category == cx
}
