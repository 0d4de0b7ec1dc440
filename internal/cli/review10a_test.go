package cli

// From a tenth review (send path and webhook ingest). Each comment tells
// what went wrong as the review found it, before the commit that adds the
// test fixed it.

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/optgate/optgate/internal/store/storetest"
)

// TestButtonTitledStopEverythingOptsOutOfEverything: a bot menu (an
// interactive reply button) or a template's quick reply titled "SAIR" or
// "Não quero mais receber mensagens" is tapped by a person who opted in to
// everything. The detector reads both titles as a clear opt-out of
// everything (scope all), as it does when the same words are typed, but
// classifyButton keeps only "it is an opt-out" and apply records every
// opt-out button as category:marketing: order updates keep going to a
// person who asked to receive no more messages, and the reply tells them
// "Avisos sobre seus pedidos continuam chegando".
func TestButtonTitledStopEverythingOptsOutOfEverything(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		now := e.clock.Now().Truncate(time.Second)
		for i, title := range []string{"SAIR", "Não quero mais receber mensagens"} {
			p := []string{"5511987651001", "5511987651002"}[i]
			e.consentAt("+"+p, "opt_in", now.Add(-time.Hour))
			e.post(wrapMsg(`{"profile":{"name":"P"},"wa_id":"`+p+`"}`,
				`{"from":"`+p+`","id":"wamid.r10a.btn`+p+`","timestamp":"`+ts(now)+`","type":"interactive",`+
					`"interactive":{"type":"button_reply","button_reply":{"id":"menu-3","title":"`+title+`"}}}`))
			e.wantRefused(e.send(tpl("+"+p, "order_shipped")), "opted_out")
			e.wantRefused(e.send(tpl("+"+p, "black_friday")), "opted_out")
		}
	})
}

// TestYesToStopQuestionIsNotAnOptIn: a person fills in the double opt-in
// form for promotions, then, before confirming, asks "como paro de
// receber?". optgate (uncertain: ask, the default) asks back "Você quer
// parar de receber nossas mensagens?"; the person answers "Sim". That yes
// answers optgate's own stop question, yet applyOptIn takes every yes word
// as the confirmation of the pending opt-in (it runs before anything
// else): promotions become opted in, with the "Confirmado! Você vai
// receber..." reply, to a person who has just said they want to stop.
func TestYesToStopQuestionIsNotAnOptIn(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := newOptInEnv(t, b)
		ctx := ctxT(t)
		p := demoNewPerson
		_, version := e.page("/f/demo/ofertas", "pt")
		if r := e.submit("/f/demo/ofertas/submit", url.Values{"country": {"BR"}, "phone": {"+" + p}, "topic": {"promotions"}, "v": {version}}, nil); r.Status != 200 {
			t.Fatalf("submit: %d %s", r.Status, r.Body)
		}
		n := len(e.waitInbox(p, 1)) // the confirmation request
		if _, err := e.sim.SendText(ctx, p, "como paro de receber?"); err != nil {
			t.Fatal(err)
		}
		if got := e.waitInbox(p, n+1); len(got) != n+1 || !strings.Contains(got[n].Text, "SAIR") {
			t.Fatalf("want optgate's stop question, got %+v", got)
		}
		if _, err := e.sim.SendText(ctx, p, "Sim"); err != nil {
			t.Fatal(err)
		}
		if st := topicStatus(e.contact("+"+p), "promotions"); st == "opted_in" {
			t.Errorf("promotions %q after the person answered yes to \"do you want to stop?\"", st)
		}
		e.clock.Advance(25 * time.Hour)
		e.wantRefused(e.send(tpl(p, "black_friday")), "no_opt_in")
	})
}

