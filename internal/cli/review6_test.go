package cli

// From a sixth review.

import (
	"net/http"
	"testing"
	"time"

	"github.com/optgate/optgate/internal/store/storetest"
)

// TestLateChangeFromNumberWhoseFirstMoverReleasedNothing: M (opted in) moved
// from x onto a, which optgate had never seen (the move released nothing);
// later N moved from y onto a, which released M's record. Then Meta delivers
// a change from a to b dated before M's move: it is P's, whom optgate never
// saw on a: P starts on b with nothing. Before, the look-up skipped M's move
// (no released record) and took the record N's move released, M's: M's
// record and opt-in went to P's new number (fail-open).
func TestLateChangeFromNumberWhoseFirstMoverReleasedNothing(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		const x, a, y, bNum = "5511966698001", "5511966698002", "5511966698003", "5511966698004"
		now := e.clock.Now().Truncate(time.Second)
		e.consentAt("+"+x, "opt_in", now.Add(-72*time.Hour))
		e.post(changeHook(x, a, "wamid.r6a.m", now.Add(-3*time.Hour))) // M onto a (unknown): nothing released
		e.post(changeHook(y, a, "wamid.r6a.n", now.Add(-time.Hour)))   // N onto a: M's record released
		e.wantRefused(e.send(tpl("+"+a, "order_shipped")), "no_opt_in")

		e.post(changeHook(a, bNum, "wamid.r6a.p", now.Add(-5*time.Hour))) // P's, from before M came
		e.wantRefused(e.send(tpl("+"+bNum, "order_shipped")), "no_opt_in")
	})
}

// TestLateChangeIntoChainWithMoversLatePlainMessage: P (opted in on a)
// changed a -> b, wrote "Oi" from b, then changed b -> c. Meta delivers
// b -> c first (c gets a new record), then P's plain message from b (it is
// the mover's: it opens the window of c's record, dated before b -> c), then
// a -> b. The record of c is the one b -> c made, and P's: a's record merges
// into it. Before, the window the late message opened counted as a trace
// from before b -> c, c's record was taken for someone else's, and P's
// record and opt-in stayed on a (fail-open for a's next holder).
func TestLateChangeIntoChainWithMoversLatePlainMessage(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		const a, bNum, c = "5511966698011", "5511966698012", "5511966698013"
		now := e.clock.Now().Truncate(time.Second)
		e.consentAt("+"+a, "opt_in", now.Add(-72*time.Hour))
		e.post(changeHook(bNum, c, "wamid.r6b.bc", now.Add(-time.Hour)))
		e.post(textWebhook(bNum, "", "wamid.r6b.oi", now.Add(-2*time.Hour), "Oi, tudo bem?"))
		e.post(changeHook(a, bNum, "wamid.r6b.ab", now.Add(-3*time.Hour)))

		e.wantRefused(e.send(tpl("+"+a, "order_shipped")), "no_opt_in")
		if r := e.do("GET", "/v1/contacts/+"+a, demoAPIKey, nil, nil); r.Status != http.StatusNotFound {
			t.Errorf("the old number kept a record: %d %s, want 404", r.Status, r.Body)
		}
		e.wantAllowed(e.send(tpl("+"+c, "order_shipped")))
	})
}

// TestLateChangeFromOtherFormOfNumberSomeoneMovedOnto: P said START from a
// in its 12-digit form and changed from it to b; M moved onto a under its
// 13-digit form; Meta delivers P's change last. M's move releases P's record
// (under either form), and P's change takes it to b. Before, M's move looked
// for a record under the 13-digit form only and released nothing, and P's
// record, START included, stayed on a's 12-digit form, where every send
// decision for M reads it: M's sends were allowed on P's START (fail-open).
func TestLateChangeFromOtherFormOfNumberSomeoneMovedOnto(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		const a12, a13, x, bNum = "551166698021", "5511966698021", "5511966698022", "5511966698023"
		now := e.clock.Now().Truncate(time.Second)
		e.post(textWebhook(a12, "", "wamid.r6c.start", now.Add(-72*time.Hour), "START"))
		e.post(changeHook(x, a13, "wamid.r6c.m", now.Add(-time.Hour)))
		e.post(changeHook(a12, bNum, "wamid.r6c.p", now.Add(-2*time.Hour)))

		e.wantRefused(e.send(tpl("+"+a13, "order_shipped")), "no_opt_in")
		e.wantAllowed(e.send(tpl("+"+bNum, "order_shipped")))
	})
}

// TestPreviousOwnersLatePlainMessageAfterNewHolderLeft: O wrote from y long
// ago; M moved from x onto y (O's record released), then from y to z. O's
// plain message, sent from y before M came and delivered last, is O's: it
// opens no window for M. Before, the first change away from y after the
// message (M's y -> z) counted, though M came onto y only after it: O's
// message opened M's window on z, and a free-form message to z was allowed.
func TestPreviousOwnersLatePlainMessageAfterNewHolderLeft(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		const x, y, z = "5511966698031", "5511966698032", "5511966698033"
		now := e.clock.Now().Truncate(time.Second)
		e.consentAt("+"+x, "opt_in", now.Add(-72*time.Hour))
		e.post(textWebhook(y, "", "wamid.r6d.o1", now.Add(-40*time.Hour), "Bom dia"))
		e.post(changeHook(x, y, "wamid.r6d.xy", now.Add(-2*time.Hour)))
		e.post(changeHook(y, z, "wamid.r6d.yz", now.Add(-time.Hour)))
		e.wantRefused(e.send(text("+"+z, "Oi!")), "window_closed")

		e.post(textWebhook(y, "", "wamid.r6d.o2", now.Add(-3*time.Hour), "Ainda estou aqui"))
		e.wantRefused(e.send(text("+"+z, "Oi!")), "window_closed")
		e.wantAllowed(e.send(tpl("+"+z, "order_shipped"))) // M's opt-in came with M
	})
}
