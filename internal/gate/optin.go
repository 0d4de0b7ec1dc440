package gate

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/optgate/optgate/internal/config"
	"github.com/optgate/optgate/internal/consent"
	"github.com/optgate/optgate/internal/intent"
	"github.com/optgate/optgate/internal/optin"
	"github.com/optgate/optgate/internal/store"
)

// Sources of opt-ins captured by optgate's own pages and links.
const (
	SourceQRLink  = "qr_link"
	confirmPrefix = "optgate_confirm:"
)

// Rate limits of the public pages, per account.
const (
	pageBurst, pageEvery     = 60, time.Second      // page views per IP
	submitBurst, submitEvery = 10, 30 * time.Second // form posts per IP
	numberBurst, numberEvery = 3, 20 * time.Minute  // form posts per phone number
	// maxPendingPerDay bounds the confirmations sent to one number in 24
	// hours, across instances: a stranger cannot flood someone's WhatsApp.
	maxPendingPerDay = 3
)

// optInState is an account's forms and the limits of its public pages.
type optInState struct {
	forms    map[string]*optin.Form
	pages    *optin.Limiter
	submits  *optin.Limiter
	numbers  *optin.Limiter
	business string
}

func newOptInState(c *config.Account) *optInState {
	s := &optInState{forms: map[string]*optin.Form{}, business: c.Name,
		pages:   optin.NewLimiter(pageBurst, pageEvery, nil),
		submits: optin.NewLimiter(submitBurst, submitEvery, nil),
		numbers: optin.NewLimiter(numberBurst, numberEvery, nil),
	}
	for _, f := range c.Forms {
		s.forms[f.ID] = optin.NewForm(c, f)
	}
	return s
}

// Form returns the account's opt-in form with that id.
func (a *Account) Form(id string) (*optin.Form, bool) {
	f, ok := a.optIn.forms[id]
	return f, ok
}

// Forms returns the account's opt-in forms, by id.
func (a *Account) Forms() []*optin.Form {
	ids := slices.Sorted(maps.Keys(a.optIn.forms))
	out := make([]*optin.Form, len(ids))
	for i, id := range ids {
		out[i] = a.optIn.forms[id]
	}
	return out
}

// RateLimitError says a public page was asked too often.
type RateLimitError struct {
	RetryAfter time.Duration
	What       string
}

func (e *RateLimitError) Error() string {
	return fmt.Sprintf("too many %s; retry in %s", e.What, e.RetryAfter.Round(time.Second))
}

// AllowPageView applies the per-IP limit of form page views.
func (a *Account) AllowPageView(ip string) error {
	if ok, wait := a.optIn.pages.Allow(ip); !ok {
		return &RateLimitError{RetryAfter: wait, What: "page views from this address"}
	}
	return nil
}

// FormSubmission is what a person sent from a hosted form.
type FormSubmission struct {
	FormID      string
	Phone       string // E.164
	Topics      []string
	Language    string
	TextVersion string // the hash of the consent text the page showed
	IP          string
	UserAgent   string
	PageURL     string
}

// SubmitResult is what a submission did.
type SubmitResult struct {
	Pending bool            // a confirmation was sent; nothing is granted until the person confirms
	Events  []consent.Event // the opt-ins recorded (single opt-in forms)
}

