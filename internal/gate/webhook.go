package gate

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/optgate/optgate/internal/consent"
	"github.com/optgate/optgate/internal/intent"
	"github.com/optgate/optgate/internal/meta"
	"github.com/optgate/optgate/internal/store"
)

// IngestResult sums up what one webhook delivery did.
type IngestResult struct {
	Messages      int // new inbound messages
	Duplicates    int // messages and statuses seen before
	Statuses      int
	ConsentEvents int
	Replies       int
}

// IngestWebhook verifies, parses and commits one webhook delivery from Meta.
// When it returns nil, the payload and every consent change it implies are
// durable, so the caller may answer 200. A wrong signature, a body that is not
// a WhatsApp payload, or a phone number id no account owns change nothing.
func (g *Gate) IngestWebhook(ctx context.Context, body []byte, signature string) (IngestResult, error) {
	start := time.Now()
	var res IngestResult
	// The signature is checked on the raw bytes before anything is parsed
	// (signature.go).
	signedBy := g.signedBy(body, signature)
	if signedBy == nil {
		g.webhookDone("bad_signature", start)
		return res, consent.Errorf(consent.EUnauthorized, "X-Hub-Signature-256 does not match the app secret of any account")
	}
	p, err := meta.Parse(body)
	if err != nil {
		g.webhookDone("malformed", start)
		return res, &consent.Error{Code: consent.EInvalid, Message: err.Error()}
	}
	plan, err := g.plan(p, signedBy)
	if err != nil {
		g.webhookDone("rejected", start)
		return res, err
	}
	out, err := g.outgoing(body, p, plan)
	if err != nil {
		g.webhookDone("error", start)
		return res, err
	}
	var events []consent.Event
	err = g.store.Write(ctx, func(ctx context.Context, tx *store.Tx) error {
		res = IngestResult{}
		events = events[:0]
		if err := tx.SavePayload(ctx, body, slices.ContainsFunc(out, func(fb forwardBody) bool { return fb.raw })); err != nil {
			return err
		}
		for i := range plan {
			evs, err := g.apply(ctx, tx, &plan[i], &res)
			if err != nil {
				return err
			}
			events = append(events, evs...)
		}
		return g.enqueueForwards(ctx, tx, out)
	})
	if err != nil {
		g.webhookDone("error", start)
		return res, err
	}
	g.webhookDone("ok", start)
	for _, ev := range events {
		g.metrics.ConsentEvents.WithLabelValues(ev.AccountID, string(ev.Action), ev.Source).Inc()
		g.log.Info("consent recorded", "account", ev.AccountID, "contact_id", ev.ContactID, "action", ev.Action,
			"scope", ev.Scope, "source", ev.Source, "seq", ev.Seq)
	}
	if res.Replies > 0 {
		g.Wake()
	}
	if len(out) > 0 {
		g.wakeForwarder()
	}
	return res, nil
}

// step is one thing a webhook asks optgate to record, worked out before the
// write transaction so that the transaction does no parsing or detection.
type step struct {
	account   *Account
	phoneID   string
	kind      stepKind
	msg       *meta.Message
	contact   store.ContactSeen
	at        time.Time
	detection intent.Result
	text      string // what the person typed or tapped
	status    *meta.Status
	pref      *meta.UserPreference
	named     string // a preference's person as the entry names them (its dedupe key)
	optIn     bool   // a button or keyword that opts in
	optInMkt  bool   // ... to marketing only: a button whose words ask for offers
	optOut    bool   // a button that opts out of marketing
	optOutAll bool   // ... of everything: its words are a keyword or sentence that asks so
	help      bool   // a configured help button
	signal    *store.Signal
	template  *store.Template
	entry     int // index of the entry and change the step came from
	change    int
}

