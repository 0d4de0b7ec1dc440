package cli

import (
	"net/http"
	"testing"
	"time"

	"github.com/optgate/optgate/internal/store/storetest"
)

// TestThereAndBackAndThereInAnyOrder: P opted out on x, then moved
// x→y (t1), back y→x (t2) and to y again (t3), delivered in any order.
// P ends on y with their opt-out, in every order of arrival; x holds nothing.
// Before, the order t3, t1, t2 left the opt-out on a record with no number.
func TestThereAndBackAndThereInAnyOrder(t *testing.T) {
	orders := map[string][]int{"t1,t2,t3": {1, 2, 3}, "t3,t1,t2": {3, 1, 2}, "t3,t2,t1": {3, 2, 1}, "t2,t3,t1": {2, 3, 1}, "t1,t3,t2": {1, 3, 2}, "t2,t1,t3": {2, 1, 3}}
	for name, order := range orders {
		t.Run(name, func(t *testing.T) {
			forEachBackend(t, func(t *testing.T, b storetest.Backend) {
				e := newEnv(t, b)
				const x, y = "5511966697031", "5511966697032"
				now := e.clock.Now().Truncate(time.Second)
				if r := e.consent("+"+x, `{"action":"opt_out","reason":"asked by phone","occurred_at":"`+now.Add(-time.Hour).UTC().Format(time.RFC3339)+`"}`); r.Status != http.StatusCreated {
					t.Fatal(r.Status, string(r.Body))
				}
				hooks := map[int][]byte{
					1: changeHook(x, y, "wamid.tb.1", now.Add(-30*time.Minute)),
					2: changeHook(y, x, "wamid.tb.2", now.Add(-20*time.Minute)),
					3: changeHook(x, y, "wamid.tb.3", now.Add(-10*time.Minute)),
				}
				for _, i := range order {
					e.post(hooks[i])
				}
				e.wantRefused(e.send(tpl("+"+y, "order_shipped")), "opted_out")
				e.wantRefused(e.send(tpl("+"+x, "order_shipped")), "no_opt_in")
			})
		})
	}
}

// TestEarlierChangeOntoNumberSomeoneTookLater: P (opted out on x) moved x→y at
// t1; Q (opted in on z) moved z→y at t2 > t1. Meta delivers Q's change first.
// Q keeps y and their opt-in; P's record keeps P's opt-out with no number
// (as when delivered in order: Q's move released it).
// Before, P took y from Q (sends to Q were refused on P's opt-out).
func TestEarlierChangeOntoNumberSomeoneTookLater(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		const x, y, z = "5511966697041", "5511966697042", "5511966697043"
		now := e.clock.Now().Truncate(time.Second)
		if r := e.consent("+"+x, `{"action":"opt_out","reason":"asked by phone","occurred_at":"`+now.Add(-72*time.Hour).UTC().Format(time.RFC3339)+`"}`); r.Status != http.StatusCreated {
			t.Fatal(r.Status, string(r.Body))
		}
		if r := e.consent("+"+z, `{"action":"opt_in","source":"web_form","evidence":{"text":"Quero receber"},"occurred_at":"`+now.Add(-48*time.Hour).UTC().Format(time.RFC3339)+`"}`); r.Status != http.StatusCreated {
			t.Fatal(r.Status, string(r.Body))
		}
		e.post(changeHook(z, y, "wamid.ec.q", now.Add(-10*time.Minute)))
		e.post(changeHook(x, y, "wamid.ec.p", now.Add(-30*time.Minute)))
		e.wantAllowed(e.send(tpl("+"+y, "order_shipped")))
		e.wantRefused(e.send(tpl("+"+x, "order_shipped")), "no_opt_in")
		// P's PARAR, sent from y between the two changes and delivered now, is P's.
		e.post(textWebhook(y, "", "wamid.ec.pstop", now.Add(-20*time.Minute), "PARAR"))
		e.wantAllowed(e.send(tpl("+"+y, "order_shipped")))
	})
}
