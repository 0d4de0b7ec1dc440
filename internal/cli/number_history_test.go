// Tests of events about a number's or a user id's past (Meta's
// user_changed_number delivered before or after them).
package cli

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/optgate/optgate/internal/store/storetest"
)

const histOld, histNew, histU1, histUS = "5511966661111", "5511966662222", "BR.5000000000000000001", "BR.5000000000000000009"

// statusHook is a delivery status naming a number and/or a user id.
func statusHook(id, status, waID, userID string, code int, at time.Time) []byte {
	rcpt := ``
	if waID != "" {
		rcpt += `,"recipient_id":"` + waID + `"`
	}
	if userID != "" {
		rcpt += `,"recipient_user_id":"` + userID + `"`
	}
	errs := ``
	if code != 0 {
		errs = `,"errors":[{"code":` + strconv.Itoa(code) + `,"title":"t"}]`
	}
	return []byte(`{"object":"whatsapp_business_account","entry":[{"id":"` + demoWABA + `","changes":[{"field":"messages","value":{"messaging_product":"whatsapp",` +
		`"metadata":{"display_phone_number":"15550783881","phone_number_id":"` + demoPhoneID + `"},` +
		`"statuses":[{"id":"` + id + `","status":"` + status + `","timestamp":"` + ts(at) + `"` + rcpt + errs + `}]}}]}]}`)
}

// setupMover: the person writes from histOld with user id histU1, then changes to histNew at the returned time.
func setupMover(t *testing.T, e *env) time.Time {
	t.Helper()
	t0 := e.clock.Now()
	if r := e.webhook(textWebhook(histOld, histU1, "wamid.hist.hi", t0, "oi"), testAppSecret); r.Status != 200 {
		t.Fatalf("hi: %d %s", r.Status, r.Body)
	}
	e.clock.Advance(10 * time.Minute)
	at := e.clock.Now()
	if r := e.webhook(changeHook(histOld, histNew, "wamid.hist.ch", at), testAppSecret); r.Status != 200 {
		t.Fatalf("change: %d %s", r.Status, r.Body)
	}
	return at
}

// TestLateUserIDStopAfterChange: a STOP sent under the old user id alone (number hidden) before the change,
// delivered after it, is the mover's.
func TestLateUserIDStopAfterChange(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		_, opt := withCapture(t)
		e := newEnv(t, b, opt)
		at := setupMover(t, e)
		if r := e.webhook(textWebhook("", histU1, "wamid.hist.stop", at.Add(-time.Minute), "PARAR"), testAppSecret); r.Status != 200 {
			t.Fatalf("late stop: %d %s", r.Status, r.Body)
		}
		e.wantRefused(e.send(tpl("+"+histNew, "order_shipped")), "opted_out")
	})
}

// TestLateUserIDPreferenceAfterChange: Meta's marketing stop under the old user id alone, delivered after the
// change, is the mover's.
func TestLateUserIDPreferenceAfterChange(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		_, opt := withCapture(t)
		e := newEnv(t, b, opt)
		if r := e.consent("+"+histOld, `{"action":"opt_in","topic":"promotions","source":"web_form","evidence":{"text":"ok"}}`); r.Status != 201 {
			t.Fatal(r.Status)
		}
		at := setupMover(t, e)
		pref := []byte(`{"object":"whatsapp_business_account","entry":[{"id":"` + demoWABA + `","changes":[{"field":"user_preferences","value":{"messaging_product":"whatsapp",` +
			`"metadata":{"display_phone_number":"15550783881","phone_number_id":"` + demoPhoneID + `"},"contacts":[{"user_id":"` + histU1 + `"}],` +
			`"user_preferences":[{"user_id":"` + histU1 + `","detail":"x","category":"marketing_messages","value":"stop","timestamp":` + ts(at.Add(-time.Minute)) + `}]}}]}]}`)
		if r := e.webhook(pref, testAppSecret); r.Status != 200 {
			t.Fatalf("pref: %d %s", r.Status, r.Body)
		}
		e.wantRefused(e.send(tpl("+"+histNew, "black_friday")), "topic_opted_out")
	})
}