// plain reports whether apply has nothing to do for the message step but
// record it: no button or keyword of the account's, no intent detected, and
// nothing for opt-in capture (mayConcernOptIn). apply's code after the
// message is recorded acts only on these, so it must change with them.
func (st *step) plain() bool {
	if st.kind != stepMessage || st.optOut || st.optIn || st.help {
		return false
	}
	if d := st.detection.Intent; d != "" && d != intent.None {
		return false
	}
	return !mayConcernOptIn(st)
}

// intentLabel says what optgate understood of a message, for the
// Optgate-Intent header and the inbound record.
func (st *step) intentLabel() string {
	switch {
	case st.kind != stepMessage:
		return ""
	case st.optOutAll:
		return "opt_out:all"
	case st.optOut:
		return "opt_out:marketing"
	case st.optIn:
		return "opt_in"
	case st.help:
		return "help"
	}
	d := st.detection
	switch d.Intent {
	case intent.OptOut:
		if d.Uncertain {
			return "opt_out?"
		}
		return "opt_out:" + string(d.Scope)
	case intent.OptIn:
		if d.Uncertain {
			return "opt_in?"
		}
		return "opt_in"
	case intent.Help:
		return "help"
	}
	return "none"
}

// consumed reports whether optgate acted on the whole message as a keyword
// or button (and may keep it from the business's own webhook).
func (st *step) consumed() bool {
	if st.kind != stepMessage {
		return false
	}
	return st.optOut || st.optIn || st.help || (st.detection.Keyword && !st.detection.Uncertain && st.detection.Intent != intent.None && st.detection.Intent != "")
}

type stepKind int

const (
	stepMessage stepKind = iota
	stepNumberChange
	stepStatus
	stepPreference
	stepSignal
	stepOwner // marks which account owns a change; records nothing
)

// webhookDone counts a webhook delivery by result, with the time it took.
func (g *Gate) webhookDone(result string, start time.Time) {
	g.metrics.Webhooks.WithLabelValues(result).Inc()
	g.metrics.WebhookDuration.WithLabelValues(result).Observe(time.Since(start).Seconds())
}

func (g *Gate) plan(p *meta.Payload, signedBy map[*Account]bool) ([]step, error) {
	var steps []step
	for ei, e := range p.Entry {
		for ci, ch := range e.Changes {
			v := &p.Entry[ei].Changes[ci].Value
			first := len(steps)
			var acct *Account
			phoneID := v.Metadata.PhoneNumberID
			if phoneID != "" {
				a, ok := g.byPhone[phoneID]
				if !ok {
					return nil, consent.Errorf(consent.ENotFound, "phone_number_id %s belongs to no account of this optgate", phoneID)
				}
				acct = a
			} else {
				a, ok := g.byWABA[e.ID]
				if !ok {
					return nil, consent.Errorf(consent.ENotFound, "WhatsApp Business Account %s belongs to no account of this optgate", e.ID)
				}
				acct = a
			}
			if !signedBy[acct] {
				return nil, consent.Errorf(consent.EUnauthorized, "X-Hub-Signature-256 does not match the app secret of account %s", acct.ID)
			}
			steps = append(steps, step{account: acct, kind: stepOwner})
			switch ch.Field {
			case "messages":
				for i := range v.Messages {
					st, err := g.planMessage(acct, phoneID, v, &v.Messages[i])
					if err != nil {
						return nil, err
					}
					steps = append(steps, st)
				}
				for i := range v.Statuses {
					s := &v.Statuses[i]
					at, err := meta.ParseTime(s.Timestamp)
					if err != nil {
						return nil, consent.Errorf(consent.EInvalid, "status %s: %v", s.ID, err)
					}
					if s.ID == "" || s.Status == "" {
						return nil, consent.Errorf(consent.EInvalid, "a status needs id and status")
					}
					steps = append(steps, step{account: acct, phoneID: phoneID, kind: stepStatus, status: s, at: at,
						contact: store.ContactSeen{Key: consent.ContactKey{WAID: s.RecipientID, UserID: s.RecipientUserID}}})
				}
			case "user_preferences":
				for i := range v.UserPreferences {
					up := &v.UserPreferences[i]
					key := consent.ContactKey{WAID: up.WAID, UserID: up.UserID}
					if key.IsZero() && len(v.Contacts) == 1 {
						key = consent.ContactKey{WAID: v.Contacts[0].WAID, UserID: v.Contacts[0].UserID}
					}
					named := key.String()          // the dedupe key, as before the contacts completed it
					for _, c := range v.Contacts { // the other key, where the contacts give it
						switch {
						case key.UserID == "" && key.WAID != "" && c.WAID == key.WAID:
							key.UserID = c.UserID
						case key.WAID == "" && key.UserID != "" && c.UserID == key.UserID:
							key.WAID = c.WAID
						}
					}
					if key.IsZero() {
						return nil, consent.Errorf(consent.EInvalid, "user_preferences entry names no person")
					}
					steps = append(steps, step{account: acct, phoneID: phoneID, kind: stepPreference, pref: up, named: named,
						at: time.Unix(up.Timestamp, 0).UTC(), contact: store.ContactSeen{Key: key}})
				}
			default:
				steps = append(steps, signalStep(acct, e, ch))
			}
			for i := range v.Errors {
				er := &v.Errors[i]
				steps = append(steps, step{account: acct, phoneID: phoneID, kind: stepSignal, signal: &store.Signal{
					AccountID: acct.ID, Field: "errors", Event: fmt.Sprint(er.Code), Subject: phoneID,
					Detail: jsonString(er), OccurredAt: time.Now().UTC()}})
			}
			for i := first; i < len(steps); i++ {
				steps[i].entry, steps[i].change = ei, ci
			}
		}
	}
	return steps, nil
}

