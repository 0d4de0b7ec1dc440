package store

// From a second review of the SQLite journal of service windows (windows.go)
// and the set of changed numbers (queued.go). Each comment tells what went
// wrong as the review found it, before the commit that adds the test fixed it
// (Start now reads the journal with one statement).

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/optgate/optgate/internal/consent"
)

// TestReview21StartBesideABusyServer: loadWindows (Start) reads the journal
// outside a transaction, first the ids, then each row by id, each statement
// on whichever pooled connection and read snapshot it gets. A command run
// beside the server (openStore: export, import, ledger verify, forward) that
// starts while the server completes a snapshot (its last slice, or an idle
// flush, deletes the rows) finds a listed row gone, and Start fails with
// "read window journal: database unavailable: sql: no rows in result set".
// Before 52eee5d the journal was read by one statement.
func TestReview21StartBesideABusyServer(t *testing.T) {
	path := filepath.Join(t.TempDir(), "optgate.db")
	a := startSQLite(t, path, time.Hour)
	t0 := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	ctx := context.Background()

	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // the server: rows appended, then written out and deleted, over and over
		defer wg.Done()
		for n := 0; ; n++ {
			select {
			case <-stop:
				return
			default:
			}
			for i := range 50 {
				wa := fmt.Sprintf("4477%04d%04d", n%10000, i)
				err := a.Write(ctx, func(ctx context.Context, tx *Tx) error {
					m := Inbound{AccountID: acctA, MessageID: "wamid." + wa, PhoneNumberID: "phone-1", Type: "text", SentAt: t0}
					return tx.QueueMessage(ctx, ContactSeen{Key: consent.ContactKey{WAID: wa}}, m, true, func(bool) {})
				})
				if err != nil {
					t.Error(err)
					return
				}
			}
			if err := a.Write(ctx, func(ctx context.Context, tx *Tx) error { tx.flushAll = true; return nil }); err != nil {
				t.Error(err)
				return
			}
		}
	}()

	var failures []error
	deadline := time.Now().Add(5 * time.Second)
	starts := 0
	for time.Now().Before(deadline) && len(failures) == 0 {
		b, err := Open(ctx, "sqlite:"+path, Options{})
		if err != nil {
			t.Fatal(err)
		}
		b.windowIdle = time.Hour
		starts++
		if err := b.Start(ctx); err != nil {
			failures = append(failures, err)
		} else {
			// Only the start is under test: the command's stop (which
			// would wait for the busy writer's lock) writes nothing.
			b.windows.rows = map[int64]bool{}
		}
		b.Close()
	}
	close(stop)
	wg.Wait()
	if len(failures) > 0 {
		t.Fatalf("a store started beside a busy server failed to start (after %d starts): %v", starts, failures[0])
	}
	t.Logf("%d starts, none failed", starts)
}