// TestLate131050UserIDAfterChange: a 131050 for a marketing message sent to the old user id before the change,
// delivered after it, is the mover's.
func TestLate131050UserIDAfterChange(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		_, opt := withCapture(t)
		e := newEnv(t, b, opt)
		if r := e.consent("+"+histOld, `{"action":"opt_in","topic":"promotions","source":"web_form","evidence":{"text":"ok"}}`); r.Status != 201 {
			t.Fatal(r.Status)
		}
		at := setupMover(t, e)
		if r := e.webhook(statusHook("wamid.hist.out", "failed", "", histU1, 131050, at.Add(-time.Minute)), testAppSecret); r.Status != 200 {
			t.Fatalf("131050: %d %s", r.Status, r.Body)
		}
		e.wantRefused(e.send(tpl("+"+histNew, "black_friday")), "topic_opted_out")
	})
}

// TestSendToOldUserIDAfterChange: the person said STOP before changing number; a send addressed by the user id
// the business stored is refused as opted out.
func TestSendToOldUserIDAfterChange(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		_, opt := withCapture(t)
		e := newEnv(t, b, opt)
		t0 := e.clock.Now()
		if r := e.webhook(textWebhook(histOld, histU1, "wamid.hist.stop0", t0, "PARAR"), testAppSecret); r.Status != 200 {
			t.Fatal(r.Status)
		}
		e.clock.Advance(10 * time.Minute)
		if r := e.webhook(changeHook(histOld, histNew, "wamid.hist.ch", e.clock.Now()), testAppSecret); r.Status != 200 {
			t.Fatal(r.Status)
		}
		e.wantRefused(e.send(tpl("+"+histNew, "order_shipped")), "opted_out")
		e.wantRefused(e.send(tpl(histU1, "order_shipped")), "opted_out")
	})
}

// TestLateStatusDoesNotGiveStrangerOldUserID: the old number goes to a stranger, who says STOP. A late
// "delivered" status for a message sent to the mover at the old number (old number and old user id together)
// must not give the stranger's record the mover's old user id: an opt-in the business then records for the mover
// by that id would land on the stranger.
func TestLateStatusDoesNotGiveStrangerOldUserID(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		_, opt := withCapture(t)
		e := newEnv(t, b, opt)
		at := setupMover(t, e)
		e.clock.Advance(time.Hour)
		if r := e.webhook(textWebhook(histOld, histUS, "wamid.hist.s", e.clock.Now(), "PARAR"), testAppSecret); r.Status != 200 {
			t.Fatal(r.Status)
		}
		e.clock.Advance(25 * time.Hour)
		e.wantRefused(e.send(tpl("+"+histOld, "order_shipped")), "opted_out")
		if r := e.webhook(statusHook("wamid.hist.old", "delivered", histOld, histU1, 0, at.Add(-time.Minute)), testAppSecret); r.Status != 200 {
			t.Fatal(r.Status)
		}
		if r := e.do("GET", "/v1/contacts/"+histU1, demoAPIKey, nil, nil); r.Status != http.StatusNotFound {
			t.Errorf("the mover's old user id now names the stranger: %d %s", r.Status, r.Body)
		}
		// The business records the mover's new opt-in under the id it knows them by.
		if r := e.consent(histU1, `{"action":"opt_in","source":"web_form","evidence":{"text":"ok"}}`); r.Status != 201 {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
		e.wantRefused(e.send(tpl("+"+histOld, "order_shipped")), "opted_out")
		e.wantRefused(e.send(tpl(histUS, "order_shipped")), "opted_out")
	})
}

// TestChangedBackDeliveredOutOfOrder: the person says STOP at a number, changes to another and back; Meta
// delivers the second change before the first. The record stays on the number the person went back to, with the
// STOP.
func TestChangedBackDeliveredOutOfOrder(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		_, opt := withCapture(t)
		e := newEnv(t, b, opt)
		t0 := e.clock.Now()
		if r := e.webhook(textWebhook(histOld, "", "wamid.hist.stop", t0, "PARAR"), testAppSecret); r.Status != 200 {
			t.Fatal(r.Status)
		}
		e.clock.Advance(time.Hour)
		t1 := e.clock.Now()
		e.clock.Advance(time.Hour)
		t2 := e.clock.Now()
		if r := e.webhook(changeHook(histNew, histOld, "wamid.hist.back", t2), testAppSecret); r.Status != 200 {
			t.Fatal(r.Status)
		}
		if r := e.webhook(changeHook(histOld, histNew, "wamid.hist.away", t1), testAppSecret); r.Status != 200 {
			t.Fatal(r.Status)
		}
		e.clock.Advance(time.Minute)
		if r := e.webhook(textWebhook(histOld, "", "wamid.hist.hi2", e.clock.Now(), "oi"), testAppSecret); r.Status != 200 {
			t.Fatal(r.Status)
		}
		e.wantRefused(e.send(text("+"+histOld, "hello")), "opted_out")
	})
}