// TestOkAfterStopDoesNotConfirmPendingOptIn: a person fills in the double
// opt-in form for promotions, does not confirm, and sends PARAR instead.
// optgate records the opt-out and answers "Pronto! Você não receberá mais
// mensagens...". The person acknowledges with "ok". "ok" is one of the
// yes words, and the pending opt-in is still open (a PARAR does not end
// it), so applyOptIn confirms it: an opt-in to promotions dated after the
// PARAR, and promotions go to a person who has just opted out of
// everything.
func TestOkAfterStopDoesNotConfirmPendingOptIn(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := newOptInEnv(t, b)
		ctx := ctxT(t)
		p := demoNewPerson
		_, version := e.page("/f/demo/ofertas", "pt")
		if r := e.submit("/f/demo/ofertas/submit", url.Values{"country": {"BR"}, "phone": {"+" + p}, "topic": {"promotions"}, "v": {version}}, nil); r.Status != 200 {
			t.Fatalf("submit: %d %s", r.Status, r.Body)
		}
		n := len(e.waitInbox(p, 1)) // the confirmation request
		if _, err := e.sim.SendText(ctx, p, "PARAR"); err != nil {
			t.Fatal(err)
		}
		if got := e.waitInbox(p, n+1); len(got) != n+1 || !strings.Contains(got[n].Text, "não receberá mais") {
			t.Fatalf("want the opt-out confirmation, got %+v", got)
		}
		e.clock.Advance(time.Minute)
		if _, err := e.sim.SendText(ctx, p, "ok"); err != nil {
			t.Fatal(err)
		}
		if st := topicStatus(e.contact("+"+p), "promotions"); st != "opted_out" {
			t.Errorf("promotions %q after PARAR and \"ok\", want opted_out", st)
		}
		e.wantRefused(e.send(tpl(p, "black_friday")), "opted_out")
	})
}

// TestLinkCodeInAnOptOutIsNotAnOptIn: the person opens a poster's wa.me
// link, and before sending edits the prefilled "Quero receber mensagens de
// Acme Lojas no WhatsApp (ref CODE)" into "Não quero receber mensagens...
// (ref CODE)". applyOptIn runs before intent detection and records an
// opt-in to the link's topic for any text carrying a known code, whatever
// the words around it say; the detector reads the text as a clear opt-out
// of everything. (Unlikely: it needs the person to edit the prefilled
// text; but the words they sent are the opposite of consent.)
func TestLinkCodeInAnOptOutIsNotAnOptIn(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := newOptInEnv(t, b)
		r := e.do("POST", "/v1/optin-links", demoAPIKey, []byte(`{"form":"ofertas","source":"poster"}`), nil)
		if r.Status != 201 {
			t.Fatalf("create link: %d %s", r.Status, r.Body)
		}
		code := r.json(t)["code"].(string)
		p := "5531991234501"
		e.post(textWebhook(p, "", "wamid.r10a.link", e.clock.Now(), "Não quero receber mensagens de Acme Lojas no WhatsApp (ref "+code+")"))
		if st := topicStatus(e.contact("+"+p), "promotions"); st == "opted_in" {
			t.Errorf("promotions %q for a text that says the person does not want messages", st)
		}
	})
}

// TestOptInToPromotionsDoesNotOptInToEverything: the review's side note.
// A person who said PARAR writes "quero voltar a receber promoções": the
// detector reads an opt-in of marketing, but recordOptIn recorded an opt-in
// to everything (keyword_opt_in_topics is empty), so order updates the
// person had stopped, and never asked for again, went out too.
func TestOptInToPromotionsDoesNotOptInToEverything(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		p := "5511987651011"
		now := e.clock.Now().Truncate(time.Second)
		e.post(textWebhook(p, "", "wamid.r10a.stop", now.Add(-2*time.Minute), "PARAR"))
		e.post(textWebhook(p, "", "wamid.r10a.back", now.Add(-time.Minute), "quero voltar a receber promoções"))
		e.clock.Advance(25 * time.Hour)
		e.wantAllowed(e.send(tpl(p, "black_friday")))
		e.wantRefused(e.send(tpl(p, "order_shipped")), "opted_out")
	})
}
