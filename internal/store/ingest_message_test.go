package store

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/optgate/optgate/internal/consent"
	"github.com/optgate/optgate/internal/store/storetest"
)

// TestIngestMessage: a message's contact, the message and its window, in one
// call, as UpsertContact, InsertInbound and TouchWindow do them one by one
// (on PostgreSQL in one statement).
func TestIngestMessage(t *testing.T) {
	eachBackend(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		s := openStore(t, b.DSN(t), nil)
		t0 := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
		ingest := func(seen ContactSeen, id string, at time.Time, open bool) (consent.Contact, bool) {
			t.Helper()
			var c consent.Contact
			var isNew bool
			err := s.Write(ctx, func(ctx context.Context, tx *Tx) error {
				var err error
				c, isNew, err = tx.IngestMessage(ctx, seen, Inbound{AccountID: acctA, MessageID: id, PhoneNumberID: "phone-1", Type: "text", SentAt: at}, open)
				return err
			})
			if err != nil {
				t.Fatalf("ingest %s: %v", id, err)
			}
			return c, isNew
		}
		window := func(id int64) consent.State {
			t.Helper()
			st, err := s.State(ctx, id, "phone-1")
			if err != nil {
				t.Fatal(err)
			}
			return st
		}
		ana := ContactSeen{Key: consent.ContactKey{WAID: "5511987650001"}, Name: "Ana", Language: "pt"}

		// A new person: created, the message new, the window open.
		c, isNew := ingest(ana, "wamid.1", t0, true)
		if !isNew || c.ID == 0 || c.WAID != ana.Key.WAID || c.Name != "Ana" || c.Language != "pt" || c.AccountID != acctA {
			t.Fatalf("first message: %+v new=%v", c, isNew)
		}
		if st := window(c.ID); !st.LastInbound.Equal(t0) {
			t.Fatalf("window after the first message: %+v", st)
		}
		// The same message again: the same person, not new, the window unmoved.
		again, isNew := ingest(ana, "wamid.1", t0.Add(time.Hour), true)
		if isNew || again.ID != c.ID {
			t.Fatalf("redelivery: %+v new=%v", again, isNew)
		}
		if st := window(c.ID); !st.LastInbound.Equal(t0) {
			t.Fatalf("a redelivery moved the window: %+v", st)
		}
		// A later message with a new name: found, completed, window moved;
		// a late one does not move it back.
		renamed := ana
		renamed.Name = "Ana Souza"
		got, isNew := ingest(renamed, "wamid.2", t0.Add(2*time.Hour), true)
		if !isNew || got.ID != c.ID || got.Name != "Ana Souza" || got.Language != "pt" {
			t.Fatalf("second message: %+v new=%v", got, isNew)
		}
		if stored, err := s.FindContact(ctx, acctA, ana.Key); err != nil || stored.Name != "Ana Souza" {
			t.Fatalf("stored after rename: %+v, %v", stored, err)
		}
		ingest(renamed, "wamid.3", t0.Add(time.Hour), true)
		if st := window(c.ID); !st.LastInbound.Equal(t0.Add(2 * time.Hour)) {
			t.Fatalf("a late message moved the window back: %+v", st)
		}
		// Without openWindow (a system message) the window stays as it was.
		ingest(renamed, "wamid.4", t0.Add(5*time.Hour), false)
		if st := window(c.ID); !st.LastInbound.Equal(t0.Add(2 * time.Hour)) {
			t.Fatalf("openWindow false moved the window: %+v", st)
		}
		// A business-scoped user id goes by UpsertContact's rules.
		withUser := ana
		withUser.Key.UserID = "BR.123456"
		got, isNew = ingest(withUser, "wamid.5", t0.Add(3*time.Hour), true)
		if !isNew || got.ID != c.ID || got.UserID != "BR.123456" {
			t.Fatalf("with a user id: %+v new=%v", got, isNew)
		}
		// A new person without a name.
		bea, isNew := ingest(ContactSeen{Key: consent.ContactKey{WAID: "447700900123"}}, "wamid.6", t0, true)
		if !isNew || bea.ID == 0 || bea.ID == c.ID || bea.Name != "" {
			t.Fatalf("a second person: %+v new=%v", bea, isNew)
		}
	})
}

