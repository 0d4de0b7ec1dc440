package cli

// From a ninth review. Each comment tells what went wrong as the review
// found it, before the commit that adds the test fixed it.

import (
	"net/http"
	"testing"
	"time"

	"github.com/optgate/optgate/internal/store/storetest"
)

// TestStopJustBeforeChangeOntoKnownNumberDeliveredFirst: P (opted in on x)
// changes x -> y; y was Q's once, and optgate has Q's record on it. Meta
// stamps the change 2 s after P's first message from y, a PARAR, and
// delivers the PARAR first (the premise of changeStampSkew). The PARAR goes
// to Q's record (y's holder then); the change then carries Q's state only
// from the change's time on (carryState since at, not at-changeStampSkew),
// so P's PARAR stays with Q's released record and P, opted in from x, gets
// templates on y.
func TestStopJustBeforeChangeOntoKnownNumberDeliveredFirst(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		const x, y = "5511966697181", "5511966697182"
		now := e.clock.Now().Truncate(time.Second)
		e.consentAt("+"+y, "opt_in", now.Add(-200*24*time.Hour)) // Q, long ago
		e.consentAt("+"+x, "opt_in", now.Add(-72*time.Hour))     // P
		e.post(textWebhook(y, "", "wamid.r9a.stop", now.Add(-time.Minute-2*time.Second), "PARAR"))
		e.post(changeHook(x, y, "wamid.r9a.change", now.Add(-time.Minute)))
		e.wantRefused(e.send(tpl("+"+y, "order_shipped")), "opted_out")
	})
}

// TestFirstMessageUnderOtherFormDoesNotTakePreviousOwnersConsent: Q opted
// in, long ago, through the API under y's 13-digit form (as NormalizePhone
// writes it). P, new to the business, changes x -> y; Meta names y in its
// 12-digit form, and delivers P's first "Oi" from y (stamped after the
// change) before the change. The "Oi" makes a record on the 12-digit form;
// the change's holderOf then finds two records, one per form, takes them
// for one person and merges Q's into P's fresh one, which onlySince then
// finds entirely recent (traceBefore reads its own events only): P gets
// Q's opt-in.
func TestFirstMessageUnderOtherFormDoesNotTakePreviousOwnersConsent(t *testing.T) {
	for _, known := range []bool{false, true} {
		t.Run(map[bool]string{false: "old number unknown", true: "old number known"}[known], func(t *testing.T) {
			forEachBackend(t, func(t *testing.T, b storetest.Backend) {
				e := newEnv(t, b)
				const x, y12, y13 = "5511966697191", "551166697192", "5511966697192"
				now := e.clock.Now().Truncate(time.Second)
				if r := e.consent("+"+y13, `{"action":"opt_in","topic":"promotions","source":"web_form","evidence":{"text":"Quero ofertas"},"occurred_at":"`+
					now.Add(-200*24*time.Hour).UTC().Format(time.RFC3339)+`"}`); r.Status != http.StatusCreated {
					t.Fatalf("Q's opt-in: %d %s", r.Status, r.Body)
				}
				if known { // P wrote from x once, long ago, and gave no consent
					e.post(textWebhook(x, "", "wamid.r9b.x", now.Add(-100*time.Hour), "Oi"))
				}
				at := now.Add(-30 * time.Hour)
				e.post(textWebhook(y12, "", "wamid.r9b.oi", at.Add(5*time.Second), "Oi"))
				e.post(changeHook(x, y12, "wamid.r9b.change", at))
				if st := topicStatus(e.contact("+"+y12), "promotions"); st == "opted_in" {
					t.Errorf("P on y: promotions %q, Q's opt-in", st)
				}
				e.wantRefused(e.send(tpl("+"+y13, "black_friday")), "no_opt_in")
			})
		})
	}
}
