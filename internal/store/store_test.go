package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/optgate/optgate/internal/consent"
	"github.com/optgate/optgate/internal/store/storetest"
)

// The suite: every test runs on each backend of storetest.Backends.

const (
	acctA = "acct-a"
	acctB = "acct-b"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func newClock() *clock { return &clock{t: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)} }

// openStore opens, migrates and starts a store on dsn, with the ledger heads
// of acctA and acctB, and closes it when t ends.
func openStore(t testing.TB, dsn string, now func() time.Time) *Store {
	t.Helper()
	ctx := context.Background()
	s, err := Open(ctx, dsn, Options{Now: now})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	if err := s.Start(ctx); err != nil {
		t.Fatalf("start: %v", err)
	}
	if err := s.EnsureAccounts(ctx, []string{acctA, acctB}); err != nil {
		t.Fatalf("ensure accounts: %v", err)
	}
	return s
}

// openBefore opens a store whose schema stops short of migration version:
// a database as the previous release left it, for testing that migration.
// The caller runs Migrate (and Start) once it has written the old rows.
func openBefore(t *testing.T, dsn string, version int) *Store {
	t.Helper()
	ctx := context.Background()
	s, err := Open(ctx, dsn, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	ms, err := s.migrations()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.version >= version {
			break
		}
		if _, err := s.applyMigration(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// execSQL runs q (with $n placeholders) on s's database, failing the test on error.
func execSQL(t *testing.T, s *Store, q string, args ...any) {
	t.Helper()
	if _, err := s.db.ExecContext(context.Background(), s.dialect.rewrite(q), args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func eachBackend(t *testing.T, f func(t *testing.T, b storetest.Backend)) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) { f(t, b) })
	}
}

func wantCode(t testing.TB, err error, code string) {
	t.Helper()
	var ce *consent.Error
	if !errors.As(err, &ce) {
		t.Fatalf("err = %v (%T), want a *consent.Error with code %s", err, err, code)
	}
	if ce.Code != code {
		t.Fatalf("err = %v, code %s, want %s", err, ce.Code, code)
	}
}

func upsert(t testing.TB, s *Store, acct string, seen ContactSeen) consent.Contact {
	t.Helper()
	var c consent.Contact
	err := s.Write(context.Background(), func(ctx context.Context, tx *Tx) error {
		var err error
		c, err = tx.UpsertContact(ctx, acct, seen)
		return err
	})
	if err != nil {
		t.Fatalf("upsert %+v: %v", seen, err)
	}
	return c
}

func event(acct string, action consent.Action, scope consent.Scope) consent.Event {
	return consent.Event{AccountID: acct, Action: action, Scope: scope, Source: consent.SourceAPI,
		Evidence: map[string]any{"text": "Yes, send me updates", "form": "v3"}, Actor: "test"}
}

// appendFor records ev for the contact with key, creating the contact if new.
func appendFor(ctx context.Context, s *Store, key consent.ContactKey, ev consent.Event) (consent.Event, error) {
	err := s.Write(ctx, func(ctx context.Context, tx *Tx) error {
		c, err := tx.UpsertContact(ctx, ev.AccountID, ContactSeen{Key: key})
		if err != nil {
			return err
		}
		ev.ContactID = c.ID
		return tx.AppendEvent(ctx, &ev)
	})
	return ev, err
}

func mustAppend(t testing.TB, s *Store, key consent.ContactKey, ev consent.Event) consent.Event {
	t.Helper()
	ev, err := appendFor(context.Background(), s, key, ev)
	if err != nil {
		t.Fatalf("append %s %s: %v", ev.Action, ev.Scope, err)
	}
	return ev
}

func TestMigrateAndCheckSchema(t *testing.T) {
	eachBackend(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		s, err := Open(ctx, b.DSN(t), Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if got := s.Dialect(); got != b.Name {
			t.Errorf("Dialect() = %q, want %q", got, b.Name)
		}
		err = s.CheckSchema(ctx)
		wantCode(t, err, consent.EUnavailable)
		if consent.ErrorMessage(err) != "database schema is not initialized; run optgate migrate" {
			t.Errorf("CheckSchema on an empty database: %q", consent.ErrorMessage(err))
		}
		if err := s.Start(ctx); err == nil {
			t.Fatal("Start on an empty database succeeded")
		}
		all, err := s.migrations()
		if err != nil || len(all) == 0 || all[0].name != "0001_core.sql" {
			t.Fatalf("migrations %v, %v", all, err)
		}
		latest := all[len(all)-1].version
		applied, err := s.Migrate(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(applied) != len(all) || applied[0] != "0001_core.sql" {
			t.Errorf("applied %v, want all %d migrations", applied, len(all))
		}
		if applied, err := s.Migrate(ctx); err != nil || len(applied) != 0 {
			t.Errorf("second Migrate applied %v, %v; want nothing", applied, err)
		}
		if err := s.CheckSchema(ctx); err != nil {
			t.Fatalf("CheckSchema after migrate: %v", err)
		}

		// An outdated schema, then one newer than this build.
		if _, err := s.db.ExecContext(ctx, "DELETE FROM schema_migrations WHERE version = $1", latest); err != nil {
			t.Fatal(err)
		}
		err = s.CheckSchema(ctx)
		wantCode(t, err, consent.EUnavailable)
		if !strings.HasSuffix(consent.ErrorMessage(err), fmt.Sprintf("this optgate needs %d; run optgate migrate", latest)) {
			t.Errorf("CheckSchema on an outdated schema: %q", consent.ErrorMessage(err))
		}
		if err := s.Start(ctx); err == nil {
			t.Fatal("Start on an outdated schema succeeded")
		}
		if _, err := s.db.ExecContext(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, '9999_future.sql', 0)"); err != nil {
			t.Fatal(err)
		}
		err = s.CheckSchema(ctx)
		wantCode(t, err, consent.EUnavailable)
		if want := fmt.Sprintf("database schema is at version 9999, newer than this optgate (%d); upgrade optgate", latest); consent.ErrorMessage(err) != want {
			t.Errorf("CheckSchema on a newer schema: %q", consent.ErrorMessage(err))
		}
	})
}

func TestUpsertContact(t *testing.T) {
	eachBackend(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		s := openStore(t, b.DSN(t), nil)

		c1 := upsert(t, s, acctA, ContactSeen{Key: consent.ContactKey{WAID: "447700900001"}, Name: "Ann"})
		if c1.ID == 0 || c1.WAID != "447700900001" || c1.UserID != "" || c1.Name != "Ann" {
			t.Fatalf("created %+v", c1)
		}
		// The same wa_id again is the same contact; the user id completes it.
		c1b := upsert(t, s, acctA, ContactSeen{Key: consent.ContactKey{WAID: "447700900001", UserID: "GB.ann0000001"}, Language: "en"})
		if c1b.ID != c1.ID || c1b.UserID != "GB.ann0000001" || c1b.Language != "en" || c1b.Name != "Ann" {
			t.Fatalf("completed %+v, want id %d with user id, language and the old name", c1b, c1.ID)
		}
		// By user id alone: the same contact.
		if c := upsert(t, s, acctA, ContactSeen{Key: consent.ContactKey{UserID: "GB.ann0000001"}}); c.ID != c1.ID {
			t.Fatalf("by user id: contact %d, want %d", c.ID, c1.ID)
		}
		// A person who hides their number, whose wa_id arrives later.
		c2 := upsert(t, s, acctA, ContactSeen{Key: consent.ContactKey{UserID: "US.bob0000002"}})
		if c2.ID == c1.ID || c2.WAID != "" {
			t.Fatalf("user-id-only contact %+v", c2)
		}
		if c := upsert(t, s, acctA, ContactSeen{Key: consent.ContactKey{WAID: "14155550002", UserID: "US.bob0000002"}}); c.ID != c2.ID || c.WAID != "14155550002" {
			t.Fatalf("completing wa_id: %+v, want id %d", c, c2.ID)
		}
		// Accounts never share contacts.
		if c := upsert(t, s, acctB, ContactSeen{Key: consent.ContactKey{WAID: "447700900001"}}); c.ID == c1.ID {
			t.Fatal("account B got account A's contact")
		}

		for _, key := range []consent.ContactKey{{WAID: "447700900001"}, {UserID: "GB.ann0000001"}, {WAID: "447700900001", UserID: "GB.ann0000001"}} {
			c, err := s.FindContact(ctx, acctA, key)
			if err != nil || c.ID != c1.ID || c.WAID != "447700900001" || c.UserID != "GB.ann0000001" || c.Name != "Ann" || c.Language != "en" {
				t.Errorf("FindContact(%v) = %+v, %v", key, c, err)
			}
		}
		if c, err := s.FindContact(ctx, acctA, consent.ContactKey{WAID: "14155550002"}); err != nil || c.ID != c2.ID {
			t.Errorf("FindContact(bob's wa_id) = %+v, %v", c, err)
		}
		_, err := s.FindContact(ctx, acctA, consent.ContactKey{WAID: "33612345678"})
		if !errors.Is(err, ErrNotFound) {
			t.Errorf("unknown contact: %v, want ErrNotFound", err)
		}
		wantCode(t, err, consent.ENotFound)
		_, err = s.FindContact(ctx, acctB, consent.ContactKey{UserID: "GB.ann0000001"})
		wantCode(t, err, consent.ENotFound)

		err = s.Write(ctx, func(ctx context.Context, tx *Tx) error {
			_, err := tx.UpsertContact(ctx, acctA, ContactSeen{})
			return err
		})
		wantCode(t, err, consent.EInvalid)
	})
}

