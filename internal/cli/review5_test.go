package cli

import (
	"net/http"
	"testing"
	"time"

	"github.com/optgate/optgate/internal/store/storetest"
)

// From a fifth review.

// TestLateStopFromOtherBrazilianFormOfOldNumber: the person changes from a
// Brazilian number Meta named without the ninth digit; their PARAR, sent
// before the change and delivered after it, names the number with it. It is
// still the mover's.
func TestLateStopFromOtherBrazilianFormOfOldNumber(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		const old13, old12, nw = "5511966695034", "551166695034", "5511955595035"
		if r := e.webhook(textWebhook(old12, "", "wamid.r5c.start", e.clock.Now().Add(-72*time.Hour), "START"), testAppSecret); r.Status != http.StatusOK {
			t.Fatal(r.Status, string(r.Body))
		}
		at := e.clock.Now().Add(-10 * time.Minute)
		if r := e.webhook(changeHook(old12, nw, "wamid.r5c.ch", at), testAppSecret); r.Status != http.StatusOK {
			t.Fatal(r.Status, string(r.Body))
		}
		e.wantAllowed(e.send(tpl("+"+nw, "order_shipped")))
		if r := e.webhook(textWebhook(old13, "", "wamid.r5c.stop", at.Add(-time.Minute), "PARAR"), testAppSecret); r.Status != http.StatusOK {
			t.Fatal(r.Status, string(r.Body))
		}
		e.wantRefused(e.send(tpl("+"+nw, "order_shipped")), "opted_out")
	})
}

// TestMarketingOptInBetweenStopAndResumeArrivals: WhatsApp's stop (T-2h)
// arrives, then the person's marketing opt-in given at T-3h, then the resume
// (T-1h). The stop does not make the opt-in moot (it stands apart, and a
// resume lifts it): promotions end opted in, as in every other arrival order.
func TestMarketingOptInBetweenStopAndResumeArrivals(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		const p = "5511987650591"
		now := e.clock.Now()
		if r := e.webhook(prefHook(p, "stop", now.Add(-2*time.Hour)), testAppSecret); r.Status != http.StatusOK {
			t.Fatal(r.Status, string(r.Body))
		}
		if r := e.consent("+"+p, `{"action":"opt_in","category":"marketing","source":"web_form","evidence":{"text":"Quero marketing"},"occurred_at":"`+
			now.Add(-3*time.Hour).UTC().Format(time.RFC3339)+`"}`); r.Status != http.StatusCreated {
			t.Fatalf("opt-in: %d %s", r.Status, r.Body)
		}
		e.wantRefused(e.send(tpl("+"+p, "black_friday")), "topic_opted_out") // WhatsApp's stop, until the resume
		if r := e.webhook(prefHook(p, "resume", now.Add(-time.Hour)), testAppSecret); r.Status != http.StatusOK {
			t.Fatal(r.Status, string(r.Body))
		}
		if s := topicStatus(e.contact("+"+p), "promotions"); s != "opted_in" {
			t.Errorf("arrival order stop, opt_in, resume: promotions %q, want opted_in", s)
		}
		e.wantAllowed(e.send(tpl("+"+p, "black_friday")))
	})
}

// TestChangeMovesBothBrazilianRecords: the person is on record under both
// forms of their Brazilian number (a START under one, an opt-out recorded
// through the API under the other); a send decision reads both. When they
// change number, both records move: the opt-out comes with them, and the old
// number keeps nothing.
func TestChangeMovesBothBrazilianRecords(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		const old13, old12, nw = "5511966695044", "551166695044", "5511955595045"
		if r := e.webhook(textWebhook(old12, "", "wamid.r5d.start", e.clock.Now().Add(-72*time.Hour), "START"), testAppSecret); r.Status != http.StatusOK {
			t.Fatal(r.Status, string(r.Body))
		}
		if r := e.consent("+"+old13, `{"action":"opt_out","reason":"asked by phone","occurred_at":"`+e.clock.Now().Add(-time.Hour).UTC().Format(time.RFC3339)+`"}`); r.Status != http.StatusCreated {
			t.Fatal(r.Status, string(r.Body))
		}
		e.wantRefused(e.send(tpl("+"+old12, "order_shipped")), "opted_out")
		if r := e.webhook(changeHook(old12, nw, "wamid.r5d.ch", e.clock.Now().Add(-time.Minute)), testAppSecret); r.Status != http.StatusOK {
			t.Fatal(r.Status, string(r.Body))
		}
		e.wantRefused(e.send(tpl("+"+nw, "order_shipped")), "opted_out")
		if h := e.contact("+" + nw)["history"].([]any); len(h) != 2 {
			t.Errorf("the new number's history: %d events, want the START and the opt-out", len(h))
		}
	})
}

// TestPreviousOwnersLateStartNotTheMovers: P said PARAR on x and moved to y,
// which O held before (O wrote from it). O's START, sent from y before the
// move and delivered after it, is O's: it does not undo P's PARAR.
func TestPreviousOwnersLateStartNotTheMovers(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		const x, y = "5511966695001", "5511966695002"
		t0 := e.clock.Now()
		if r := e.webhook(textWebhook(x, "", "wamid.r5a.stop", t0, "PARAR"), testAppSecret); r.Status != http.StatusOK {
			t.Fatal(r.Status, string(r.Body))
		}
		if r := e.webhook(textWebhook(y, "", "wamid.r5a.o", t0, "Oi"), testAppSecret); r.Status != http.StatusOK {
			t.Fatal(r.Status, string(r.Body))
		}
		e.clock.Advance(2 * time.Hour) // O's record is two hours old when P moves onto y
		at := e.clock.Now().Add(-10 * time.Minute)
		if r := e.webhook(changeHook(x, y, "wamid.r5a.change", at), testAppSecret); r.Status != http.StatusOK {
			t.Fatal(r.Status, string(r.Body))
		}
		e.wantRefused(e.send(tpl("+"+y, "order_shipped")), "opted_out")
		if r := e.webhook(textWebhook(y, "", "wamid.r5a.ostart", at.Add(-time.Minute), "START"), testAppSecret); r.Status != http.StatusOK {
			t.Fatal(r.Status, string(r.Body))
		}
		e.wantRefused(e.send(tpl("+"+y, "order_shipped")), "opted_out")
		if h := e.contact("+" + y)["history"].([]any); len(h) != 1 {
			t.Errorf("P's history: %d events, want P's PARAR only: %v", len(h), h)
		}
	})
}
