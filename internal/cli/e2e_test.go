package cli

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/optgate/optgate/internal/meta"
	"github.com/optgate/optgate/internal/store/storetest"
)

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// TestDoneWhen walks the acceptance story through the sandbox.
func TestDoneWhen(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		ctx := ctxT(t)
		ana := demoPerson

		// A fresh contact gets window_closed for free-form until they write,
		// and a utility template needs an opt-in to its topic.
		e.wantRefused(e.send(text(ana, "Oi")), "window_closed")
		e.wantRefused(e.send(tpl(ana, "order_shipped")), "no_opt_in")
		if r := e.consent("+"+ana, `{"action":"opt_in","topic":"order_updates","source":"web_form","evidence":{"text":"Quero avisos do meu pedido"}}`); r.Status != http.StatusCreated {
			t.Fatalf("opt-in: %d %s", r.Status, r.Body)
		}
		e.wantAllowed(e.send(tpl(ana, "order_shipped")))
		e.wantRefused(e.send(tpl(ana, "black_friday")), "no_opt_in")

		// Once Ana writes, the 24-hour window is open for free-form messages.
		if _, err := e.sim.SendText(ctx, ana, "Oi, meu pedido chegou?"); err != nil {
			t.Fatal(err)
		}
		e.wantAllowed(e.send(text(ana, "Chegou sim!")))
		e.clock.Advance(24*time.Hour + time.Minute)
		e.wantRefused(e.send(text(ana, "Tudo certo?")), "window_closed")
		e.wantAllowed(e.send(tpl(ana, "order_shipped")))

		// Ana sends PARAR: every later send is refused, before and after a restart.
		before := len(e.inbox(ana))
		if _, err := e.sim.SendText(ctx, ana, "PARAR"); err != nil {
			t.Fatal(err)
		}
		got := e.waitInbox(ana, before+1)
		if len(got) != before+1 || !strings.Contains(got[len(got)-1].Text, "não receberá mais mensagens de Acme Lojas") {
			t.Fatalf("want the Portuguese opt-out confirmation as the last message, got %+v", got)
		}
		after := len(got)
		e.wantRefused(e.send(tpl(ana, "black_friday")), "opted_out")
		e.wantRefused(e.send(tpl(ana, "order_shipped")), "opted_out")
		e.wantRefused(e.send(text(ana, "Volte sempre")), "opted_out")
		e.wantAllowed(e.send(markRead))
		if n := len(e.inbox(ana)); n != after {
			t.Fatalf("refused messages reached the phone: inbox %d, want %d", n, after)
		}

		e.restart()
		e.wantRefused(e.send(tpl(ana, "black_friday")), "opted_out")
		e.wantRefused(e.send(text(ana, "Oi")), "opted_out")
		e.wantAllowed(e.send(markRead))
		c := e.contact("+55 (11) 98765-4321")
		if c["opted_out_of_all"] != true || len(c["history"].([]any)) != 2 {
			t.Fatalf("contact after restart: %v", c)
		}
	})
}

// TestMetaMarketingSignals: Meta's user_preferences stop and a 131050
// status each block marketing but not utility.
func TestMetaMarketingSignals(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		ctx := ctxT(t)
		bob := demoNewPerson
		for _, topic := range []string{"promotions", "order_updates"} {
			if r := e.consent("+"+bob, `{"action":"opt_in","topic":"`+topic+`","source":"web_form","evidence":{"text":"Quero receber"}}`); r.Status != 201 {
				t.Fatalf("opt-in: %d %s", r.Status, r.Body)
			}
		}
		e.wantAllowed(e.send(tpl(bob, "black_friday")))
		if err := e.sim.SetMarketing(ctx, bob, true); err != nil {
			t.Fatal(err)
		}
		e.wantRefused(e.send(tpl(bob, "black_friday")), "topic_opted_out")
		e.wantAllowed(e.send(tpl(bob, "order_shipped")))
		e.restart()
		e.wantRefused(e.send(tpl(bob, "black_friday")), "topic_opted_out")
		e.wantAllowed(e.send(tpl(bob, "order_shipped")))
		// Resume lifts Meta's stop; Bob's own earlier opt-in applies again.
		if err := e.sim.SetMarketing(ctx, bob, false); err != nil {
			t.Fatal(err)
		}
		e.wantAllowed(e.send(tpl(bob, "black_friday")))

		// 131050 from Meta's own capture, for the second account's number.
		person := "6283180783170"
		for _, topic := range []string{"news", "receipts"} {
			// Given before the failed send in Meta's sample (2024).
			r := e.do("POST", "/v1/contacts/+"+person+"/consent", otherAPIKey, []byte(`{"action":"opt_in","topic":"`+topic+`","source":"import","evidence":{"text":"imported"},"occurred_at":"2020-01-01T00:00:00Z"}`), nil)
			if r.Status != 201 {
				t.Fatalf("opt-in: %d %s", r.Status, r.Body)
			}
		}
		decide := func(tpl string) map[string]any {
			body := `{"phone_number_id":"` + otherPhoneID + `","messaging_product":"whatsapp","to":"` + person + `","type":"template","template":{"name":"` + tpl + `","language":{"code":"id"}}}`
			r := e.do("POST", "/v1/decisions", otherAPIKey, []byte(body), nil)
			if r.Status != 200 {
				t.Fatalf("decision: %d %s", r.Status, r.Body)
			}
			return r.json(t)
		}
		if d := decide("weekly_news"); d["allow"] != true {
			t.Fatalf("before 131050: %v", d)
		}
		if r := e.webhook(e.fixture("webhook-status-failed-131050.json"), otherAppSecret); r.Status != 200 {
			t.Fatalf("131050 webhook: %d %s", r.Status, r.Body)
		}
		if d := decide("weekly_news"); d["allow"] != false || d["reason"] != "topic_opted_out" {
			t.Fatalf("after 131050, marketing: %v", d)
		}
		if d := decide("receipt"); d["allow"] != true {
			t.Fatalf("after 131050, utility: %v", d)
		}
	})
}

