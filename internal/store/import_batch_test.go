package store

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/optgate/optgate/internal/consent"
	"github.com/optgate/optgate/internal/store/storetest"
)

// TestImportBatchMixed: a batch whose keys are partly taken (by an earlier
// batch, or by an earlier row of the same batch) appends only the rows not
// imported before; rows of people on record go to their contact, under
// either Brazilian form of the number; new people get contacts of their
// own, numbered after every contact already there, which later batches and
// FindContact find; and the chain stays whole.
func TestImportBatchMixed(t *testing.T) {
	eachBackend(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		s := openStore(t, b.DSN(t), nil)
		// Known before the import: without the ninth digit, as Meta reports old accounts.
		old := upsert(t, s, acctA, ContactSeen{Key: consent.ContactKey{WAID: "551187654321"}})
		other := upsert(t, s, acctA, ContactSeen{Key: consent.ContactKey{WAID: "447700900123"}})
		at := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
		row := func(key, waID string, min int) ImportRow {
			return ImportRow{Key: key, WAID: waID, Action: consent.OptIn, Scope: consent.TopicScope("promotions"), Source: "crm",
				Evidence: `{"list":"spring"}`, OccurredAt: at.Add(time.Duration(min) * time.Minute)}
		}
		first := []ImportRow{
			row("k1", "5511987654321", 1), // the old contact, typed with the nine
			row("k2", "5521998760001", 2), // new
			row("k2", "5521998760001", 2), // the same row again
			row("k3", "5521998760002", 3), // new
		}
		n, err := s.ImportBatch(ctx, acctA, "import:test", first, nil)
		if err != nil {
			t.Fatal(err)
		}
		if n != (ImportCounts{Imported: 3, Duplicates: 1}) {
			t.Fatalf("first batch: %+v, want 3 imported, 1 duplicate", n)
		}
		second := []ImportRow{
			row("k1", "5511987654321", 1), // imported before
			row("k4", "5521998760002", 4), // a person the first batch created
			row("k5", "5521998760003", 5), // new
		}
		if n, err = s.ImportBatch(ctx, acctA, "import:test", second, nil); err != nil {
			t.Fatal(err)
		}
		if n != (ImportCounts{Imported: 2, Duplicates: 1}) {
			t.Fatalf("second batch: %+v, want 2 imported, 1 duplicate", n)
		}

		find := func(waID string) consent.Contact {
			t.Helper()
			c, err := s.FindContact(ctx, acctA, consent.ContactKey{WAID: waID})
			if err != nil {
				t.Fatalf("FindContact(%s): %v", waID, err)
			}
			return c
		}
		if c := find("5511987654321"); c.ID != old.ID {
			t.Fatalf("the old contact: %d, want %d", c.ID, old.ID)
		}
		ids := map[int64]bool{old.ID: true, other.ID: true}
		for _, wa := range []string{"5521998760001", "5521998760002", "5521998760003"} {
			c := find(wa)
			if ids[c.ID] || c.ID <= max(old.ID, other.ID) {
				t.Fatalf("new contact %s got id %d (taken, or not after %d and %d)", wa, c.ID, old.ID, other.ID)
			}
			ids[c.ID] = true
		}
		wantEvents := map[string]int{"5511987654321": 1, "5521998760001": 1, "5521998760002": 2, "5521998760003": 1}
		for wa, want := range wantEvents {
			evs, err := s.History(ctx, find(wa).ID)
			if err != nil || len(evs) != want {
				t.Fatalf("events of %s: %d, %v; want %d", wa, len(evs), err, want)
			}
			if evs[0].Actor != "import:test" || evs[0].Evidence["list"] != "spring" {
				t.Fatalf("event of %s: %+v", wa, evs[0])
			}
		}
		rep, err := s.VerifyLedger(ctx, acctA)
		if err != nil || rep.Events != 5 {
			t.Fatalf("VerifyLedger: %+v, %v; want 5 events", rep, err)
		}
		// A person created after the import is numbered after its contacts.
		late := upsert(t, s, acctA, ContactSeen{Key: consent.ContactKey{WAID: "447700900456"}})
		if ids[late.ID] {
			t.Fatalf("a contact created after the import got the taken id %d", late.ID)
		}
	})
}

func TestChunkSize(t *testing.T) {
	for _, c := range []struct{ remaining, per, want int }{
		{1, 256, 1}, {2, 256, 2}, {3, 256, 2}, {19, 256, 16}, {255, 256, 128},
		{256, 256, 256}, {300, 256, 256}, {200, 117, 117}, {116, 117, 64},
	} {
		if got := chunkSize(c.remaining, c.per); got != c.want {
			t.Errorf("chunkSize(%d, %d) = %d, want %d", c.remaining, c.per, got, c.want)
		}
	}
}