func TestFindContactBrazilianNinthDigit(t *testing.T) {
	eachBackend(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		s := openStore(t, b.DSN(t), nil)
		// Meta reports an old account without the ninth digit, a new one with it.
		old := upsert(t, s, acctA, ContactSeen{Key: consent.ContactKey{WAID: "551187654321"}})
		young := upsert(t, s, acctA, ContactSeen{Key: consent.ContactKey{WAID: "5521998765432"}})
		tests := []struct {
			waID string
			want int64
		}{
			{"551187654321", old.ID},
			{"5511987654321", old.ID}, // typed with the nine
			{"5521998765432", young.ID},
			{"552198765432", young.ID}, // typed without it
		}
		for _, tt := range tests {
			c, err := s.FindContact(ctx, acctA, consent.ContactKey{WAID: tt.waID})
			if err != nil || c.ID != tt.want {
				t.Errorf("FindContact(%s) = %d, %v; want %d", tt.waID, c.ID, err, tt.want)
			}
		}
		// A landline (starts with 2-5 after the area code) has no variant.
		if _, err := s.FindContact(ctx, acctA, consent.ContactKey{WAID: "551132654321"}); !errors.Is(err, ErrNotFound) {
			t.Errorf("landline: %v, want ErrNotFound", err)
		}
		// Both variants stored: the exact one wins.
		exact := upsert(t, s, acctA, ContactSeen{Key: consent.ContactKey{WAID: "5511987654321"}})
		if c, err := s.FindContact(ctx, acctA, consent.ContactKey{WAID: "5511987654321"}); err != nil || c.ID != exact.ID {
			t.Errorf("exact match: %d, %v; want %d", c.ID, err, exact.ID)
		}
	})
}