// SubmitForm records a form submission. With double opt-in it stores a
// pending opt-in and sends the confirmation template; the opt-in events are
// written only when the person confirms in WhatsApp, so a pending opt-in
// never allows a send. Without double opt-in it records one opt-in event per
// topic now. Either way the proof is the text version's hash (the text is
// kept once), form, time, IP, user agent and language.
func (g *Gate) SubmitForm(ctx context.Context, a *Account, sub FormSubmission) (SubmitResult, error) {
	var res SubmitResult
	f, ok := a.Form(sub.FormID)
	if !ok {
		return res, consent.Errorf(consent.ENotFound, "no form %q in account %s", sub.FormID, a.ID)
	}
	if ok, wait := a.optIn.submits.Allow(sub.IP); !ok {
		return res, &RateLimitError{RetryAfter: wait, What: "submissions from this address"}
	}
	key, err := consent.ParseContactKey(sub.Phone)
	if err != nil || key.WAID == "" {
		return res, consent.Errorf(consent.EInvalid, "phone number is not valid")
	}
	topics := slices.Compact(slices.Sorted(slices.Values(sub.Topics)))
	if len(topics) == 0 {
		return res, consent.Errorf(consent.EInvalid, "no topic was ticked")
	}
	for _, t := range topics {
		if !f.HasTopic(t) {
			return res, consent.Errorf(consent.EInvalid, "topic %q is not on form %s", t, f.ID)
		}
	}
	lang := f.Language(sub.Language, "")
	text := f.ConsentText(lang)
	hash := optin.TextHash(text)
	if sub.TextVersion != hash {
		return res, consent.Errorf(consent.EConflict, "the form changed since the page was shown")
	}
	if ok, wait := a.optIn.numbers.Allow(key.WAID); !ok {
		return res, &RateLimitError{RetryAfter: wait, What: "submissions for this number"}
	}
	now := g.now().UTC()
	evidence := map[string]any{
		"form": f.ID, "text_sha256": hash, "text_url": "/v1/optin-texts/" + hash, "language": lang,
		"ip": sub.IP, "user_agent": truncate(sub.UserAgent, 512), "submitted_at": now.Format(time.RFC3339Nano),
		"topics": topics, "double_opt_in": f.DoubleOptIn,
	}
	if sub.PageURL != "" {
		evidence["page_url"] = truncate(sub.PageURL, 512)
	}
	saveText := func(ctx context.Context, tx *store.Tx) error {
		return tx.SaveOptInText(ctx, store.OptInText{Hash: hash, AccountID: a.ID, FormID: f.ID, Language: lang, Body: text})
	}
	if !f.DoubleOptIn {
		err := g.store.Write(ctx, func(ctx context.Context, tx *store.Tx) error {
			res.Events = res.Events[:0]
			if err := saveText(ctx, tx); err != nil {
				return err
			}
			c, err := findOrCreate(ctx, tx, a.ID, key)
			if err != nil {
				return err
			}
			for _, t := range topics {
				ev := consent.Event{AccountID: a.ID, ContactID: c.ID, Action: consent.OptIn, Scope: consent.TopicScope(t),
					Source: consent.SourceWebForm, Evidence: evidence, Reason: "the person ticked it on form " + f.ID,
					Actor: "form:" + f.ID, OccurredAt: now}
				if err := tx.AppendEvent(ctx, &ev); err != nil {
					return err
				}
				res.Events = append(res.Events, ev)
			}
			return nil
		})
		if err != nil {
			return res, err
		}
		g.countEvents(res.Events)
		return res, nil
	}

	if n, err := g.store.CountPending(ctx, a.ID, key.WAID, now.Add(-24*time.Hour)); err != nil {
		return res, err
	} else if n >= maxPendingPerDay {
		return res, &RateLimitError{RetryAfter: time.Hour, What: "confirmations sent to this number today"}
	}
	p := store.Pending{AccountID: a.ID, Token: randomToken(), FormID: f.ID, WAID: key.WAID, Topics: topics, Evidence: evidence,
		Language: lang, CreatedAt: now, ExpiresAt: now.Add(f.ConfirmWithin)}
	err = g.store.Write(ctx, func(ctx context.Context, tx *store.Tx) error {
		if err := saveText(ctx, tx); err != nil {
			return err
		}
		return tx.InsertPending(ctx, &p)
	})
	if err != nil {
		return res, err
	}
	res.Pending = true
	wamid, err := g.sendConfirmation(ctx, a, f, p)
	state := "sent"
	if err != nil {
		state = "failed"
	}
	if serr := g.store.SetPendingSent(ctx, a.ID, p.Token, state, wamid); serr != nil && err == nil {
		err = serr
	}
	if err != nil {
		g.log.Warn("opt-in confirmation not sent", "account", a.ID, "form", f.ID, "err", err)
		return res, &consent.Error{Code: consent.EUnavailable, Message: "the confirmation could not be sent to WhatsApp now", Err: err}
	}
	g.log.Info("opt-in confirmation sent", "account", a.ID, "form", f.ID, "pending", p.ID, "message_id", wamid)
	return res, nil
}