// TestKeptStatements writes batches of 1 to 40 payloads, twice. On SQLite
// the multi-row INSERTs take one shape per power of two, prepared once and
// kept across transactions: the second round prepares nothing new. On
// PostgreSQL nothing is kept (each extra statement would be a round trip).
// Every payload is stored either way.
func TestKeptStatements(t *testing.T) {
	eachBackend(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		s := openStore(t, b.DSN(t), nil)
		payloadShapes := func() int {
			s.kept.mu.Lock()
			defer s.kept.mu.Unlock()
			n := 0
			for q := range s.kept.m {
				if strings.Contains(q, "INSERT INTO webhook_payloads") {
					n++
				}
			}
			return n
		}
		round := func(r int) {
			for n := 1; n <= 40; n++ {
				err := s.Write(ctx, func(ctx context.Context, tx *Tx) error {
					for i := range n {
						if err := tx.SavePayload(ctx, fmt.Appendf(nil, `{"round":%d,"n":%d,"i":%d}`, r, n, i), false); err != nil {
							return err
						}
					}
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
			}
		}
		want := 6 // 1, 2, 4, 8, 16 and 32 rows
		if !s.dialect.keepStatements {
			want = 0
		}
		round(1)
		if got := payloadShapes(); got != want {
			t.Errorf("%d statement shapes kept for payloads, want %d", got, want)
		}
		round(2)
		if got := payloadShapes(); got != want {
			t.Errorf("%d statement shapes kept after the second round, want still %d", got, want)
		}
		var stored int
		if err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM webhook_payloads").Scan(&stored); err != nil {
			t.Fatal(err)
		}
		if want := 2 * 40 * 41 / 2; stored != want {
			t.Errorf("%d payloads stored, want %d", stored, want)
		}
	})
}

// TestImportSkipReadsBothForms: a person on record twice, under both
// Brazilian forms of their number, opted out under the form Meta reports. An
// older opt-in imported under the other form must be turned down, as a send
// decision would read the opt-out; so must one that follows an opt-out given
// under the other form earlier in the same batch.
func TestImportSkipReadsBothForms(t *testing.T) {
	eachBackend(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		s := openStore(t, b.DSN(t), nil)
		const meta, typed = "552198765432", "5521998765432"
		at := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
		upsert(t, s, acctA, ContactSeen{Key: consent.ContactKey{WAID: typed}})
		out := event(acctA, consent.OptOut, consent.ScopeAll)
		out.OccurredAt = at
		mustAppend(t, s, consent.ContactKey{WAID: meta}, out)
		// Turned down: an opt-out of a covering scope newer than the row.
		skip := func(scopes []consent.ScopeState, r *ImportRow) bool {
			for _, sc := range scopes {
				if sc.Action == consent.OptOut && sc.OccurredAt.After(r.OccurredAt) {
					return true
				}
			}
			return false
		}
		row := func(key, waID string, action consent.Action, at time.Time) ImportRow {
			return ImportRow{Key: key, WAID: waID, Action: action, Scope: consent.TopicScope("promotions"), Source: "crm",
				Evidence: `{"list":"old"}`, OccurredAt: at}
		}
		n, err := s.ImportBatch(ctx, acctA, "import:test", []ImportRow{row("k1", typed, consent.OptIn, at.Add(-time.Hour))}, skip)
		if err != nil {
			t.Fatal(err)
		}
		if n != (ImportCounts{Skipped: 1}) {
			t.Errorf("older opt-in under the other form: %+v, want it skipped", n)
		}

		const meta2, typed2 = "551187650001", "5511987650001"
		upsert(t, s, acctA, ContactSeen{Key: consent.ContactKey{WAID: meta2}})
		upsert(t, s, acctA, ContactSeen{Key: consent.ContactKey{WAID: typed2}})
		n, err = s.ImportBatch(ctx, acctA, "import:test", []ImportRow{
			row("k2", meta2, consent.OptOut, at),
			row("k3", typed2, consent.OptIn, at.Add(-time.Hour)),
		}, skip)
		if err != nil {
			t.Fatal(err)
		}
		if n != (ImportCounts{Imported: 1, Skipped: 1}) {
			t.Errorf("opt-out then older opt-in under the other form: %+v, want 1 imported, 1 skipped", n)
		}
	})
}