// TestPayloadsWrittenAtCommit: payloads saved by the writers of a group
// commit are written together before it commits, once per writer that
// saved them (each is a delivery, redeliveries too), and a writer that
// fails takes its payload with it while the others' stay.
func TestPayloadsWrittenAtCommit(t *testing.T) {
	eachBackend(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		s := openStore(t, b.DSN(t), nil)
		count := func(body string) int {
			t.Helper()
			var n int
			if err := s.db.QueryRowContext(ctx, s.dialect.rewrite("SELECT COUNT(*) FROM webhook_payloads WHERE body = $1"), []byte(body)).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		var wg sync.WaitGroup
		failed := make(chan error, 200)
		for i := range 200 {
			wg.Go(func() {
				body := fmt.Sprintf(`{"n":%d}`, i%10)
				fail := i%7 == 3
				if fail {
					body = fmt.Sprintf(`{"failed":%d}`, i)
				}
				err := s.Write(ctx, func(ctx context.Context, tx *Tx) error {
					if err := tx.SavePayload(ctx, []byte(body), false); err != nil {
						return err
					}
					if err := tx.SavePayload(ctx, []byte(body), false); err != nil { // twice in one writer
						return err
					}
					if fail {
						return consent.Errorf(consent.EInvalid, "writer %d fails", i)
					}
					return nil
				})
				if fail != (err != nil) {
					failed <- fmt.Errorf("writer %d: err %v", i, err)
				}
			})
		}
		wg.Wait()
		close(failed)
		for err := range failed {
			t.Error(err)
		}
		want := make([]int, 10) // the writers of each body that succeed
		for i := range 200 {
			if i%7 != 3 {
				want[i%10]++
			}
		}
		for i := range 10 {
			if n := count(fmt.Sprintf(`{"n":%d}`, i)); n != want[i] {
				t.Errorf(`payload {"n":%d}: %d rows, want %d`, i, n, want[i])
			}
		}
		for i := 3; i < 200; i += 7 {
			if n := count(fmt.Sprintf(`{"failed":%d}`, i)); n != 0 {
				t.Errorf("the payload of failed writer %d was stored", i)
			}
		}
	})
}

// TestIngestMessageRedeliveredToTwoInstances: the same messages delivered to
// two instances at once (PostgreSQL, one database), from a person whose name
// changes from message to message: every write succeeds, the person is one
// contact, and each message is new exactly once.
func TestIngestMessageRedeliveredToTwoInstances(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		if b.Name != "postgres" {
			continue // one SQLite file has one writer
		}
		t.Run(b.Name, func(t *testing.T) {
			dsn := b.DSN(t)
			stores := []*Store{openStore(t, dsn, nil), openStore(t, dsn, nil)}
			ctx := context.Background()
			for round := range 10 {
				waID := fmt.Sprintf("4477009%05d", round)
				if round%2 == 1 {
					// Known already: only the message and the name are new.
					upsert(t, stores[0], acctA, ContactSeen{Key: consent.ContactKey{WAID: waID}, Name: "Ana"})
				}
				before := stores[0].retries.Load() + stores[1].retries.Load()
				var mu sync.Mutex
				contacts, fresh := map[int64]bool{}, 0
				var wg sync.WaitGroup
				for i := range 16 {
					wg.Go(func() {
						seen := ContactSeen{Key: consent.ContactKey{WAID: waID}, Name: fmt.Sprintf("Ana %d", i), Language: []string{"pt", "en"}[i%2]}
						m := Inbound{AccountID: acctA, MessageID: fmt.Sprintf("wamid.%d.%d", round, i%8), PhoneNumberID: "phone-1", Type: "text",
							SentAt: time.Date(2026, 3, 2, 10, i, 0, 0, time.UTC)}
						var c consent.Contact
						var isNew bool
						err := stores[i%2].Write(ctx, func(ctx context.Context, tx *Tx) error {
							var err error
							c, isNew, err = tx.IngestMessage(ctx, seen, m, true)
							return err
						})
						mu.Lock()
						defer mu.Unlock()
						if err != nil {
							t.Errorf("round %d, writer %d: %v", round, i, err)
							return
						}
						contacts[c.ID] = true
						if isNew {
							fresh++
						}
					})
				}
				wg.Wait()
				if len(contacts) != 1 || fresh != 8 {
					t.Fatalf("round %d: contacts %v, %d messages new (want one contact, 8 new)", round, contacts, fresh)
				}
				// For a person known already, both instances lock the person
				// first, then the message: they queue, and no group commit is
				// rolled back for a deadlock. (A new person is created by one
				// instance; the other loses that race and runs again.)
				if n := stores[0].retries.Load() + stores[1].retries.Load() - before; round%2 == 1 && n > 0 {
					t.Errorf("round %d: %d group commits ran again after a deadlock", round, n)
				}
			}
		})
	}
}