func TestChangeNumber(t *testing.T) {
	eachBackend(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		s := openStore(t, b.DSN(t), nil)
		ann := mustAppend(t, s, consent.ContactKey{WAID: "447700900001"}, event(acctA, consent.OptIn, consent.TopicScope("order_updates")))
		prev := mustAppend(t, s, consent.ContactKey{WAID: "447700900002"}, event(acctA, consent.OptOut, consent.ScopeAll))

		var moved consent.Contact
		err := s.Write(ctx, func(ctx context.Context, tx *Tx) error {
			var err error
			// After both records' events (by more than changeStampSkew):
			// the new number's record is its previous owner's
			// (TestChangeNumberAfterTheNewNumberWrote has the other case).
			moved, err = tx.ChangeNumber(ctx, acctA, "447700900001", "447700900002", "wamid.change1", time.Now().Add(time.Minute).UnixMilli())
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if moved.ID != ann.ContactID || moved.WAID != "447700900002" {
			t.Fatalf("moved %+v, want contact %d on the new number", moved, ann.ContactID)
		}
		// The new number now finds Ann with her consent; the old one finds nobody.
		c, err := s.FindContact(ctx, acctA, consent.ContactKey{WAID: "447700900002"})
		if err != nil || c.ID != ann.ContactID {
			t.Fatalf("new number finds %d, %v; want %d", c.ID, err, ann.ContactID)
		}
		st, err := s.State(ctx, c.ID, "")
		if err != nil || len(st.Scopes) != 1 || st.Scopes[0].Action != consent.OptIn {
			t.Errorf("Ann's state after the move: %+v, %v", st, err)
		}
		if _, err := s.FindContact(ctx, acctA, consent.ContactKey{WAID: "447700900001"}); !errors.Is(err, ErrNotFound) {
			t.Errorf("old number: %v, want ErrNotFound", err)
		}
		// The number's previous owner keeps their history but not the number.
		h, err := s.History(ctx, prev.ContactID)
		if err != nil || len(h) != 1 || h[0].Action != consent.OptOut {
			t.Errorf("previous owner's history: %+v, %v", h, err)
		}
		var waID *string
		if err := s.db.QueryRowContext(ctx, "SELECT wa_id FROM contacts WHERE id = $1", prev.ContactID).Scan(&waID); err != nil || waID != nil {
			t.Errorf("previous owner's wa_id = %v, %v; want NULL", waID, err)
		}
		var n int
		if err := s.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM number_changes WHERE contact_id = $1 AND old_wa_id = $2 AND new_wa_id = $3",
			ann.ContactID, "447700900001", "447700900002").Scan(&n); err != nil || n != 1 {
			t.Errorf("number_changes rows = %d, %v; want 1", n, err)
		}

		// A change from a number optgate never saw creates the contact on the new one.
		err = s.Write(ctx, func(ctx context.Context, tx *Tx) error {
			var err error
			moved, err = tx.ChangeNumber(ctx, acctA, "447700900077", "447700900078", "wamid.change2", 1700000000000)
			return err
		})
		if err != nil || moved.ID == 0 || moved.WAID != "447700900078" {
			t.Errorf("change from an unknown number: %+v, %v", moved, err)
		}
	})
}

