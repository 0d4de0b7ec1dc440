package cli

// From a twelfth review (of the fixes from the tenth and eleventh). Each
// comment tells what went wrong as the review found it, before the commit
// that adds the test fixed it.

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/optgate/optgate/internal/config"
	"github.com/optgate/optgate/internal/consent"
	"github.com/optgate/optgate/internal/store"
	"github.com/optgate/optgate/internal/store/storetest"
)

// TestLinkTextUneditedIsAnOptInWhateverTheBusinessName: since "a wa.me
// link's text edited into an opt-out is no opt-in" (3265a05), a link's code
// is looked up only when the intent detector does not read the message as an
// opt-out. The link's own prefilled text, unedited, names the business
// ("Quero receber mensagens de {business} no WhatsApp (ref CODE)"), and a
// business name such as "Sem Parar" (a large Brazilian toll-tag brand),
// "Chega Mais" or "Stop Car" makes the detector read that text as a clear
// opt-out of everything. Every person who scans the poster's QR code and
// sends the text as prefilled is then opted out of everything (and told so)
// instead of opted in: the link never works for that business. Before the
// change the code decided. The words of an unedited link text should not be
// read as the person's own.
func TestLinkTextUneditedIsAnOptInWhateverTheBusinessName(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b, withForms, func(cfg *config.Config) { cfg.Accounts[0].Name = "Sem Parar" })
		if err := e.sim.SetTemplate("optin_confirmation", "UTILITY"); err != nil {
			t.Fatal(err)
		}
		r := e.do("POST", "/v1/optin-links", demoAPIKey, []byte(`{"form":"ofertas","source":"poster"}`), nil)
		if r.Status != 201 {
			t.Fatalf("create link: %d %s", r.Status, r.Body)
		}
		l := r.json(t)
		u, _ := url.Parse(l["url"].(string))
		text := u.Query().Get("text")
		person := "5531991234568"
		if _, err := e.sim.SendText(ctxT(t), person, text); err != nil {
			t.Fatal(err)
		}
		c := e.contact("+" + person)
		if got := topicStatus(c, "promotions"); got != "opted_in" {
			t.Errorf("the link's own text %q: promotions %q, want opted_in: %v", text, got, c["history"])
		}
		if got := topicStatus(c, "order_updates"); got == "opted_out" {
			t.Errorf("the link's own text %q opted the person out of order updates: %v", text, c["history"])
		}
	})
}

// TestOptInButtonTitleKeepsTheDetectorsScope: 3265a05 made a typed opt-in
// that asks for marketing only ("Quero receber ofertas") cover marketing
// only, and configuration.md now says a button title the detector reads as
// an opt-in counts "with the detector's scope". classifyButton keeps the
// scope for an opt-out title (opt_out:all), but for an opt-in title it
// returns a bare optIn, and apply records a.optInScopes(false): everything
// (or every keyword_opt_in_topics topic). A person who opted out of
// everything and then taps a reply button "Quero receber ofertas" (a
// business's "Do you want our offers?" question) is opted back in to order
// updates too, which they never asked for: utility templates outside the
// window pass again (fail open). The same words typed cover promotions only.
func TestOptInButtonTitleKeepsTheDetectorsScope(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		ctx := ctxT(t)
		typed, tapped := "5531991230001", "5531991230002"
		for _, p := range []string{typed, tapped} {
			if _, err := e.sim.SendText(ctx, p, "SAIR"); err != nil {
				t.Fatal(err)
			}
		}
		e.clock.Advance(time.Minute)
		if _, err := e.sim.SendText(ctx, typed, "Quero receber ofertas"); err != nil {
			t.Fatal(err)
		}
		if _, err := e.sim.ReplyButton(ctx, tapped, "offers_yes", "Quero receber ofertas"); err != nil {
			t.Fatal(err)
		}
		for _, p := range []string{typed, tapped} {
			c := e.contact("+" + p)
			if got := topicStatus(c, "promotions"); got != "opted_in" {
				t.Errorf("%s: promotions %q, want opted_in", p, got)
			}
			if got := topicStatus(c, "order_updates"); got != "opted_out" {
				t.Errorf("%s: order_updates %q after asking for offers only, want opted_out (still)", p, got)
			}
		}
		e.clock.Advance(25 * time.Hour) // the service window is closed
		for _, p := range []string{typed, tapped} {
			if r := e.send(tpl("+"+p, "order_shipped")); r.Status == http.StatusOK {
				t.Errorf("%s: an order update reached a person who opted out of everything and then asked for offers only", p)
			}
		}
	})
}