// TestLateStopToReleasedMoverNoReply: a person moves from one number to a
// second, which a later change then gives to someone else (so optgate knows
// the person by no key today). Their STOP from the first number, retried
// after both changes, is recorded on their record, and no confirmation goes
// out: there is no one to address it to.
func TestLateStopToReleasedMoverNoReply(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		cap, opt := withCapture(t)
		e := newEnv(t, b, opt)
		const first, second, other = "5511966663333", "5511966664444", "5511966665555"
		t0 := e.clock.Now()
		for _, n := range []string{first, other} {
			if r := e.webhook(textWebhook(n, "", "wamid.rel."+n, t0, "oi"), testAppSecret); r.Status != 200 {
				t.Fatalf("hi: %d %s", r.Status, r.Body)
			}
		}
		e.clock.Advance(time.Hour)
		t1 := e.clock.Now()
		if r := e.webhook(changeHook(first, second, "wamid.rel.ch1", t1), testAppSecret); r.Status != 200 {
			t.Fatal(r.Status)
		}
		e.clock.Advance(48 * time.Hour)
		if r := e.webhook(changeHook(other, second, "wamid.rel.ch2", e.clock.Now()), testAppSecret); r.Status != 200 {
			t.Fatal(r.Status)
		}
		if r := e.webhook(textWebhook(first, "", "wamid.rel.stop", t1.Add(-time.Minute), "PARAR"), testAppSecret); r.Status != 200 {
			t.Fatalf("late stop: %d %s", r.Status, r.Body)
		}
		// A marker message after it: the outbox sends in order, so once it
		// is out, a reply to the late STOP would have been too.
		if r := e.webhook(textWebhook(other, "", "wamid.rel.help", e.clock.Now(), "AJUDA"), testAppSecret); r.Status != 200 {
			t.Fatal(r.Status)
		}
		for _, req := range cap.wait(1) {
			if req["to"] == "" || req["to"] == nil && req["recipient"] == nil {
				t.Errorf("a reply with no recipient went out: %v", req)
			}
		}
		if h := e.contact("+" + second)["history"].([]any); len(h) != 0 {
			t.Errorf("the late STOP reached the number's current holder: %v", h)
		}
	})
}

// TestChangedTwiceOutOfOrderStop: the person (STOP on W) changes W->Y then Y->Z; Y is a fresh number optgate
// never saw. Meta delivers Y->Z first. The STOP must count for sends to Z, where the person is today.
func TestChangedTwiceOutOfOrderStop(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		_, opt := withCapture(t)
		e := newEnv(t, b, opt)
		const w, y, z = "5511966671111", "5511966672222", "5511966673333"
		if r := e.webhook(textWebhook(w, "", "wamid.r6a.stop", e.clock.Now(), "PARAR"), testAppSecret); r.Status != 200 {
			t.Fatal(r.Status)
		}
		e.clock.Advance(time.Hour)
		t1 := e.clock.Now()
		e.clock.Advance(time.Hour)
		t2 := e.clock.Now()
		if r := e.webhook(changeHook(y, z, "wamid.r6a.ch2", t2), testAppSecret); r.Status != 200 {
			t.Fatal(r.Status)
		}
		if r := e.webhook(changeHook(w, y, "wamid.r6a.ch1", t1), testAppSecret); r.Status != 200 {
			t.Fatal(r.Status)
		}
		e.clock.Advance(time.Minute)
		e.wantRefused(e.send(tpl("+"+z, "order_shipped")), "opted_out")
	})
}

// TestChangedTwiceOutOfOrderOldNumberLeftEmpty: same, with an opt-in on W: after both changes W is left with
// nothing (next holder gets no opt-in).
func TestChangedTwiceOutOfOrderOldNumberLeftEmpty(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		_, opt := withCapture(t)
		e := newEnv(t, b, opt)
		const w, y, z = "5511966674444", "5511966675555", "5511966676666"
		if r := e.consent("+"+w, `{"action":"opt_in","topic":"promotions","source":"web_form","evidence":{"text":"ok"}}`); r.Status != 201 {
			t.Fatal(r.Status)
		}
		e.clock.Advance(time.Hour)
		t1 := e.clock.Now()
		e.clock.Advance(time.Hour)
		t2 := e.clock.Now()
		if r := e.webhook(changeHook(y, z, "wamid.r6b.ch2", t2), testAppSecret); r.Status != 200 {
			t.Fatal(r.Status)
		}
		if r := e.webhook(changeHook(w, y, "wamid.r6b.ch1", t1), testAppSecret); r.Status != 200 {
			t.Fatal(r.Status)
		}
		e.clock.Advance(time.Minute)
		e.wantRefused(e.send(tpl("+"+w, "black_friday")), "no_opt_in")
	})
}

