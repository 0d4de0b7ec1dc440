package cli

// From a seventh review. Each comment tells what went wrong as the review
// found it, before the commit that adds the test fixed it.

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/optgate/optgate/internal/store/storetest"
)

// TestLateChangeOntoOtherFormOfNumberSomeoneMovedOntoLater: P (opted in on
// x) changed x -> b in its 13-digit form; later M (known on y) moved y -> b
// in its 12-digit form. Meta delivers M's move first, then P's. P's change
// is history: M holds b now. holderOf finds M's record under the other
// form, but arrivedAfter looks for M's move onto the exact form only, so
// P's change takes b: M's record is released and P's opt-in is on b, M's
// number (fail-open).
func TestLateChangeOntoOtherFormOfNumberSomeoneMovedOntoLater(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		const x, y, b12, b13 = "5511966699001", "5511966699002", "551166699003", "5511966699003"
		now := e.clock.Now().Truncate(time.Second)
		e.consentAt("+"+x, "opt_in", now.Add(-72*time.Hour))
		e.post(textWebhook(y, "", "wamid.r7a.oi", now.Add(-50*time.Hour), "Oi"))
		e.post(changeHook(y, b12, "wamid.r7a.m", now.Add(-time.Hour)))
		e.wantRefused(e.send(tpl("+"+b13, "order_shipped")), "no_opt_in")

		e.post(changeHook(x, b13, "wamid.r7a.p", now.Add(-2*time.Hour)))
		e.wantRefused(e.send(tpl("+"+b13, "order_shipped")), "no_opt_in")
		e.wantRefused(e.send(tpl("+"+b12, "order_shipped")), "no_opt_in")
	})
}

// TestLateChangeOntoNumberRecycledBeforeItsHolderLeft: P (opted in on a)
// changed a -> b, and left b without a change optgate saw; b went to Q (a
// recycled number), who wrote "Oi" from b and changed b -> c. Meta delivers
// Q's message, then Q's change, then P's change. Q's record on c holds a
// past from before Q's change (its message, delivered in time, not late):
// it may be someone else's than P, and P's change must not merge P's opt-in
// into it. Since historicChange counts consent events only (onlySince with
// messages false), Q's record looks fresh, P's record merges into it, and
// sends to Q on c are allowed on P's opt-in (fail-open). Before the newest
// commit, Q's window counted and only P's opt-outs were carried.
func TestLateChangeOntoNumberRecycledBeforeItsHolderLeft(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		const a, bNum, c = "5511966699011", "5511966699012", "5511966699013"
		now := e.clock.Now().Truncate(time.Second)
		e.consentAt("+"+a, "opt_in", now.Add(-72*time.Hour))
		e.post(textWebhook(bNum, "", "wamid.r7b.oi", now.Add(-30*time.Hour), "Oi"))
		e.post(changeHook(bNum, c, "wamid.r7b.bc", now.Add(-time.Hour)))
		e.wantRefused(e.send(tpl("+"+c, "order_shipped")), "no_opt_in")

		e.post(changeHook(a, bNum, "wamid.r7b.ab", now.Add(-40*time.Hour)))
		e.wantRefused(e.send(tpl("+"+c, "order_shipped")), "no_opt_in")
	})
}

// TestLateStatusDoesNotGiveNewHolderPreviousOwnersUserID: M moved from x
// onto a; a status of a message sent to a's previous owner P before M came,
// naming a and P's user id, is delivered after M's move. LinkKeys looks
// only for a change away from a (moverOf), not for a move onto it, and
// gives M's record P's user id: the opt-in the business then records for P
// by that id lands on M, and sends to M are allowed (fail-open).
func TestLateStatusDoesNotGiveNewHolderPreviousOwnersUserID(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		const x, a, uidP = "5511966699021", "5511966699022", "BR.7000000000000000021"
		now := e.clock.Now().Truncate(time.Second)
		e.post(textWebhook(x, "", "wamid.r7c.oi", now.Add(-50*time.Hour), "Oi"))
		e.post(changeHook(x, a, "wamid.r7c.m", now.Add(-time.Hour)))
		e.post(statusHook("wamid.r7c.out", "delivered", a, uidP, 0, now.Add(-2*time.Hour)))
		if r := e.do("GET", "/v1/contacts/"+uidP, demoAPIKey, nil, nil); r.Status != http.StatusNotFound {
			t.Errorf("the previous owner's user id now names the new holder: %d %s", r.Status, r.Body)
		}
		e.consentAt(uidP, "opt_in", now.Add(-time.Minute))
		e.wantRefused(e.send(tpl("+"+a, "order_shipped")), "no_opt_in")
	})
}

// TestLateArrivalOntoOtherFormOfNumberSomeoneMovedOntoLater: M said stop on
// y (an API opt-out) and moved y -> b in its 12-digit form; then Meta
// delivers an earlier change x -> b (13-digit form) of someone optgate never
// saw on x. It is history (M holds b now), but arrive's arrivedAfter looks
// for M's move onto the exact form only: M's record is released, b goes to
// a new record, and M's opt-out no longer reaches b (an opt-out lost).
func TestLateArrivalOntoOtherFormOfNumberSomeoneMovedOntoLater(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		const x, y, b12, b13 = "5511966699031", "5511966699032", "551166699033", "5511966699033"
		now := e.clock.Now().Truncate(time.Second)
		if r := e.consent("+"+y, `{"action":"opt_out","source":"web_form","evidence":{"text":"Parem"},"occurred_at":"`+
			now.Add(-50*time.Hour).UTC().Format(time.RFC3339)+`"}`); r.Status != http.StatusCreated {
			t.Fatalf("opt-out: %d %s", r.Status, r.Body)
		}
		e.post(changeHook(y, b12, "wamid.r7d.m", now.Add(-time.Hour)))
		e.wantRefused(e.send(tpl("+"+b13, "order_shipped")), "opted_out")

		e.post(changeHook(x, b13, "wamid.r7d.u", now.Add(-2*time.Hour)))
		e.wantRefused(e.send(tpl("+"+b13, "order_shipped")), "opted_out")
		e.wantRefused(e.send(tpl("+"+b12, "order_shipped")), "opted_out")
	})
}

