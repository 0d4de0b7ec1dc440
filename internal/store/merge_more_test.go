package store

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/optgate/optgate/internal/consent"
	"github.com/optgate/optgate/internal/store/storetest"
)

// TestPreviousOwnerNotMergedByUserID: the person writes from their new
// number, with the new user id Meta gives it, before user_changed_number is
// processed; the message lands on the number's previous owner's record. The
// change takes the number and that user id from it, so the person's next
// message, naming both, does not merge the previous owner's record (and
// their opt-in) into the person's.
func TestPreviousOwnerNotMergedByUserID(t *testing.T) {
	eachBackend(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		clk := newClock()
		s := openStore(t, b.DSN(t), clk.now)
		const oldNum, newNum, u1, u2 = "447700900031", "447700900032", "GB.111", "GB.222"
		owner := mustAppend(t, s, consent.ContactKey{WAID: newNum}, event(acctA, consent.OptIn, consent.TopicScope("promotions")))
		person := mustAppend(t, s, consent.ContactKey{WAID: oldNum, UserID: u1}, event(acctA, consent.OptIn, consent.TopicScope("order_updates")))
		clk.advance(time.Hour)
		at := clk.now()
		clk.advance(5 * time.Second)
		// The mover writes from the new number (new user id) before the change is processed.
		if c := ingest(t, s, consent.ContactKey{WAID: newNum, UserID: u2}, "wamid.r.1", clk.now()); c.ID != owner.ContactID {
			t.Fatalf("landed on %d", c.ID)
		}
		if err := s.Write(ctx, func(ctx context.Context, tx *Tx) error {
			_, err := tx.ChangeNumber(ctx, acctA, oldNum, newNum, "wamid.r.change", ms(at))
			return err
		}); err != nil {
			t.Fatal(err)
		}
		clk.advance(time.Minute)
		ingest(t, s, consent.ContactKey{WAID: newNum, UserID: u2}, "wamid.r.2", clk.now())
		id, st, err := s.DecisionState(ctx, acctA, consent.ContactKey{WAID: newNum}, mergePhone)
		if err != nil || id != person.ContactID {
			t.Fatalf("decision reads %d, %v", id, err)
		}
		if sc, ok := scopeOf(st, consent.TopicScope("promotions")); ok {
			t.Errorf("the previous owner's opt-in is now the mover's: %+v", sc)
		}
		if _, _, into := mergedInto(t, s, owner.ContactID); into.Valid {
			t.Errorf("previous owner's record merged into %d", into.Int64)
		}
		if h, _ := s.History(ctx, person.ContactID); len(h) != 1 {
			t.Errorf("mover's history has %d events, want 1 (own)", len(h))
		}
	})
}

// TestMergeRacesStop: two instances on PostgreSQL. B finds the user-id-only
// record and records a STOP on it while A merges that record into the
// number's. The STOP must not land on a record with no keys, which no
// decision reads: the merge takes the ledger lock, and the append follows
// the merge.
func TestMergeRacesStop(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		if b.Name != "postgres" {
			continue
		}
		ctx := context.Background()
		clk := newClock()
		dsn := b.DSN(t)
		a := openStore(t, dsn, clk.now)
		bs := openStore(t, dsn, clk.now)
		const waID, userID = "447700900041", "GB.444"
		mustAppend(t, a, consent.ContactKey{WAID: waID}, event(acctA, consent.OptIn, consent.TopicScope("promotions")))
		ingest(t, a, consent.ContactKey{UserID: userID}, "wamid.race.0", clk.now())
		found, merged := make(chan struct{}), make(chan struct{})
		errc := make(chan error, 1)
		go func() {
			errc <- bs.Write(ctx, func(ctx context.Context, tx *Tx) error {
				c, err := tx.UpsertContact(ctx, acctA, ContactSeen{Key: consent.ContactKey{UserID: userID}})
				if err != nil {
					return err
				}
				close(found)
				<-merged
				ev := event(acctA, consent.OptOut, consent.ScopeAll)
				ev.ContactID = c.ID
				return tx.AppendEvent(ctx, &ev)
			})
		}()
		<-found
		clk.advance(time.Minute)
		ingest(t, a, consent.ContactKey{WAID: waID, UserID: userID}, "wamid.race.1", clk.now())
		close(merged)
		if err := <-errc; err != nil {
			t.Fatal(err)
		}
		for _, key := range []consent.ContactKey{{WAID: waID}, {UserID: userID}} {
			_, st, err := a.DecisionState(ctx, acctA, key, mergePhone)
			if err != nil {
				t.Fatal(err)
			}
			if sc, ok := scopeOf(st, consent.ScopeAll); !ok || sc.Action != consent.OptOut {
				t.Errorf("%v: the STOP is not enforced: %+v", key, st.Scopes)
			}
		}
	}
}