// TestWebhookFixtures feeds every one of Meta's samples through the receiver.
func TestWebhookFixtures(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		post := func(name string) {
			t.Helper()
			if r := e.webhook(e.fixture(name), testAppSecret); r.Status != http.StatusOK {
				t.Fatalf("%s: %d %s", name, r.Status, r.Body)
			}
		}
		person := "+" + fixturePerson
		post("webhook-text.json")
		c := e.contact(person)
		if c["name"] != "Sheena Nelson" || len(c["history"].([]any)) != 0 {
			t.Fatalf("after a plain text: %v", c)
		}
		// An interactive "Cancel" reply is not an opt-out.
		post("webhook-interactive-button-reply.json")
		if h := e.contact(person)["history"].([]any); len(h) != 0 {
			t.Fatalf("a Cancel button must not opt out: %v", h)
		}
		// A template's "Unsubscribe" quick-reply button opts out of marketing.
		post("webhook-button.json")
		c = e.contact(person)
		h := c["history"].([]any)
		if len(h) != 1 {
			t.Fatalf("want one event after Unsubscribe, got %v", h)
		}
		ev := h[0].(map[string]any)
		if ev["action"] != "opt_out" || ev["scope"] != "category:marketing" || ev["source"] != "whatsapp_button" {
			t.Fatalf("Unsubscribe button event: %v", ev)
		}
		for _, name := range []string{"webhook-status-sent.json", "webhook-status-failed-131049.json", "webhook-errors-130429.json",
			"webhook-message-template-status-update.json", "webhook-message-template-quality-update.json", "webhook-phone-number-quality-update.json"} {
			post(name)
		}
		if h := e.contact(person)["history"].([]any); len(h) != 1 {
			t.Fatalf("statuses and account notices must not change consent: %v", h)
		}
		// Meta's samples of a stop and a resume are dated November 2024,
		// before the person's Unsubscribe tap (June 2025): the stop is
		// recorded, and the resume, which predates the tap, does not undo
		// it (TestConsentWrittenOutOfOrder has a resume that counts).
		post("webhook-user-preferences-stop.json")
		post("webhook-user-preferences-resume.json")
		h = e.contact(person)["history"].([]any)
		if len(h) != 2 || h[1].(map[string]any)["source"] != "meta_user_preferences" || h[1].(map[string]any)["action"] != "opt_out" {
			t.Fatalf("user_preferences events: %v", h)
		}
		e.wantRefused(e.send(tpl(person, "black_friday")), "topic_opted_out")
		// The person changes number: consent follows them, the old number keeps none.
		post("webhook-system-user-changed-number.json")
		if r := e.do("GET", "/v1/contacts/"+person, demoAPIKey, nil, nil); r.Status != http.StatusNotFound {
			t.Fatalf("old number after user_changed_number: %d %s", r.Status, r.Body)
		}
		c = e.contact("+12195555358")
		if len(c["history"].([]any)) != 2 || c["name"] != "Sheena Nelson" {
			t.Fatalf("new number after user_changed_number: %v", c)
		}
		// Redelivery of everything changes nothing.
		for _, name := range []string{"webhook-button.json", "webhook-user-preferences-stop.json", "webhook-text.json"} {
			post(name)
		}
		if h := e.contact("+12195555358")["history"].([]any); len(h) != 2 {
			t.Fatalf("redelivery added events: %v", h)
		}
		rep, err := e.app.Store.VerifyLedger(context.Background(), "demo")
		if err != nil || rep.Events != 2 {
			t.Fatalf("ledger: %+v %v", rep, err)
		}
	})
}

// TestWebhookBadInput: each bad delivery gets its error and changes nothing.
func TestWebhookBadInput(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		good := e.fixture("webhook-button.json")
		unknownPhone := []byte(strings.ReplaceAll(string(good), "106540352242922", "999999999999999"))
		oversize := []byte(`{"object":"whatsapp_business_account","entry":[],"pad":"` + strings.Repeat("x", 5<<20) + `"}`)
		cases := []struct {
			name   string
			body   []byte
			sig    string
			status int
		}{
			{"no signature", good, "", 401},
			{"wrong secret", good, "sha256=" + strings.Repeat("0", 64), 401},
			{"signed by another account's secret", good, "other", 401},
			{"body changed after signing", good, "tampered", 401},
			{"malformed JSON", []byte(`{"object":"whatsapp_business_account","entry":[`), "ok", 400},
			{"not a WhatsApp payload", []byte(`{"object":"page","entry":[{"id":"1"}]}`), "ok", 400},
			{"bad timestamp", []byte(strings.ReplaceAll(string(good), `"1750091045"`, `"yesterday"`)), "ok", 400},
			{"unknown phone_number_id", unknownPhone, "ok", 404},
			{"oversize body", oversize, "ok", 413},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				hdr := map[string]string{}
				switch c.sig {
				case "ok":
					hdr["X-Hub-Signature-256"] = signWith(c.body, testAppSecret)
				case "other":
					hdr["X-Hub-Signature-256"] = signWith(c.body, otherAppSecret)
				case "tampered":
					hdr["X-Hub-Signature-256"] = signWith([]byte(string(c.body)+" "), testAppSecret)
				case "":
				default:
					hdr["X-Hub-Signature-256"] = c.sig
				}
				r := e.do("POST", "/webhooks/whatsapp", "", c.body, hdr)
				if r.Status != c.status {
					t.Fatalf("status %d, want %d: %s", r.Status, c.status, r.Body)
				}
				if r := e.do("GET", "/v1/contacts/+"+fixturePerson, demoAPIKey, nil, nil); r.Status != 404 {
					t.Fatalf("a refused webhook created the contact: %s", r.Body)
				}
				if rep, err := e.app.Store.VerifyLedger(context.Background(), "demo"); err != nil || rep.Events != 0 {
					t.Fatalf("a refused webhook changed the ledger: %+v %v", rep, err)
				}
			})
		}
	})
}

// TestConcurrentRedelivery: Meta may deliver one payload several times at once.
func TestConcurrentRedelivery(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		body := e.fixture("webhook-button.json")
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				if r := e.webhook(body, testAppSecret); r.Status != 200 {
					t.Errorf("redelivery: %d %s", r.Status, r.Body)
				}
			})
		}
		wg.Wait()
		if rep, err := e.app.Store.VerifyLedger(context.Background(), "demo"); err != nil || rep.Events != 1 {
			t.Fatalf("ledger after 8 concurrent deliveries: %+v %v", rep, err)
		}
	})
}

func TestHandshake(t *testing.T) {
	e := newEnv(t, storetest.SQLite)
	r := e.do("GET", "/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token="+testVerify+"&hub.challenge=1158201444", "", nil, nil)
	if r.Status != 200 || string(r.Body) != "1158201444" {
		t.Fatalf("handshake: %d %q", r.Status, r.Body)
	}
	for _, q := range []string{"hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1", "hub.mode=unsubscribe&hub.verify_token=" + testVerify + "&hub.challenge=1", "hub.challenge=1"} {
		if r := e.do("GET", "/webhooks/whatsapp?"+q, "", nil, nil); r.Status != http.StatusForbidden {
			t.Fatalf("%s: %d, want 403", q, r.Status)
		}
	}
}

