package store

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/optgate/optgate/internal/consent"
	"github.com/optgate/optgate/internal/store/storetest"
)

// TestQueueMessage: plain messages queued by many concurrent writers (group
// commits of several, on PostgreSQL one statement each) are recorded as
// IngestMessage records them, but for the message's own row: one contact per
// person, created or renamed, the window at the latest message, redeliveries
// harmless; and a writer that fails after queueing leaves no trace of its
// message (its later window is nowhere).
func TestQueueMessage(t *testing.T) {
	eachBackend(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		s := openStore(t, b.DSN(t), nil)
		t0 := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
		waID := func(p int) string { return fmt.Sprintf("5511987650%03d", p) }
		// People 0-4 are known, under an old name; 5-9 are new.
		known := map[int]int64{}
		for p := range 5 {
			known[p] = upsert(t, s, acctA, ContactSeen{Key: consent.ContactKey{WAID: waID(p)}, Name: "old", Language: "es"}).ID
		}
		const writers = 120
		var mu sync.Mutex
		newCount := map[string]int{}
		var wg sync.WaitGroup
		for i := range writers {
			wg.Go(func() {
				p := i % 10
				seen := ContactSeen{Key: consent.ContactKey{WAID: waID(p)}, Name: fmt.Sprintf("Person %d", p)}
				// Three messages a person, each sent four times (Meta's redeliveries).
				m := Inbound{AccountID: acctA, MessageID: fmt.Sprintf("wamid.%d.%d", p, (i/10)%3), PhoneNumberID: "phone-1", Type: "text",
					SentAt: t0.Add(time.Duration((i/10)%3) * time.Minute)}
				fail := i%7 == 3
				if fail {
					m.MessageID = fmt.Sprintf("wamid.failed.%d", i)
					m.SentAt = t0.Add(time.Hour)
				}
				// done reports the last run of the writer: a batch that runs
				// again runs its writers again.
				var isNew, called bool
				err := s.Write(ctx, func(ctx context.Context, tx *Tx) error {
					called = false
					if err := tx.QueueMessage(ctx, seen, m, true, func(n bool) { isNew, called = n, true }); err != nil {
						return err
					}
					if fail {
						return consent.Errorf(consent.EInvalid, "writer %d fails", i)
					}
					return nil
				})
				if fail != (err != nil) {
					t.Errorf("writer %d: err %v", i, err)
				}
				if err == nil {
					mu.Lock()
					defer mu.Unlock()
					if !called || !isNew {
						t.Errorf("writer %d: done called %v, with %v; want called, with true", i, called, isNew)
					}
					newCount[m.MessageID]++
				}
			})
		}
		wg.Wait()
		for p := range 10 {
			for k := range 3 {
				id := fmt.Sprintf("wamid.%d.%d", p, k)
				want := 0
				for i := range writers {
					if i%10 == p && (i/10)%3 == k && i%7 != 3 {
						want++
					}
				}
				if newCount[id] != want {
					t.Errorf("%s written %d times, want %d (each delivery)", id, newCount[id], want)
				}
			}
			c, err := s.FindContact(ctx, acctA, consent.ContactKey{WAID: waID(p)})
			if err != nil {
				t.Fatalf("person %d: %v", p, err)
			}
			if id, ok := known[p]; ok && c.ID != id {
				t.Errorf("person %d: contact %d, want the known %d", p, c.ID, id)
			}
			if c.Name != fmt.Sprintf("Person %d", p) || (p < 5 && c.Language != "es") {
				t.Errorf("person %d: %+v, want renamed, the language kept", p, c)
			}
			st, err := s.State(ctx, c.ID, "phone-1")
			if err != nil || !st.LastInbound.Equal(t0.Add(2*time.Minute)) {
				t.Errorf("person %d: window %v, %v; want the last message's time", p, st.LastInbound, err)
			}
		}
		// Plain messages leave no row of their own.
		var stored int
		if err := s.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM inbound_messages").Scan(&stored); err != nil || stored != 0 {
			t.Errorf("inbound messages: %d, %v; want none", stored, err)
		}
	})
}