// signalStep records a notice about the account itself: template status and
// quality, phone number quality, and fields optgate does not act on.
func signalStep(acct *Account, e meta.Entry, ch meta.Change) step {
	v := &ch.Value
	at := time.Unix(e.Time, 0).UTC()
	if e.Time == 0 {
		at = time.Now().UTC()
	}
	subject := v.MessageTemplateName
	if subject == "" {
		subject = v.DisplayPhoneNumber
	}
	st := step{account: acct, kind: stepSignal, signal: &store.Signal{AccountID: acct.ID, Field: ch.Field, Event: v.Event,
		Subject: subject, Detail: jsonString(v), OccurredAt: at}}
	if ch.Field == "message_template_quality_update" {
		st.signal.Event = v.NewQualityScore
	}
	if ch.Field == "message_template_status_update" && v.MessageTemplateName != "" {
		st.template = &store.Template{AccountID: acct.ID, Name: v.MessageTemplateName, Language: v.MessageTemplateLanguage,
			Category: strings.ToLower(v.MessageTemplateCategory), Status: v.Event}
	}
	if ch.Field == "template_category_update" && v.MessageTemplateName != "" {
		// A change made, or one Meta announces towards marketing: the
		// stricter category applies at once (its status is left as known).
		cat := ""
		switch {
		case v.PreviousCategory != "":
			cat = v.NewCategory
		case strings.EqualFold(v.CorrectCategory, string(consent.Marketing)):
			cat = v.CorrectCategory
		}
		st.signal.Event = strings.ToLower(cmp.Or(v.NewCategory, v.CorrectCategory))
		if cat != "" {
			st.template = &store.Template{AccountID: acct.ID, Name: v.MessageTemplateName, Language: v.MessageTemplateLanguage,
				Category: strings.ToLower(cat)}
		}
	}
	return st
}

func jsonString(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return "{}"
	}
	return string(b)
}