// TestChangedBackViaRecycledNumber: changed and back (W->Y->W, delivered out of order), where Y is a recycled
// number whose previous holder A is on record. The person's STOP on W must still count for sends to W.
func TestChangedBackViaRecycledNumber(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		_, opt := withCapture(t)
		e := newEnv(t, b, opt)
		const w, y = "5511966677777", "5511966678888"
		t0 := e.clock.Now()
		if r := e.webhook(textWebhook(y, "", "wamid.r6c.a", t0, "oi"), testAppSecret); r.Status != 200 { // A, Y's previous holder
			t.Fatal(r.Status)
		}
		if r := e.webhook(textWebhook(w, "", "wamid.r6c.stop", t0, "PARAR"), testAppSecret); r.Status != 200 {
			t.Fatal(r.Status)
		}
		e.clock.Advance(time.Hour)
		t1 := e.clock.Now()
		e.clock.Advance(time.Hour)
		t2 := e.clock.Now()
		if r := e.webhook(changeHook(y, w, "wamid.r6c.back", t2), testAppSecret); r.Status != 200 {
			t.Fatal(r.Status)
		}
		if r := e.webhook(changeHook(w, y, "wamid.r6c.away", t1), testAppSecret); r.Status != 200 {
			t.Fatal(r.Status)
		}
		e.clock.Advance(time.Minute)
		e.wantRefused(e.send(tpl("+"+w, "order_shipped")), "opted_out")
	})
}

// TestUnknownOldNumberOntoRecycledNumber: A, on Y, opted in to promotions. Q changes from a number optgate never
// saw (X) to Y (recycled). Y's record is A's: as in the known-old path it must lose the number; Q must not get
// A's opt-in.
func TestUnknownOldNumberOntoRecycledNumber(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		_, opt := withCapture(t)
		e := newEnv(t, b, opt)
		const x, y = "5511966670001", "5511966670002"
		if r := e.consent("+"+y, `{"action":"opt_in","topic":"promotions","source":"web_form","evidence":{"text":"ok"}}`); r.Status != 201 {
			t.Fatal(r.Status)
		}
		e.clock.Advance(48 * time.Hour)
		if r := e.webhook(changeHook(x, y, "wamid.r6d.ch", e.clock.Now()), testAppSecret); r.Status != 200 {
			t.Fatal(r.Status)
		}
		e.clock.Advance(48 * time.Hour)
		e.wantRefused(e.send(tpl("+"+y, "black_friday")), "no_opt_in")
	})
}

// TestChangeFromOtherBrazilianForm: the business records an opt-out under a Brazilian number's 13-digit form;
// Meta names the person by the 12-digit form, and reports their change from it. The opt-out must follow the
// person to the new number.
func TestChangeFromOtherBrazilianForm(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		_, opt := withCapture(t)
		e := newEnv(t, b, opt)
		const old13, old12, nw = "5511966661234", "551166661234", "5511955550000"
		if r := e.consent("+"+old13, `{"action":"opt_out","source":"api","evidence":{"text":"phone call"}}`); r.Status != 201 {
			t.Fatal(r.Status, string(r.Body))
		}
		e.wantRefused(e.send(tpl("+"+old12, "order_shipped")), "opted_out")
		e.clock.Advance(time.Hour)
		if r := e.webhook(changeHook(old12, nw, "wamid.r6e.ch", e.clock.Now()), testAppSecret); r.Status != 200 {
			t.Fatal(r.Status)
		}
		e.clock.Advance(time.Minute)
		if r := e.webhook(textWebhook(nw, "", "wamid.r6e.hi", e.clock.Now(), "oi"), testAppSecret); r.Status != 200 {
			t.Fatal(r.Status)
		}
		e.wantRefused(e.send(tpl("+"+nw, "order_shipped")), "opted_out")
	})
}

// swapSetup: A on x opted in to promotions; B on y wrote (no opt-in). A: x->y at t1, B: y->x at t2 = t1+1m.
func swapSetup(t *testing.T, e *env, x, y string) (t1, t2 time.Time) {
	t.Helper()
	if r := e.consent("+"+x, `{"action":"opt_in","topic":"promotions","source":"web_form","evidence":{"text":"ok"}}`); r.Status != 201 {
		t.Fatal(r.Status)
	}
	if r := e.webhook(textWebhook(y, "", "wamid.swap.b."+y, e.clock.Now(), "oi"), testAppSecret); r.Status != 200 {
		t.Fatal(r.Status)
	}
	e.clock.Advance(48 * time.Hour)
	t1 = e.clock.Now()
	e.clock.Advance(time.Minute)
	t2 = e.clock.Now()
	return
}

