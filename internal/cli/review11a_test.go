package cli

// From an eleventh review (PostgreSQL, many instances, failure behaviour).
// Each comment tells what went wrong as the review found it, before the
// commit that adds the test fixed it.

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/optgate/optgate/internal/store/storetest"
)

// stopsPayload is one delivery with a PARAR from each of waIDs.
func stopsPayload(prefix string, waIDs []string) []byte {
	var contacts, msgs []string
	for i, wa := range waIDs {
		contacts = append(contacts, fmt.Sprintf(`{"profile":{"name":"P"},"wa_id":"%s"}`, wa))
		msgs = append(msgs, fmt.Sprintf(`{"from":"%s","id":"%s.%d","timestamp":"%d","type":"text","text":{"body":"PARAR"}}`, wa, prefix, i, time.Now().Unix()))
	}
	return []byte(fmt.Sprintf(`{"object":"whatsapp_business_account","entry":[{"id":"%s","changes":[{"value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"%s","phone_number_id":"%s"},"contacts":[%s],"messages":[%s]},"field":"messages"}]}]}`,
		demoWABA, demoDisplay, demoPhoneID, strings.Join(contacts, ","), strings.Join(msgs, ",")))
}

// TestReplyLeaseShorterThanClaimedBatch: an instance's outbox claims up to
// 32 replies at once with a lease of one minute, then sends them one after
// the other, each with up to 30 s for the Cloud API to answer. When Meta is
// slow (2 s a call is enough for a full claim: 32 x 2 s > 1 min), the lease
// of the replies still waiting in that instance's hands runs out, another
// instance claims them and sends them too, and the first then sends them
// anyway: the person who typed PARAR gets the confirmation twice
// (docs/operations.md: "Background jobs run once ... instances do not take
// the same job"). Nothing checks, before a call or when a job is marked
// done, that the lease is still the caller's.
//
// Here each Cloud API call takes 25 s of the store's clock (shared by both
// instances; under the 30 s timeout) and 1.5 s of real time, so that the
// other instance's outbox, which looks every second, sees the leases run out
// while the claimer is still on its third reply.
func TestReplyLeaseShorterThanClaimedBatch(t *testing.T) {
	needPostgres(t)
	clk := &clock{t: time.Now().UTC().Truncate(time.Second)}
	var mu sync.Mutex
	got := map[string]int{} // replies reaching the Cloud API, by recipient
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasSuffix(r.URL.Path, "/messages") { // the template sync
			fmt.Fprint(w, `{"data":[]}`)
			return
		}
		var m struct {
			To string `json:"to"`
		}
		json.NewDecoder(r.Body).Decode(&m)
		clk.Advance(25 * time.Second) // a slow Cloud API
		time.Sleep(1500 * time.Millisecond)
		mu.Lock()
		got[m.To]++
		n := got[m.To]
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"messaging_product":"whatsapp","contacts":[{"input":"%s","wa_id":"%s"}],"messages":[{"id":"wamid.R%s.%d"}]}`, m.To, m.To, m.To, n)
	}))
	t.Cleanup(up.Close)
	cfg := DemoConfig("127.0.0.1:0", storetest.Postgres.DSN(t), up.URL, testAppSecret, testVerify, testAccess)
	a := startInstanceAt(t, cfg, clk.Now)
	startInstanceAt(t, cfg, clk.Now) // a second instance, with its own outbox

	const people = 4
	waIDs := make([]string, people)
	for i := range waIDs {
		waIDs[i] = fmt.Sprintf("55119%08d", 73000000+i)
	}
	if status, err := postTo("http://"+a.Addr, stopsPayload("wamid.r11a.lease", waIDs)); err != nil || status != 200 {
		t.Fatalf("PARAR: %d %v", status, err)
	}
	time.Sleep(12 * time.Second) // every reply is sent, by one instance or the other
	mu.Lock()
	defer mu.Unlock()
	twice := 0
	for _, wa := range waIDs {
		switch n := got[wa]; {
		case n == 0:
			t.Errorf("%s: no confirmation", wa)
		case n > 1:
			twice++
			t.Errorf("%s: the opt-out confirmation was sent %d times", wa, n)
		}
	}
	t.Logf("%d of %d people got their confirmation more than once", twice, people)
}

// TestMigratorsTakeTurnsBeyondStatementTimeout: docs/operations.md says
// optgate migrate (and serve, which migrates at start) is "safe to run from
// several machines at once: on PostgreSQL a migration takes an advisory
// lock, so they take turns". The migrator runs on the serving connection
// settings, statement_timeout included (10 s unless the URL says
// otherwise), and the wait for that lock is a statement: while another
// machine's migration holds the lock longer than statement_timeout (a
// migration that rewrites or indexes a large table: 0007 takes "seconds per
// million payloads"), the second migrator fails ("canceling statement due to
// statement timeout") and the instance does not start, instead of waiting its
// turn. The same limit cancels any single migration statement that runs
// longer, so such a migration cannot be applied with the default settings
// at all. Migrations should run without the serving statement_timeout (SET
// LOCAL statement_timeout = 0 in the migration's transaction), or with a
// limit of their own.
//
// The lock key is one per database server database, shared with every
// schema, and this database is shared: the test shortens statement_timeout
// to 1 s and holds the lock for 2 s, rather than hold it beyond the default
// 10 s and stall other runs' migrations.
func TestMigratorsTakeTurnsBeyondStatementTimeout(t *testing.T) {
	needPostgres(t)
	dsn := storetest.Postgres.DSN(t)
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("statement_timeout", "1s")
	u.RawQuery = q.Encode()

	other, err := sql.Open("pgx", dsn) // the migration running on another machine
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	ctx := context.Background()
	tx, err := other.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(7020426)"); err != nil {
		tx.Rollback()
		t.Fatal(err)
	}
	go func() {
		time.Sleep(2 * time.Second)
		tx.Rollback()
	}()
	up, _ := fakeMeta(t)
	cfg := DemoConfig("127.0.0.1:0", u.String(), up.URL, testAppSecret, testVerify, testAccess)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	start := time.Now()
	app, err := Start(ctx, &cfg, log, AppOptions{Migrate: true, Listener: listen(t)})
	if err != nil {
		t.Fatalf("the second migrator gave up after %s instead of taking its turn: %v", time.Since(start).Round(100*time.Millisecond), err)
	}
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	app.Close(cctx)
}

// TestBackdatedOptInRacingOptOutOnOtherInstance: POST
// /v1/contacts/{id}/consent refuses an opt-in dated before an opt-out on
// record (409, "Nothing is recorded", docs/api.md). RecordConsent reads the
// person's state (PersonState) before AppendEvent takes the ledger lock, in
// PostgreSQL's READ COMMITTED: a PARAR being committed by another instance
// at that moment is not seen, and once that instance lets the ledger go the
// opt-in is appended after it and answered 201. One instance (or SQLite's
// one writer) answers 409. The decision still refuses the person (the
// PARAR is later by the time said), but the caller is told the opt-in was
// recorded, and the ledger holds an opt-in that the rules say is never
// recorded. The check should run after the ledger lock is taken.
//
// The test holds the ledger lock (per schema: no other run waits for it)
// so that the PARAR on B waits for it first and the opt-in on A second, the
// order in which two instances meet under load.
func TestBackdatedOptInRacingOptOutOnOtherInstance(t *testing.T) {
	needPostgres(t)
	up, _ := fakeMeta(t)
	dsn := storetest.Postgres.DSN(t)
	cfg := DemoConfig("127.0.0.1:0", dsn, up.URL, testAppSecret, testVerify, testAccess)
	a, b := startInstance(t, cfg), startInstance(t, cfg)
	const wa = "5511974000001"
	optIn(t, "http://"+a.Addr, wa) // the person is known, opted in to promotions

	holder, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	ctx := context.Background()
	tx, err := holder.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(7020427, hashtext(current_schema()))"); err != nil {
		t.Fatal(err)
	}
	stopDone := make(chan int, 1)
	go func() {
		status, _ := postTo("http://"+b.Addr, stopPayload(wa, "wamid.r11a.race.stop"))
		stopDone <- status
	}()
	time.Sleep(500 * time.Millisecond) // B's PARAR waits for the ledger
	optInDone := make(chan result, 1)
	go func() {
		body := `{"action":"opt_in","topic":"promotions","source":"web_form","evidence":{"text":"sim"},"occurred_at":"` +
			time.Now().Add(-time.Hour).UTC().Format(time.RFC3339) + `"}`
		req, _ := http.NewRequest("POST", "http://"+a.Addr+"/v1/contacts/+"+wa+"/consent", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+demoAPIKey)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			optInDone <- result{}
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		optInDone <- result{Status: resp.StatusCode, Body: b}
	}()
	time.Sleep(500 * time.Millisecond) // A's opt-in has read the state and waits for the ledger
	tx.Rollback()
	if s := <-stopDone; s != 200 {
		t.Fatalf("PARAR: %d", s)
	}
	r := <-optInDone
	if r.Status != http.StatusConflict {
		t.Errorf("opt-in dated an hour before a PARAR acknowledged while it was recorded: %d %s, want 409 (nothing recorded)", r.Status, r.Body)
	}
	// The same opt-in once the PARAR is on record: refused, as it should be.
	if r := (&env{t: t, url: "http://" + a.Addr}).consent("+"+wa, `{"action":"opt_in","topic":"promotions","source":"web_form","evidence":{"text":"sim"},"occurred_at":"`+
		time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)+`"}`); r.Status != http.StatusConflict {
		t.Fatalf("the same opt-in after the PARAR: %d %s, want 409", r.Status, r.Body)
	}
	if status, reason := sendTo("http://"+a.Addr, wa); reason != "opted_out" {
		t.Errorf("send after PARAR: %d %q, want opted_out", status, reason)
	}
}