func TestLedgerChainAndTampering(t *testing.T) {
	eachBackend(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		clk := newClock()
		s := openStore(t, b.DSN(t), clk.now)

		ann := consent.ContactKey{WAID: "447700900001"}
		bob := consent.ContactKey{WAID: "447700900002"}
		var evs []consent.Event
		for i, sc := range []consent.Scope{consent.TopicScope("order_updates"), consent.CategoryScope(consent.Marketing), consent.ScopeAll} {
			e := event(acctA, consent.OptIn, sc)
			e.Reason = fmt.Sprintf("reason %d", i)
			evs = append(evs, mustAppend(t, s, ann, e))
			clk.advance(time.Second)
		}
		evs = append(evs, mustAppend(t, s, bob, event(acctA, consent.OptOut, consent.ScopeAll)))
		other := mustAppend(t, s, ann, event(acctB, consent.OptIn, consent.ScopeAll))

		prev := consent.GenesisHash
		for i, e := range evs {
			if e.Seq != int64(i+1) || e.PrevHash != prev || e.Hash == "" || e.ID == 0 {
				t.Fatalf("event %d: seq %d prev %s hash %s id %d", i, e.Seq, e.PrevHash, e.Hash, e.ID)
			}
			prev = e.Hash
		}
		if other.Seq != 1 || other.PrevHash != consent.GenesisHash {
			t.Errorf("account B's first event: seq %d prev %s; chains are per account", other.Seq, other.PrevHash)
		}

		rep, err := s.VerifyLedger(ctx, acctA)
		if err != nil || rep.Events != 4 || rep.HeadHash != evs[3].Hash {
			t.Fatalf("VerifyLedger = %+v, %v; want 4 events ending at %s", rep, err, evs[3].Hash)
		}
		h, err := s.History(ctx, evs[0].ContactID)
		if err != nil || len(h) != 3 {
			t.Fatalf("History = %d events, %v", len(h), err)
		}
		for i, e := range h {
			if e.Seq != evs[i].Seq || e.Hash != evs[i].Hash || e.Reason != evs[i].Reason || e.Evidence["form"] != "v3" ||
				!e.OccurredAt.Equal(evs[i].OccurredAt) || !e.RecordedAt.Equal(evs[i].RecordedAt) {
				t.Errorf("History[%d] = %+v, want %+v", i, e, evs[i])
			}
		}

		// An account without a head cannot append.
		_, err = appendFor(ctx, s, ann, event("acct-unknown", consent.OptIn, consent.ScopeAll))
		wantCode(t, err, consent.EInternal)

		tamper := func(t *testing.T, sql string, args []any, want string) {
			t.Helper()
			if _, err := s.db.ExecContext(ctx, sql, args...); err != nil {
				t.Fatal(err)
			}
			_, err := s.VerifyLedger(ctx, acctA)
			wantCode(t, err, consent.EConflict)
			if got := consent.ErrorMessage(err); got != want {
				t.Errorf("VerifyLedger after tampering: %q, want %q", got, want)
			}
		}
		// Each case leaves the chain broken, so they run in order and the
		// first broken link is the one reported.
		tamper(t, "DELETE FROM consent_events WHERE account_id = $1 AND seq = 4", []any{acctA},
			"ledger acct-a: head says event 4 but the chain ends at 3: events were removed")
		tamper(t, "DELETE FROM consent_events WHERE account_id = $1 AND seq = 2", []any{acctA},
			"ledger acct-a: event 3 follows 1: events are missing")
		tamper(t, `UPDATE consent_events SET evidence = '{"form":"v3","text":"Yes, send me everything"}' WHERE account_id = $1 AND seq = 1`, []any{acctA},
			"ledger acct-a: event 1 was altered (hash mismatch)")
		if rep, err := s.VerifyLedger(ctx, acctB); err != nil || rep.Events != 1 {
			t.Errorf("account B untouched: %+v, %v", rep, err)
		}
	})
}