// TestSwapLaterDeliveredFirst: two people swap numbers (A x->y, then B y->x) and Meta delivers B's change
// first. Read by numbers and times alone it looks like a change back; the records must not merge, and B
// must not get A's opt-in.
func TestSwapLaterDeliveredFirst(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		_, opt := withCapture(t)
		e := newEnv(t, b, opt)
		const x, y = "5511966681111", "5511966682222"
		t1, t2 := swapSetup(t, e, x, y)
		if r := e.webhook(changeHook(y, x, "wamid.swap.b.ch", t2), testAppSecret); r.Status != 200 {
			t.Fatal(r.Status)
		}
		if r := e.webhook(changeHook(x, y, "wamid.swap.a.ch", t1), testAppSecret); r.Status != 200 {
			t.Fatal(r.Status)
		}
		e.clock.Advance(time.Minute)
		e.wantRefused(e.send(tpl("+"+x, "black_friday")), "no_opt_in") // x is B's now
	})
}

// TestCommonChangeCases: the usual number changes, once and redelivered: from a number optgate never saw onto
// a free one, a STOP from the new number processed first, a previous owner's opt-in not inherited, and a
// change away from a number years after someone moved onto it, which is history of nothing.
func TestCommonChangeCases(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		_, opt := withCapture(t)
		e := newEnv(t, b, opt)
		// unknown -> nobody, delivered twice
		const u1, u2 = "5511966690001", "5511966690002"
		for i := 0; i < 2; i++ {
			if r := e.webhook(changeHook(u1, u2, "wamid.swap.c1", e.clock.Now()), testAppSecret); r.Status != 200 {
				t.Fatal(r.Status, string(r.Body))
			}
		}
		// STOP from new number processed before change from unknown old number
		const s1, s2 = "5511966690003", "5511966690004"
		at := e.clock.Now()
		e.clock.Advance(time.Minute)
		if r := e.webhook(textWebhook(s2, "", "wamid.swap.c2s", e.clock.Now(), "PARAR"), testAppSecret); r.Status != 200 {
			t.Fatal(r.Status)
		}
		if r := e.webhook(changeHook(s1, s2, "wamid.swap.c2", at), testAppSecret); r.Status != 200 {
			t.Fatal(r.Status)
		}
		e.wantRefused(e.send(tpl("+"+s2, "order_shipped")), "opted_out")
		// known old, STOP from new first, then change, redelivered
		const k1, k2 = "5511966690005", "5511966690006"
		if r := e.consent("+"+k1, `{"action":"opt_in","topic":"promotions","source":"web_form","evidence":{"text":"ok"}}`); r.Status != 201 {
			t.Fatal(r.Status)
		}
		e.clock.Advance(time.Hour)
		at = e.clock.Now()
		e.clock.Advance(time.Minute)
		if r := e.webhook(textWebhook(k2, "", "wamid.swap.c3s", e.clock.Now(), "PARAR"), testAppSecret); r.Status != 200 {
			t.Fatal(r.Status)
		}
		for i := 0; i < 2; i++ {
			if r := e.webhook(changeHook(k1, k2, "wamid.swap.c3", at), testAppSecret); r.Status != 200 {
				t.Fatal(r.Status)
			}
		}
		e.wantRefused(e.send(tpl("+"+k2, "order_shipped")), "opted_out")
		e.wantRefused(e.send(tpl("+"+k1, "black_friday")), "no_opt_in")
		// years later someone else changes k2 -> k3; then a change onto k2 from a third person
		e.clock.Advance(3 * 365 * 24 * time.Hour)
		const k3, k4 = "5511966690007", "5511966690008"
		if r := e.webhook(changeHook(k2, k3, "wamid.swap.c4", e.clock.Now()), testAppSecret); r.Status != 200 {
			t.Fatal(r.Status)
		}
		e.clock.Advance(time.Hour)
		if r := e.webhook(changeHook(k4, k2, "wamid.swap.c5", e.clock.Now()), testAppSecret); r.Status != 200 {
			t.Fatal(r.Status)
		}
		e.wantRefused(e.send(tpl("+"+k2, "order_shipped")), "no_opt_in") // fresh record, not P's STOP
	})
}