func (g *Gate) planMessage(acct *Account, phoneID string, v *meta.Value, m *meta.Message) (step, error) {
	at, err := meta.ParseTime(m.Timestamp)
	if err != nil {
		return step{}, consent.Errorf(consent.EInvalid, "message %s: %v", m.ID, err)
	}
	if m.ID == "" {
		return step{}, consent.Errorf(consent.EInvalid, "a message needs an id")
	}
	key := consent.ContactKey{WAID: m.From, UserID: m.FromUserID}
	name := ""
	for _, c := range v.Contacts {
		if (c.WAID != "" && c.WAID == m.From) || (c.UserID != "" && c.UserID == m.FromUserID) || len(v.Contacts) == 1 {
			name = c.Profile.Name
			if key.UserID == "" && c.WAID == m.From {
				key.UserID = c.UserID
			}
			if key.WAID == "" && c.UserID == m.FromUserID {
				key.WAID = c.WAID
			}
			break
		}
	}
	if key.IsZero() {
		return step{}, consent.Errorf(consent.EInvalid, "message %s names no sender", m.ID)
	}
	st := step{account: acct, phoneID: phoneID, kind: stepMessage, msg: m, at: at, contact: store.ContactSeen{Key: key, Name: name}}
	switch m.Type {
	case "system":
		if m.System != nil && m.System.Type == "user_changed_number" && m.System.WAID != "" && m.From != "" {
			st.kind = stepNumberChange
		}
	case "text":
		if m.Text != nil {
			st.text = m.Text.Body
			st.detection = acct.detector.Detect(m.Text.Body)
		}
	case "button":
		if m.Button != nil {
			st.text = m.Button.Text
			st.optOut, st.optOutAll, st.optIn, st.optInMkt, st.help = acct.classifyButton(m.Button.Payload, m.Button.Text)
		}
	case "interactive":
		if r := m.Interactive; r != nil {
			reply := r.ButtonReply
			if reply == nil {
				reply = r.ListReply
			}
			if reply != nil {
				st.text = reply.Title
				st.optOut, st.optOutAll, st.optIn, st.optInMkt, st.help = acct.classifyButton(reply.ID, reply.Title)
			}
		}
	}
	if st.detection.Lang != "" {
		st.contact.Language = st.detection.Lang
	}
	return st, nil
}

// classifyButton reads a button's payload and title: a configured opt-out or
// opt-in button, or a title the detector reads as a clear opt-out or opt-in.
// A configured opt-out button ("Stop promotions") opts out of marketing; a
// title that the detector reads as a clear opt-out or opt-in counts with the
// detector's scope, as the same words typed would: everything for a keyword
// such as SAIR or "Não quero mais receber mensagens" (all), marketing only
// for "Quero receber ofertas" (optInMarketing).
func (a *Account) classifyButton(payload, title string) (optOut, all, optIn, optInMarketing, help bool) {
	for _, s := range []string{payload, title} {
		f := intent.Fold(s)
		if a.buttons.optOut[f] {
			return true, false, false, false, false
		}
		if a.buttons.optIn[f] {
			return false, false, true, false, false
		}
		if a.buttons.help[f] {
			return false, false, false, false, true
		}
	}
	r := a.detector.Detect(title)
	if r.Uncertain {
		return false, false, false, false, false
	}
	optOut, optIn = r.Intent == intent.OptOut, r.Intent == intent.OptIn
	return optOut, optOut && r.Scope == intent.ScopeAll, optIn, optIn && r.Scope == intent.ScopeMarketing, false
}

