package cli

import (
	"testing"
	"time"

	"github.com/optgate/optgate/internal/store/storetest"
)

// TestPreviousOwnersLateChangeDoesNotMoveTheNewHolder: P said PARAR on a and
// changed from a to b; later M moved from x onto a. Meta delivers M's change
// first, then P's. P's change is about P's record (the one M's change left
// on a's past), not about M, who holds a now: M keeps a and their START, P's
// PARAR follows P to b. Before, P's change moved M's record to b: sends to
// P were allowed on M's START (fail-open) and M lost their number.
func TestPreviousOwnersLateChangeDoesNotMoveTheNewHolder(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		const a, bNum, x = "5511966697001", "5511966697002", "5511966697003"
		now := e.clock.Now().Truncate(time.Second)
		e.post(textWebhook(a, "", "wamid.lc.pstop", now.Add(-72*time.Hour), "PARAR"))
		e.post(textWebhook(x, "", "wamid.lc.mstart", now.Add(-48*time.Hour), "START"))
		e.post(changeHook(x, a, "wamid.lc.mchange", now.Add(-time.Hour)))
		e.wantAllowed(e.send(tpl("+"+a, "order_shipped"))) // M, on a now

		e.post(changeHook(a, bNum, "wamid.lc.pchange", now.Add(-2*time.Hour)))
		e.wantAllowed(e.send(tpl("+"+a, "order_shipped")))
		e.wantRefused(e.send(tpl("+"+bNum, "order_shipped")), "opted_out")
		if h := e.contact("+" + bNum)["history"].([]any); len(h) != 1 {
			t.Errorf("P's history on b: %d events, want P's PARAR only: %v", len(h), h)
		}
	})
}

// TestLateChangeFromNumberSomeoneUnknownLeft: M moved from x onto a; then
// Meta delivers an earlier change from a to b of someone optgate never saw
// on a. It is not M's: M keeps a, and the person on b starts with nothing.
func TestLateChangeFromNumberSomeoneUnknownLeft(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		const a, bNum, x = "5511966697011", "5511966697012", "5511966697013"
		now := e.clock.Now().Truncate(time.Second)
		e.post(textWebhook(x, "", "wamid.lu.mstart", now.Add(-48*time.Hour), "START"))
		e.post(changeHook(x, a, "wamid.lu.mchange", now.Add(-time.Hour)))
		e.post(changeHook(a, bNum, "wamid.lu.pchange", now.Add(-2*time.Hour)))
		e.wantAllowed(e.send(tpl("+"+a, "order_shipped")))
		e.wantRefused(e.send(tpl("+"+bNum, "order_shipped")), "no_opt_in")
	})
}

// TestPreviousOwnersLateMessageBeforeTheChange: O wrote from y just before P
// moved onto y, and Meta delivered O's message before P's change (retries
// can do that). O's record is new when the change arrives, but what it holds
// happened before the change: it is O's, kept apart, and P gets no window
// from O's message.
func TestPreviousOwnersLateMessageBeforeTheChange(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		const x, y = "5511966697021", "5511966697022"
		now := e.clock.Now().Truncate(time.Second)
		e.consentAt("+"+x, "opt_in", now.Add(-72*time.Hour))
		e.post(textWebhook(y, "", "wamid.lm.o", now.Add(-15*time.Minute), "Bom dia, ainda tenho pedido aberto?"))
		e.post(changeHook(x, y, "wamid.lm.change", now.Add(-10*time.Minute)))
		e.wantRefused(e.send(text("+"+y, "Oi!")), "window_closed")
		e.wantAllowed(e.send(tpl("+"+y, "order_shipped"))) // P's opt-in came with P
	})
}

// TestUnknownPreviousOwnersLateStart: M moved from x onto y, a number optgate
// had never seen. A START sent from y before the move, delivered after it,
// is y's previous owner's, whom optgate did not know: it goes to a record of
// their own (with no number) and does not opt M in. Before, it went to M's
// record (fail-open).
func TestUnknownPreviousOwnersLateStart(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		const x, y = "5511966697051", "5511966697052"
		now := e.clock.Now().Truncate(time.Second)
		e.post(textWebhook(x, "", "wamid.up.m", now.Add(-48*time.Hour), "Oi"))
		e.post(changeHook(x, y, "wamid.up.change", now.Add(-time.Hour)))
		e.post(textWebhook(y, "", "wamid.up.start", now.Add(-2*time.Hour), "START"))
		e.wantRefused(e.send(tpl("+"+y, "order_shipped")), "no_opt_in")
		e.post(textWebhook(y, "", "wamid.up.plain", now.Add(-90*time.Minute), "Obrigado"))
		e.wantRefused(e.send(text("+"+y, "Oi!")), "window_closed")
		if h := e.contact("+" + y)["history"].([]any); len(h) != 0 {
			t.Errorf("M's history: %v, want nothing", h)
		}
	})
}

// TestStopStampedJustBeforeTheChange: Meta stamps user_changed_number with the
// time its webhook was triggered, which can come a little after the person's
// first message from the new number. The person's PARAR from the new number,
// stamped two seconds before the change, is theirs, whether it is delivered
// after the change or before it (it was taken for the number's previous
// owner's, and the person, opted in on their old number, was not opted out).
func TestStopStampedJustBeforeTheChange(t *testing.T) {
	for _, stopFirst := range []bool{false, true} {
		t.Run(map[bool]string{false: "change first", true: "stop first"}[stopFirst], func(t *testing.T) {
			forEachBackend(t, func(t *testing.T, b storetest.Backend) {
				e := newEnv(t, b)
				const x, y = "5511966697071", "5511966697072"
				now := e.clock.Now().Truncate(time.Second)
				e.consentAt("+"+x, "opt_in", now.Add(-72*time.Hour))
				change := changeHook(x, y, "wamid.sk.change", now.Add(-time.Minute))
				stop := textWebhook(y, "", "wamid.sk.stop", now.Add(-time.Minute-2*time.Second), "PARAR")
				if stopFirst {
					e.post(stop)
					e.post(change)
				} else {
					e.post(change)
					e.post(stop)
				}
				e.wantRefused(e.send(tpl("+"+y, "order_shipped")), "opted_out")
			})
		})
	}
}
