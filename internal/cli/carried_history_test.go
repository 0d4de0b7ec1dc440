package cli

import (
	"context"
	"testing"
	"time"

	"github.com/optgate/optgate/internal/store/storetest"
)

// TestStopOnPreviousOwnerListedForMover: P moves from x to y, a number that
// O held before. P's PARAR from y reaches optgate before Meta's
// user_changed_number, and is written to O's record (the holder of y then).
// When the change comes, O's record gives up y, and what it holds from the
// change on (the PARAR) is P's: it is in force for P, and must also be in
// P's history and exported under P's number, not left with a record that has
// no number. O's own opt-in from before stays O's.
func TestStopOnPreviousOwnerListedForMover(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		const x, y = "5511966690011", "5511966690012"
		// O, y's previous owner, opted in long ago.
		old := e.clock.Now().Add(-300 * 24 * time.Hour).UTC().Format(time.RFC3339)
		if r := e.consent("+"+y, `{"action":"opt_in","topic":"promotions","source":"web_form","evidence":{"text":"O's form"},"occurred_at":"`+old+`"}`); r.Status != 201 {
			t.Fatalf("O's opt-in: %d %s", r.Status, r.Body)
		}
		// P is known under x.
		if r := e.webhook(textWebhook(x, "", "wamid.carry.hi", e.clock.Now().Add(-2*time.Hour), "Oi"), testAppSecret); r.Status != 200 {
			t.Fatal(r.Status, string(r.Body))
		}
		change := e.clock.Now().Add(-10 * time.Minute)
		if r := e.webhook(textWebhook(y, "", "wamid.carry.stop", e.clock.Now().Add(-5*time.Minute), "PARAR"), testAppSecret); r.Status != 200 {
			t.Fatal(r.Status, string(r.Body))
		}
		if r := e.webhook(changeHook(x, y, "wamid.carry.change", change), testAppSecret); r.Status != 200 {
			t.Fatal(r.Status, string(r.Body))
		}
		e.wantRefused(e.send(tpl("+"+y, "order_shipped")), "opted_out")

		h := e.contact("+" + y)["history"].([]any)
		var sources []string
		for _, ev := range h {
			sources = append(sources, ev.(map[string]any)["source"].(string))
		}
		if len(h) != 1 || sources[0] != "whatsapp_keyword" {
			t.Fatalf("P's history: %v, want P's PARAR only (not O's opt-in)", sources)
		}

		rows, err := e.app.Store.ExportEvents(context.Background(), "demo", 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 2 {
			t.Fatalf("export: %d events, want 2: %+v", len(rows), rows)
		}
		if rows[0].Source != "web_form" || rows[0].WAID != "" {
			t.Errorf("O's opt-in exported as %+v: want it under no number (O's record has given y up)", rows[0])
		}
		if rows[1].Source != "whatsapp_keyword" || rows[1].WAID != y {
			t.Errorf("P's PARAR exported as %+v: want it under %s", rows[1], y)
		}
	})
}
