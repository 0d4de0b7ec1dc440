package cli

// From a thirteenth review (of the day's forwarding changes). Each comment
// tells what went wrong as the review found it, before the commit that adds
// the test fixed it.

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/optgate/optgate/internal/config"
	"github.com/optgate/optgate/internal/store/storetest"
)

// TestR13UnadoptedURLDeliveryKeepsTheTokenOut: a delivery queued before
// migration 0017 names its downstream by URL, token in the query. At the
// upgrade the account has two endpoints, neither with that URL, so
// AdoptDeliveries leaves it named by URL (as documented). When it expires,
// the forwarder makes it a dead letter with the error
// `downstream "<the whole URL>" is not configured`: the token is written
// to the log (as the downstream label too), stored as last_error, and shown
// by `optgate forward list` (whose DOWNSTREAM column shows the URL as well).
// 9174f64 made errors "name a downstream by its label, never its URL";
// 0c0d8ed puts the URL back into the stored error.
func TestR13UnadoptedURLDeliveryKeepsTheTokenOut(t *testing.T) {
	const secretURL = "http://127.0.0.1:1/webhook?token=r13-query-token"
	e := newEnv(t, storetest.SQLite, withForward(secretURL, "bot-secret", true, time.Minute))
	e.post(e.fixture("webhook-text.json"))
	waitFor(t, 15*time.Second, func() bool { return strings.Contains(e.logText(), "delivery failed") })
	// As the previous version queued it: by URL.
	db, err := sql.Open("sqlite", strings.TrimPrefix(e.dsn, "sqlite:"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`PRAGMA busy_timeout = 10000`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE deliveries SET downstream_id = ?`, secretURL); err != nil {
		t.Fatal(err)
	}
	db.Close()
	// The new configuration: two endpoints, neither with that URL.
	e.cfg.Accounts[0].Forward = []config.Forward{
		{ID: "bot", URL: "http://127.0.0.1:1/bot", Secret: "bot-secret"},
		{ID: "crm", URL: "http://127.0.0.1:1/crm", Secret: "crm-secret"},
	}
	e.logs.Reset()
	e.restart()
	e.clock.Advance(2 * time.Minute) // past dead_letter_after
	var dead string
	waitFor(t, 15*time.Second, func() bool {
		ds, err := e.app.Store.Deliveries(context.Background(), "dead", 0, 10)
		if err == nil && len(ds) == 1 {
			var out strings.Builder
			writeDeliveries(&out, ds, "dead") // what forward list shows
			dead = out.String()
			return true
		}
		return false
	})
	if strings.Contains(dead, "r13-query-token") || strings.Contains(e.logText(), "r13-query-token") {
		t.Fatalf("the URL's token is in the dead letter (%q) or the log:\n%s", dead, e.logText())
	}
}

// TestR13QueueDepthOfASharedEndpoint: two accounts forward to the same bot
// (one server for several numbers). optgate_forward_queue_depth is labelled
// by the endpoint's label only, and since 0c0d8ed each account's count is
// Set in turn under that one label: the last account's count wins. With
// the bot down and one delivery of the first account queued, the gauge
// reads 0, and an alert on queue depth never fires. Before 0c0d8ed the
// depth was grouped by URL, so both Set the same total.
func TestR13QueueDepthOfASharedEndpoint(t *testing.T) {
	down := newDownstream(t, "bot-secret")
	down.down.Store(true)
	e := newEnv(t, storetest.SQLite, withForward(down.srv.URL+"/webhook", "bot-secret", true, 0), func(c *config.Config) {
		c.Accounts[1].Forward = []config.Forward{{URL: down.srv.URL + "/webhook", Secret: "bot-secret"}}
	})
	e.post(e.fixture("webhook-text.json")) // the demo account's
	waitFor(t, 15*time.Second, func() bool { return strings.Contains(e.logText(), "delivery failed") })
	want := `optgate_forward_queue_depth{downstream="` + down.srv.URL + `/webhook"} 1`
	var body string
	for deadline := time.Now().Add(12 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		body = string(e.do("GET", "/metrics", "", nil, nil).Body)
		if strings.Contains(body, want) {
			return
		}
	}
	for _, l := range strings.Split(body, "\n") {
		if strings.HasPrefix(l, "optgate_forward_queue_depth") {
			t.Log(l)
		}
	}
	t.Fatalf("/metrics lacks %s", want)
}
