package cli

import (
	"net/http"
	"testing"
	"time"

	"github.com/optgate/optgate/internal/store/storetest"
)

// TestLatePlainMessageAfterChange: a person writes a plain message (no
// keyword) from their old number, changes number, and Meta delivers the
// change first. The message is the person's: it opens their service window
// on the new number, and gives the old number (someone else's next) neither
// a record nor a window. Before, it was queued as any plain message and made
// a record for the old number with an open window, so a free-form message to
// the old number was allowed.
func TestLatePlainMessageAfterChange(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		const oldNum, newNum = "5511987650021", "5511987650022"
		now := e.clock.Now().Truncate(time.Second)
		// Known from long ago: their window has closed.
		e.post(textWebhook(oldNum, "", "wamid.past.hello", now.Add(-30*time.Hour), "Olá"))
		e.post(changeHook(oldNum, newNum, "wamid.past.change", now.Add(-5*time.Minute)))
		// Written before the change, delivered after it, with another
		// plain message from an unrelated person in the same delivery
		// order (both go through the group commit's queue).
		e.post(textWebhook(oldNum, "", "wamid.past.late", now.Add(-10*time.Minute), "Oi, tudo bem?"))
		e.post(textWebhook("5511987650023", "", "wamid.past.other", now.Add(-time.Minute), "Bom dia"))

		e.wantAllowed(e.send(text("+"+newNum, "Oi! Como posso ajudar?")))
		e.wantRefused(e.send(text("+"+oldNum, "Oi! Como posso ajudar?")), "window_closed")
		if r := e.do("GET", "/v1/contacts/+"+oldNum, demoAPIKey, nil, nil); r.Status != http.StatusNotFound {
			t.Fatalf("GET the old number: %d %s, want 404", r.Status, r.Body)
		}
		e.wantAllowed(e.send(text("+5511987650023", "Bom dia!")))

		// Redelivered: still a duplicate, nothing changes.
		e.post(textWebhook(oldNum, "", "wamid.past.late", now.Add(-10*time.Minute), "Oi, tudo bem?"))
		if r := e.do("GET", "/v1/contacts/+"+oldNum, demoAPIKey, nil, nil); r.Status != http.StatusNotFound {
			t.Fatalf("GET the old number after a redelivery: %d %s, want 404", r.Status, r.Body)
		}
	})
}

// TestLatePlainMessageUnderOtherBrazilianForm: as TestLatePlainMessageAfterChange,
// but Meta names the old number without its ninth digit in the change and
// with it in the late message. The message is still the mover's: the old
// number, in either form, gets no record and no window.
func TestLatePlainMessageUnderOtherBrazilianForm(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		const old13, old12, newNum = "5511966695071", "551166695071", "5511987650072"
		now := e.clock.Now().Truncate(time.Second)
		e.post(textWebhook(old12, "", "wamid.pbr.hello", now.Add(-30*time.Hour), "Olá"))
		e.post(changeHook(old12, newNum, "wamid.pbr.change", now.Add(-5*time.Minute)))
		e.post(textWebhook(old13, "", "wamid.pbr.late", now.Add(-10*time.Minute), "Oi, tudo bem?"))

		e.wantAllowed(e.send(text("+"+newNum, "Oi! Como posso ajudar?")))
		e.wantRefused(e.send(text("+"+old13, "Oi! Como posso ajudar?")), "window_closed")
		for _, n := range []string{old13, old12} {
			if r := e.do("GET", "/v1/contacts/+"+n, demoAPIKey, nil, nil); r.Status != http.StatusNotFound {
				t.Errorf("GET the old number %s: %d %s, want 404", n, r.Status, r.Body)
			}
		}
	})
}

// TestPreviousOwnersLatePlainMessage: O wrote from y; P, who has not written
// for days, moved onto y. O's plain message, sent from y before the move and
// delivered after it, is O's: it opens no service window for P (a free-form
// message to y stays refused until P writes).
func TestPreviousOwnersLatePlainMessage(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		const x, y = "5511987650081", "5511987650082"
		t0 := e.clock.Now().Truncate(time.Second)
		// P's opt-in through the API: a START would be confirmed, and the
		// confirmation's failure (131047, P's window at Meta being closed)
		// would close P's window at some point of the test.
		if r := e.consent("+"+x, `{"action":"opt_in","source":"web_form","evidence":{"text":"Quero receber"}}`); r.Status != http.StatusCreated {
			t.Fatalf("opt-in: %d %s", r.Status, r.Body)
		}
		e.post(textWebhook(y, "", "wamid.pol.o1", t0, "Bom dia"))
		e.clock.Advance(30 * time.Hour) // both windows closed; O's record is older than the move
		at := e.clock.Now().Add(-10 * time.Minute)
		e.post(changeHook(x, y, "wamid.pol.change", at))
		e.wantRefused(e.send(text("+"+y, "Oi!")), "window_closed")
		e.post(textWebhook(y, "", "wamid.pol.o2", at.Add(-time.Minute), "Ainda estou aqui"))
		e.wantRefused(e.send(text("+"+y, "Oi!")), "window_closed")
		e.wantAllowed(e.send(tpl("+"+y, "order_shipped"))) // P's START came with P
	})
}
