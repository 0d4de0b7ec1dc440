package cli

import (
	"bufio"
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/optgate/optgate/internal/optin"
	"github.com/optgate/optgate/internal/store/storetest"
)

// These came from a review of the rule that an opt-in never undoes an
// opt-out that happened after it: each failed before the scope's state
// followed the same rule (consent.ScopeState.Supersedes, the store's
// scopeSupersedes) for every event, not only in merges.

// TestOldOptInAllKeepsNewerOptIn: stop promotions at T-2h, opt in to
// everything again at T-1h (promotions allowed). An old form (an opt-in of
// everything dated T-3h) sent through the API is recorded, and must not take
// the place of the T-1h opt-in: promotions stay allowed.
func TestOldOptInAllKeepsNewerOptIn(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		p := "+5511987650031"
		at := func(d time.Duration) string { return e.clock.Now().Add(d).UTC().Format(time.RFC3339) }
		for _, body := range []string{
			`{"action":"opt_out","category":"marketing","reason":"asked by phone","occurred_at":"` + at(-2*time.Hour) + `"}`,
			`{"action":"opt_in","source":"web_form","evidence":{"text":"START again"},"occurred_at":"` + at(-time.Hour) + `"}`,
		} {
			if r := e.consent(p, body); r.Status != http.StatusCreated {
				t.Fatalf("%s: %d %s", body, r.Status, r.Body)
			}
		}
		e.wantAllowed(e.send(tpl(p, "black_friday")))
		if r := e.consent(p, `{"action":"opt_in","source":"csv","evidence":{"text":"old form: all"},"occurred_at":"`+at(-3*time.Hour)+`"}`); r.Status != http.StatusCreated {
			t.Fatalf("old opt-in of all: %d %s", r.Status, r.Body)
		}
		if s := topicStatus(e.contact(p), "promotions"); s != "opted_in" {
			t.Errorf("after an old opt-in, GET shows promotions %q, want opted_in", s)
		}
		e.wantAllowed(e.send(tpl(p, "black_friday")))
	})
}

// TestLateOlderStopHidesNewerStop: the person writes STOP (T-10m), START
// (T-5m), STOP (T-1m), and Meta delivers the T-1m STOP first, then T-10m,
// then T-5m. The last word is STOP: the older STOP must not take the newer
// one's place, or the late START would look newer than every opt-out.
func TestLateOlderStopHidesNewerStop(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		p := "5511987650032"
		now := e.clock.Now().Truncate(time.Second)
		for _, body := range [][]byte{
			textWebhook(p, "", "wamid.rv.stop2", now.Add(-time.Minute), "STOP"),
			textWebhook(p, "", "wamid.rv.stop1", now.Add(-10*time.Minute), "STOP"),
			textWebhook(p, "", "wamid.rv.start", now.Add(-5*time.Minute), "START"),
		} {
			if r := e.webhook(body, testAppSecret); r.Status != http.StatusOK {
				t.Fatalf("webhook: %d %s", r.Status, r.Body)
			}
		}
		e.clock.Advance(25 * time.Hour) // outside the window: only consent decides
		if c := e.contact("+" + p); c["opted_out_of_all"] != true {
			t.Errorf("GET: opted_out_of_all = %v, want true (the last word was STOP)", c["opted_out_of_all"])
		}
		e.wantRefused(e.send(tpl("+"+p, "order_shipped")), "opted_out")
	})
}

// TestLateLinkOptInAfterTopicOptOut: the person sends a wa.me link's text
// (an opt-in to promotions) at T-5m; at T-1m the business records their "no
// more promotions" through the API; Meta delivers the link's text after.
// The later opt-out stands.
func TestLateLinkOptInAfterTopicOptOut(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := newOptInEnv(t, b)
		r := e.do("POST", "/v1/optin-links", demoAPIKey, []byte(`{"form":"ofertas","source":"poster"}`), nil)
		if r.Status != http.StatusCreated {
			t.Fatalf("create link: %d %s", r.Status, r.Body)
		}
		u, _ := url.Parse(r.json(t)["url"].(string))
		p := "5531991234568"
		now := e.clock.Now().Truncate(time.Second)
		if r := e.consent("+"+p, `{"action":"opt_out","topic":"promotions","reason":"asked by phone","occurred_at":"`+now.Add(-time.Minute).UTC().Format(time.RFC3339)+`"}`); r.Status != http.StatusCreated {
			t.Fatalf("opt-out: %d %s", r.Status, r.Body)
		}
		if r := e.webhook(textWebhook(p, "", "wamid.rv.link", now.Add(-5*time.Minute), u.Query().Get("text")), testAppSecret); r.Status != http.StatusOK {
			t.Fatalf("webhook: %d %s", r.Status, r.Body)
		}
		e.clock.Advance(25 * time.Hour)
		c := e.contact("+" + p)
		if s := topicStatus(c, "promotions"); s != "opted_out" {
			t.Errorf("GET shows promotions %q, want opted_out", s)
		}
		// The late opt-in is not recorded (nor confirmed): only the opt-out is on record.
		if h := c["history"].([]any); len(h) != 1 {
			t.Errorf("want only the opt-out on record, got %d events: %v", len(h), h)
		}
		e.wantRefused(e.send(tpl("+"+p, "black_friday")), "topic_opted_out")
	})
}