// TestQueueMessageRedeliveredToTwoInstances: the same plain messages
// delivered to two instances at once (PostgreSQL, one database): every write
// succeeds, each person is one contact, and their window is at their latest
// message.
func TestQueueMessageRedeliveredToTwoInstances(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		if b.Name != "postgres" {
			continue // one SQLite file has one writer
		}
		t.Run(b.Name, func(t *testing.T) {
			dsn := b.DSN(t)
			stores := []*Store{openStore(t, dsn, nil), openStore(t, dsn, nil)}
			ctx := context.Background()
			for round := range 10 {
				waID := func(p int) string { return fmt.Sprintf("4477%03d%05d", p, round) }
				if round%2 == 1 {
					for p := range 3 {
						upsert(t, stores[0], acctA, ContactSeen{Key: consent.ContactKey{WAID: waID(p)}, Name: "Ana"})
					}
				}
				before := stores[0].retries.Load() + stores[1].retries.Load()
				var mu sync.Mutex
				fresh := map[string]int{}
				var wg sync.WaitGroup
				for i := range 48 {
					wg.Go(func() {
						p := i % 3
						seen := ContactSeen{Key: consent.ContactKey{WAID: waID(p)}, Name: fmt.Sprintf("Ana %d", i%4)}
						m := Inbound{AccountID: acctA, MessageID: fmt.Sprintf("wamid.%d.%d.%d", round, p, i%8), PhoneNumberID: "phone-1", Type: "text",
							SentAt: time.Date(2026, 3, 2, 10, i, 0, 0, time.UTC)}
						var isNew bool
						err := stores[i%2].Write(ctx, func(ctx context.Context, tx *Tx) error {
							return tx.QueueMessage(ctx, seen, m, true, func(n bool) { isNew = n })
						})
						if err != nil {
							t.Errorf("round %d, writer %d: %v", round, i, err)
						}
						mu.Lock()
						defer mu.Unlock()
						if isNew {
							fresh[m.MessageID]++
						}
					})
				}
				wg.Wait()
				if len(fresh) != 24 {
					t.Fatalf("round %d: %d messages written, want 24", round, len(fresh))
				}
				for id, n := range fresh {
					if n != 2 {
						t.Errorf("round %d: %s written %d times, want 2 (each delivery)", round, id, n)
					}
				}
				for p := range 3 {
					c, err := stores[1].FindContact(ctx, acctA, consent.ContactKey{WAID: waID(p)})
					if err != nil {
						t.Fatalf("round %d, person %d: %v", round, p, err)
					}
					st, err := stores[0].State(ctx, c.ID, "phone-1")
					if want := time.Date(2026, 3, 2, 10, 45+p, 0, 0, time.UTC); err != nil || !st.LastInbound.Equal(want) {
						t.Errorf("round %d, person %d: window %v, %v; want %v", round, p, st.LastInbound, err, want)
					}
				}
				var contacts int
				if err := stores[0].db.QueryRowContext(ctx, "SELECT COUNT(*) FROM contacts WHERE wa_id LIKE $1", fmt.Sprintf("4477___%05d", round)).Scan(&contacts); err != nil || contacts != 3 {
					t.Fatalf("round %d: %d contacts, %v; want 3", round, contacts, err)
				}
				// Known people are found by both instances, which then meet
				// on the messages, in the same order, and rename them only
				// where the other does not hold them: no deadlock. (A new
				// person is created by one instance; the other loses that
				// race and runs again.)
				if n := stores[0].retries.Load() + stores[1].retries.Load() - before; round%2 == 1 && n > 0 {
					t.Errorf("round %d: %d group commits ran again", round, n)
				}
				// The people on record as "Ana" were renamed.
				var renamed int
				if err := stores[0].db.QueryRowContext(ctx, "SELECT COUNT(*) FROM contacts WHERE wa_id LIKE $1 AND name LIKE 'Ana _'",
					fmt.Sprintf("4477___%05d", round)).Scan(&renamed); round%2 == 1 && (err != nil || renamed == 0) {
					t.Errorf("round %d: %d people renamed, %v", round, renamed, err)
				}
			}
		})
	}
}