// sendConfirmation sends the form's utility template, whose first
// quick-reply button carries the pending opt-in's token.
func (g *Gate) sendConfirmation(ctx context.Context, a *Account, f *optin.Form, p store.Pending) (string, error) {
	body, _ := json.Marshal(map[string]any{
		"messaging_product": "whatsapp", "recipient_type": "individual", "to": p.WAID, "type": "template",
		"template": map[string]any{
			"name": f.ConfirmTemplate, "language": map[string]any{"code": optin.TemplateLanguage(p.Language)},
			"components": []any{map[string]any{"type": "button", "sub_type": "quick_reply", "index": "0",
				"parameters": []any{map[string]any{"type": "payload", "payload": confirmPrefix + p.Token}}}},
		},
	})
	return g.client.Send(ctx, a.Upstream, f.PhoneNumberID, body)
}

func randomToken() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

// findOrCreate finds a contact under either Brazilian variant of its number,
// or creates it.
func findOrCreate(ctx context.Context, tx *store.Tx, accountID string, key consent.ContactKey) (consent.Contact, error) {
	c, err := tx.FindContact(ctx, accountID, key)
	if errors.Is(err, store.ErrNotFound) {
		return tx.UpsertContact(ctx, accountID, store.ContactSeen{Key: key})
	}
	return c, err
}

func (g *Gate) countEvents(evs []consent.Event) {
	for _, ev := range evs {
		g.metrics.ConsentEvents.WithLabelValues(ev.AccountID, string(ev.Action), ev.Source).Inc()
		g.log.Info("consent recorded", "account", ev.AccountID, "contact_id", ev.ContactID, "action", ev.Action,
			"scope", ev.Scope, "source", ev.Source, "seq", ev.Seq)
	}
}

// yesWords are the replies that confirm a pending opt-in, folded.
var yesWords = map[string]bool{}

func init() {
	for _, w := range []string{"sim", "s", "yes", "y", "si", "sí", "ja", "oui", "ok", "okay", "confirmo", "confirmar", "confirm",
		"confirmed", "confirme", "quero", "sim quero", "sim quero receber", "claro", "bevestig", "bevestigen", "conferma", "confermo",
		"confermare", "bestatigen", "bestätigen", "ich bestatige", "je confirme", "confirmer", "yes please", "aceito", "acepto"} {
		yesWords[intent.Fold(w)] = true
	}
}