// TestLateDoubleOptInConfirmAfterTopicOptOut: the person submits the double
// opt-in form for promotions and replies SIM at T+1m; at T+2m the business
// records their "no promotions" through the API; Meta delivers the SIM after.
// The later opt-out stands.
func TestLateDoubleOptInConfirmAfterTopicOptOut(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := newOptInEnv(t, b)
		p := demoNewPerson
		_, version := e.page("/f/demo/ofertas", "pt")
		if r := e.submit("/f/demo/ofertas/submit", url.Values{"country": {"BR"}, "phone": {"+" + p}, "topic": {"promotions"}, "v": {version}}, nil); r.Status != 200 {
			t.Fatalf("submit: %d %s", r.Status, r.Body)
		}
		t0 := e.clock.Now().Truncate(time.Second)
		e.clock.Advance(2 * time.Minute)
		if r := e.consent("+"+p, `{"action":"opt_out","topic":"promotions","reason":"asked by phone"}`); r.Status != http.StatusCreated {
			t.Fatalf("opt-out: %d %s", r.Status, r.Body)
		}
		if r := e.webhook(textWebhook(p, "", "wamid.rv.sim", t0.Add(time.Minute), "SIM"), testAppSecret); r.Status != http.StatusOK {
			t.Fatalf("webhook: %d %s", r.Status, r.Body)
		}
		e.clock.Advance(25 * time.Hour)
		c := e.contact("+" + p)
		if s := topicStatus(c, "promotions"); s != "opted_out" {
			t.Errorf("GET shows promotions %q, want opted_out", s)
		}
		// The late opt-in is not recorded (nor confirmed): only the opt-out is on record.
		if h := c["history"].([]any); len(h) != 1 {
			t.Errorf("want only the opt-out on record, got %d events: %v", len(h), h)
		}
		e.wantRefused(e.send(tpl("+"+p, "black_friday")), "topic_opted_out")
	})
}

// TestImportOlderStopAfterNewerStop: an import file holds a person's STOP of
// 10 January, then an older STOP of 1 January, then an opt-in of 5 January.
// The older STOP does not take the newer one's place in the running state, so
// the opt-in, which predates the newer STOP, is skipped. An opt-in of
// everything older than a marketing opt-out is imported (it counts for the
// rest).
func TestImportOlderStopAfterNewerStop(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := newCLIEnv(t, b)
		path := e.file(t, "stops.csv", "phone,scope,action,date,source,evidence\n"+
			"+5521998765432,all,opt_out,2026-01-10,crm,\n"+
			"+5521998765432,all,opt_out,2026-01-01,crm,\n"+
			"+5521998765432,all,opt_in,2026-01-05,crm,form of 5 January\n"+
			"+5511987654321,category:marketing,opt_out,2026-01-10,crm,\n"+
			"+5511987654321,all,opt_in,2026-01-05,crm,form of 5 January\n")
		out, _, err := e.run("import", "consents", path, "--config", e.cfg)
		if err != nil || !strings.Contains(out, "5 rows: 4 imported, 0 imported before, 1 opt-ins skipped") {
			t.Fatalf("import: %v %s", err, out)
		}
	})
}

// From a second review: the scope's state and the decision must read one
// order (the latest word, by when it was said), or two opt-ins of one scope,
// a resume, or an opt-out dated a little ahead give the wrong answer.