// apply records one step inside the webhook's transaction.
func (g *Gate) apply(ctx context.Context, tx *store.Tx, st *step, res *IngestResult) ([]consent.Event, error) {
	a := st.account
	switch st.kind {
	case stepStatus:
		return g.applyStatus(ctx, tx, st, res)
	case stepPreference:
		return g.applyPreference(ctx, tx, st, res)
	case stepOwner:
		return nil, nil
	case stepSignal:
		if st.template != nil {
			if err := tx.UpsertTemplate(ctx, *st.template); err != nil {
				return nil, err
			}
		}
		return nil, tx.RecordSignal(ctx, *st.signal)
	case stepNumberChange:
		// A redelivered change is recognised before it is acted on: by
		// then the old number may be someone else's.
		seen, err := tx.InboundSeen(ctx, a.ID, st.msg.ID)
		if err != nil || seen {
			if seen {
				res.Duplicates++
			}
			return nil, err
		}
		c, err := tx.ChangeNumber(ctx, a.ID, st.msg.From, st.msg.System.WAID, st.msg.ID, st.at.UnixMilli())
		if err != nil {
			return nil, err
		}
		_, err = tx.InsertInbound(ctx, store.Inbound{AccountID: a.ID, MessageID: st.msg.ID, ContactID: c.ID, PhoneNumberID: st.phoneID, Type: "system", SentAt: st.at})
		return nil, err
	}
	inbound := store.Inbound{AccountID: a.ID, MessageID: st.msg.ID, PhoneNumberID: st.phoneID, Type: st.msg.Type, SentAt: st.at}
	if st.plain() && !g.atOnce {
		// Nothing below would act on it: it is written with the group
		// commit's other plain messages.
		return nil, tx.QueueMessage(ctx, st.contact, inbound, st.msg.Type != "system", func(isNew bool) {
			if isNew {
				res.Messages++
			} else {
				res.Duplicates++
			}
		})
	}
	c, isNew, err := tx.IngestMessage(ctx, st.contact, inbound, st.msg.Type != "system")
	if err != nil || !isNew {
		if err == nil {
			res.Duplicates++
		}
		return nil, err
	}
	res.Messages++
	// A double opt-in confirmation or a wa.me link's text (optin.go).
	if evs, handled, err := g.applyOptIn(ctx, tx, st, c, res); handled || err != nil {
		return evs, err
	}
	// The reply language is worked out only for a reply: reading the
	// number's country costs more than the rest of a plain message.
	lang := func() string {
		return a.replyLanguage(st.detection.Lang, c.Language, consent.LanguageOfNumber(c.WAID))
	}
	evidence := map[string]any{"message_id": st.msg.ID, "message_type": st.msg.Type, "text": st.text, "phone_number_id": st.phoneID}
	record := func(action consent.Action, scope consent.Scope, source, reason string) (consent.Event, error) {
		ev := consent.Event{AccountID: a.ID, ContactID: c.ID, Action: action, Scope: scope, Source: source,
			Evidence: evidence, Reason: reason, Actor: "contact", OccurredAt: st.at}
		if err := ev.Validate(a.Rules); err != nil {
			return ev, err
		}
		err := tx.AppendEvent(ctx, &ev)
		res.ConsentEvents++
		return ev, err
	}
	// Said twice in a day, the same opt-out (or opt-in) is recorded again, as
	// evidence, but confirmed once: a person who types SAIR ten times gets one reply.
	var before consent.State
	if st.optOut || st.optIn || (st.detection.Intent != "" && st.detection.Intent != intent.None) {
		// What is appended depends on this read: the ledger is locked
		// first, so that another instance's append is committed and read.
		if err := tx.LockLedger(ctx, a.ID); err != nil {
			return nil, err
		}
		var err error
		if before, err = tx.PersonState(ctx, a.ID, consent.ContactKey{WAID: c.WAID, UserID: c.UserID}, st.phoneID); err != nil {
			return nil, err
		}
	}
	// The person said the same thing within a day, and nothing the other
	// way since: no second confirmation.
	repeated := func(action consent.Action, scope consent.Scope) bool {
		for _, sc := range before.Scopes {
			if sc.Scope == scope && sc.Action == action && st.at.Sub(sc.OccurredAt) < consent.ServiceWindow {
				for _, other := range before.Scopes {
					if other.Action != action && other.Action != consent.Resume && other.After(sc) {
						return false
					}
				}
				return true
			}
		}
		return false
	}
	reply := func(kind string) error {
		res.Replies++
		return g.enqueueReply(ctx, tx, a, st, c, a.replies.text(kind, lang()), kind)
	}
	setIntent := func(label string) error { return tx.SetInboundIntent(ctx, a.ID, st.msg.ID, label) }

	switch {
	case st.optOut: // a button or list reply: marketing only, unless its words ask for everything
		scope, kind := consent.CategoryScope(consent.Marketing), "opt_out_marketing"
		if st.optOutAll {
			scope, kind = consent.ScopeAll, "opt_out"
		}
		if err := setIntent(st.intentLabel()); err != nil {
			return nil, err
		}
		again := repeated(consent.OptOut, scope)
		ev, err := record(consent.OptOut, scope, consent.SourceWhatsAppButton, "the person tapped an opt-out button")
		if err != nil || again {
			return []consent.Event{ev}, err
		}
		return []consent.Event{ev}, reply(kind)
	case st.optIn:
		if err := setIntent("opt_in"); err != nil {
			return nil, err
		}
		scopes := a.optInScopes(st.optInMkt)
		if len(scopes) == 0 {
			return nil, setIntent("opt_in:no_topic")
		}
		evs, err := g.recordOptIn(a, record, &before, scopes, st.at, consent.SourceWhatsAppButton, "the person tapped an opt-in button")
		if err != nil {
			return nil, err
		}
		if len(evs) == 0 {
			return nil, setIntent("opt_in:superseded")
		}
		return evs, reply("opt_in")
	}
	if st.help {
		if err := setIntent("help"); err != nil {
			return nil, err
		}
		return nil, reply("help")
	}
	d := st.detection
	if d.Intent == "" || d.Intent == intent.None {
		return nil, nil
	}
	evidence["detector"] = map[string]any{"intent": string(d.Intent), "scope": string(d.Scope), "lang": d.Lang,
		"confidence": d.Confidence, "rule": d.Rule, "matched": d.Matched, "keyword": d.Keyword, "uncertain": d.Uncertain}
	source := consent.SourceWhatsAppKeyword
	if !d.Keyword {
		source = "whatsapp_text"
	}
	switch d.Intent {
	case intent.OptOut:
		if d.Uncertain {
			switch a.Uncertain {
			case "ignore":
				return nil, setIntent("opt_out?:ignored")
			case "ask":
				if err := setIntent("opt_out?:asked"); err != nil {
					return nil, err
				}
				prev, err := tx.MarkAsked(ctx, c.ID, st.at)
				if err != nil {
					return nil, err
				}
				if !prev.IsZero() && st.at.Sub(prev) < consent.ServiceWindow {
					return nil, nil // asked already today: ask once
				}
				res.Replies++
				return nil, g.enqueueReply(ctx, tx, a, st, c, g.confirmQuestion(a, lang()), "confirm")
			}
		}
		scope, kind := consent.ScopeAll, "opt_out"
		if d.Scope == intent.ScopeMarketing {
			scope, kind = consent.CategoryScope(consent.Marketing), "opt_out_marketing"
		}
		if err := setIntent("opt_out:" + string(d.Scope)); err != nil {
			return nil, err
		}
		again := repeated(consent.OptOut, scope)
		ev, err := record(consent.OptOut, scope, source, "the person asked to stop: "+d.Rule)
		if err != nil || again {
			return []consent.Event{ev}, err
		}
		return []consent.Event{ev}, reply(kind)
	case intent.OptIn:
		if d.Uncertain {
			return nil, setIntent("opt_in?:ignored")
		}
		if err := setIntent("opt_in"); err != nil {
			return nil, err
		}
		scopes := a.optInScopes(d.Scope == intent.ScopeMarketing)
		if len(scopes) == 0 {
			return nil, setIntent("opt_in:no_topic")
		}
		evs, err := g.recordOptIn(a, record, &before, scopes, st.at, source, "the person asked to receive messages: "+d.Rule)
		if err != nil {
			return nil, err
		}
		if len(evs) == 0 {
			return nil, setIntent("opt_in:superseded")
		}
		return evs, reply("opt_in")
	case intent.Help:
		if err := setIntent("help"); err != nil {
			return nil, err
		}
		return nil, reply("help")
	}
	return nil, nil
}