// TestSendAPIErrors: the send API refuses what it cannot decide, and sends nothing upstream.
func TestSendAPIErrors(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		path := "/v23.0/" + demoPhoneID + "/messages"
		if r := e.do("POST", path, "", []byte(markRead), nil); r.Status != 401 || !strings.Contains(string(r.Body), `"code":190`) {
			t.Fatalf("no key: %d %s", r.Status, r.Body)
		}
		if r := e.do("POST", path, otherAPIKey, []byte(markRead), nil); r.Status != 400 || !strings.Contains(string(r.Body), `"code":100`) {
			t.Fatalf("another account's number: %d %s", r.Status, r.Body)
		}
		if r := e.send(`{"messaging_product":"whatsapp","to":`); r.Status != 400 || r.Header.Get("Optgate-Reason") != "" {
			t.Fatalf("malformed JSON: %d %s", r.Status, r.Body)
		}
		e.wantRefused(e.send(tpl(demoPerson, "no_such_template")), "unknown_template")
		e.wantRefused(e.send(tpl("+1 555", "order_shipped")), "invalid_recipient")
		e.wantRefused(e.send(text("5511000", "Oi")), "invalid_recipient")
		if n := len(e.inbox(demoPerson)); n != 0 {
			t.Fatalf("refused sends reached the phone: %d", n)
		}
		// The dry run answers the same, without sending.
		r := e.do("POST", "/v1/decisions", demoAPIKey, []byte(`{"phone_number_id":"`+demoPhoneID+`","messaging_product":"whatsapp","to":"`+demoPerson+`","type":"template","template":{"name":"no_such_template","language":{"code":"pt_BR"}}}`), nil)
		if d := r.json(t); d["allow"] != false || d["reason"] != "unknown_template" {
			t.Fatalf("dry run: %v", d)
		}
		if r := e.do("POST", "/v1/decisions", demoAPIKey, []byte(`{"phone_number_id":"1","messaging_product":"whatsapp","to":"`+demoPerson+`"}`), nil); r.Status != 400 {
			t.Fatalf("dry run on another number: %d", r.Status)
		}
	})
}

// TestConsentAPI: the native consent endpoint validates everything and keeps accounts apart.
func TestConsentAPI(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		cases := []struct {
			name, id, body string
			status         int
		}{
			{"opt-in without evidence", "+5511987654321", `{"action":"opt_in","topic":"promotions","source":"api"}`, 400},
			{"invalid number", "+551234", `{"action":"opt_out","source":"api"}`, 400},
			{"letters", "not-a-number", `{"action":"opt_out","source":"api"}`, 400},
			{"unknown topic", "+5511987654321", `{"action":"opt_out","topic":"nope","source":"api"}`, 400},
			{"bad action", "+5511987654321", `{"action":"maybe","source":"api"}`, 400},
			{"unknown field", "+5511987654321", `{"action":"opt_out","colour":"red"}`, 400},
			{"future time", "+5511987654321", `{"action":"opt_out","occurred_at":"2999-01-01T00:00:00Z"}`, 400},
			{"opt-out of all", "+55 11 98765-4321", `{"action":"opt_out","reason":"asked by phone"}`, 201},
			{"opt-in by user id", "US.13491208655302741918", `{"action":"opt_in","topic":"promotions","source":"web_form","evidence":{"text":"ok"}}`, 201},
		}
		for _, c := range cases {
			if r := e.consent(c.id, c.body); r.Status != c.status {
				t.Fatalf("%s: %d, want %d: %s", c.name, r.Status, c.status, r.Body)
			}
		}
		if rep, _ := e.app.Store.VerifyLedger(context.Background(), "demo"); rep.Events != 2 {
			t.Fatalf("only the two valid requests may be recorded, ledger has %d", rep.Events)
		}
		// Brazilian numbers: the same person typed with or without the ninth digit.
		if c := e.contact("+55 11 8765-4321"); c["opted_out_of_all"] != true {
			t.Fatalf("ninth-digit variant: %v", c)
		}
		if r := e.do("GET", "/v1/contacts/+5511987654321", otherAPIKey, nil, nil); r.Status != 404 {
			t.Fatalf("another account sees the contact: %d", r.Status)
		}
		if r := e.do("GET", "/v1/contacts/+5511987654321", "", nil, nil); r.Status != 401 {
			t.Fatalf("no key: %d", r.Status)
		}
	})
}

// TestButtonsAndLanguages: stop buttons are marketing-only; keywords and sentences
// in every language stop everything and are answered in that language.
func TestButtonsAndLanguages(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		ctx := ctxT(t)
		p := "5511991112222"
		for _, topic := range []string{"promotions", "order_updates"} {
			e.consent("+"+p, `{"action":"opt_in","topic":"`+topic+`","source":"web_form","evidence":{"text":"sim"}}`)
		}
		if _, err := e.sim.TapButton(ctx, p, "STOP_PROMO", "Parar promoções"); err != nil {
			t.Fatal(err)
		}
		e.clock.Advance(25 * time.Hour) // out of the window the tap opened
		e.wantRefused(e.send(tpl(p, "black_friday")), "topic_opted_out")
		e.wantAllowed(e.send(tpl(p, "order_shipped")))

		cases := []struct{ person, text, reply string }{
			{"5511990000001", "me tira dessa lista", "Pronto!"},
			{"5511990000002", "não quero mais receber essas mensagens", "Pronto!"},
			{"31612345678", "afmelden", "Gelukt"},
			{"393331234567", "non voglio più ricevere messaggi", "Fatto"},
			{"4915112345678", "bitte keine Nachrichten mehr", "Erledigt"},
			{"33612345678", "arrêtez de m'envoyer des messages", "C'est fait"},
			{"34612345678", "no quiero recibir más mensajes", "Listo"},
			{"447911123456", "STOP", "Done"},
		}
		for _, c := range cases {
			if _, err := e.sim.SendText(ctx, c.person, c.text); err != nil {
				t.Fatal(err)
			}
			e.wantRefused(e.send(tpl(c.person, "order_shipped")), "opted_out")
			got := e.waitInbox(c.person, 1)
			if len(got) != 1 || !strings.Contains(got[0].Text, c.reply) {
				t.Errorf("%q: want a confirmation containing %q, got %+v", c.text, c.reply, got)
			}
		}
		// Not opt-outs.
		for i, msg := range []string{"quero cancelar meu pedido", "não consigo sair de casa", "I'll stop by the store", "basta così, grazie"} {
			person := fmt.Sprintf("55119800000%02d", i)
			if _, err := e.sim.SendText(ctx, person, msg); err != nil {
				t.Fatal(err)
			}
			e.wantAllowed(e.send(text(person, "Claro!")))
		}
	})
}

// TestUncertainOptOutAsksFirst: an unclear message gets the confirmation
// question once and is enforced only after the person confirms.
func TestUncertainOptOutAsksFirst(t *testing.T) {
	e := newEnv(t, storetest.SQLite)
	ctx := ctxT(t)
	p := "5511977776666"
	if _, err := e.sim.SendText(ctx, p, "como paro de receber?"); err != nil {
		t.Fatal(err)
	}
	got := e.waitInbox(p, 1)
	if len(got) != 1 || !strings.Contains(strings.ToLower(got[0].Text), "sair") {
		t.Fatalf("want the confirmation question, got %+v", got)
	}
	e.wantAllowed(e.send(text(p, "Posso ajudar?")))
	if _, err := e.sim.SendText(ctx, p, "como paro de receber?"); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond)
	if n := len(e.inbox(p)); n != 2 { // the question once, plus our "Posso ajudar?"
		t.Fatalf("asked twice: inbox %d", n)
	}
	if _, err := e.sim.SendText(ctx, p, "SAIR"); err != nil {
		t.Fatal(err)
	}
	e.wantRefused(e.send(text(p, "Tchau")), "opted_out")
}