// applyOptIn takes from an inbound message what belongs to opt-in capture,
// inside the webhook's transaction: a tap on a confirmation's button or a
// "yes" while a double opt-in is pending confirms it; a text carrying a
// wa.me link's code opts in to the link's topic, attributed to its source.
// handled says the message was one of these, and the usual keyword handling
// must not run.
func (g *Gate) applyOptIn(ctx context.Context, tx *store.Tx, st *step, c consent.Contact, res *IngestResult) ([]consent.Event, bool, error) {
	a := st.account
	if !mayConcernOptIn(st) {
		return nil, false, nil
	}
	if token, ok := strings.CutPrefix(buttonPayload(st), confirmPrefix); ok {
		p, err := tx.PendingByToken(ctx, a.ID, token)
		if errors.Is(err, store.ErrNotFound) {
			return nil, true, nil // not ours any more: say nothing
		}
		if err != nil {
			return nil, true, err
		}
		if c.WAID != "" && !slices.Contains(consent.WAIDVariants(c.WAID), p.WAID) {
			return nil, true, nil // someone else's confirmation
		}
		if c.WAID == "" {
			// A person who hides their number tapped the button of the
			// request sent to the number the form named (its token is
			// known only to that message): they hold that number, and
			// their user id joins its record, where the opt-in belongs.
			if c, err = tx.UpsertContact(ctx, a.ID, store.ContactSeen{Key: consent.ContactKey{WAID: p.WAID, UserID: c.UserID}}); err != nil {
				return nil, true, err
			}
		}
		return g.confirm(ctx, tx, st, c, p, "button", res)
	}
	if st.text != "" && yesWords[intent.Fold(st.text)] && c.WAID != "" {
		p, err := tx.LatestPending(ctx, a.ID, c.WAID, st.at)
		if errors.Is(err, store.ErrNotFound) {
			return nil, false, nil
		}
		if err != nil {
			return nil, true, err
		}
		return g.confirm(ctx, tx, st, c, p, "reply", res)
	}
	if st.msg.Type == "text" {
		if code, ok := optin.FindCode(st.text); ok {
			l, err := tx.LinkByCode(ctx, a.ID, code)
			if errors.Is(err, store.ErrNotFound) {
				return nil, false, nil
			}
			if err != nil {
				return nil, true, err
			}
			// The link's text sent as it is, is the opt-in, whatever
			// the detector makes of it (a business named "Sem Parar").
			// Edited into an opt-out ("Não quero receber ... (ref
			// CODE)"), it is none: the words decide, and the opt-out is
			// handled as any other.
			if st.detection.Intent == intent.OptOut && intent.Fold(st.text) != intent.Fold(l.Text) {
				return nil, false, nil
			}
			return g.optInByLink(ctx, tx, st, c, l, res)
		}
	}
	return nil, false, nil
}

// mayConcernOptIn reports whether applyOptIn may act on the step: a
// confirmation button, a "yes", or a text with a link's code, on an account
// with forms. When it says false, applyOptIn does nothing (it is its first
// test), and so apply may queue the message (step.plain).
func mayConcernOptIn(st *step) bool {
	if st.kind != stepMessage || len(st.account.optIn.forms) == 0 {
		return false
	}
	if strings.HasPrefix(buttonPayload(st), confirmPrefix) || (st.text != "" && yesWords[intent.Fold(st.text)]) {
		return true
	}
	if st.msg.Type == "text" {
		_, ok := optin.FindCode(st.text)
		return ok
	}
	return false
}

// buttonPayload is the payload of a tapped quick-reply or reply button.
func buttonPayload(st *step) string {
	switch {
	case st.msg.Button != nil:
		return st.msg.Button.Payload
	case st.msg.Interactive != nil && st.msg.Interactive.ButtonReply != nil:
		return st.msg.Interactive.ButtonReply.ID
	}
	return ""
}