func TestStateAndEffective(t *testing.T) {
	eachBackend(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		s := openStore(t, b.DSN(t), nil)
		orders := consent.Topic{ID: "order_updates", Category: consent.Utility}
		promos := consent.Topic{ID: "promotions", Category: consent.Marketing}
		key := consent.ContactKey{WAID: "447700900001"}

		e := mustAppend(t, s, key, event(acctA, consent.OptIn, consent.TopicScope("order_updates")))
		mustAppend(t, s, key, event(acctA, consent.OptIn, consent.TopicScope("promotions")))
		stop := event(acctA, consent.OptOut, consent.CategoryScope(consent.Marketing))
		stop.Source = consent.SourceMetaPreferences
		mustAppend(t, s, key, stop)

		st, err := s.State(ctx, e.ContactID, "")
		if err != nil || !st.Known || len(st.Scopes) != 3 {
			t.Fatalf("State = %+v, %v", st, err)
		}
		if eff, ok := st.Effective(orders); !ok || eff.Action != consent.OptIn || eff.Scope != consent.TopicScope("order_updates") {
			t.Errorf("orders: %+v, %v", eff, ok)
		}
		if eff, ok := st.Effective(promos); !ok || eff.Action != consent.OptOut || eff.Source != consent.SourceMetaPreferences || eff.OccurredAt.IsZero() {
			t.Errorf("promotions after Meta's marketing stop: %+v, %v", eff, ok)
		}
		if st.OptedOutOfAll() {
			t.Error("opted out of all after a marketing stop")
		}
		// A later event of the same scope replaces the earlier one.
		mustAppend(t, s, key, event(acctA, consent.Resume, consent.CategoryScope(consent.Marketing)))
		mustAppend(t, s, key, event(acctA, consent.OptOut, consent.ScopeAll))
		st, err = s.State(ctx, e.ContactID, "")
		if err != nil || len(st.Scopes) != 4 {
			t.Fatalf("State = %+v, %v", st, err)
		}
		if eff, ok := st.Effective(promos); !ok || eff.Action != consent.OptOut || eff.Scope != consent.ScopeAll {
			t.Errorf("promotions after opting out of all: %+v, %v", eff, ok)
		}
		if !st.OptedOutOfAll() {
			t.Error("not opted out of all")
		}
		mustAppend(t, s, key, event(acctA, consent.OptIn, consent.TopicScope("promotions")))
		st, _ = s.State(ctx, e.ContactID, "")
		if eff, ok := st.Effective(promos); !ok || eff.Action != consent.OptIn || st.OptedOutOfAll() {
			t.Errorf("promotions after a new opt-in: %+v, %v, all %v", eff, ok, st.OptedOutOfAll())
		}
	})
}

func TestServiceWindows(t *testing.T) {
	eachBackend(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		s := openStore(t, b.DSN(t), nil)
		c := upsert(t, s, acctA, ContactSeen{Key: consent.ContactKey{WAID: "447700900001"}})
		t0 := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
		write := func(fn func(ctx context.Context, tx *Tx) error) {
			t.Helper()
			if err := s.Write(ctx, fn); err != nil {
				t.Fatal(err)
			}
		}
		write(func(ctx context.Context, tx *Tx) error { return tx.TouchWindow(ctx, c.ID, "phone-1", t0) })
		// A message delivered late does not move the window back.
		write(func(ctx context.Context, tx *Tx) error {
			return tx.TouchWindow(ctx, c.ID, "phone-1", t0.Add(-time.Hour))
		})
		st, err := s.State(ctx, c.ID, "phone-1")
		if err != nil || !st.LastInbound.Equal(t0) || !st.WindowClosedAt.IsZero() || !st.WindowOpen(t0.Add(time.Hour)) {
			t.Fatalf("after touch: %+v, %v", st, err)
		}
		write(func(ctx context.Context, tx *Tx) error {
			return tx.CloseWindow(ctx, c.ID, "phone-1", t0.Add(time.Minute))
		})
		write(func(ctx context.Context, tx *Tx) error { return tx.CloseWindow(ctx, c.ID, "phone-1", t0) })
		st, _ = s.State(ctx, c.ID, "phone-1")
		if !st.WindowClosedAt.Equal(t0.Add(time.Minute)) || st.WindowOpen(t0.Add(time.Hour)) {
			t.Fatalf("after close: %+v", st)
		}
		write(func(ctx context.Context, tx *Tx) error {
			return tx.TouchWindow(ctx, c.ID, "phone-1", t0.Add(2*time.Minute))
		})
		st, _ = s.State(ctx, c.ID, "phone-1")
		if !st.WindowOpen(t0.Add(time.Hour)) {
			t.Fatalf("a new message reopens the window: %+v", st)
		}
		// A close on a number the person never wrote to.
		write(func(ctx context.Context, tx *Tx) error { return tx.CloseWindow(ctx, c.ID, "phone-2", t0) })
		st, _ = s.State(ctx, c.ID, "phone-3")
		if !st.LastInbound.IsZero() || !st.WindowClosedAt.IsZero() {
			t.Errorf("a number never touched: %+v", st)
		}
		w1, err1 := s.State(ctx, c.ID, "phone-1")
		w2, err2 := s.State(ctx, c.ID, "phone-2")
		if err1 != nil || err2 != nil || !w1.LastInbound.Equal(t0.Add(2*time.Minute)) ||
			!w2.WindowClosedAt.Equal(t0) || !w2.LastInbound.IsZero() {
			t.Errorf("windows per number: %+v, %+v, %v, %v", w1, w2, err1, err2)
		}
	})
}