// TestLateMoveOntoNumberBeforeItsLaterMoverLeavesTheRightRecord: P (opted
// in) held a; N (known on y) moved y -> a, then a -> z; M moved x -> a.
// Meta delivers M's move first (it releases P's record), then N's move onto
// a (history: N is left without a, and setReleased cannot name N on M's
// move, which already names P), then N's a -> z. That change looks up the
// first move onto a after it, M's, takes the record it names, P's, and
// moves it to z: P's opt-in is on N's number (fail-open), and N's record
// stays behind with no number.
func TestLateMoveOntoNumberBeforeItsLaterMoverLeavesTheRightRecord(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		const a, x, y, z = "5511966699041", "5511966699042", "5511966699043", "5511966699044"
		now := e.clock.Now().Truncate(time.Second)
		e.consentAt("+"+a, "opt_in", now.Add(-72*time.Hour))
		e.post(textWebhook(y, "", "wamid.r7e.oi", now.Add(-50*time.Hour), "Oi"))
		e.post(changeHook(x, a, "wamid.r7e.m", now.Add(-time.Hour)))    // M onto a: P's record released
		e.post(changeHook(y, a, "wamid.r7e.n1", now.Add(-3*time.Hour))) // N onto a, before M
		e.post(changeHook(a, z, "wamid.r7e.n2", now.Add(-2*time.Hour))) // N leaves a, before M came
		e.wantRefused(e.send(tpl("+"+a, "order_shipped")), "no_opt_in")
		e.wantRefused(e.send(tpl("+"+z, "order_shipped")), "no_opt_in")
	})
}

// TestMovedPreviousOwnersLaterConsentIsNotTheNewHolders: P opted out on a;
// M moved x -> a (P's record released); P's earlier change a -> b, delivered
// last, takes P's released record to b. P then opts in on b. That opt-in is
// P's, but eventsOf and exportEvents list a released record's events from
// the move onto a on as the mover's: M's history shows P's opt-in, and the
// export writes it under M's number a, so that importing the export opts M
// in (fail-open).
func TestMovedPreviousOwnersLaterConsentIsNotTheNewHolders(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		const a, x, bNum = "5511966699051", "5511966699052", "5511966699053"
		now := e.clock.Now().Truncate(time.Second)
		if r := e.consent("+"+a, `{"action":"opt_out","source":"web_form","evidence":{"text":"Parem"},"occurred_at":"`+
			now.Add(-72*time.Hour).UTC().Format(time.RFC3339)+`"}`); r.Status != http.StatusCreated {
			t.Fatalf("opt-out: %d %s", r.Status, r.Body)
		}
		e.post(textWebhook(x, "", "wamid.r7f.oi", now.Add(-50*time.Hour), "Oi"))
		e.post(changeHook(x, a, "wamid.r7f.m", now.Add(-time.Hour)))
		e.post(changeHook(a, bNum, "wamid.r7f.p", now.Add(-2*time.Hour)))
		e.consentAt("+"+bNum, "opt_in", now)
		e.wantAllowed(e.send(tpl("+"+bNum, "order_shipped")))
		e.wantRefused(e.send(tpl("+"+a, "order_shipped")), "no_opt_in")

		if h := e.contact("+" + a)["history"].([]any); len(h) != 0 {
			t.Errorf("M's history on a lists P's events: %v", h)
		}
		var out bytes.Buffer
		if _, err := exportConsents(context.Background(), e.app.Store, "demo", "csv", &out); err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(out.String(), "\n") {
			if strings.HasPrefix(line, "+"+a+",") && strings.Contains(line, ",opt_in,") {
				t.Errorf("export gives M (on a) P's opt-in: %s", line)
			}
		}
	})
}

// TestLateChangeOntoNumberLeftUnderItsOtherForm: P (opted in on a) changed
// a -> b, then b -> c; Meta names b in its 13-digit form in the first change
// and its 12-digit form in the second, and delivers the second first. The
// first is history (P is on c), but laterChangeFrom looks for a change away
// from the exact form only: P's record and opt-in move to b, where b's next
// holder Q, writing from b, is P's record, and sends to Q are allowed on
// P's opt-in (fail-open); P on c has none of it.
func TestLateChangeOntoNumberLeftUnderItsOtherForm(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		const a, b12, b13, c = "5511966699061", "551166699062", "5511966699062", "5511966699063"
		now := e.clock.Now().Truncate(time.Second)
		e.consentAt("+"+a, "opt_in", now.Add(-72*time.Hour))
		e.post(changeHook(b12, c, "wamid.r7g.bc", now.Add(-time.Hour)))
		e.post(changeHook(a, b13, "wamid.r7g.ab", now.Add(-2*time.Hour)))
		e.clock.Advance(26 * time.Hour)
		e.post(textWebhook(b13, "", "wamid.r7g.q", e.clock.Now().Add(-25*time.Hour), "Oi")) // Q, b's next holder
		e.wantRefused(e.send(tpl("+"+b13, "order_shipped")), "no_opt_in")
		e.wantAllowed(e.send(tpl("+"+c, "order_shipped"))) // P's opt-in is P's, on c
	})
}