// TestQueuedMessagesBeforeLookups: what a transaction does after queueing a
// message sees it as if written at once. A number change after a queued
// message from the old number moves the person with their window and leaves
// nothing under the old number; a message written at once after a queued
// one renames the person last; among queued messages, the last queued names
// the person, whatever the order of their ids.
func TestQueuedMessagesBeforeLookups(t *testing.T) {
	eachBackend(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		s := openStore(t, b.DSN(t), nil)
		t0 := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
		seen := func(wa, name, lang string) ContactSeen {
			return ContactSeen{Key: consent.ContactKey{WAID: wa}, Name: name, Language: lang}
		}
		msg := func(id string, at time.Time) Inbound {
			return Inbound{AccountID: acctA, MessageID: id, PhoneNumberID: "phone-1", Type: "text", SentAt: at}
		}
		write := func(fn func(ctx context.Context, tx *Tx) error) {
			t.Helper()
			if err := s.Write(ctx, fn); err != nil {
				t.Fatal(err)
			}
		}
		nop := func(bool) {}

		// A plain message, then user_changed_number, in one transaction.
		oldWA, newWA := "5511900000001", "5511900000002"
		ana := upsert(t, s, acctA, seen(oldWA, "Ana", ""))
		write(func(ctx context.Context, tx *Tx) error {
			if err := tx.QueueMessage(ctx, seen(oldWA, "Ana", ""), msg("wamid.hi", t0), true, nop); err != nil {
				return err
			}
			_, err := tx.ChangeNumber(ctx, acctA, oldWA, newWA, "wamid.sys", t0.Add(time.Second).UnixMilli())
			return err
		})
		if c, err := s.FindContact(ctx, acctA, consent.ContactKey{WAID: oldWA}); err == nil {
			t.Errorf("a contact %d is left under the old number", c.ID)
		}
		if st, err := s.State(ctx, ana.ID, "phone-1"); err != nil || !st.LastInbound.Equal(t0) {
			t.Errorf("the person's window: %v, %v; want the message's time", st.LastInbound, err)
		}

		// A queued message, then one written at once, of the same person.
		wa := "5511900000003"
		write(func(ctx context.Context, tx *Tx) error {
			if err := tx.QueueMessage(ctx, seen(wa, "Old", "en"), msg("wamid.1", t0), true, nop); err != nil {
				return err
			}
			_, _, err := tx.IngestMessage(ctx, seen(wa, "New", "pt"), msg("wamid.2", t0.Add(time.Second)), true)
			return err
		})
		if c, err := s.FindContact(ctx, acctA, consent.ContactKey{WAID: wa}); err != nil || c.Name != "New" || c.Language != "pt" {
			t.Errorf("after a queued then an at-once message: %+v, %v; want New, pt", c, err)
		}

		// Two queued messages: the later queued names the person, though its id sorts first.
		wa = "5511900000004"
		write(func(ctx context.Context, tx *Tx) error {
			if err := tx.QueueMessage(ctx, seen(wa, "Old", "en"), msg("wamid.B", t0), true, nop); err != nil {
				return err
			}
			return tx.QueueMessage(ctx, seen(wa, "New", "pt"), msg("wamid.A", t0.Add(time.Second)), true, nop)
		})
		if c, err := s.FindContact(ctx, acctA, consent.ContactKey{WAID: wa}); err != nil || c.Name != "New" || c.Language != "pt" {
			t.Errorf("after two queued messages: %+v, %v; want New, pt", c, err)
		}
	})
}

// TestQueuedRenameNeverWaits (PostgreSQL): a queued message whose person's
// row another transaction holds is written without waiting for it, the
// rename left out; the person's next message renames them.
func TestQueuedRenameNeverWaits(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		if b.Name != "postgres" {
			continue // one SQLite file has one writer
		}
		t.Run(b.Name, func(t *testing.T) {
			ctx := context.Background()
			s := openStore(t, b.DSN(t), nil)
			const wa = "447700900777"
			c := upsert(t, s, acctA, ContactSeen{Key: consent.ContactKey{WAID: wa}, Name: "Ana"})
			holder, err := s.db.BeginTx(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := holder.ExecContext(ctx, "SELECT id FROM contacts WHERE id = $1 FOR NO KEY UPDATE", c.ID); err != nil {
				t.Fatal(err)
			}
			queue := func(id, name string) error {
				return s.Write(ctx, func(ctx context.Context, tx *Tx) error {
					return tx.QueueMessage(ctx, ContactSeen{Key: consent.ContactKey{WAID: wa}, Name: name},
						Inbound{AccountID: acctA, MessageID: id, PhoneNumberID: "phone-1", Type: "text", SentAt: time.Now()}, true, func(bool) {})
				})
			}
			// Were the rename to wait for the holder, this write would wait
			// until the statement timeout ends it, or the holder lets go
			// after a minute: either fails the test.
			released := make(chan bool, 1)
			done := make(chan struct{})
			go func() {
				timedOut := false
				select {
				case <-done:
				case <-time.After(time.Minute):
					timedOut = true
				}
				// Let go before answering, so that the next message below
				// finds the person free (it raced the rollback before).
				holder.Rollback()
				released <- timedOut
			}()
			err = queue("wamid.held", "Bia")
			close(done)
			if <-released {
				t.Fatal("the queued message waited for the transaction holding its person")
			}
			if err != nil {
				t.Fatal(err)
			}
			name := func() string {
				t.Helper()
				var n string
				if err := s.db.QueryRowContext(ctx, "SELECT name FROM contacts WHERE id = $1", c.ID).Scan(&n); err != nil {
					t.Fatal(err)
				}
				return n
			}
			if n := name(); n != "Ana" {
				t.Errorf("renamed to %q under another transaction's lock", n)
			}
			if err := queue("wamid.next", "Bia"); err != nil {
				t.Fatal(err)
			}
			if n := name(); n != "Bia" {
				t.Errorf("after the next message, the name is %q; want Bia", n)
			}
		})
	}
}