// olderOptInSkip turns down an opt-in older than an opt-out on record.
var olderOptInSkip = func(scopes []consent.ScopeState, r *ImportRow) bool {
	for _, sc := range scopes {
		if sc.Action == consent.OptOut && sc.OccurredAt.After(r.OccurredAt) {
			return true
		}
	}
	return false
}

// TestImportSkipReadsNumberOfUserID: an import row keyed by user id whose
// record holds one Brazilian form of the number; the other form's newer
// opt-out turns the older opt-in down.
func TestImportSkipReadsNumberOfUserID(t *testing.T) {
	eachBackend(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		s := openStore(t, b.DSN(t), nil)
		const meta, typed, uid = "551187654321", "5511987654321", "BR.999"
		at := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
		upsert(t, s, acctA, ContactSeen{Key: consent.ContactKey{WAID: typed, UserID: uid}})
		out := event(acctA, consent.OptOut, consent.TopicScope("promotions"))
		out.OccurredAt = at
		mustAppend(t, s, consent.ContactKey{WAID: meta}, out)
		row := ImportRow{Key: "u1", UserID: uid, Action: consent.OptIn, Scope: consent.TopicScope("promotions"), Source: "crm",
			Evidence: `{"list":"old"}`, OccurredAt: at.Add(-time.Hour)}
		n, err := s.ImportBatch(ctx, acctA, "import:test", []ImportRow{row}, olderOptInSkip)
		if err != nil {
			t.Fatal(err)
		}
		if n.Skipped != 1 {
			t.Errorf("older opt-in by user id, newer opt-out under the other form: %+v, want skipped", n)
		}
		_, st, _ := s.DecisionState(ctx, acctA, consent.ContactKey{WAID: typed}, mergePhone)
		if sc, _ := scopeOf(st, consent.TopicScope("promotions")); sc.Action != consent.OptOut {
			t.Errorf("send to %s reads %+v", typed, sc)
		}
	})
}

// TestImportSkipReadsUserIDRecord: an import row naming a number and a user
// id; the user-id-only record's newer STOP turns the older opt-in down, and
// after the merge the STOP holds.
func TestImportSkipReadsUserIDRecord(t *testing.T) {
	eachBackend(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		clk := newClock()
		s := openStore(t, b.DSN(t), clk.now)
		const waID, uid = "447700900051", "GB.555"
		upsert(t, s, acctA, ContactSeen{Key: consent.ContactKey{WAID: waID}})
		hidden := ingest(t, s, consent.ContactKey{UserID: uid}, "wamid.i.0", clk.now())
		out := event(acctA, consent.OptOut, consent.ScopeAll)
		out.ContactID = hidden.ID
		if err := s.Write(ctx, func(ctx context.Context, tx *Tx) error { return tx.AppendEvent(ctx, &out) }); err != nil {
			t.Fatal(err)
		}
		row := ImportRow{Key: "i1", WAID: waID, UserID: uid, Action: consent.OptIn, Scope: consent.ScopeAll, Source: "crm",
			Evidence: `{"list":"old"}`, OccurredAt: clk.now().Add(-30 * 24 * time.Hour)}
		n, err := s.ImportBatch(ctx, acctA, "import:test", []ImportRow{row}, olderOptInSkip)
		if err != nil {
			t.Fatal(err)
		}
		if n.Skipped != 1 {
			t.Errorf("older opt-in naming the user id of a newer STOP: %+v, want skipped", n)
		}
		clk.advance(time.Minute)
		ingest(t, s, consent.ContactKey{WAID: waID, UserID: uid}, "wamid.i.1", clk.now())
		_, st, _ := s.DecisionState(ctx, acctA, consent.ContactKey{WAID: waID}, mergePhone)
		if sc, _ := scopeOf(st, consent.ScopeAll); sc.Action != consent.OptOut {
			t.Errorf("after the merge, scope all = %+v; the newer STOP is lost", sc)
		}
	})
}

