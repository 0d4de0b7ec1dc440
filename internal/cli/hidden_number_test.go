// Tests of people who hide their number: Meta names them by a
// business-scoped user id, with or without their number.
package cli

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/optgate/optgate/internal/config"
	"github.com/optgate/optgate/internal/store/storetest"
)

const hiddenUser = "BR.1987654321098765432"
const hiddenNum = "5511977776666"

// capture is an upstream that records what optgate sends and answers 200.
type capture struct {
	mu   sync.Mutex
	reqs []map[string]any
}

func (c *capture) handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if !strings.HasSuffix(r.URL.Path, "/messages") {
			w.Write([]byte(`{"data":[]}`))
			return
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil || m == nil {
			m = map[string]any{"_raw": string(b), "_path": r.URL.Path, "_ct": r.Header.Get("Content-Type"), "_enc": r.Header.Get("Content-Encoding")}
		}
		c.mu.Lock()
		c.reqs = append(c.reqs, m)
		c.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"messaging_product":"whatsapp","contacts":[{"input":"x"}],"messages":[{"id":"wamid.cap` + strconv.Itoa(len(c.reqs)) + `"}]}`))
	})
}

func (c *capture) wait(n int) []map[string]any {
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		c.mu.Lock()
		if len(c.reqs) >= n {
			out := append([]map[string]any(nil), c.reqs...)
			c.mu.Unlock()
			return out
		}
		c.mu.Unlock()
		time.Sleep(20 * time.Millisecond)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]map[string]any(nil), c.reqs...)
}

func withCapture(t *testing.T) (*capture, envOption) {
	c := &capture{}
	srv := httptest.NewServer(c.handler())
	t.Cleanup(srv.Close)
	return c, func(cfg *config.Config) { cfg.Accounts[0].Upstream.BaseURL = srv.URL }
}

func wrapMsg(contacts, messages string) []byte {
	return []byte(`{"object":"whatsapp_business_account","entry":[{"id":"` + demoWABA + `","changes":[{"field":"messages","value":{"messaging_product":"whatsapp",` +
		`"metadata":{"display_phone_number":"15550783881","phone_number_id":"` + demoPhoneID + `"},"contacts":[` + contacts + `],"messages":[` + messages + `]}}]}]}`)
}

func ts(at time.Time) string { return strconv.FormatInt(at.Unix(), 10) }

// TestHiddenNumberStopAndReply: STOP from a user-id-only person: refused after, and the confirmation goes out addressed by recipient.
func TestHiddenNumberStopAndReply(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		cap, opt := withCapture(t)
		e := newEnv(t, b, opt)
		now := e.clock.Now()
		if r := e.webhook(textWebhook("", hiddenUser, "wamid.h1", now, "PARAR"), testAppSecret); r.Status != 200 {
			t.Fatalf("stop: %d %s", r.Status, r.Body)
		}
		reqs := cap.wait(1)
		if len(reqs) != 1 {
			t.Fatalf("no confirmation reply sent; logs:\n%s", e.logText())
		}
		if reqs[0]["recipient"] != hiddenUser || reqs[0]["to"] != nil {
			t.Errorf("reply addressed wrong: %v", reqs[0])
		}
		r := e.do("POST", "/v23.0/"+demoPhoneID+"/messages", demoAPIKey, []byte(`{"messaging_product":"whatsapp","recipient":"`+hiddenUser+`","type":"text","text":{"body":"hi"}}`), nil)
		e.wantRefused(r, "opted_out")
	})
}

// TestHiddenNumberButtons: Button and interactive opt-out from user-id only.
func TestHiddenNumberButtons(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		_, opt := withCapture(t)
		e := newEnv(t, b, opt)
		now := e.clock.Now()
		if r := e.consent(hiddenUser, `{"action":"opt_in","topic":"promotions","source":"web_form","evidence":{"text":"ok"}}`); r.Status != 201 {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
		e.wantAllowed(e.send(tpl(hiddenUser, "black_friday")))
		body := wrapMsg(`{"profile":{"name":"Ana"},"user_id":"`+hiddenUser+`"}`,
			`{"from_user_id":"`+hiddenUser+`","id":"wamid.b1","timestamp":"`+ts(now)+`","type":"button","button":{"payload":"Parar promoções","text":"Parar promoções"}}`)
		if r := e.webhook(body, testAppSecret); r.Status != 200 {
			t.Fatalf("button: %d %s", r.Status, r.Body)
		}
		e.wantRefused(e.send(tpl(hiddenUser, "black_friday")), "topic_opted_out")
	})
}

// TestHiddenNumberMetaSignals: user_preferences stop with only user id; 131050 and 131047 with only recipient_user_id.
func TestHiddenNumberMetaSignals(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		_, opt := withCapture(t)
		e := newEnv(t, b, opt)
		now := e.clock.Now()
		const u2, u3 = "BR.2222222222222222", "BR.3333333333333333"
		for _, u := range []string{hiddenUser, u2} {
			if r := e.consent(u, `{"action":"opt_in","topic":"promotions","source":"web_form","evidence":{"text":"ok"}}`); r.Status != 201 {
				t.Fatalf("%d %s", r.Status, r.Body)
			}
		}
		pref := []byte(`{"object":"whatsapp_business_account","entry":[{"id":"` + demoWABA + `","changes":[{"field":"user_preferences","value":{"messaging_product":"whatsapp",` +
			`"metadata":{"display_phone_number":"15550783881","phone_number_id":"` + demoPhoneID + `"},"contacts":[{"user_id":"` + hiddenUser + `"}],` +
			`"user_preferences":[{"user_id":"` + hiddenUser + `","detail":"x","category":"marketing_messages","value":"stop","timestamp":` + ts(now) + `}]}}]}]}`)
		if r := e.webhook(pref, testAppSecret); r.Status != 200 {
			t.Fatalf("pref: %d %s", r.Status, r.Body)
		}
		e.wantRefused(e.send(tpl(hiddenUser, "black_friday")), "topic_opted_out")
		st := func(id, user string, code int) []byte {
			return []byte(`{"object":"whatsapp_business_account","entry":[{"id":"` + demoWABA + `","changes":[{"field":"messages","value":{"messaging_product":"whatsapp",` +
				`"metadata":{"display_phone_number":"15550783881","phone_number_id":"` + demoPhoneID + `"},` +
				`"statuses":[{"id":"` + id + `","status":"failed","timestamp":"` + ts(now) + `","recipient_user_id":"` + user + `","errors":[{"code":` + strconv.Itoa(code) + `,"title":"t"}]}]}}]}]}`)
		}
		if r := e.webhook(st("wamid.s1", u2, 131050), testAppSecret); r.Status != 200 {
			t.Fatalf("131050: %d %s", r.Status, r.Body)
		}
		e.wantRefused(e.send(tpl(u2, "black_friday")), "topic_opted_out")
		// u3 writes, then Meta says the window is closed.
		if r := e.webhook(textWebhook("", u3, "wamid.u3", now, "oi"), testAppSecret); r.Status != 200 {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
		e.wantAllowed(e.send(text(u3, "hello")))
		e.clock.Advance(time.Minute)
		if r := e.webhook(st("wamid.s3", u3, 131047), testAppSecret); r.Status != 200 {
			t.Fatalf("131047: %d %s", r.Status, r.Body)
		}
		e.wantRefused(e.send(text(u3, "hello")), "window_closed")
	})
}

// TestHiddenNumberBothKeys: Both keys known; STOP under one key refuses sends under the other.
func TestHiddenNumberBothKeys(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		_, opt := withCapture(t)
		e := newEnv(t, b, opt)
		now := e.clock.Now()
		if r := e.consent("+"+hiddenNum, `{"action":"opt_in","topic":"promotions","source":"web_form","evidence":{"text":"ok"}}`); r.Status != 201 {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
		if r := e.webhook(textWebhook(hiddenNum, hiddenUser, "wamid.both", now, "oi"), testAppSecret); r.Status != 200 {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
		e.wantAllowed(e.send(tpl(hiddenUser, "black_friday")))
		if r := e.webhook(textWebhook("", hiddenUser, "wamid.stop", now.Add(time.Second), "STOP"), testAppSecret); r.Status != 200 {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
		e.wantRefused(e.send(tpl("+"+hiddenNum, "black_friday")), "opted_out")
		e.wantRefused(e.send(tpl(hiddenUser, "black_friday")), "opted_out")
		c := e.contact(hiddenUser)
		if c["opted_out_of_all"] != true {
			t.Errorf("contact by user id: %v", c)
		}
		d := e.do("POST", "/v1/decisions", demoAPIKey, []byte(`{"phone_number_id":"`+demoPhoneID+`","messaging_product":"whatsapp","recipient":"`+hiddenUser+`","type":"template","template":{"name":"black_friday","language":{"code":"pt_BR"}}}`), nil)
		if !strings.Contains(string(d.Body), `"allow":false`) {
			t.Errorf("decision: %d %s", d.Status, d.Body)
		}
	})
}

// TestHiddenNumberOtherFormOfNumber: The person's number is on record in both Brazilian forms: Meta reports
// the old form (with the user id), the business recorded an opt-out under the
// new form. A send to the number is refused; a send to the user id must be too.
func TestHiddenNumberOtherFormOfNumber(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		_, opt := withCapture(t)
		e := newEnv(t, b, opt)
		const w8, w9 = "551187654321", "5511987654321"
		now := e.clock.Now()
		if r := e.webhook(textWebhook(w8, hiddenUser, "wamid.t1", now, "Oi, tudo bem?"), testAppSecret); r.Status != 200 {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
		if r := e.consent("+"+w9, `{"action":"opt_out","source":"call_center","reason":"asked by phone"}`); r.Status != 201 {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
		e.wantRefused(e.send(text("+"+w9, "promo")), "opted_out")
		e.wantRefused(e.send(text("+"+w8, "promo")), "opted_out")
		if c := e.contact(hiddenUser); c["opted_out_of_all"] != true {
			t.Errorf("GET /v1/contacts/{user_id}: opted_out_of_all=%v, GET by number says %v", c["opted_out_of_all"], e.contact("+" + w9)["opted_out_of_all"])
		}
		e.wantRefused(e.send(text(hiddenUser, "promo")), "opted_out")
	})
}

// TestHiddenNumberUserIDShapes: Parent BSUID (US.ENT.<digits>) and a long BSUID (Meta: up to 128 alphanumerics).
func TestHiddenNumberUserIDShapes(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		cap, opt := withCapture(t)
		e := newEnv(t, b, opt)
		now := e.clock.Now()
		for i, u := range []string{"US.ENT.11815799212886844830", "US." + strings.Repeat("7", 100)} {
			if r := e.webhook(textWebhook("", u, "wamid.shape"+strconv.Itoa(i), now, "STOP"), testAppSecret); r.Status != 200 {
				t.Fatalf("%d %s", r.Status, r.Body)
			}
			reqs := cap.wait(i + 1)
			if reqs[len(reqs)-1]["recipient"] != u {
				t.Errorf("%s: reply not addressed by recipient: %v", u, reqs[len(reqs)-1])
			}
			r := e.do("GET", "/v1/contacts/"+u, demoAPIKey, nil, nil)
			if r.Status != 200 {
				t.Errorf("GET /v1/contacts/%s: %d", u, r.Status)
			}
			s := e.do("POST", "/v23.0/"+demoPhoneID+"/messages", demoAPIKey, []byte(`{"messaging_product":"whatsapp","recipient":"`+u+`","type":"text","text":{"body":"hi"}}`), nil)
			if s.Header.Get("Optgate-Reason") != "opted_out" {
				t.Errorf("send to %s: reason %q, want opted_out", u, s.Header.Get("Optgate-Reason"))
			}
		}
	})
}

// TestHiddenNumberUncertainOptOut: Uncertain opt-out from a user-id-only person: question once, then SAIR.
func TestHiddenNumberUncertainOptOut(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		cap, opt := withCapture(t)
		e := newEnv(t, b, opt)
		now := e.clock.Now()
		e.webhook(textWebhook("", hiddenUser, "wamid.a1", now, "como paro de receber?"), testAppSecret)
		reqs := cap.wait(1)
		if len(reqs) != 1 || reqs[0]["recipient"] != hiddenUser {
			t.Fatalf("question: %v", reqs)
		}
		e.webhook(textWebhook("", hiddenUser, "wamid.a2", now.Add(time.Second), "como paro de receber?"), testAppSecret)
		time.Sleep(300 * time.Millisecond)
		if n := len(cap.wait(1)); n != 1 {
			t.Fatalf("asked twice: %d", n)
		}
		e.webhook(textWebhook("", hiddenUser, "wamid.a3", now.Add(2*time.Second), "SAIR"), testAppSecret)
		e.wantRefused(e.send(text(hiddenUser, "tchau")), "opted_out")
	})
}

// TestHiddenNumberConfirmsDoubleOptIn: Double opt-in: the form names the number; the person, who hides it, taps Confirm.
func TestHiddenNumberConfirmsDoubleOptIn(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := newOptInEnv(t, b)
		ana := demoPerson
		_, version := e.page("/f/demo/ofertas", "pt-BR")
		r := e.submit("/f/demo/ofertas/submit", url.Values{"country": {"BR"}, "phone": {"(11) 98765-4321"}, "topic": {"promotions"}, "v": {version}, "lang": {"pt"}}, nil)
		if r.Status != 200 {
			t.Fatalf("submit %d %s", r.Status, r.Body)
		}
		payload := e.confirmPayload(ana)
		now := e.clock.Now()
		body := wrapMsg(`{"profile":{"name":"Ana"},"user_id":"`+hiddenUser+`"}`,
			`{"from_user_id":"`+hiddenUser+`","id":"wamid.c1","timestamp":"`+ts(now)+`","type":"button","button":{"payload":"`+payload+`","text":"Confirmar"}}`)
		if r := e.webhook(body, testAppSecret); r.Status != 200 {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
		if c := e.contact(hiddenUser); topicStatus(c, "promotions") != "opted_in" || c["wa_id"] != ana {
			t.Errorf("contact by user id: promotions %s, wa_id %v; want opted in, on %s", topicStatus(c, "promotions"), c["wa_id"], ana)
		}
		d := e.do("POST", "/v1/decisions", demoAPIKey, []byte(`{"phone_number_id":"`+demoPhoneID+`","messaging_product":"whatsapp","to":"+`+ana+`","type":"template","template":{"name":"black_friday","language":{"code":"pt_BR"}}}`), nil)
		if !strings.Contains(string(d.Body), `"allow":true`) {
			t.Errorf("the confirmed opt-in does not reach the number the form named: %s", d.Body)
		}
	})
}

// TestHiddenNumberStatusLinksKeys: Meta names the two keys together only in a status (or a preference).
func TestHiddenNumberStatusLinksKeys(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		_, opt := withCapture(t)
		e := newEnv(t, b, opt)
		now := e.clock.Now()
		if r := e.consent("+"+hiddenNum, `{"action":"opt_in","topic":"promotions","source":"web_form","evidence":{"text":"ok"}}`); r.Status != 201 {
			t.Fatal(r.Status)
		}
		e.webhook(textWebhook("", hiddenUser, "wamid.l1", now, "PARAR"), testAppSecret)
		st := []byte(`{"object":"whatsapp_business_account","entry":[{"id":"` + demoWABA + `","changes":[{"field":"messages","value":{"messaging_product":"whatsapp",` +
			`"metadata":{"display_phone_number":"15550783881","phone_number_id":"` + demoPhoneID + `"},` +
			`"statuses":[{"id":"wamid.out1","status":"delivered","timestamp":"` + ts(now.Add(time.Second)) + `","recipient_id":"` + hiddenNum + `","recipient_user_id":"` + hiddenUser + `"}]}}]}]}`)
		if r := e.webhook(st, testAppSecret); r.Status != 200 {
			t.Fatal(r.Status)
		}
		e.wantRefused(e.send(tpl("+"+hiddenNum, "black_friday")), "opted_out")
	})
}

// TestHiddenNumberPreferenceLinksKeys: a user_preferences entry names the
// number, and the webhook's contacts give the user id with it. The person's
// earlier PARAR under the user id alone then counts for the number: the
// send is refused for the opt-out of everything, not only marketing.
func TestHiddenNumberPreferenceLinksKeys(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		_, opt := withCapture(t)
		e := newEnv(t, b, opt)
		now := e.clock.Now()
		if r := e.consent("+"+hiddenNum, `{"action":"opt_in","source":"web_form","evidence":{"text":"ok"}}`); r.Status != 201 {
			t.Fatal(r.Status)
		}
		if r := e.webhook(textWebhook("", hiddenUser, "wamid.pl1", now, "PARAR"), testAppSecret); r.Status != 200 {
			t.Fatal(r.Status)
		}
		pref := []byte(`{"object":"whatsapp_business_account","entry":[{"id":"` + demoWABA + `","changes":[{"field":"user_preferences","value":{"messaging_product":"whatsapp",` +
			`"metadata":{"display_phone_number":"15550783881","phone_number_id":"` + demoPhoneID + `"},"contacts":[{"wa_id":"` + hiddenNum + `","user_id":"` + hiddenUser + `"}],` +
			`"user_preferences":[{"wa_id":"` + hiddenNum + `","detail":"x","category":"marketing_messages","value":"stop","timestamp":` + ts(now.Add(time.Second)) + `}]}}]}]}`)
		if r := e.webhook(pref, testAppSecret); r.Status != 200 {
			t.Fatalf("pref: %d %s", r.Status, r.Body)
		}
		e.wantRefused(e.send(tpl("+"+hiddenNum, "order_shipped")), "opted_out")
	})
}