// TestOlderOptInKeptOverNewerOneHidesIt: an opt-in now (seq 1); Meta's
// marketing stop of two minutes ago, delivered late (seq 2); an opt-in of a
// minute ago through the API (seq 3). Both opt-ins came after the stop.
func TestOlderOptInKeptOverNewerOneHidesIt(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		const p = "5511987650041"
		now := e.clock.Now()
		if r := e.consent("+"+p, `{"action":"opt_in","topic":"promotions","source":"web_form","evidence":{"text":"Quero ofertas"}}`); r.Status != http.StatusCreated {
			t.Fatalf("opt-in: %d %s", r.Status, r.Body)
		}
		if r := e.webhook(prefHook(p, "stop", now.Add(-2*time.Minute)), testAppSecret); r.Status != http.StatusOK {
			t.Fatalf("late stop: %d %s", r.Status, r.Body)
		}
		if r := e.consent("+"+p, `{"action":"opt_in","topic":"promotions","source":"web_form","evidence":{"text":"Quero ofertas de novo"},"occurred_at":"`+
			now.Add(-time.Minute).UTC().Format(time.RFC3339)+`"}`); r.Status != http.StatusCreated {
			t.Fatalf("opt-in after the stop: %d %s", r.Status, r.Body)
		}
		if s := topicStatus(e.contact("+"+p), "promotions"); s != "opted_in" {
			t.Errorf("GET shows promotions %q, want opted_in (both opt-ins happened after the stop)", s)
		}
		e.wantAllowed(e.send(tpl("+"+p, "black_friday")))
	})
}

// TestResumeKeepsEarlierMarketingOptIn: Meta's stop (T-3h) and resume
// (T-1h), then a marketing opt-in of T-2h through the API: the resume lifted
// the stop, and the opt-in stands.
func TestResumeKeepsEarlierMarketingOptIn(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		const p = "5511987650042"
		now := e.clock.Now()
		for _, body := range [][]byte{prefHook(p, "stop", now.Add(-3*time.Hour)), prefHook(p, "resume", now.Add(-time.Hour))} {
			if r := e.webhook(body, testAppSecret); r.Status != http.StatusOK {
				t.Fatalf("preference: %d %s", r.Status, r.Body)
			}
		}
		if r := e.consent("+"+p, `{"action":"opt_in","category":"marketing","source":"web_form","evidence":{"text":"Quero marketing"},"occurred_at":"`+
			now.Add(-2*time.Hour).UTC().Format(time.RFC3339)+`"}`); r.Status != http.StatusCreated {
			t.Fatalf("marketing opt-in: %d %s", r.Status, r.Body)
		}
		if s := topicStatus(e.contact("+"+p), "promotions"); s != "opted_in" {
			t.Errorf("GET shows promotions %q, want opted_in", s)
		}
		e.wantAllowed(e.send(tpl("+"+p, "black_friday")))
	})
}

// TestStartAfterOptOutDatedAhead: a CRM whose clock runs four minutes fast
// records an opt-out (accepted: less than five minutes ahead, and taken as
// now); the person writes START a minute later, and it counts.
func TestStartAfterOptOutDatedAhead(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		const p = "5511987650043"
		now := e.clock.Now()
		if r := e.consent("+"+p, `{"action":"opt_out","reason":"asked by phone","occurred_at":"`+now.Add(4*time.Minute).UTC().Format(time.RFC3339)+`"}`); r.Status != http.StatusCreated {
			t.Fatalf("opt-out: %d %s", r.Status, r.Body)
		}
		e.clock.Advance(time.Minute)
		if r := e.webhook(textWebhook(p, "", "wamid.rv.skew.start", e.clock.Now(), "START"), testAppSecret); r.Status != http.StatusOK {
			t.Fatalf("START: %d %s", r.Status, r.Body)
		}
		e.clock.Advance(25 * time.Hour)
		if c := e.contact("+" + p); c["opted_out_of_all"] != false {
			t.Errorf("GET: opted_out_of_all = %v after the person's START", c["opted_out_of_all"])
		}
		e.wantAllowed(e.send(tpl("+"+p, "order_shipped")))
	})
}

// From a third review.

// TestImportOptInDatedAheadDoesNotOutrankLaterStop: an import row may be up
// to 5 minutes ahead (a clock running fast). It is recorded as the time of
// the import, as the API does: a STOP the person sends a minute later counts.
func TestImportOptInDatedAheadDoesNotOutrankLaterStop(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		const p = "5511987650091"
		ahead := time.Now().Add(4 * time.Minute).UTC().Truncate(time.Second) // the import reads the real clock
		csv := "number,topic,action,time,source,evidence\n+" + p + ",all,opt_in," + ahead.Format(time.RFC3339) + ",crm,signed form\n"
		a, ok := e.app.Gate.Account("demo")
		if !ok {
			t.Fatal("no demo account")
		}
		var spool bytes.Buffer
		res, err := checkRows(context.Background(), bufio.NewReader(strings.NewReader(csv)), "crm.csv", a.Rules, &spool, func(int) {}, func(re *optin.RowError, _ int) { t.Errorf("bad row: %v", re) })
		if err != nil || res.good != 1 {
			t.Fatalf("check: %v %+v", err, res)
		}
		if n, err := importSpool(context.Background(), e.app.Store, a, bufio.NewReader(&spool), func(int) {}); err != nil || n.Imported != 1 {
			t.Fatalf("import: %v %+v", err, n)
		}
		e.clock.Advance(time.Now().Add(time.Minute).Sub(e.clock.Now()))
		if r := e.webhook(textWebhook(p, "", "wamid.rv.ahead.stop", e.clock.Now(), "STOP"), testAppSecret); r.Status != http.StatusOK {
			t.Fatalf("STOP: %d %s", r.Status, r.Body)
		}
		e.clock.Advance(25 * time.Hour)
		if c := e.contact("+" + p); c["opted_out_of_all"] != true {
			t.Errorf("GET: opted_out_of_all = %v after the person's STOP", c["opted_out_of_all"])
		}
		e.wantRefused(e.send(tpl("+"+p, "order_shipped")), "opted_out")
	})
}