// TestNumberChangeThroughSandbox: the person keeps their consent under the new number.
func TestNumberChangeThroughSandbox(t *testing.T) {
	e := newEnv(t, storetest.SQLite)
	ctx := ctxT(t)
	oldN, newN := "5511955554444", "5511966663333"
	e.consent("+"+oldN, `{"action":"opt_in","topic":"promotions","source":"web_form","evidence":{"text":"sim"}}`)
	e.wantAllowed(e.send(tpl(oldN, "black_friday")))
	if err := e.sim.ChangeNumber(ctx, oldN, newN); err != nil {
		t.Fatal(err)
	}
	e.wantAllowed(e.send(tpl(newN, "black_friday")))
	e.wantRefused(e.send(tpl(oldN, "black_friday")), "no_opt_in")
}

func signWith(body []byte, secret string) string {
	return meta.Sign(body, secret)
}

// TestRepeatedOptOutConfirmedOnce: every SAIR is recorded as evidence, but
// the person gets one confirmation, not one per message.
func TestRepeatedOptOutConfirmedOnce(t *testing.T) {
	e := newEnv(t, storetest.SQLite)
	ctx := ctxT(t)
	p := "5511944443333"
	for range 3 {
		if _, err := e.sim.SendText(ctx, p, "SAIR"); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(300 * time.Millisecond)
	if got := e.waitInbox(p, 1); len(got) != 1 {
		t.Fatalf("want one confirmation, got %d: %+v", len(got), got)
	}
	if h := e.contact("+" + p)["history"].([]any); len(h) != 3 {
		t.Fatalf("want every SAIR in the ledger, got %d events", len(h))
	}
	e.wantRefused(e.send(text(p, "Oi")), "opted_out")
}

// TestBrazilianNumberBothForms: a business records an opt-in for a number as
// people write it today (+55 21 99876-5432), while WhatsApp reports the same
// person's older account without the ninth digit (552198765432). The
// person's PARAR, or Meta's marketing stop (131050), arrives under that form
// and must stop every send, whichever form the business sends to.
func TestBrazilianNumberBothForms(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		const withNine, metaForm = "+5521998765432", "552198765432"
		optIn := `{"action":"opt_in","topic":"promotions","source":"web_form","evidence":{"text":"Quero receber ofertas"}}`

		t.Run("PARAR", func(t *testing.T) {
			e := newEnv(t, b)
			if r := e.consent(withNine, optIn); r.Status != http.StatusCreated {
				t.Fatalf("opt-in: %d %s", r.Status, r.Body)
			}
			e.wantAllowed(e.send(tpl(withNine, "black_friday")))
			if _, err := e.sim.SendText(ctxT(t), metaForm, "PARAR"); err != nil {
				t.Fatal(err)
			}
			for _, to := range []string{withNine, "5521998765432", metaForm, "+55 21 9876-5432"} {
				e.wantRefused(e.send(tpl(to, "black_friday")), "opted_out")
			}
		})

		t.Run("an older opt-in on the other form", func(t *testing.T) {
			// PARAR under Meta's form; then, under the business's form, an
			// opt-in dated before it (API) and one written before it but
			// delivered after (a late webhook): neither undoes the opt-out.
			e := newEnv(t, b)
			if _, err := e.sim.SendText(ctxT(t), metaForm, "PARAR"); err != nil {
				t.Fatal(err)
			}
			old := e.clock.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
			r := e.consent(withNine, `{"action":"opt_in","topic":"promotions","source":"web_form","evidence":{"text":"Quero ofertas"},"occurred_at":"`+old+`"}`)
			if r.Status != http.StatusConflict {
				t.Fatalf("backdated opt-in on the other form: %d %s, want 409", r.Status, r.Body)
			}
			late := `{"object":"whatsapp_business_account","entry":[{"id":"` + demoWABA + `","changes":[{"field":"messages","value":{"messaging_product":"whatsapp",` +
				`"metadata":{"display_phone_number":"15550783881","phone_number_id":"` + demoPhoneID + `"},"contacts":[{"profile":{"name":"P"},"wa_id":"5521998765432"}],` +
				`"messages":[{"from":"5521998765432","id":"wamid.late.reativar","timestamp":"` + strconv.FormatInt(e.clock.Now().Add(-time.Hour).Unix(), 10) + `","type":"text","text":{"body":"REATIVAR"}}]}}]}]}`
			if r := e.webhook([]byte(late), testAppSecret); r.Status != http.StatusOK {
				t.Fatalf("webhook: %d %s", r.Status, r.Body)
			}
			for _, to := range []string{withNine, metaForm} {
				e.wantRefused(e.send(tpl(to, "black_friday")), "opted_out")
			}
		})

		t.Run("131050", func(t *testing.T) {
			e := newEnv(t, b)
			if r := e.consent(withNine, optIn); r.Status != http.StatusCreated {
				t.Fatalf("opt-in: %d %s", r.Status, r.Body)
			}
			ts := strconv.FormatInt(e.clock.Now().Unix(), 10)
			wh := `{"object":"whatsapp_business_account","entry":[{"id":"` + demoWABA + `","changes":[{"field":"messages","value":{"messaging_product":"whatsapp",` +
				`"metadata":{"display_phone_number":"15550783881","phone_number_id":"` + demoPhoneID + `"},` +
				`"statuses":[{"id":"wamid.bothforms131050","status":"failed","timestamp":"` + ts + `","recipient_id":"` + metaForm + `",` +
				`"errors":[{"code":131050,"title":"Unable to deliver message. Reasons can include: The recipient stopped marketing messages from your business."}]}]}}]}]}`
			if r := e.webhook([]byte(wh), testAppSecret); r.Status != http.StatusOK {
				t.Fatalf("webhook: %d %s", r.Status, r.Body)
			}
			e.wantRefused(e.send(tpl(withNine, "black_friday")), "topic_opted_out")
		})
	})
}