func (g *Gate) confirmQuestion(a *Account, lang string) string {
	if t := a.replies["confirm"][lang]; t != "" {
		return t
	}
	return a.detector.ConfirmQuestion(lang)
}

// optInScopes are the scopes an in-thread opt-in covers: the account's
// keyword opt-in topics when it has some, else everything. One that asks for
// marketing only ("quero voltar a receber promoções") covers the marketing
// ones of those topics, or the marketing category: none, if the account's
// keyword topics are all of other categories.
func (a *Account) optInScopes(marketingOnly bool) []consent.Scope {
	if len(a.KeywordOptIn) == 0 {
		if marketingOnly {
			return []consent.Scope{consent.CategoryScope(consent.Marketing)}
		}
		return []consent.Scope{consent.ScopeAll}
	}
	var scopes []consent.Scope
	for _, t := range a.KeywordOptIn {
		if !marketingOnly || a.Rules.Topics[t].Category == consent.Marketing {
			scopes = append(scopes, consent.TopicScope(t))
		}
	}
	return scopes
}

// recordOptIn records an in-thread opt-in of scopes (optInScopes).
//
// Meta does not promise to deliver messages in the order they were written:
// an opt-in written before an opt-out on record, and delivered after it, does
// not undo it (before is the contact's state, at the message's time). No
// scope recorded, none returned: the caller confirms nothing.
func (g *Gate) recordOptIn(a *Account, record func(consent.Action, consent.Scope, string, string) (consent.Event, error), before *consent.State, scopes []consent.Scope, at time.Time, source, reason string) ([]consent.Event, error) {
	var evs []consent.Event
	for _, sc := range scopes {
		if consent.OptInSuperseded(a.Rules, before.Scopes, sc, at) {
			continue
		}
		ev, err := record(consent.OptIn, sc, source, reason)
		if err != nil {
			return nil, err
		}
		evs = append(evs, ev)
	}
	return evs, nil
}