// confirm turns a pending double opt-in into one opt-in event per topic,
// carrying the form's proof and how the person confirmed.
func (g *Gate) confirm(ctx context.Context, tx *store.Tx, st *step, c consent.Contact, p store.Pending, method string, res *IngestResult) ([]consent.Event, bool, error) {
	a := st.account
	lang := a.replyLanguage(p.Language)
	if p.State == "confirmed" {
		return nil, true, tx.SetInboundIntent(ctx, a.ID, st.msg.ID, "opt_in:confirmed_again")
	}
	if !st.at.Before(p.ExpiresAt) {
		if err := tx.SetInboundIntent(ctx, a.ID, st.msg.ID, "opt_in:expired"); err != nil {
			return nil, true, err
		}
		res.Replies++
		return nil, true, g.enqueueReply(ctx, tx, a, st, c, optInReply("expired", lang, a.Name), "optin_expired")
	}
	if method == "reply" {
		// A "yes" after optgate asked whether the person wants to stop
		// (an uncertain opt-out, asked since the request was made) may
		// answer that question: it confirms nothing.
		asked, err := tx.AskedAt(ctx, c.ID)
		if err != nil {
			return nil, true, err
		}
		if !asked.IsZero() && !asked.Before(p.CreatedAt) && !asked.After(st.at) {
			return nil, true, tx.SetInboundIntent(ctx, a.ID, st.msg.ID, "opt_in:after_stop_question")
		}
	}
	// An opt-out made since the request (a PARAR to the request itself, or
	// one that came before a late confirmation) refuses what it covers: a
	// later "ok" confirms none of it. Meta stamps whole seconds, so one
	// stamped up to store.ReplySkew before the request counts as since.
	// The ledger is locked first, so that another instance's opt-out is
	// committed and read.
	if err := tx.LockLedger(ctx, a.ID); err != nil {
		return nil, true, err
	}
	now, err := tx.PersonState(ctx, a.ID, consent.ContactKey{WAID: c.WAID, UserID: c.UserID}, st.phoneID)
	if err != nil {
		return nil, true, err
	}
	var topics []string
	for _, t := range p.Topics {
		if _, ok := a.Rules.Topics[t]; !ok {
			continue // the topic left the configuration since
		}
		if !consent.OptInSuperseded(a.Rules, now.Scopes, consent.TopicScope(t), p.CreatedAt.Add(-store.ReplySkew)) {
			topics = append(topics, t)
		}
	}
	if len(topics) == 0 && len(p.Topics) > 0 {
		return nil, true, tx.SetInboundIntent(ctx, a.ID, st.msg.ID, "opt_in:superseded")
	}
	ok, err := tx.ConfirmPending(ctx, p.ID, st.at)
	if err != nil || !ok {
		return nil, true, err
	}
	evidence := maps.Clone(p.Evidence)
	evidence["confirmation"] = map[string]any{"method": method, "message_id": st.msg.ID, "text": st.text,
		"phone_number_id": st.phoneID, "confirmation_message_id": p.MessageID}
	var evs []consent.Event
	for _, t := range topics {
		ev := consent.Event{AccountID: a.ID, ContactID: c.ID, Action: consent.OptIn, Scope: consent.TopicScope(t),
			Source: consent.SourceWebForm, Evidence: evidence, Reason: "double opt-in of form " + p.FormID + " confirmed in WhatsApp",
			Actor: "contact", OccurredAt: st.at}
		if err := tx.AppendEvent(ctx, &ev); err != nil {
			return nil, true, err
		}
		res.ConsentEvents++
		evs = append(evs, ev)
	}
	if err := tx.SetInboundIntent(ctx, a.ID, st.msg.ID, "opt_in:confirmed"); err != nil {
		return nil, true, err
	}
	res.Replies++
	return evs, true, g.enqueueReply(ctx, tx, a, st, c, optInReply("confirmed", lang, a.Name), "optin_confirmed")
}

// optInSuperseded reads the person's consent as the message's opt-in finds
// it, and returns whether an opt-in of a scope, given at the message's time,
// would change nothing: Meta delivered the message after an opt-out that the
// person made later (consent.OptInSuperseded).
func (g *Gate) optInSuperseded(ctx context.Context, tx *store.Tx, a *Account, c consent.Contact, st *step) (func(consent.Scope) bool, error) {
	if err := tx.LockLedger(ctx, a.ID); err != nil { // as in confirm
		return nil, err
	}
	now, err := tx.PersonState(ctx, a.ID, consent.ContactKey{WAID: c.WAID, UserID: c.UserID}, st.phoneID)
	if err != nil {
		return nil, err
	}
	return func(sc consent.Scope) bool { return consent.OptInSuperseded(a.Rules, now.Scopes, sc, st.at) }, nil
}