// TestPastMessagesFoundAcrossCommitsAndSavepoints: a plain message sent
// from a number before its owner moved is the mover's, however the change
// reached the set of changed numbers (changedNumberSet): committed by an
// earlier group commit, or written in the same one by a writer after another
// writer's change was rolled back to its savepoint (the row id is given
// again, to the later change).
func TestPastMessagesFoundAcrossCommitsAndSavepoints(t *testing.T) {
	s := startSQLite(t, filepath.Join(t.TempDir(), "optgate.db"), time.Hour)
	ctx := context.Background()
	t0 := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	msg := func(id string, at time.Time) Inbound {
		return Inbound{AccountID: acctA, MessageID: id, PhoneNumberID: "phone-1", Type: "text", SentAt: at}
	}
	seen := func(wa string) ContactSeen { return ContactSeen{Key: consent.ContactKey{WAID: wa}} }
	nop := func(bool) {}
	for _, wa := range []string{"4477000000010", "4477000000020", "4477000000030"} {
		upsert(t, s, acctA, seen(wa))
	}
	queuePlain(t, s, t0, "4477000000099") // the set is read once

	// A change committed, then a message from before it.
	err := s.Write(ctx, func(ctx context.Context, tx *Tx) error {
		_, err := tx.ChangeNumber(ctx, acctA, "4477000000010", "4477000000011", "wamid.change.1", t0.Add(time.Minute).UnixMilli())
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	err = s.Write(ctx, func(ctx context.Context, tx *Tx) error {
		return tx.QueueMessage(ctx, seen("4477000000010"), msg("wamid.before.1", t0.Add(30*time.Second)), true, nop)
	})
	if err != nil {
		t.Fatal(err)
	}

	// One group commit: a writer changes a number, reads the set, and
	// fails; the next changes another number (the same row id); a third
	// sends from that number's past.
	jobs := []*writeJob{
		{ctx: ctx, done: make(chan error, 1), fn: func(ctx context.Context, tx *Tx) error {
			if _, err := tx.ChangeNumber(ctx, acctA, "4477000000020", "4477000000021", "wamid.change.2", t0.Add(time.Minute).UnixMilli()); err != nil {
				return err
			}
			if err := tx.QueueMessage(ctx, seen("4477000000098"), msg("wamid.other", t0), true, nop); err != nil {
				return err
			}
			if _, err := tx.FindContact(ctx, acctA, consent.ContactKey{WAID: "4477000000098"}); err != nil {
				return err
			}
			return consent.Errorf(consent.EInvalid, "this writer fails")
		}},
		{ctx: ctx, done: make(chan error, 1), fn: func(ctx context.Context, tx *Tx) error {
			_, err := tx.ChangeNumber(ctx, acctA, "4477000000030", "4477000000031", "wamid.change.3", t0.Add(time.Minute).UnixMilli())
			return err
		}},
		{ctx: ctx, done: make(chan error, 1), fn: func(ctx context.Context, tx *Tx) error {
			return tx.QueueMessage(ctx, seen("4477000000030"), msg("wamid.before.3", t0.Add(30*time.Second)), true, nop)
		}},
	}
	s.runBatch(jobs)
	for i, j := range jobs {
		if err := <-j.done; (err != nil) != (i == 0) {
			t.Fatalf("writer %d: %v", i, err)
		}
	}
	for _, c := range []struct{ old, new string }{{"4477000000010", "4477000000011"}, {"4477000000030", "4477000000031"}} {
		if got, err := s.FindContact(ctx, acctA, consent.ContactKey{WAID: c.old}); err == nil {
			t.Errorf("%s has a record (%d) made of the mover's past message", c.old, got.ID)
		}
		if got := windowOf(t, s, c.new); !got.Equal(t0.Add(30 * time.Second)) {
			t.Errorf("%s (moved from %s): window %v, want the past message's", c.new, c.old, got)
		}
	}
}