// TestMarketingOptInStopResumeAnyOrder: a marketing opt-in the person gave
// the business (T-3h), WhatsApp's stop (T-2h) and resume (T-1h): whatever
// order they arrive in, the resume lifts WhatsApp's stop and the opt-in
// stands. Before, a scope held one of them, and the answer depended on the
// order (opted in, none or opted out).
func TestMarketingOptInStopResumeAnyOrder(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		now := e.clock.Now()
		orders := map[string][]string{
			"5511987650081": {"stop", "resume", "opt_in"},
			"5511987650082": {"opt_in", "stop", "resume"}, // the order they happened in
			"5511987650083": {"opt_in", "resume", "stop"},
			"5511987650084": {"resume", "opt_in", "stop"},
		}
		for p, order := range orders {
			for _, what := range order {
				var r result
				switch what {
				case "opt_in":
					r = e.consent("+"+p, `{"action":"opt_in","category":"marketing","source":"web_form","evidence":{"text":"Quero marketing"},"occurred_at":"`+
						now.Add(-3*time.Hour).UTC().Format(time.RFC3339)+`"}`)
					if r.Status != http.StatusCreated {
						t.Fatalf("opt-in: %d %s", r.Status, r.Body)
					}
				case "stop":
					r = e.webhook(prefHook(p, "stop", now.Add(-2*time.Hour)), testAppSecret)
				case "resume":
					r = e.webhook(prefHook(p, "resume", now.Add(-time.Hour)), testAppSecret)
				}
				if r.Status != http.StatusOK && r.Status != http.StatusCreated {
					t.Fatalf("%s: %d %s", what, r.Status, r.Body)
				}
			}
			if s := topicStatus(e.contact("+"+p), "promotions"); s != "opted_in" {
				t.Errorf("arrival order %v: promotions %q, want opted_in", order, s)
			}
			e.wantAllowed(e.send(tpl("+"+p, "black_friday")))
		}
	})
}

// TestBackdatedOptInSameSecondAsLaterOptOut: an opt-out at ss.900, then an
// opt-in dated ss.100 through the API: the opt-out was the person's latest
// word, so the opt-in is refused (409) and changes nothing.
func TestBackdatedOptInSameSecondAsLaterOptOut(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		const p = "+5511987650071"
		sec := e.clock.Now().Add(-time.Minute).Truncate(time.Second)
		if r := e.consent(p, `{"action":"opt_out","reason":"asked by phone","occurred_at":"`+sec.Add(900*time.Millisecond).UTC().Format(time.RFC3339Nano)+`"}`); r.Status != http.StatusCreated {
			t.Fatalf("opt-out: %d %s", r.Status, r.Body)
		}
		if r := e.consent(p, `{"action":"opt_in","source":"web_form","evidence":{"text":"old form"},"occurred_at":"`+sec.Add(100*time.Millisecond).UTC().Format(time.RFC3339Nano)+`"}`); r.Status != http.StatusConflict {
			t.Errorf("opt-in dated 800 ms before the opt-out: %d %s, want 409", r.Status, r.Body)
		}
		e.clock.Advance(25 * time.Hour)
		if c := e.contact(p); c["opted_out_of_all"] != true {
			t.Errorf("opted_out_of_all = %v", c["opted_out_of_all"])
		}
		e.wantRefused(e.send(tpl(p, "order_shipped")), "opted_out")
	})
}

// From a fourth review.

