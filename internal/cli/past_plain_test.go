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
		post := func(body []byte) {
			t.Helper()
			if r := e.webhook(body, testAppSecret); r.Status != http.StatusOK {
				t.Fatalf("webhook: %d %s", r.Status, r.Body)
			}
		}
		// Known from long ago: their window has closed.
		post(textWebhook(oldNum, "", "wamid.past.hello", now.Add(-30*time.Hour), "Olá"))
		post(changeHook(oldNum, newNum, "wamid.past.change", now.Add(-5*time.Minute)))
		// Written before the change, delivered after it, with another
		// plain message from an unrelated person in the same delivery
		// order (both go through the group commit's queue).
		post(textWebhook(oldNum, "", "wamid.past.late", now.Add(-10*time.Minute), "Oi, tudo bem?"))
		post(textWebhook("5511987650023", "", "wamid.past.other", now.Add(-time.Minute), "Bom dia"))

		e.wantAllowed(e.send(text("+"+newNum, "Oi! Como posso ajudar?")))
		e.wantRefused(e.send(text("+"+oldNum, "Oi! Como posso ajudar?")), "window_closed")
		if r := e.do("GET", "/v1/contacts/+"+oldNum, demoAPIKey, nil, nil); r.Status != http.StatusNotFound {
			t.Fatalf("GET the old number: %d %s, want 404", r.Status, r.Body)
		}
		e.wantAllowed(e.send(text("+5511987650023", "Bom dia!")))

		// Redelivered: still a duplicate, nothing changes.
		post(textWebhook(oldNum, "", "wamid.past.late", now.Add(-10*time.Minute), "Oi, tudo bem?"))
		if r := e.do("GET", "/v1/contacts/+"+oldNum, demoAPIKey, nil, nil); r.Status != http.StatusNotFound {
			t.Fatalf("GET the old number after a redelivery: %d %s, want 404", r.Status, r.Body)
		}
	})
}