// TestCarriedOptOutsReadUnderTheLedgerLock (PostgreSQL, two instances):
// a53a6db turned the carry of opt-outs by a number change (historicChange,
// when it cannot tell whose the record the person's later change led to is)
// from one INSERT ... SELECT run after lockHead into carryOptOuts, which
// reads the old record's consent state first and takes the ledger lock only
// in AppendEvent, for the events it found (none found: no lock at all). An
// opt-out that another instance is appending to that record meanwhile (P's
// PARAR from a, delivered at the same time as P's change a -> b) is not
// read: it commits on the record that the change then releases (no keys: it
// governs nothing, and an export's import skips it), and the record the
// change led to (c) never gets it. Marketing then goes to c on Q's older
// opt-in (fail open). Before, the lock was taken first: the carry waited for
// the other instance's append and carried it. This is what d342696 fixed for
// the other "read state, then append" paths.
func TestCarriedOptOutsReadUnderTheLedgerLock(t *testing.T) {
	needPostgres(t)
	e := newEnv(t, storetest.Postgres)
	ctx := context.Background()
	const a, bNum, c = "5511966678001", "5511966678002", "5511966678003"
	now := e.clock.Now().Truncate(time.Second)
	e.consentAt("+"+bNum, "opt_in", now.Add(-50*time.Hour)) // Q
	e.consentAt("+"+a, "opt_in", now.Add(-72*time.Hour))    // P, on a
	e.post(textWebhook(bNum, "", "wamid.r12a.oi", now.Add(-2*time.Hour), "Oi"))
	e.post(changeHook(bNum, c, "wamid.r12a.bc", now.Add(-time.Hour)))

	// Another instance appends P's PARAR (written on a before the change)
	// to a's record, and has not committed yet.
	other, err := store.Open(ctx, e.dsn, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if err := other.Start(ctx); err != nil {
		t.Fatal(err)
	}
	appended, commit, done := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() {
		done <- other.Write(ctx, func(ctx context.Context, tx *store.Tx) error {
			p, err := tx.UpsertContact(ctx, "demo", store.ContactSeen{Key: consent.ContactKey{WAID: a}})
			if err != nil {
				return err
			}
			if err := tx.LockLedger(ctx, "demo"); err != nil {
				return err
			}
			ev := consent.Event{AccountID: "demo", ContactID: p.ID, Action: consent.OptOut, Scope: consent.ScopeAll,
				Source: consent.SourceWhatsAppKeyword, Evidence: map[string]any{"text": "PARAR"}, Actor: "contact",
				OccurredAt: now.Add(-4 * time.Hour)}
			if err := tx.AppendEvent(ctx, &ev); err != nil {
				return err
			}
			close(appended)
			<-commit
			return nil
		})
	}()
	select {
	case <-appended:
	case err := <-done:
		t.Fatalf("the other instance's opt-out: %v", err)
	}
	// Meanwhile this instance processes P's change a -> b (delivered late).
	changed := make(chan result, 1)
	go func() {
		body := changeHook(a, bNum, "wamid.r12a.ab", now.Add(-3*time.Hour))
		changed <- e.webhook(body, testAppSecret)
	}()
	time.Sleep(3 * time.Second) // the change has read a's state by now (and waits, or is done)
	close(commit)
	if err := <-done; err != nil {
		t.Fatalf("the other instance's opt-out: %v", err)
	}
	if r := <-changed; r.Status != http.StatusOK {
		t.Fatalf("change a -> b: %d %s", r.Status, r.Body)
	}
	e.clock.Advance(25 * time.Hour)
	if r := e.send(tpl("+"+c, "black_friday")); r.Status == http.StatusOK {
		t.Errorf("marketing reached c, where P's change led, though P opted out on a before changing: c's history %v",
			e.contact("+" + c)["history"])
	}
}

// TestConsentBodyBadTimeExplained: dbc349d explains a consent body of the
// wrong shape in plain words ("evidence must be a JSON object, not a
// string"), but a time that is not RFC 3339, the commonest mistake with
// this body ("2025-11-20 14:03:00", a Unix number), is not an
// UnmarshalTypeError: it falls to "body is not valid JSON: ...", which is
// false (the JSON is fine), does not name occurred_at, and quotes Go's
// layout ("2006-01-02T15:04:05Z07:00") or Go's method (Time.UnmarshalJSON).
// Before, it at least said "not valid JSON for this request".
func TestConsentBodyBadTimeExplained(t *testing.T) {
	e := newEnv(t, storetest.SQLite)
	for _, at := range []string{`"2025-11-20 14:03:00"`, `1763647380`} {
		r := e.consent("+5511987650001", `{"action":"opt_out","source":"api","occurred_at":`+at+`}`)
		msg, _ := r.json(t)["error"].(map[string]any)["message"].(string)
		if r.Status != http.StatusBadRequest || !strings.Contains(msg, "occurred_at") || strings.Contains(msg, "not valid JSON") ||
			strings.Contains(msg, "2006-01-02") || strings.Contains(msg, "UnmarshalJSON") {
			t.Errorf("occurred_at %s: %d %q, want a 400 that names occurred_at and says what a time looks like", at, r.Status, msg)
		}
	}
}