// optInByLink records the opt-in of a person who sent a wa.me link's text:
// writing from their own WhatsApp is itself the confirmation.
func (g *Gate) optInByLink(ctx context.Context, tx *store.Tx, st *step, c consent.Contact, l store.Link, res *IngestResult) ([]consent.Event, bool, error) {
	a := st.account
	if _, ok := a.Rules.Topics[l.Topic]; !ok {
		return nil, false, nil
	}
	superseded, err := g.optInSuperseded(ctx, tx, a, c, st)
	if err != nil {
		return nil, true, err
	}
	if superseded(consent.TopicScope(l.Topic)) {
		return nil, true, tx.SetInboundIntent(ctx, a.ID, st.msg.ID, "opt_in:superseded")
	}
	ev := consent.Event{AccountID: a.ID, ContactID: c.ID, Action: consent.OptIn, Scope: consent.TopicScope(l.Topic), Source: SourceQRLink,
		Evidence: map[string]any{"message_id": st.msg.ID, "text": st.text, "phone_number_id": st.phoneID, "link_code": l.Code,
			"link_source": l.Source, "form": l.FormID, "link_text": l.Text},
		Reason: "the person sent the text of wa.me link " + l.Code + " (" + l.Source + ")", Actor: "contact", OccurredAt: st.at}
	if err := tx.AppendEvent(ctx, &ev); err != nil {
		return nil, true, err
	}
	res.ConsentEvents++
	if err := tx.SetInboundIntent(ctx, a.ID, st.msg.ID, "opt_in:link"); err != nil {
		return nil, true, err
	}
	lang := a.replyLanguage(st.detection.Lang, l.Language)
	res.Replies++
	return []consent.Event{ev}, true, g.enqueueReply(ctx, tx, a, st, c, optInReply("confirmed", lang, a.Name), "optin_confirmed")
}

var optInReplies = map[string]map[string]string{
	"confirmed": {
		"pt": "Confirmado! Você vai receber as mensagens que escolheu de {business} aqui. Para parar, responda SAIR a qualquer momento.",
		"es": "¡Confirmado! Recibirás aquí los mensajes que elegiste de {business}. Para darte de baja, responde BAJA cuando quieras.",
		"en": "Confirmed! You will receive the messages you chose from {business} here. To stop, reply STOP at any time.",
		"nl": "Bevestigd! Je ontvangt hier de gekozen berichten van {business}. Stoppen? Antwoord STOP wanneer je wilt.",
		"it": "Confermato! Riceverai qui i messaggi scelti da {business}. Per smettere, rispondi STOP in qualsiasi momento.",
		"de": "Bestätigt! Du erhältst hier die gewählten Nachrichten von {business}. Zum Abmelden antworte jederzeit STOP.",
		"fr": "Confirmé ! Vous recevrez ici les messages choisis de {business}. Pour arrêter, répondez STOP à tout moment.",
	},
	"expired": {
		"pt": "Este pedido de confirmação expirou. Se ainda quiser receber mensagens de {business}, preencha o formulário de novo.",
		"es": "Esta solicitud de confirmación caducó. Si aún quieres recibir mensajes de {business}, completa el formulario de nuevo.",
		"en": "This confirmation request has expired. If you still want messages from {business}, please fill in the form again.",
		"nl": "Dit bevestigingsverzoek is verlopen. Wil je nog berichten van {business}? Vul het formulier opnieuw in.",
		"it": "Questa richiesta di conferma è scaduta. Se vuoi ancora i messaggi di {business}, compila di nuovo il modulo.",
		"de": "Diese Bestätigungsanfrage ist abgelaufen. Wenn du noch Nachrichten von {business} möchtest, fülle das Formular erneut aus.",
		"fr": "Cette demande de confirmation a expiré. Si vous souhaitez toujours recevoir les messages de {business}, remplissez à nouveau le formulaire.",
	},
}