// TestGraphCallsThatCouldSend: a call that could make Meta send a message
// never goes upstream undecided. The messages edge with a trailing slash is
// decided like the canonical one; the edge written any other way, Graph batch
// requests and method overrides are refused before anything reaches the
// upstream; other calls, with their bodies, still pass through.
func TestGraphCallsThatCouldSend(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		ana := demoPerson
		if _, err := e.sim.SendText(ctxT(t), ana, "PARAR"); err != nil {
			t.Fatal(err)
		}
		e.waitInbox(ana, 1)
		before := len(e.inbox(ana))
		v := "/v23.0/"
		send := tpl(ana, "black_friday")

		// Decided: the trailing slash is the same edge (and a doubled one is
		// cleaned into it by a redirect).
		for _, p := range []string{"/messages/", "/messages//", "/marketing_messages", "/marketing_messages/"} {
			e.wantRefused(e.do("POST", v+demoPhoneID+p, demoAPIKey, []byte(send), nil), "opted_out")
		}

		batch := `[{"method":"POST","relative_url":"` + demoPhoneID + `/messages","body":"` + url.QueryEscape(send) + `"}]`
		refused := []struct {
			name, method, path, body, contentType string
		}{
			{"case", "POST", v + demoPhoneID + "/Messages", send, "application/json"},
			{"escaped slash", "POST", v + demoPhoneID + "%2Fmessages", send, "application/json"},
			{"path parameter", "POST", v + demoPhoneID + "/messages;x", send, "application/json"},
			{"batch in the query", "POST", v + "?batch=" + url.QueryEscape(batch), "", ""},
			{"batch in a form body", "POST", v, "batch=" + url.QueryEscape(batch), "application/x-www-form-urlencoded"},
			{"batch in a JSON body", "POST", v + "me", `{"include_headers":false,"batch":` + batch + `}`, "application/json; charset=utf-8"},
			{"batch key in another case", "POST", v, `{"Batch":` + batch + `}`, "application/json"},
			{"method override", "GET", v + demoPhoneID + "/messages?method=post", "", ""},
			{"marketing edge in another case", "POST", v + demoPhoneID + "/Marketing_Messages", send, "application/json"},
			{"batch in a query Go cannot parse", "POST", v + "?batch=%5B%5D;x=1", "", ""},
			{"batch in a text body", "POST", v + "me", "batch=" + url.QueryEscape(batch), "text/plain"},
			{"batch with a bad escape elsewhere", "POST", v, "a=%zz&batch=" + url.QueryEscape(batch), "application/x-www-form-urlencoded"},
			{"a form body over 1 MB", "POST", v + demoWABA + "/message_templates", "name=x&pad=" + strings.Repeat("p", 1<<20), "application/x-www-form-urlencoded"},
			{"method override on another node", "GET", v + demoPhoneID + "?method=post&to=" + ana, "", ""},
		}
		for _, c := range refused {
			var body []byte
			hdr := map[string]string{}
			if c.body != "" {
				body = []byte(c.body)
				hdr["Content-Type"] = c.contentType
			}
			r := e.do(c.method, c.path, demoAPIKey, body, hdr)
			if r.Status != http.StatusBadRequest || r.Header.Get("Optgate-Reason") != "unsupported_request" ||
				!strings.Contains(string(r.Body), `"type":"OptgateConsentException"`) {
				t.Errorf("%s: %s %s: %d %s %s, want optgate's 400 unsupported_request", c.name, c.method, c.path, r.Status, r.Header.Get("Optgate-Reason"), r.Body)
			}
		}
		// No Content-Type: read as a form (or JSON) all the same.
		if r := e.do("POST", v+"me", demoAPIKey, []byte("batch="+url.QueryEscape(batch)), map[string]string{"Content-Type": ""}); r.Header.Get("Optgate-Reason") != "unsupported_request" {
			t.Errorf("batch in an untyped body: %d %s", r.Status, r.Body)
		}
		// Multipart: a batch field is refused on the way; a media upload
		// whose file merely contains such words goes through.
		multi := func(fields map[string]string, file string) ([]byte, string) {
			var buf bytes.Buffer
			mw := multipart.NewWriter(&buf)
			for k, val := range fields {
				mw.WriteField(k, val)
			}
			if file != "" {
				fw, _ := mw.CreateFormFile("file", "note.txt")
				fw.Write([]byte(file))
			}
			mw.Close()
			return buf.Bytes(), mw.FormDataContentType()
		}
		body, ct := multi(map[string]string{"messaging_product": "whatsapp", "batch": batch}, strings.Repeat("x", 100<<10))
		if r := e.do("POST", v+demoPhoneID+"/media", demoAPIKey, body, map[string]string{"Content-Type": ct}); r.Status != http.StatusBadRequest ||
			r.Header.Get("Optgate-Reason") != "unsupported_request" {
			t.Errorf("batch in a multipart body: %d %s", r.Status, r.Body)
		}
		if got := e.inbox(ana); len(got) != before {
			t.Fatalf("the person received %d messages after opting out: %+v", len(got)-before, got[before:])
		}
		body, ct = multi(map[string]string{"messaging_product": "whatsapp", "type": "text/plain"},
			"Content-Disposition: form-data; name=\"batch\"\r\n\r\n"+strings.Repeat("y", 200<<10))
		if r := e.do("POST", v+demoPhoneID+"/media", demoAPIKey, body, map[string]string{"Content-Type": ct}); r.Header.Get("Optgate-Reason") != "" ||
			!strings.Contains(string(r.Body), `"type":"GraphMethodException"`) {
			t.Errorf("media upload: %d %s, want the upstream's own answer", r.Status, r.Body)
		}

		// Other calls pass through, bodies and all: the sandbox answers them
		// as Meta answers a node it does not serve.
		for _, c := range []struct{ method, path, body, contentType string }{
			{"GET", v + demoPhoneID + "?fields=verified_name", "", ""},
			{"POST", v + demoPhoneID + "/register", `{"messaging_product":"whatsapp","pin":"123456"}`, "application/json"},
			// A raw ; that Go's form parser refuses, in a template's text.
			{"POST", v + demoWABA + "/message_templates", "name=promo&language=pt_BR&components=" + `[{"type":"BODY","text":"Oi; tudo bem?"}]`, "application/x-www-form-urlencoded"},
			// File data over 1 MB: binary, or a resumable upload's (curl calls it a form).
			{"POST", v + demoPhoneID + "/media", strings.Repeat("\x00\x01", 1<<20), "application/octet-stream"},
			{"POST", v + "upload:MTphdHRhY2htZW50", strings.Repeat("\x00batch=", 300000), "application/x-www-form-urlencoded"},
		} {
			var body []byte
			if c.body != "" {
				body = []byte(c.body)
			}
			r := e.do(c.method, c.path, demoAPIKey, body, map[string]string{"Content-Type": c.contentType})
			if r.Header.Get("Optgate-Reason") != "" || !strings.Contains(string(r.Body), `"type":"GraphMethodException"`) {
				t.Errorf("%s %s: %d %s, want the upstream's own answer", c.method, c.path, r.Status, r.Body)
			}
		}
	})
}

