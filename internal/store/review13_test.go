package store

// From a thirteenth review (of the day's forwarding changes). Each comment
// tells what went wrong as the review found it, before the commit that adds
// the test fixed it.

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/optgate/optgate/internal/store/storetest"
)

// TestR13AdoptTwoURLsIntoOneDownstream: an account forwarded to two
// endpoints before migration 0017, and both were down, so each payload is
// queued (or a dead letter) once per URL. The operator upgrades with one of
// the two endpoints removed (or both replaced by one): AdoptDeliveries gives
// the rows of both URLs to the account's only downstream, "1". The second
// UPDATE then breaks UNIQUE (downstream_id, event_id): AdoptDeliveries fails,
// cli.Start returns its error, and optgate cannot start at all (every
// instance, every restart) until someone edits the database by hand. It
// should merge them: the event once for "1", and start.
func TestR13AdoptTwoURLsIntoOneDownstream(t *testing.T) {
	eachBackend(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		s := openBefore(t, b.DSN(t), 17)
		const body = `{"two":1}`
		execSQL(t, s, `INSERT INTO webhook_payloads (digest, body, received_at, forwarded) VALUES ($1, $2, 1, true)`,
			digestOf(body), []byte(body))
		exp := time.Now().Add(time.Hour).UnixMilli()
		for _, u := range []string{"https://bot.example/webhook", "https://crm.example/hook"} {
			execSQL(t, s, `INSERT INTO deliveries (account_id, downstream, event_id, order_key, next_attempt_at, expires_at, created_at)
				VALUES ($1, $2, $3, 'k', 0, $4, 0)`, acctA, u, digestOf(body), exp)
		}
		if _, err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		if err := s.Start(ctx); err != nil {
			t.Fatal(err)
		}
		// The new configuration: the bot only (id "1"), so it is also the sole downstream.
		if err := s.AdoptDeliveries(ctx, acctA, map[string]string{"https://bot.example/webhook": "1"}, "1"); err != nil {
			t.Fatalf("AdoptDeliveries: %v (optgate does not start)", err)
		}
		ds, err := s.ClaimDeliveries(ctx, 10, time.Minute, []DownstreamRef{{AccountID: acctA, ID: "1"}})
		if err != nil || len(ds) != 1 {
			t.Fatalf("claimed %+v, %v; want the event once for downstream 1", ds, err)
		}
	})
}

// TestR13ClaimWithOnePersonsBacklog: a downstream was down while one person
// (or the account's own key, "account:<id>", which every payload without a
// person shares) accumulated 20,000 pending deliveries; the first is in its
// backoff, the others are due but wait for it. On PostgreSQL the claim query
// plans each NOT EXISTS as a hash anti join on (account, downstream, key)
// with "e.id < d.id" as a join filter: every due delivery of the person
// scans the whole hash bucket, n²/2 comparisons. The claim hits the
// statement timeout, ClaimDeliveries fails, and the forwarder claims nothing
// at all, for every account and downstream, for as long as the backlog
// stays (it cannot shrink: nothing is claimed). SQLite answers in ~30 ms
// (a correlated index probe per row). Present since migration 0002; the
// delivery_keys checks of fb9bb9f are planned the same way.
func TestR13ClaimWithOnePersonsBacklog(t *testing.T) {
	eachBackend(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		s := openStore(t, b.DSN(t), nil)
		later := time.Now().Add(time.Hour).UnixMilli()
		// The person's first delivery, failing: in its backoff.
		execSQL(t, s, `INSERT INTO deliveries (account_id, downstream_id, event_id, order_key, next_attempt_at, expires_at, created_at)
			VALUES ($1, '1', 'e0', 'p', $2, $2, 0)`, acctA, later)
		for i := 1; i < 20000; i += 1000 {
			var sb strings.Builder
			sb.WriteString(`INSERT INTO deliveries (account_id, downstream_id, event_id, order_key, next_attempt_at, expires_at, created_at) VALUES `)
			for j := i; j < i+1000; j++ {
				if j > i {
					sb.WriteString(", ")
				}
				fmt.Fprintf(&sb, "('%s', '1', 'e%d', 'p', 0, %d, 0)", acctA, j, later)
			}
			execSQL(t, s, sb.String())
		}
		execSQL(t, s, "ANALYZE")
		start := time.Now()
		ds, err := s.ClaimDeliveries(ctx, 256, time.Minute, []DownstreamRef{{AccountID: acctA, ID: "1"}})
		if err != nil || len(ds) != 0 {
			t.Fatalf("claimed %d, %v after %v; want nothing due (the person's first delivery is in its backoff), and no error", len(ds), err, time.Since(start))
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("one claim took %v", d)
		}
	})
}