func TestInboundAndStatusDedupe(t *testing.T) {
	eachBackend(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		clk := newClock()
		s := openStore(t, b.DSN(t), clk.now)
		in := Inbound{AccountID: acctA, MessageID: "wamid.1", ContactID: 1, PhoneNumberID: "phone-1", Type: "text", SentAt: time.Unix(1700000000, 0)}
		st := Status{AccountID: acctA, MessageID: "wamid.out1", Status: "delivered", Recipient: "447700900001", At: time.Unix(1700000000, 0)}
		insert := func(fn func(ctx context.Context, tx *Tx) (bool, error)) bool {
			t.Helper()
			var isNew bool
			if err := s.Write(ctx, func(ctx context.Context, tx *Tx) error {
				var err error
				isNew, err = fn(ctx, tx)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			return isNew
		}
		inbound := func(m Inbound) bool {
			return insert(func(ctx context.Context, tx *Tx) (bool, error) { return tx.InsertInbound(ctx, m) })
		}
		status := func(x Status) bool {
			return insert(func(ctx context.Context, tx *Tx) (bool, error) { return tx.InsertStatus(ctx, x) })
		}
		if !inbound(in) {
			t.Error("first delivery is not new")
		}
		if inbound(in) {
			t.Error("redelivery is new")
		}
		in2 := in
		in2.AccountID = acctB
		if !inbound(in2) {
			t.Error("the same message id in another account is not new")
		}
		if err := s.Write(ctx, func(ctx context.Context, tx *Tx) error { return tx.SetInboundIntent(ctx, acctA, "wamid.1", "opt_out") }); err != nil {
			t.Fatal(err)
		}
		var intent string
		if err := s.db.QueryRowContext(ctx, "SELECT intent FROM inbound_messages WHERE account_id = $1 AND message_id = $2", acctA, "wamid.1").Scan(&intent); err != nil || intent != "opt_out" {
			t.Errorf("intent = %q, %v", intent, err)
		}

		if !status(st) || status(st) {
			t.Error("status dedupe: want new, then not new")
		}
		read := st
		read.Status = "read"
		if !status(read) {
			t.Error("a later status of the same message is not new")
		}

		// A payload delivered twice is kept twice, each with its time of receipt.
		body := []byte(`{"object":"whatsapp_business_account","entry":[]}`)
		for range 2 {
			if err := s.Write(ctx, func(ctx context.Context, tx *Tx) error { return tx.SavePayload(ctx, body, false) }); err != nil {
				t.Fatal(err)
			}
			clk.advance(time.Second)
		}
		rows, err := s.db.QueryContext(ctx, "SELECT body, received_at FROM webhook_payloads ORDER BY id")
		if err != nil {
			t.Fatal(err)
		}
		var received []int64
		for rows.Next() {
			var stored []byte
			var at int64
			if err := rows.Scan(&stored, &at); err != nil || string(stored) != string(body) {
				t.Errorf("payload body %q, %v", stored, err)
			}
			received = append(received, at)
		}
		rows.Close()
		if len(received) != 2 || received[1]-received[0] != 1000 {
			t.Errorf("payloads received at %v; want two, a second apart", received)
		}
	})
}

func TestOutbox(t *testing.T) {
	eachBackend(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		clk := newClock()
		s := openStore(t, b.DSN(t), clk.now)
		enqueue := func(j Job) {
			t.Helper()
			if err := s.Write(ctx, func(ctx context.Context, tx *Tx) error { return tx.Enqueue(ctx, j) }); err != nil {
				t.Fatal(err)
			}
		}
		claim := func(limit int) []Job {
			t.Helper()
			jobs, err := s.ClaimJobs(ctx, limit, time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			return jobs
		}
		enqueue(Job{AccountID: acctA, Kind: "reply", DedupeKey: "wamid.1", Payload: `{"n":1}`})
		clk.advance(time.Millisecond)
		enqueue(Job{AccountID: acctA, Kind: "reply", DedupeKey: "wamid.2", Payload: `{"n":2}`})
		enqueue(Job{AccountID: acctA, Kind: "reply", DedupeKey: "wamid.1", Payload: `{"n":"dup"}`}) // ignored

		jobs := claim(1)
		if len(jobs) != 1 || jobs[0].DedupeKey != "wamid.1" || jobs[0].Payload != `{"n":1}` || jobs[0].Attempts != 0 || jobs[0].Kind != "reply" || jobs[0].AccountID != acctA {
			t.Fatalf("first claim: %+v", jobs)
		}
		first := jobs[0]
		jobs = claim(10)
		if len(jobs) != 1 || jobs[0].DedupeKey != "wamid.2" {
			t.Fatalf("second claim: %+v, want only wamid.2 (wamid.1 is leased)", jobs)
		}
		second := jobs[0]
		if jobs := claim(10); len(jobs) != 0 {
			t.Fatalf("everything is leased, yet claimed %+v", jobs)
		}

		// A worker that died: the lease runs out and the job comes back.
		clk.advance(time.Minute + time.Millisecond)
		jobs = claim(10)
		if len(jobs) != 2 || jobs[0].ID != first.ID || jobs[0].Attempts != 1 {
			t.Fatalf("after the lease: %+v", jobs)
		}
		if err := s.CompleteJob(ctx, first.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.RetryJob(ctx, second.ID, clk.now().Add(10*time.Minute), "upstream said 500"); err != nil {
			t.Fatal(err)
		}
		clk.advance(5 * time.Minute)
		if jobs := claim(10); len(jobs) != 0 {
			t.Fatalf("before the retry time: %+v", jobs)
		}
		clk.advance(6 * time.Minute)
		jobs = claim(10)
		if len(jobs) != 1 || jobs[0].ID != second.ID || jobs[0].Attempts != 2 {
			t.Fatalf("at the retry time: %+v", jobs)
		}
		if err := s.DropJob(ctx, second.ID, "recipient blocked"); err != nil {
			t.Fatal(err)
		}
		clk.advance(time.Hour)
		if jobs := claim(10); len(jobs) != 0 {
			t.Fatalf("done and dropped jobs came back: %+v", jobs)
		}
		var lastErr string
		if err := s.db.QueryRowContext(ctx, "SELECT last_error FROM outbox WHERE id = $1", second.ID).Scan(&lastErr); err != nil || lastErr != "recipient blocked" {
			t.Errorf("dropped job's last_error = %q, %v", lastErr, err)
		}
	})
}

// TestWriteGroupCommit queues many writers behind one that holds the writer,
// so that they share the next transaction, and fails some of them, some with
// an error from the database itself (which aborts a PostgreSQL transaction
// until the savepoint is rolled back).
func TestWriteGroupCommit(t *testing.T) {
	eachBackend(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		s := openStore(t, b.DSN(t), nil)

		// Hold every group-commit writer, so that the writes below queue up
		// and share the next transactions.
		held := make(chan struct{}, s.dialect.writers)
		release := make(chan struct{})
		firstDone := make(chan error, s.dialect.writers)
		for w := range s.dialect.writers {
			go func() {
				firstDone <- s.Write(ctx, func(ctx context.Context, tx *Tx) error {
					held <- struct{}{}
					<-release
					_, err := tx.InsertInbound(ctx, Inbound{AccountID: acctA, MessageID: fmt.Sprintf("first%d", w), PhoneNumberID: "p", Type: "text"})
					return err
				})
			}()
			<-held
		}

		n := min(60, s.dialect.maxBatch)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = s.Write(ctx, func(ctx context.Context, tx *Tx) error {
					if _, err := tx.InsertInbound(ctx, Inbound{AccountID: acctA, MessageID: fmt.Sprintf("m%d", i), PhoneNumberID: "p", Type: "text"}); err != nil {
						return err
					}
					switch i % 3 {
					case 1:
						return consent.Errorf(consent.EInvalid, "writer %d refuses", i)
					case 2:
						// A statement the database rejects: the head already exists.
						_, err := tx.tx.ExecContext(ctx, "INSERT INTO ledger_heads (account_id, seq, hash) VALUES ($1, 0, 'x')", acctA)
						return s.wrap(err)
					}
					return nil
				})
			}()
		}
		waitFor(t, "all writers queued", func() bool { return len(s.jobs) == n })
		close(release)
		wg.Wait()
		for range s.dialect.writers {
			if err := <-firstDone; err != nil {
				t.Fatal(err)
			}
		}
		for i, err := range errs {
			switch i % 3 {
			case 0:
				if err != nil {
					t.Errorf("writer %d: %v", i, err)
				}
			case 1:
				wantCode(t, err, consent.EInvalid)
			case 2:
				wantCode(t, err, consent.EConflict)
			}
			var n int
			if err := s.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM inbound_messages WHERE message_id = $1", fmt.Sprintf("m%d", i)).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if want := map[bool]int{true: 1, false: 0}[i%3 == 0]; n != want {
				t.Errorf("writer %d: %d rows, want %d", i, n, want)
			}
		}
	})
}