// TestConsentWrittenOutOfOrder: Meta does not promise to deliver messages in
// the order people wrote them. An opt-in written before an opt-out on record,
// and delivered after it (in a later webhook or later in the same one), does
// not undo it, and is not confirmed; one written after it does. The same for
// Meta's marketing resume against a newer stop.
func TestConsentWrittenOutOfOrder(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		now := time.Now().UTC().Truncate(time.Second)
		msg := func(from, id, body string, at time.Time) string {
			return fmt.Sprintf(`{"from":"%s","id":"%s","timestamp":"%d","type":"text","text":{"body":"%s"}}`, from, id, at.Unix(), body)
		}
		hook := func(from string, field, items string) []byte {
			return []byte(`{"object":"whatsapp_business_account","entry":[{"id":"` + demoWABA + `","changes":[{"field":"` + field + `","value":{"messaging_product":"whatsapp",` +
				`"metadata":{"display_phone_number":"15550783881","phone_number_id":"` + demoPhoneID + `"},` +
				`"contacts":[{"profile":{"name":"P"},"wa_id":"` + from + `"}],` + items + `}}]}]}`)
		}
		post := func(e *env, body []byte) {
			t.Helper()
			if r := e.webhook(body, testAppSecret); r.Status != http.StatusOK {
				t.Fatalf("webhook: %d %s", r.Status, r.Body)
			}
		}
		// The opt-ins were given an hour before the messages below.
		optIn := `{"action":"opt_in","topic":"order_updates","source":"web_form","evidence":{"text":"Quero avisos"},"occurred_at":"` + now.Add(-time.Hour).Format(time.RFC3339) + `"}`

		for _, oneWebhook := range []bool{false, true} {
			t.Run(fmt.Sprint("one webhook ", oneWebhook), func(t *testing.T) {
				e := newEnv(t, b)
				p := "5511987650001"
				if r := e.consent("+"+p, optIn); r.Status != http.StatusCreated {
					t.Fatalf("opt-in: %d %s", r.Status, r.Body)
				}
				stop := msg(p, "wamid.order.stop", "PARAR", now.Add(-10*time.Second))
				start := msg(p, "wamid.order.start", "REATIVAR", now.Add(-time.Minute)) // written first
				if oneWebhook {
					post(e, hook(p, "messages", `"messages":[`+stop+`,`+start+`]`))
				} else {
					post(e, hook(p, "messages", `"messages":[`+stop+`]`))
					post(e, hook(p, "messages", `"messages":[`+start+`]`))
				}
				e.wantRefused(e.send(tpl(p, "order_shipped")), "opted_out")
				// On record: the form's opt-in and the PARAR, not the older REATIVAR.
				if h := e.contact("+" + p)["history"].([]any); len(h) != 2 {
					t.Fatalf("want 2 events on record, got %d: %v", len(h), h)
				}
				// An opt-in written after the opt-out counts.
				post(e, hook(p, "messages", `"messages":[`+msg(p, "wamid.order.again", "REATIVAR", now)+`]`))
				e.wantAllowed(e.send(tpl(p, "order_shipped")))
			})
		}

		t.Run("marketing resume", func(t *testing.T) {
			e := newEnv(t, b)
			p := "5511987650002"
			if r := e.consent("+"+p, `{"action":"opt_in","topic":"promotions","source":"web_form","evidence":{"text":"Quero ofertas"},"occurred_at":"`+now.Add(-time.Hour).Format(time.RFC3339)+`"}`); r.Status != http.StatusCreated {
				t.Fatalf("opt-in: %d %s", r.Status, r.Body)
			}
			pref := func(value string, at time.Time) string {
				return fmt.Sprintf(`"user_preferences":[{"wa_id":"%s","detail":"User requested to %s marketing messages","category":"marketing_messages","value":"%s","timestamp":%d}]`, p, value, value, at.Unix())
			}
			post(e, hook(p, "user_preferences", pref("stop", now.Add(-10*time.Second))))
			post(e, hook(p, "user_preferences", pref("resume", now.Add(-time.Minute))))
			e.wantRefused(e.send(tpl(p, "black_friday")), "topic_opted_out")
			post(e, hook(p, "user_preferences", pref("resume", now)))
			e.wantAllowed(e.send(tpl(p, "black_friday")))
		})
	})
}

// TestBackdatedOptInAfterOptOut: through the API, an opt-in dated before the
// person's opt-out on record, of nothing the opt-out does not cover, is
// refused (409) and changes nothing; one dated after it, or undated, is
// recorded.
func TestBackdatedOptInAfterOptOut(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		p := "+5511987650003"
		if r := e.consent(p, `{"action":"opt_out","category":"marketing","reason":"asked by phone"}`); r.Status != http.StatusCreated {
			t.Fatalf("opt-out: %d %s", r.Status, r.Body)
		}
		old := e.clock.Now().Add(-365 * 24 * time.Hour).Format(time.RFC3339)
		// An opt-in of everything dated before it is recorded, for the
		// other categories (TestBackdatedOptInAllAfterMarketingStop).
		for _, body := range []string{
			`{"action":"opt_in","topic":"promotions","source":"csv","evidence":{"text":"old form"},"occurred_at":"` + old + `"}`,
			`{"action":"opt_in","category":"marketing","source":"csv","evidence":{"text":"old form"},"occurred_at":"` + old + `"}`,
		} {
			r := e.consent(p, body)
			if r.Status != http.StatusConflict || !strings.Contains(string(r.Body), "cannot undo it") {
				t.Fatalf("backdated opt-in: %d %s, want 409", r.Status, r.Body)
			}
		}
		if h := e.contact(p)["history"].([]any); len(h) != 1 {
			t.Fatalf("a refused opt-in was recorded: %v", h)
		}
		e.wantRefused(e.send(tpl(p, "black_friday")), "topic_opted_out")
		// An opt-in to another category's topic, dated before, is not covered by it.
		if r := e.consent(p, `{"action":"opt_in","topic":"order_updates","source":"csv","evidence":{"text":"old form"},"occurred_at":"`+old+`"}`); r.Status != http.StatusCreated {
			t.Fatalf("utility opt-in: %d %s", r.Status, r.Body)
		}
		if r := e.consent(p, `{"action":"opt_in","topic":"promotions","source":"web_form","evidence":{"text":"Quero ofertas de novo"}}`); r.Status != http.StatusCreated {
			t.Fatalf("new opt-in: %d %s", r.Status, r.Body)
		}
		e.wantAllowed(e.send(tpl(p, "black_friday")))
	})
}

// TestNumberChangeRedelivered: Meta redelivers a user_changed_number after
// the old number has been given to someone else. The redelivery is a
// duplicate: the person who changed keeps their number and their opt-out,
// and the old number's new holder keeps theirs.
func TestNumberChangeRedelivered(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		const oldNum, newNum = "16505551234", "12195555358"
		if _, err := e.sim.SendText(ctxT(t), oldNum, "STOP"); err != nil {
			t.Fatal(err)
		}
		change := changeHook(oldNum, newNum, "wamid.change.1", e.clock.Now())
		if r := e.webhook(change, testAppSecret); r.Status != http.StatusOK {
			t.Fatalf("change: %d %s", r.Status, r.Body)
		}
		e.wantRefused(e.send(tpl("+"+newNum, "black_friday")), "opted_out")
		// The old number is someone else's now, and they opt in.
		if r := e.consent("+"+oldNum, `{"action":"opt_in","topic":"promotions","source":"web_form","evidence":{"text":"Quero ofertas"}}`); r.Status != http.StatusCreated {
			t.Fatalf("opt-in: %d %s", r.Status, r.Body)
		}
		e.wantAllowed(e.send(tpl("+"+oldNum, "black_friday")))
		if r := e.webhook(change, testAppSecret); r.Status != http.StatusOK {
			t.Fatalf("redelivered change: %d %s", r.Status, r.Body)
		}
		e.wantRefused(e.send(tpl("+"+newNum, "black_friday")), "opted_out")
		e.wantAllowed(e.send(tpl("+"+oldNum, "black_friday")))
	})
}