func optInReply(kind, lang, business string) string {
	t := optInReplies[kind][lang]
	if t == "" {
		t = optInReplies[kind]["en"]
	}
	return strings.ReplaceAll(t, "{business}", business)
}

var sourcePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,39}$`)

// LinkView is a wa.me opt-in link as the API shows it.
type LinkView struct {
	store.Link
	URL string // the wa.me link
}

// CreateLink returns the wa.me link of a form, topic, source and language,
// creating it on first request: the same four always give the same link.
func (g *Gate) CreateLink(ctx context.Context, a *Account, formID, topic, source, lang string) (LinkView, error) {
	f, ok := a.Form(formID)
	if !ok {
		return LinkView{}, consent.Errorf(consent.EInvalid, "form %q is not one of account %s's forms", formID, a.ID)
	}
	if topic == "" {
		if len(f.Topics) != 1 {
			return LinkView{}, consent.Errorf(consent.EInvalid, "topic is required: form %s has several", f.ID)
		}
		topic = f.Topics[0].ID
	}
	if !f.HasTopic(topic) {
		return LinkView{}, consent.Errorf(consent.EInvalid, "topic %q is not on form %s", topic, f.ID)
	}
	if !sourcePattern.MatchString(source) {
		return LinkView{}, consent.Errorf(consent.EInvalid, "source must be 1-40 lower-case letters, digits, '-' or '_' (poster, packaging, ad, in-store), got %q", source)
	}
	if lang == "" {
		lang = f.Languages[0]
	}
	if !slices.Contains(f.Languages, lang) {
		return LinkView{}, consent.Errorf(consent.EInvalid, "language %q is not one of the account's languages", lang)
	}
	code := optin.LinkCode(a.ID, f.ID, topic, source, lang)
	l, err := g.store.SaveLink(ctx, store.Link{AccountID: a.ID, Code: code, FormID: f.ID, Topic: topic, Source: source, Language: lang,
		Text: f.LinkText(lang, code)})
	if err != nil {
		return LinkView{}, err
	}
	return g.linkView(a, l), nil
}

// Link returns one of the account's links by code.
func (g *Gate) Link(ctx context.Context, a *Account, code string) (LinkView, error) {
	l, err := g.store.Link(ctx, a.ID, strings.ToUpper(code))
	if errors.Is(err, store.ErrNotFound) {
		return LinkView{}, consent.Errorf(consent.ENotFound, "no link %s in account %s", code, a.ID)
	}
	if err != nil {
		return LinkView{}, err
	}
	return g.linkView(a, l), nil
}

// Links returns every link of the account.
func (g *Gate) Links(ctx context.Context, a *Account) ([]LinkView, error) {
	ls, err := g.store.Links(ctx, a.ID)
	if err != nil {
		return nil, err
	}
	out := make([]LinkView, 0, len(ls))
	for _, l := range ls {
		out = append(out, g.linkView(a, l))
	}
	return out, nil
}

func (g *Gate) linkView(a *Account, l store.Link) LinkView {
	phone := ""
	if f, ok := a.Form(l.FormID); ok {
		phone = a.phones[f.PhoneNumberID]
	}
	if phone == "" {
		for _, id := range slices.Sorted(maps.Keys(a.phones)) {
			phone = a.phones[id]
			break
		}
	}
	return LinkView{Link: l, URL: optin.WaMeURL(phone, l.Text)}
}

// OptInText returns a consent text version the account's forms showed.
func (g *Gate) OptInText(ctx context.Context, a *Account, hash string) (store.OptInText, error) {
	x, err := g.store.OptInText(ctx, a.ID, strings.ToLower(hash))
	if errors.Is(err, store.ErrNotFound) {
		return x, consent.Errorf(consent.ENotFound, "no opt-in text %s in account %s", hash, a.ID)
	}
	return x, err
}