func (g *Gate) applyStatus(ctx context.Context, tx *store.Tx, st *step, res *IngestResult) ([]consent.Event, error) {
	a, s := st.account, st.status
	code := 0
	if len(s.Errors) > 0 {
		code = s.Errors[0].Code
	}
	isNew, err := tx.InsertStatus(ctx, store.Status{AccountID: a.ID, MessageID: s.ID, Status: s.Status, Recipient: st.contact.Key.String(), ErrorCode: code, At: st.at})
	if err != nil {
		return nil, err
	}
	if !isNew {
		res.Duplicates++
		return nil, nil
	}
	res.Statuses++
	// A status that names the number and the user id together says they
	// are one person: a STOP given under either must count for both.
	if err := tx.LinkKeys(ctx, a.ID, st.contact.Key, st.at); err != nil {
		return nil, err
	}
	if s.Status != "failed" || st.contact.Key.IsZero() {
		return nil, nil
	}
	var evs []consent.Event
	for _, e := range s.Errors {
		switch e.Code {
		case 131050: // the person stopped marketing messages from this business in WhatsApp
			c, err := tx.ContactAt(ctx, a.ID, st.contact, st.at)
			if err != nil {
				return nil, err
			}
			ev := consent.Event{AccountID: a.ID, ContactID: c.ID, Action: consent.OptOut, Scope: consent.CategoryScope(consent.Marketing),
				Source: consent.SourceMetaError131050, Reason: e.Title, Actor: "meta", OccurredAt: st.at,
				Evidence: map[string]any{"message_id": s.ID, "error_code": e.Code, "error_title": e.Title, "phone_number_id": st.phoneID}}
			if err := tx.AppendEvent(ctx, &ev); err != nil {
				return nil, err
			}
			res.ConsentEvents++
			evs = append(evs, ev)
		case 131049: // Meta's per-user marketing limit: hold marketing to this person for 24 hours
			c, err := tx.ContactAt(ctx, a.ID, st.contact, st.at)
			if err != nil {
				return nil, err
			}
			if err := tx.HoldMarketing(ctx, c.ID, st.at.Add(24*time.Hour), "meta_error_131049", s.ID); err != nil {
				return nil, err
			}
		case 131047: // Meta says the 24-hour window is closed
			c, err := tx.ContactAt(ctx, a.ID, st.contact, st.at)
			if err != nil {
				return nil, err
			}
			if err := tx.CloseWindow(ctx, c.ID, st.phoneID, st.at); err != nil {
				return nil, err
			}
		}
	}
	return evs, nil
}