// TestExportOfMergedRecord: after a merge, the merged record's STOP is
// exported under the keys of the record it was merged into, so that the
// export imports again (a row needs a number or a user id).
func TestExportOfMergedRecord(t *testing.T) {
	eachBackend(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		clk := newClock()
		s := openStore(t, b.DSN(t), clk.now)
		const waID, uid = "447700900061", "GB.666"
		upsert(t, s, acctA, ContactSeen{Key: consent.ContactKey{WAID: waID}})
		hidden := ingest(t, s, consent.ContactKey{UserID: uid}, "wamid.e.0", clk.now())
		out := event(acctA, consent.OptOut, consent.ScopeAll)
		out.ContactID = hidden.ID
		if err := s.Write(ctx, func(ctx context.Context, tx *Tx) error { return tx.AppendEvent(ctx, &out) }); err != nil {
			t.Fatal(err)
		}
		ingest(t, s, consent.ContactKey{WAID: waID, UserID: uid}, "wamid.e.1", clk.now())
		rows, err := s.ExportEvents(ctx, acctA, 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			if r.WAID == "" && r.UserID == "" {
				t.Errorf("exported event seq %d (%s %s) names no person", r.Seq, r.Action, r.Scope)
			}
		}
	})
}

// TestChangeNumberRacesStop: two instances on PostgreSQL. B finds the
// new number's record, a previous owner's, for the person's STOP sent
// after the change; A processes user_changed_number meanwhile, carries what
// the record holds since the change (not the STOP yet) and releases it. B's
// append finds the record released and runs again: the STOP lands on the
// person's record, which the number now leads to.
func TestChangeNumberRacesStop(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		if b.Name != "postgres" {
			continue
		}
		ctx := context.Background()
		clk := newClock()
		dsn := b.DSN(t)
		a := openStore(t, dsn, clk.now)
		bs := openStore(t, dsn, clk.now)
		const oldNum, newNum = "447700900071", "447700900072"
		mustAppend(t, a, consent.ContactKey{WAID: newNum}, event(acctA, consent.OptIn, consent.TopicScope("promotions"))) // previous owner
		person := mustAppend(t, a, consent.ContactKey{WAID: oldNum}, event(acctA, consent.OptIn, consent.TopicScope("order_updates")))
		clk.advance(time.Hour)
		at := clk.now()
		clk.advance(5 * time.Second)
		found, changed := make(chan struct{}), make(chan struct{})
		var foundOnce sync.Once
		errc := make(chan error, 1)
		go func() {
			errc <- bs.Write(ctx, func(ctx context.Context, tx *Tx) error {
				c, err := tx.UpsertContact(ctx, acctA, ContactSeen{Key: consent.ContactKey{WAID: newNum}})
				if err != nil {
					return err
				}
				foundOnce.Do(func() { close(found) })
				<-changed
				ev := event(acctA, consent.OptOut, consent.ScopeAll)
				ev.ContactID, ev.OccurredAt = c.ID, clk.now()
				return tx.AppendEvent(ctx, &ev)
			})
		}()
		<-found
		if err := a.Write(ctx, func(ctx context.Context, tx *Tx) error {
			_, err := tx.ChangeNumber(ctx, acctA, oldNum, newNum, "wamid.rev.change", ms(at))
			return err
		}); err != nil {
			t.Fatal(err)
		}
		close(changed)
		if err := <-errc; err != nil {
			t.Fatal(err)
		}
		id, st, err := a.DecisionState(ctx, acctA, consent.ContactKey{WAID: newNum}, mergePhone)
		if err != nil || id != person.ContactID {
			t.Fatalf("decision reads %d, %v", id, err)
		}
		if sc, ok := scopeOf(st, consent.ScopeAll); !ok || sc.Action != consent.OptOut {
			t.Errorf("the STOP sent from the new number is not enforced: %+v", st.Scopes)
		}
	}
}