// TestStopAgainAfterStartIsConfirmed: "Stop promotions", START (promotions
// allowed again), "Stop promotions" again within a day: the second tap
// changes the person's consent and is confirmed like the first.
func TestStopAgainAfterStartIsConfirmed(t *testing.T) {
	e := newEnv(t, storetest.SQLite)
	ctx := context.Background()
	const p = "5511987650401"
	if _, err := e.sim.TapButton(ctx, p, "STOP_PROMO", "Parar promoções"); err != nil {
		t.Fatal(err)
	}
	if got := e.waitInbox(p, 1); len(got) != 1 {
		t.Fatalf("first stop: %d replies", len(got))
	}
	e.clock.Advance(time.Minute)
	if _, err := e.sim.SendText(ctx, p, "START"); err != nil {
		t.Fatal(err)
	}
	if got := e.waitInbox(p, 2); len(got) != 2 {
		t.Fatalf("START: %d messages", len(got))
	}
	if s := topicStatus(e.contact("+"+p), "promotions"); s != "opted_in" {
		t.Fatalf("after START, promotions %q", s)
	}
	e.clock.Advance(time.Minute)
	if _, err := e.sim.TapButton(ctx, p, "STOP_PROMO", "Parar promoções"); err != nil {
		t.Fatal(err)
	}
	if s := topicStatus(e.contact("+"+p), "promotions"); s != "opted_out" {
		t.Fatalf("after the second stop, promotions %q", s)
	}
	if got := e.waitInbox(p, 3); len(got) != 3 {
		t.Errorf("inbox has %d messages, want 3: the confirmation of the stop that followed START", len(got))
	}
}

// TestMetaSourcedAllOptOutIsOptOutOfAll: an opt-out of everything recorded
// with a Meta source (through the API: any source is accepted) is an opt-out
// of everything: WhatsApp's own key holds marketing only.
func TestMetaSourcedAllOptOutIsOptOutOfAll(t *testing.T) {
	e := newEnv(t, storetest.SQLite)
	const p = "5511987650402"
	if r := e.webhook(textWebhook(p, "", "wamid.rf.hi", e.clock.Now(), "Oi, tudo bem?"), testAppSecret); r.Status != http.StatusOK {
		t.Fatalf("webhook: %d %s", r.Status, r.Body)
	}
	e.clock.Advance(time.Minute)
	if r := e.consent("+"+p, `{"action":"opt_out","source":"meta_user_preferences","reason":"mirrored from another system"}`); r.Status != http.StatusCreated {
		t.Fatalf("opt-out: %d %s", r.Status, r.Body)
	}
	if c := e.contact("+" + p); c["opted_out_of_all"] != true {
		t.Errorf("GET: opted_out_of_all = %v after an opt-out of all", c["opted_out_of_all"])
	}
	e.wantRefused(e.send(text("+"+p, "Oi")), "opted_out")
}

// TestExportWithMetaResumeImportsAgain: an export holding Meta's stop and
// resume imports again into another optgate, and decides as the first did.
func TestExportWithMetaResumeImportsAgain(t *testing.T) {
	e := newEnv(t, storetest.SQLite)
	const p = "5511987650403"
	now := e.clock.Now()
	if r := e.consent("+"+p, `{"action":"opt_in","topic":"promotions","source":"web_form","evidence":{"text":"Quero ofertas"},"occurred_at":"`+
		now.Add(-3*time.Hour).UTC().Format(time.RFC3339)+`"}`); r.Status != http.StatusCreated {
		t.Fatalf("opt-in: %d %s", r.Status, r.Body)
	}
	for _, body := range [][]byte{prefHook(p, "stop", now.Add(-2*time.Hour)), prefHook(p, "resume", now.Add(-time.Hour))} {
		if r := e.webhook(body, testAppSecret); r.Status != http.StatusOK {
			t.Fatalf("preference: %d %s", r.Status, r.Body)
		}
	}
	e.wantAllowed(e.send(tpl("+"+p, "black_friday")))
	var out bytes.Buffer
	if n, err := exportConsents(context.Background(), e.app.Store, "demo", "csv", &out); err != nil || n != 3 {
		t.Fatalf("export: %d %v", n, err)
	}
	f := newEnv(t, storetest.SQLite)
	a, _ := f.app.Gate.Account("demo")
	var spool bytes.Buffer
	res, err := checkRows(context.Background(), bufio.NewReader(&out), "export.csv", a.Rules, &spool, func(int) {},
		func(re *optin.RowError, _ int) { t.Errorf("export row refused by import: %v", re) })
	if err != nil || res.good != 3 {
		t.Fatalf("check: %v %+v", err, res)
	}
	if n, err := importSpool(context.Background(), f.app.Store, a, bufio.NewReader(&spool), func(int) {}); err != nil || n.Imported != 3 {
		t.Fatalf("import: %v %+v", err, n)
	}
	f.wantAllowed(f.send(tpl("+"+p, "black_friday")))
}