// TestMexicanNumberBothForms: WhatsApp reports a Mexican mobile with the
// old "1" (5215512345678), which libphonenumber no longer accepts, while the
// number is written without it. A bot replying to the wa_id it got must be
// decided, not refused as an invalid recipient; and the person's BAJA counts
// whichever form a send uses.
func TestMexicanNumberBothForms(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		const waID = "5215512345678"
		if _, err := e.sim.SendText(ctxT(t), waID, "Hola, ¿tienen envíos?"); err != nil {
			t.Fatal(err)
		}
		e.wantAllowed(e.send(text(waID, "¡Sí, a todo México!")))
		e.wantAllowed(e.send(text("+52 55 1234 5678", "¿Algo más?")))
		if _, err := e.sim.SendText(ctxT(t), waID, "BAJA"); err != nil {
			t.Fatal(err)
		}
		for _, to := range []string{waID, "+525512345678", "+52 1 55 1234 5678"} {
			e.wantRefused(e.send(tpl(to, "black_friday")), "opted_out")
		}
		if c := e.contact("+52 55 1234 5678"); c["opted_out_of_all"] != true {
			t.Fatalf("contact by the number as written: %v", c)
		}
	})
}

// textWebhook is a signed-payload body of one text message from a person
// given by number, business-scoped user id, or both (Meta omits the number
// of people who hide it).
func textWebhook(waID, userID, id string, at time.Time, body string) []byte {
	contact, from := `"profile":{"name":"Ana"}`, ``
	if waID != "" {
		contact += `,"wa_id":"` + waID + `"`
		from += `"from":"` + waID + `",`
	}
	if userID != "" {
		contact += `,"user_id":"` + userID + `"`
		from += `"from_user_id":"` + userID + `",`
	}
	return []byte(`{"object":"whatsapp_business_account","entry":[{"id":"` + demoWABA + `","changes":[{"field":"messages","value":{"messaging_product":"whatsapp",` +
		`"metadata":{"display_phone_number":"15550783881","phone_number_id":"` + demoPhoneID + `"},"contacts":[{` + contact + `}],` +
		`"messages":[{` + from + `"id":"` + id + `","timestamp":"` + strconv.FormatInt(at.Unix(), 10) + `","type":"text","text":{"body":"` + body + `"}}]}}]}]}`)
}

// TestHiddenNumberStopThenBothKeys: the business records an opt-in under a
// person's number; the person, who hides their number, says STOP, and Meta
// names them by their business-scoped user id alone. When a later message
// names the number and the user id together, the STOP must stop sends to
// the number too: the two records are one person.
func TestHiddenNumberStopThenBothKeys(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		const waID, userID = "5511977776666", "BR.1987654321098765432"
		if r := e.consent("+"+waID, `{"action":"opt_in","topic":"promotions","source":"web_form","evidence":{"text":"Quero ofertas"}}`); r.Status != http.StatusCreated {
			t.Fatalf("opt-in: %d %s", r.Status, r.Body)
		}
		now := e.clock.Now()
		if r := e.webhook(textWebhook("", userID, "wamid.hidden.stop", now, "PARAR"), testAppSecret); r.Status != http.StatusOK {
			t.Fatalf("stop: %d %s", r.Status, r.Body)
		}
		e.wantRefused(e.send(tpl(userID, "black_friday")), "opted_out")
		if r := e.webhook(textWebhook(waID, userID, "wamid.both.1", now.Add(time.Minute), "Oi"), testAppSecret); r.Status != http.StatusOK {
			t.Fatalf("message: %d %s", r.Status, r.Body)
		}
		e.wantRefused(e.send(tpl("+"+waID, "black_friday")), "opted_out")
		e.wantRefused(e.send(tpl(userID, "black_friday")), "opted_out")
		if h := e.contact("+" + waID)["history"].([]any); len(h) != 2 {
			t.Errorf("history of the number: %d events, want the opt-in and the PARAR", len(h))
		}
	})
}

// TestStopFromNewNumberBeforeTheChange: a person opted in under their old
// number changes number and says STOP from the new one; that message is
// processed before Meta's user_changed_number (it comes first in the same
// delivery). The STOP is the person's: sends to the new number are refused.
func TestStopFromNewNumberBeforeTheChange(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		const oldNum, newNum = "16505551234", "12195555358"
		if r := e.consent("+"+oldNum, `{"action":"opt_in","topic":"promotions","source":"web_form","evidence":{"text":"Yes"},"occurred_at":"`+e.clock.Now().Add(-time.Hour).UTC().Format(time.RFC3339)+`"}`); r.Status != http.StatusCreated {
			t.Fatalf("opt-in: %d %s", r.Status, r.Body)
		}
		at := e.clock.Now()
		body := []byte(`{"object":"whatsapp_business_account","entry":[{"id":"` + demoWABA + `","changes":[{"field":"messages","value":{"messaging_product":"whatsapp",` +
			`"metadata":{"display_phone_number":"15550783881","phone_number_id":"` + demoPhoneID + `"},` +
			`"contacts":[{"profile":{"name":"Ann"},"wa_id":"` + newNum + `"}],` +
			`"messages":[{"from":"` + newNum + `","id":"wamid.stop.new","timestamp":"` + strconv.FormatInt(at.Unix()+5, 10) + `","type":"text","text":{"body":"STOP"}},` +
			`{"from":"` + oldNum + `","id":"wamid.change.2","timestamp":"` + strconv.FormatInt(at.Unix(), 10) + `","type":"system",` +
			`"system":{"body":"User changed from ` + oldNum + ` to ` + newNum + `","wa_id":"` + newNum + `","type":"user_changed_number"}}]}}]}]}`)
		if r := e.webhook(body, testAppSecret); r.Status != http.StatusOK {
			t.Fatalf("webhook: %d %s", r.Status, r.Body)
		}
		e.wantRefused(e.send(tpl("+"+newNum, "black_friday")), "opted_out")
		e.wantRefused(e.send(tpl("+"+oldNum, "black_friday")), "no_opt_in")
		if h := e.contact("+" + newNum)["history"].([]any); len(h) != 2 {
			t.Errorf("history of the new number: %d events, want the opt-in and the STOP", len(h))
		}
	})
}

// TestStopFromOldNumberDeliveredAfterTheChange: a person says STOP from their
// old number and then changes number; the STOP reaches optgate after Meta's
// user_changed_number (a retried delivery, say). It is the person's, sent
// before they left the number: sends to the new number are refused, and no
// record is made for the old one.
func TestStopFromOldNumberDeliveredAfterTheChange(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		const oldNum, newNum = "16505551234", "12195555358"
		if r := e.consent("+"+oldNum, `{"action":"opt_in","topic":"promotions","source":"web_form","evidence":{"text":"Yes"},"occurred_at":"`+e.clock.Now().Add(-time.Hour).UTC().Format(time.RFC3339)+`"}`); r.Status != http.StatusCreated {
			t.Fatalf("opt-in: %d %s", r.Status, r.Body)
		}
		at := e.clock.Now()
		if r := e.webhook(changeHook(oldNum, newNum, "wamid.change.3", at), testAppSecret); r.Status != http.StatusOK {
			t.Fatalf("change: %d %s", r.Status, r.Body)
		}
		e.wantAllowed(e.send(tpl("+"+newNum, "black_friday")))
		if r := e.webhook(textWebhook(oldNum, "", "wamid.late.stop", at.Add(-10*time.Second), "STOP"), testAppSecret); r.Status != http.StatusOK {
			t.Fatalf("late stop: %d %s", r.Status, r.Body)
		}
		e.wantRefused(e.send(tpl("+"+newNum, "black_friday")), "opted_out")
		if r := e.do("GET", "/v1/contacts/+"+oldNum, demoAPIKey, nil, nil); r.Status != http.StatusNotFound {
			t.Errorf("the old number got a record of its own: %d %s", r.Status, r.Body)
		}
		// The old number's next holder, writing after the change, is someone else.
		if r := e.webhook(textWebhook(oldNum, "", "wamid.next.holder", at.Add(time.Hour), "PARAR"), testAppSecret); r.Status != http.StatusOK {
			t.Fatalf("next holder: %d %s", r.Status, r.Body)
		}
		if h := e.contact("+" + newNum)["history"].([]any); len(h) != 2 {
			t.Errorf("history of the new number: %d events, want the opt-in and the late STOP only", len(h))
		}
	})
}