func (g *Gate) applyPreference(ctx context.Context, tx *store.Tx, st *step, res *IngestResult) ([]consent.Event, error) {
	a, p := st.account, st.pref
	if p.Category != "marketing_messages" {
		return nil, nil
	}
	var action consent.Action
	switch p.Value {
	case "stop":
		action = consent.OptOut
	case "resume":
		action = consent.Resume
	default:
		return nil, nil
	}
	c, err := tx.ContactAt(ctx, a.ID, st.contact, st.at)
	if err != nil {
		return nil, err
	}
	// Preferences carry no id: the person, time and value make one, so a redelivery is recognised.
	id := fmt.Sprintf("user_preferences:%s:%d:%s", st.named, p.Timestamp, p.Value)
	isNew, err := tx.InsertInbound(ctx, store.Inbound{AccountID: a.ID, MessageID: id, ContactID: c.ID, PhoneNumberID: st.phoneID, Type: "user_preferences", Intent: p.Value, SentAt: st.at})
	if err != nil || !isNew {
		if !isNew {
			res.Duplicates++
		}
		return nil, err
	}
	if action == consent.Resume {
		// A resume written before a stop on record, delivered after it,
		// does not lift it (Meta does not promise order).
		now, err := tx.PersonState(ctx, a.ID, consent.ContactKey{WAID: c.WAID, UserID: c.UserID}, st.phoneID)
		if err != nil {
			return nil, err
		}
		if consent.OptInSuperseded(a.Rules, now.Scopes, consent.CategoryScope(consent.Marketing), st.at) {
			return nil, tx.SetInboundIntent(ctx, a.ID, id, "resume:superseded")
		}
	}
	ev := consent.Event{AccountID: a.ID, ContactID: c.ID, Action: action, Scope: consent.CategoryScope(consent.Marketing),
		Source: consent.SourceMetaPreferences, Reason: p.Detail, Actor: "meta", OccurredAt: st.at,
		Evidence: map[string]any{"category": p.Category, "value": p.Value, "detail": p.Detail, "phone_number_id": st.phoneID}}
	if err := tx.AppendEvent(ctx, &ev); err != nil {
		return nil, err
	}
	res.ConsentEvents++
	return []consent.Event{ev}, nil
}

// replyJob is the outbox payload of one of optgate's own replies.
type replyJob struct {
	PhoneNumberID string `json:"phone_number_id"`
	To            string `json:"to"`
	Text          string `json:"text"`
	InReplyTo     string `json:"in_reply_to"`
	Kind          string `json:"kind"`
}

func (g *Gate) enqueueReply(ctx context.Context, tx *store.Tx, a *Account, st *step, c consent.Contact, text, kind string) error {
	to := c.WAID
	if to == "" {
		to = c.UserID
	}
	if to == "" {
		// A record reached by a number's past whose person optgate knows
		// by no key today (a late STOP from a number its owner left for
		// one that a later holder took): there is no one to reply to.
		return nil
	}
	b, err := json.Marshal(replyJob{PhoneNumberID: st.phoneID, To: to, Text: text, InReplyTo: st.msg.ID, Kind: kind})
	if err != nil {
		return err
	}
	return tx.Enqueue(ctx, store.Job{AccountID: a.ID, Kind: "reply", DedupeKey: st.msg.ID + ":" + kind, Payload: string(b)})
}
