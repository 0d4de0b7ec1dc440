package cli

// From a tenth review (opt-in capture, double opt-in, hosted forms, evidence,
// import and export). Each comment tells what went wrong as the review found
// it, before the commit that adds the test fixed it.

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/optgate/optgate/internal/config"
	"github.com/optgate/optgate/internal/store/storetest"
)

// TestYesWrittenBeforeFormDoesNotConfirmIt: a person writes "sim" to the
// business (to anything: "quer falar com um atendente?"), and Meta delivers
// it late. Meanwhile a form is submitted for their number. The late "sim",
// written ten minutes before the form existed, confirms the double opt-in
// (LatestPending looks for a pending opt-in unexpired at the message's time,
// not one that existed then), and the ledger holds an opt-in whose
// confirmation came before the request it confirms.
func TestYesWrittenBeforeFormDoesNotConfirmIt(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := newOptInEnv(t, b)
		bob := demoNewPerson
		now := e.clock.Now()
		_, version := e.page("/f/demo/ofertas", "pt")
		if r := e.submit("/f/demo/ofertas/submit", url.Values{"country": {"BR"}, "phone": {"+" + bob}, "topic": {"promotions"}, "v": {version}}, nil); r.Status != http.StatusOK {
			t.Fatalf("submit: %d %s", r.Status, r.Body)
		}
		e.post(textWebhook(bob, "", "wamid.r10b.early-sim", now.Add(-10*time.Minute), "sim"))
		if st := topicStatus(e.contact("+"+bob), "promotions"); st == "opted_in" {
			t.Errorf("a \"sim\" written before the form was submitted confirmed it: promotions %q", st)
		}
		e.clock.Advance(25 * time.Hour)
		e.wantRefused(e.send(tpl(bob, "black_friday")), "no_opt_in")
	})
}

// TestSameFormTextInTwoAccountsKeepsBothProofs: two accounts of one business
// (an agency runs a WABA per brand line, both named "Acme Lojas") have the
// same form. Its text is the same, so its hash is too; optin_texts is keyed
// by the hash alone, and the second account's text is never kept
// ("ON CONFLICT (hash) DO NOTHING"). The second account's proofs name a
// text_url that answers 404 for it: what the person saw cannot be shown.
func TestSameFormTextInTwoAccountsKeepsBothProofs(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		no := false
		form := config.Form{ID: "avisos", Topics: []string{"promotions"}, DoubleOptIn: &no, PrivacyURL: "https://acme.example/privacidade"}
		e := newEnv(t, b, func(cfg *config.Config) {
			demo, other := &cfg.Accounts[0], &cfg.Accounts[1]
			demo.Forms = []config.Form{form}
			other.Name, other.DefaultLanguage = demo.Name, demo.DefaultLanguage
			other.Topics = append(other.Topics, config.Topic{ID: "promotions", Category: "marketing", Description: "Ofertas e promoções"})
			other.Forms = []config.Form{form}
		})
		_, v1 := e.page("/f/demo/avisos", "pt")
		_, v2 := e.page("/f/other/avisos", "pt")
		if v1 != v2 {
			t.Fatalf("the two forms' texts differ (%s, %s): the premise does not hold", v1, v2)
		}
		for _, acct := range []string{"demo", "other"} {
			r := e.submit("/f/"+acct+"/avisos/submit", url.Values{"country": {"BR"}, "phone": {"+" + demoNewPerson}, "topic": {"promotions"}, "v": {v1}, "lang": {"pt"}}, nil)
			if r.Status != http.StatusOK {
				t.Fatalf("submit on %s: %d %s", acct, r.Status, r.Body)
			}
		}
		if r := e.do("GET", "/v1/optin-texts/"+v1, demoAPIKey, nil, nil); r.Status != http.StatusOK {
			t.Fatalf("demo's text: %d %s", r.Status, r.Body)
		}
		// The other account's proof names this text: it must be there.
		c := e.do("GET", "/v1/contacts/+"+demoNewPerson, otherAPIKey, nil, nil)
		if c.Status != http.StatusOK {
			t.Fatalf("other's contact: %d %s", c.Status, c.Body)
		}
		h := c.json(t)["history"].([]any)
		ev := h[len(h)-1].(map[string]any)["evidence"].(map[string]any)
		if ev["text_sha256"] != v1 {
			t.Fatalf("other's proof: %v", ev)
		}
		if r := e.do("GET", ev["text_url"].(string), otherAPIKey, nil, nil); r.Status != http.StatusOK {
			t.Errorf("the other account's proof names %s, which it cannot read: %d %s", ev["text_url"], r.Status, r.Body)
		}
	})
}