// TestMergeAfterUncommittedStop: the other order of TestMergeRacesStop. B
// has appended the STOP (holding the ledger lock, not committed) when A
// merges; the merge waits for the lock and carries the STOP.
func TestMergeAfterUncommittedStop(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		if b.Name != "postgres" {
			continue
		}
		ctx := context.Background()
		clk := newClock()
		dsn := b.DSN(t)
		a := openStore(t, dsn, clk.now)
		bs := openStore(t, dsn, clk.now)
		const waID, userID = "447700900081", "GB.888"
		mustAppend(t, a, consent.ContactKey{WAID: waID}, event(acctA, consent.OptIn, consent.TopicScope("promotions")))
		hidden := ingest(t, a, consent.ContactKey{UserID: userID}, "wamid.race2.0", clk.now())
		appended := make(chan struct{})
		errc := make(chan error, 1)
		go func() {
			errc <- bs.Write(ctx, func(ctx context.Context, tx *Tx) error {
				ev := event(acctA, consent.OptOut, consent.ScopeAll)
				ev.ContactID = hidden.ID
				if err := tx.AppendEvent(ctx, &ev); err != nil {
					return err
				}
				close(appended)
				time.Sleep(300 * time.Millisecond)
				return nil
			})
		}()
		<-appended
		clk.advance(time.Minute)
		ingest(t, a, consent.ContactKey{WAID: waID, UserID: userID}, "wamid.race2.1", clk.now())
		if err := <-errc; err != nil {
			t.Fatal(err)
		}
		_, st, err := a.DecisionState(ctx, acctA, consent.ContactKey{WAID: waID}, mergePhone)
		if err != nil {
			t.Fatal(err)
		}
		if sc, ok := scopeOf(st, consent.ScopeAll); !ok || sc.Action != consent.OptOut {
			t.Errorf("the STOP is not enforced: %+v", st.Scopes)
		}
	}
}

// TestRecycledNumberNotMerged: Meta keeps a person's user id while they
// keep their number, so a message naming the number with another user id
// comes from a new holder of a recycled number. Their record (made when
// they wrote under the user id alone) must not be merged into the previous
// holder's, whose opt-in would then be read for sends to the new holder.
// A person who came to the number by a number change does get merged: the
// new user id is the one Meta gave them with it.
func TestRecycledNumberNotMerged(t *testing.T) {
	eachBackend(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		clk := newClock()
		s := openStore(t, b.DSN(t), clk.now)
		const num, oldUser, newUser = "447700900091", "GB.9100001", "GB.9100002"
		mustAppend(t, s, consent.ContactKey{WAID: num, UserID: oldUser}, event(acctA, consent.OptIn, consent.TopicScope("promotions")))
		clk.advance(time.Hour)
		holder := ingest(t, s, consent.ContactKey{UserID: newUser}, "wamid.recycled.1", clk.now())
		clk.advance(time.Minute)
		ingest(t, s, consent.ContactKey{WAID: num, UserID: newUser}, "wamid.recycled.2", clk.now())
		if _, _, into := mergedInto(t, s, holder.ID); into.Valid {
			t.Errorf("the new holder's record was merged into %d", into.Int64)
		}
		_, st, err := s.DecisionState(ctx, acctA, consent.ContactKey{UserID: newUser}, mergePhone)
		if err != nil {
			t.Fatal(err)
		}
		if sc, ok := scopeOf(st, consent.TopicScope("promotions")); ok {
			t.Errorf("sends to the new holder read the previous holder's opt-in: %+v", sc)
		}

		// The same, for a person who moved to the number.
		const oldNum, newNum, u1, u2 = "447700900092", "447700900093", "GB.9200001", "GB.9200002"
		person := mustAppend(t, s, consent.ContactKey{WAID: oldNum, UserID: u1}, event(acctA, consent.OptIn, consent.TopicScope("promotions")))
		clk.advance(time.Hour)
		if err := s.Write(ctx, func(ctx context.Context, tx *Tx) error {
			_, err := tx.ChangeNumber(ctx, acctA, oldNum, newNum, "wamid.moved.change", ms(clk.now()))
			return err
		}); err != nil {
			t.Fatal(err)
		}
		clk.advance(time.Minute)
		hidden := ingest(t, s, consent.ContactKey{UserID: u2}, "wamid.moved.1", clk.now())
		stop := event(acctA, consent.OptOut, consent.ScopeAll)
		stop.ContactID = hidden.ID
		if err := s.Write(ctx, func(ctx context.Context, tx *Tx) error { return tx.AppendEvent(ctx, &stop) }); err != nil {
			t.Fatal(err)
		}
		clk.advance(time.Minute)
		ingest(t, s, consent.ContactKey{WAID: newNum, UserID: u2}, "wamid.moved.2", clk.now())
		if _, _, into := mergedInto(t, s, hidden.ID); !into.Valid || into.Int64 != person.ContactID {
			t.Errorf("the mover's user-id record merged into %v, want %d", into, person.ContactID)
		}
		_, st, err = s.DecisionState(ctx, acctA, consent.ContactKey{WAID: newNum}, mergePhone)
		if sc, ok := scopeOf(st, consent.ScopeAll); err != nil || !ok || sc.Action != consent.OptOut {
			t.Errorf("the mover's STOP under their new user id: %+v, %v", st.Scopes, err)
		}
	})
}