func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// appendConcurrently has workers goroutines each append perWorker events, to
// contacts shared between workers and accounts spread over both, through the
// stores in turn, and returns how many it appended per account.
func appendConcurrently(t *testing.T, stores []*Store, workers, perWorker int) map[string]int64 {
	t.Helper()
	var mu sync.Mutex
	counts := map[string]int64{}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := stores[w%len(stores)]
			for i := range perWorker {
				acct := []string{acctA, acctB}[(w+i)%2]
				key := consent.ContactKey{WAID: fmt.Sprintf("4477009%05d", (w*perWorker+i)%7)}
				action := []consent.Action{consent.OptIn, consent.OptOut}[i%2]
				if _, err := appendFor(context.Background(), s, key, event(acct, action, consent.ScopeAll)); err != nil {
					t.Errorf("worker %d append %d: %v", w, i, err)
					return
				}
				mu.Lock()
				counts[acct]++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return counts
}

func verifyChains(t *testing.T, s *Store, counts map[string]int64) {
	t.Helper()
	for acct, n := range counts {
		rep, err := s.VerifyLedger(context.Background(), acct)
		if err != nil || rep.Events != n {
			t.Errorf("ledger %s: %+v, %v; want one valid chain of %d events", acct, rep, err, n)
		}
	}
}

func TestConcurrentAppendKeepsOneChain(t *testing.T) {
	eachBackend(t, func(t *testing.T, b storetest.Backend) {
		s := openStore(t, b.DSN(t), nil)
		counts := appendConcurrently(t, []*Store{s}, 16, 25)
		verifyChains(t, s, counts)
	})
}

// TestWriteOnlyWhileStarted: a write before Start or after Close fails at
// once, and changes nothing, instead of waiting for a writer that is not
// there.
func TestWriteOnlyWhileStarted(t *testing.T) {
	eachBackend(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		s, err := Open(ctx, b.DSN(t), Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if _, err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		ran := false
		write := func() error {
			return s.Write(ctx, func(ctx context.Context, tx *Tx) error {
				ran = true
				return tx.SavePayload(ctx, []byte(`{"object":"whatsapp_business_account"}`), false)
			})
		}
		if err := write(); !errors.Is(err, ErrNotStarted) || ran {
			t.Fatalf("before Start: %v (ran %v), want ErrNotStarted", err, ran)
		}
		if err := s.Start(ctx); err != nil {
			t.Fatal(err)
		}
		if err := write(); err != nil || !ran {
			t.Fatalf("after Start: %v (ran %v)", err, ran)
		}
		s.Close()
		ran = false
		if err := write(); !errors.Is(err, ErrClosed) || ran {
			t.Fatalf("after Close: %v (ran %v), want ErrClosed", err, ran)
		}
	})
}

// TestWriteRacingClose: writes that race Close each end, with nil (their
// commit is in) or ErrClosed (nothing ran), never waiting forever.
func TestWriteRacingClose(t *testing.T) {
	eachBackend(t, func(t *testing.T, b storetest.Backend) {
		for range 20 {
			s := openStore(t, b.DSN(t), nil)
			ctx := context.Background()
			const writers = 16
			results := make(chan error, writers)
			for range writers {
				go func() {
					results <- s.Write(ctx, func(ctx context.Context, tx *Tx) error {
						return tx.SavePayload(ctx, []byte(`{"object":"whatsapp_business_account"}`), false)
					})
				}()
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			timeout := time.After(30 * time.Second)
			for range writers {
				select {
				case err := <-results:
					if err != nil && !errors.Is(err, ErrClosed) {
						t.Fatalf("a write racing Close: %v", err)
					}
				case <-timeout:
					t.Fatal("a write racing Close never returned")
				}
			}
		}
	})
}

// TestTemplateCategoryByLanguage: each language of a template is a template
// of its own to Meta, maybe of another category. The language asked for
// decides (pt_BR and pt-BR are one); a language Meta never named gets the
// strictest of the others; a deleted one counts for nothing.
func TestTemplateCategoryByLanguage(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			s := openStore(t, b.DSN(t), nil)
			ctx := context.Background()
			put := func(name, lang, category, status string) {
				t.Helper()
				err := s.Write(ctx, func(ctx context.Context, tx *Tx) error {
					return tx.UpsertTemplate(ctx, Template{AccountID: acctA, Name: name, Language: lang, Category: category, Status: status})
				})
				if err != nil {
					t.Fatal(err)
				}
			}
			put("welcome", "pt_BR", "marketing", "APPROVED")
			put("welcome", "en-US", "utility", "APPROVED") // later, as a status webhook writes it
			put("welcome", "es", "utility", "DELETED")
			put("receipt", "pt_BR", "utility", "APPROVED")
			put("promo", "pt_BR", "utility", "APPROVED")
			put("promo", "en_US", "marketing", "PAUSED")
			for _, c := range []struct {
				name, lang string
				want       consent.Category
			}{
				{"welcome", "pt_BR", consent.Marketing},
				{"welcome", "pt-br", consent.Marketing},
				{"welcome", "en_US", consent.Utility},
				{"welcome", "es", consent.Marketing}, // deleted there: the strictest of the others
				{"welcome", "", consent.Marketing},
				{"receipt", "en_US", consent.Utility},
				{"promo", "es", consent.Marketing}, // strictest first, whatever the status
				{"promo", "pt_BR", consent.Utility},
			} {
				got, err := s.TemplateCategory(ctx, acctA, c.name, c.lang)
				if err != nil || got != c.want {
					t.Errorf("%s in %q: %q, %v; want %q", c.name, c.lang, got, err, c.want)
				}
			}
			if _, err := s.TemplateCategory(ctx, acctA, "nope", "pt_BR"); err != ErrNotFound {
				t.Errorf("unknown template: %v, want ErrNotFound", err)
			}
		})
	}
}