// TestOptOutButtonTitles: the marketing opt-out button of a template, titled
// in each of the seven languages as businesses write it, stops marketing
// (topic_opted_out) and leaves utility alone.
func TestOptOutButtonTitles(t *testing.T) {
	e := newEnv(t, storetest.SQLite)
	now := e.clock.Now()
	for i, title := range []string{"No more promotions", "Não receber promoções", "No recibir promociones", "Non ricevere promozioni",
		"Ne plus recevoir de promotions", "Keine Werbung mehr", "Geen promoties meer", "Niente promozioni"} {
		num := fmt.Sprintf("55119877700%02d", i)
		if r := e.consent("+"+num, `{"action":"opt_in","source":"web_form","evidence":{"text":"ok"}}`); r.Status != http.StatusCreated {
			t.Fatalf("opt-in: %d %s", r.Status, r.Body)
		}
		body := wrapMsg(`{"profile":{"name":"P"},"wa_id":"`+num+`"}`,
			`{"from":"`+num+`","id":"wamid.title.`+num+`","timestamp":"`+ts(now)+`","type":"button","button":{"payload":"`+title+`","text":"`+title+`"}}`)
		if r := e.webhook(body, testAppSecret); r.Status != http.StatusOK {
			t.Fatalf("%s: %d %s", title, r.Status, r.Body)
		}
		e.wantRefused(e.send(tpl("+"+num, "black_friday")), "topic_opted_out")
		e.wantAllowed(e.send(tpl("+"+num, "order_shipped")))
	}
}

// changeHook is Meta's user_changed_number from oldNum to newNum.
func changeHook(oldNum, newNum, id string, at time.Time) []byte {
	return []byte(`{"object":"whatsapp_business_account","entry":[{"id":"` + demoWABA + `","changes":[{"field":"messages","value":{"messaging_product":"whatsapp",` +
		`"metadata":{"display_phone_number":"15550783881","phone_number_id":"` + demoPhoneID + `"},` +
		`"messages":[{"from":"` + oldNum + `","id":"` + id + `","timestamp":"` + strconv.FormatInt(at.Unix(), 10) + `","type":"system",` +
		`"system":{"body":"User changed from ` + oldNum + ` to ` + newNum + `","wa_id":"` + newNum + `","type":"user_changed_number"}}]}}]}]}`)
}

// prefHook is a user_preferences entry for marketing messages.
func prefHook(waID, value string, at time.Time) []byte {
	return []byte(`{"object":"whatsapp_business_account","entry":[{"id":"` + demoWABA + `","changes":[{"field":"user_preferences","value":{"messaging_product":"whatsapp",` +
		`"metadata":{"display_phone_number":"15550783881","phone_number_id":"` + demoPhoneID + `"},` +
		`"contacts":[{"profile":{"name":"P"},"wa_id":"` + waID + `"}],` +
		`"user_preferences":[{"wa_id":"` + waID + `","detail":"x","category":"marketing_messages","value":"` + value + `","timestamp":` + strconv.FormatInt(at.Unix(), 10) + `}]}}]}]}`)
}

// TestLatePreferenceStopAfterChange: Meta's marketing stop for the old
// number, from before the number change and delivered after it, is the
// mover's: sends to the new number are refused, and the old number gets no
// record.
func TestLatePreferenceStopAfterChange(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		const oldNum, newNum = "16505551234", "12195555358"
		if r := e.consent("+"+oldNum, `{"action":"opt_in","topic":"promotions","source":"web_form","evidence":{"text":"Yes"},"occurred_at":"`+e.clock.Now().Add(-time.Hour).UTC().Format(time.RFC3339)+`"}`); r.Status != http.StatusCreated {
			t.Fatalf("opt-in: %d %s", r.Status, r.Body)
		}
		at := e.clock.Now()
		if r := e.webhook(changeHook(oldNum, newNum, "wamid.ch.p", at), testAppSecret); r.Status != http.StatusOK {
			t.Fatalf("change: %d %s", r.Status, r.Body)
		}
		if r := e.webhook(prefHook(oldNum, "stop", at.Add(-10*time.Second)), testAppSecret); r.Status != http.StatusOK {
			t.Fatalf("late pref: %d %s", r.Status, r.Body)
		}
		e.wantRefused(e.send(tpl("+"+newNum, "black_friday")), "topic_opted_out")
		if r := e.do("GET", "/v1/contacts/+"+oldNum, demoAPIKey, nil, nil); r.Status != http.StatusNotFound {
			t.Errorf("the old number got a record of its own: %d %s", r.Status, r.Body)
		}
	})
}

// TestStopUnderRetiredUserIDAfterTheChange: a person known by their number
// and user id changes number, which retires the user id (Meta gives a new
// one with the new number). A STOP sent before the change under the user id
// alone, retried after it, is still theirs: sends to the new number are
// refused.
func TestStopUnderRetiredUserIDAfterTheChange(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		const oldNum, newNum, oldUser = "16505551234", "12195555358", "US.10000000000000000001"
		at := e.clock.Now()
		if r := e.webhook(textWebhook(oldNum, oldUser, "wamid.retired.hi", at.Add(-time.Hour), "Oi"), testAppSecret); r.Status != http.StatusOK {
			t.Fatalf("hi: %d %s", r.Status, r.Body)
		}
		if r := e.consent("+"+oldNum, `{"action":"opt_in","topic":"promotions","source":"web_form","evidence":{"text":"Yes"},"occurred_at":"`+e.clock.Now().Add(-time.Hour).UTC().Format(time.RFC3339)+`"}`); r.Status != http.StatusCreated {
			t.Fatalf("opt-in: %d %s", r.Status, r.Body)
		}
		if r := e.webhook(changeHook(oldNum, newNum, "wamid.retired.change", at), testAppSecret); r.Status != http.StatusOK {
			t.Fatalf("change: %d %s", r.Status, r.Body)
		}
		e.wantAllowed(e.send(tpl("+"+newNum, "black_friday")))
		if r := e.webhook(textWebhook("", oldUser, "wamid.retired.stop", at.Add(-10*time.Second), "STOP"), testAppSecret); r.Status != http.StatusOK {
			t.Fatalf("late stop: %d %s", r.Status, r.Body)
		}
		e.wantRefused(e.send(tpl("+"+newNum, "black_friday")), "opted_out")
	})
}