// TestRecycledAfterChangeNotMerged: the mover has long had the new user id
// Meta gave with the new number; the number is later recycled to a
// stranger who hides their number. The stranger's user-id record must not
// merge into the mover's.
func TestRecycledAfterChangeNotMerged(t *testing.T) {
	eachBackend(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		clk := newClock()
		s := openStore(t, b.DSN(t), clk.now)
		const oldNum, newNum, u1, u2, u3 = "447700900051", "447700900052", "GB.1", "GB.2", "GB.3"
		mover := mustAppend(t, s, consent.ContactKey{WAID: oldNum, UserID: u1}, event(acctA, consent.OptIn, consent.TopicScope("promotions")))
		clk.advance(time.Hour)
		if err := s.Write(ctx, func(ctx context.Context, tx *Tx) error {
			_, err := tx.ChangeNumber(ctx, acctA, oldNum, newNum, "wamid.rv.change", ms(clk.now()))
			return err
		}); err != nil {
			t.Fatal(err)
		}
		clk.advance(time.Minute)
		if c := ingest(t, s, consent.ContactKey{WAID: newNum, UserID: u2}, "wamid.rv.1", clk.now()); c.ID != mover.ContactID || c.UserID != u2 {
			t.Fatalf("mover's message: %+v", c)
		}
		clk.advance(400 * 24 * time.Hour) // the number is recycled
		stranger := ingest(t, s, consent.ContactKey{UserID: u3}, "wamid.rv.2", clk.now())
		clk.advance(time.Minute)
		ingest(t, s, consent.ContactKey{WAID: newNum, UserID: u3}, "wamid.rv.3", clk.now())
		if _, _, into := mergedInto(t, s, stranger.ID); into.Valid {
			t.Errorf("stranger's record %d merged into the mover's %d", stranger.ID, into.Int64)
		}
		_, st, err := s.DecisionState(ctx, acctA, consent.ContactKey{UserID: u3}, mergePhone)
		if err != nil {
			t.Fatal(err)
		}
		if sc, ok := scopeOf(st, consent.TopicScope("promotions")); ok {
			t.Errorf("the stranger (user id %s) now carries the mover's opt-in: %+v", u3, sc)
		}
	})
}

// TestLateStopToReleasedMover: a mover's record later loses its number to
// another change (as that number's previous owner). A retried STOP from the
// number it moved from, sent before its own change, reaches the released
// record through the number's past and is recorded there, the person's,
// rather than failing as a lost race on every redelivery.
func TestLateStopToReleasedMover(t *testing.T) {
	eachBackend(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		clk := newClock()
		s := openStore(t, b.DSN(t), clk.now)
		const q, y, x = "447700900061", "447700900062", "447700900063"
		mustAppend(t, s, consent.ContactKey{WAID: q}, event(acctA, consent.OptIn, consent.TopicScope("promotions")))
		mustAppend(t, s, consent.ContactKey{WAID: x}, event(acctA, consent.OptIn, consent.TopicScope("promotions")))
		clk.advance(time.Hour)
		t0 := clk.now()
		change := func(from, to, id string) {
			if err := s.Write(ctx, func(ctx context.Context, tx *Tx) error {
				_, err := tx.ChangeNumber(ctx, acctA, from, to, id, ms(clk.now()))
				return err
			}); err != nil {
				t.Fatal(err)
			}
		}
		change(q, y, "wamid.rel.1") // P: q -> y
		clk.advance(2 * 24 * time.Hour)
		change(x, y, "wamid.rel.2") // A: x -> y; P's record is released
		err := s.Write(ctx, func(ctx context.Context, tx *Tx) error {
			c, _, err := tx.IngestMessage(ctx, ContactSeen{Key: consent.ContactKey{WAID: q}},
				Inbound{AccountID: acctA, MessageID: "wamid.rel.stop", PhoneNumberID: mergePhone, Type: "text", SentAt: t0.Add(-10 * time.Second)}, true)
			if err != nil {
				return err
			}
			ev := event(acctA, consent.OptOut, consent.CategoryScope(consent.Marketing))
			ev.ContactID = c.ID
			return tx.AppendEvent(ctx, &ev)
		})
		if err != nil {
			t.Errorf("late STOP from the mover's old number: %v (the same on every redelivery)", err)
		}
	})
}
