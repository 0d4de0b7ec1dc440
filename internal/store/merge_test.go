package store

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
	"time"

	"github.com/optgate/optgate/internal/consent"
	"github.com/optgate/optgate/internal/store/storetest"
)

const mergePhone = "106540352242922"

// ingest records an inbound message from the person with key, opening their
// service window on mergePhone.
func ingest(t *testing.T, s *Store, key consent.ContactKey, id string, at time.Time) consent.Contact {
	t.Helper()
	var c consent.Contact
	err := s.Write(context.Background(), func(ctx context.Context, tx *Tx) error {
		var err error
		c, _, err = tx.IngestMessage(ctx, ContactSeen{Key: key}, Inbound{AccountID: acctA, MessageID: id, PhoneNumberID: mergePhone, Type: "text", SentAt: at}, true)
		return err
	})
	if err != nil {
		t.Fatalf("ingest %s: %v", id, err)
	}
	return c
}

// mergedInto returns the keys and merged_into of contact id.
func mergedInto(t *testing.T, s *Store, id int64) (waID, userID sql.NullString, into sql.NullInt64) {
	t.Helper()
	if err := s.db.QueryRow("SELECT wa_id, user_id, merged_into FROM contacts WHERE id = $1", id).Scan(&waID, &userID, &into); err != nil {
		t.Fatal(err)
	}
	return waID, userID, into
}

func scopeOf(st consent.State, sc consent.Scope) (consent.ScopeState, bool) {
	for _, s := range st.Scopes {
		if s.Scope == sc {
			return s, true
		}
	}
	return consent.ScopeState{}, false
}

// TestMergeUserIDRecord: a person who hides their number stops under their
// business-scoped user id alone, while the business holds their opt-in
// under the number. When a message names both, the two records become one
// person: the opt-out counts for sends to the number, the window they
// opened comes along, and the history lists both records' events.
func TestMergeUserIDRecord(t *testing.T) {
	eachBackend(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		clk := newClock()
		s := openStore(t, b.DSN(t), clk.now)
		const waID, userID = "447700900001", "GB.1234567890123456789"
		in := mustAppend(t, s, consent.ContactKey{WAID: waID}, event(acctA, consent.OptIn, consent.TopicScope("promotions")))
		clk.advance(time.Hour)
		hidden := ingest(t, s, consent.ContactKey{UserID: userID}, "wamid.hidden.1", clk.now())
		out := event(acctA, consent.OptOut, consent.ScopeAll)
		out.ContactID = hidden.ID
		if err := s.Write(ctx, func(ctx context.Context, tx *Tx) error { return tx.AppendEvent(ctx, &out) }); err != nil {
			t.Fatal(err)
		}
		if hidden.ID == in.ContactID {
			t.Fatal("the user-id record is the number's record already")
		}
		// The checks of an incoming keyword read a user-id-only person too.
		if err := s.Write(ctx, func(ctx context.Context, tx *Tx) error {
			st, err := tx.PersonState(ctx, acctA, consent.ContactKey{UserID: userID}, mergePhone)
			if sc, ok := scopeOf(st, consent.ScopeAll); err == nil && (!ok || sc.Seq != out.Seq) {
				t.Errorf("PersonState by user id: %+v", st)
			}
			return err
		}); err != nil {
			t.Fatalf("PersonState by user id: %v", err)
		}
		_, st, err := s.DecisionState(ctx, acctA, consent.ContactKey{WAID: waID}, mergePhone)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := scopeOf(st, consent.ScopeAll); ok {
			t.Fatal("before the merge, the number's record already holds the opt-out")
		}

		clk.advance(time.Minute)
		c := ingest(t, s, consent.ContactKey{WAID: waID, UserID: userID}, "wamid.both.1", clk.now())
		if c.ID != in.ContactID || c.UserID != userID || c.WAID != waID {
			t.Fatalf("contact = %+v, want record %d with both keys", c, in.ContactID)
		}
		for _, key := range []consent.ContactKey{{WAID: waID}, {UserID: userID}} {
			id, st, err := s.DecisionState(ctx, acctA, key, mergePhone)
			if err != nil || id != in.ContactID {
				t.Fatalf("%v: decision reads %d, %v; want %d", key, id, err, in.ContactID)
			}
			if sc, ok := scopeOf(st, consent.ScopeAll); !ok || sc.Action != consent.OptOut || sc.Seq != out.Seq {
				t.Errorf("%v: scope all = %+v, %v; want the opt-out of seq %d", key, sc, ok, out.Seq)
			}
			if sc, ok := scopeOf(st, consent.TopicScope("promotions")); !ok || sc.Seq != in.Seq {
				t.Errorf("%v: promotions = %+v, %v; want the opt-in of seq %d", key, sc, ok, in.Seq)
			}
			if !st.LastInbound.Equal(clk.now().Truncate(time.Millisecond)) {
				t.Errorf("%v: last inbound %v, want %v", key, st.LastInbound, clk.now())
			}
		}
		if f, err := s.FindContact(ctx, acctA, consent.ContactKey{UserID: userID}); err != nil || f.ID != in.ContactID {
			t.Errorf("the user id finds %d, %v; want %d", f.ID, err, in.ContactID)
		}
		h, err := s.History(ctx, in.ContactID)
		if err != nil || len(h) != 2 || h[0].Seq != in.Seq || h[1].Seq != out.Seq {
			t.Errorf("history = %+v, %v; want both records' events", h, err)
		}
		wa, uid, into := mergedInto(t, s, hidden.ID)
		if wa.Valid || uid.Valid || !into.Valid || into.Int64 != in.ContactID {
			t.Errorf("merged record: wa_id %v user_id %v merged_into %v; want no keys, merged into %d", wa, uid, into, in.ContactID)
		}

		// A record merged into one that is merged in turn follows it.
		const newNum = "447700900002"
		clk.advance(time.Minute)
		at := clk.now()
		clk.advance(5 * time.Second)
		fresh := ingest(t, s, consent.ContactKey{WAID: newNum}, "wamid.new.1", clk.now())
		if err := s.Write(ctx, func(ctx context.Context, tx *Tx) error {
			_, err := tx.ChangeNumber(ctx, acctA, waID, newNum, "wamid.change.1", ms(at))
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if _, _, into := mergedInto(t, s, hidden.ID); into.Int64 != in.ContactID {
			t.Errorf("first merged record points at %v, want %d", into, in.ContactID)
		}
		if _, _, into := mergedInto(t, s, fresh.ID); into.Int64 != in.ContactID {
			t.Errorf("new number's record points at %v, want %d", into, in.ContactID)
		}
	})
}

// TestChangeNumberAfterTheNewNumberWrote: the person's STOP from their new
// number is processed before Meta's user_changed_number (it came first, or
// earlier in the same delivery). The record that STOP made is the person's,
// not the number's previous owner's: it merges into the person's record,
// which takes the number with the opt-out. Where the number had a previous
// owner, only what happened from the change on comes with the person.
func TestChangeNumberAfterTheNewNumberWrote(t *testing.T) {
	eachBackend(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		clk := newClock()
		s := openStore(t, b.DSN(t), clk.now)
		const oldNum, newNum = "447700900011", "447700900012"
		in := mustAppend(t, s, consent.ContactKey{WAID: oldNum}, event(acctA, consent.OptIn, consent.TopicScope("promotions")))
		clk.advance(24 * time.Hour)
		at := clk.now()
		clk.advance(5 * time.Second)
		stop := mustAppend(t, s, consent.ContactKey{WAID: newNum}, event(acctA, consent.OptOut, consent.ScopeAll))
		change := func(oldN, newN string, at time.Time) consent.Contact {
			t.Helper()
			var c consent.Contact
			if err := s.Write(ctx, func(ctx context.Context, tx *Tx) error {
				var err error
				c, err = tx.ChangeNumber(ctx, acctA, oldN, newN, "wamid.change."+newN, ms(at))
				return err
			}); err != nil {
				t.Fatal(err)
			}
			return c
		}
		if c := change(oldNum, newNum, at); c.ID != in.ContactID || c.WAID != newNum {
			t.Fatalf("moved %+v, want record %d on %s", c, in.ContactID, newNum)
		}
		id, st, err := s.DecisionState(ctx, acctA, consent.ContactKey{WAID: newNum}, mergePhone)
		if err != nil || id != in.ContactID {
			t.Fatalf("decision reads %d, %v; want %d", id, err, in.ContactID)
		}
		if sc, ok := scopeOf(st, consent.ScopeAll); !ok || sc.Action != consent.OptOut {
			t.Errorf("scope all = %+v, %v; want the STOP sent from the new number", sc, ok)
		}
		if h, err := s.History(ctx, in.ContactID); err != nil || len(h) != 2 || h[1].Seq != stop.Seq {
			t.Errorf("history = %+v, %v; want the opt-in and the STOP", h, err)
		}

		// A number with a previous owner: their opt-in stays theirs; the
		// person's STOP, sent after the change, comes along.
		const oldNum2, newNum2 = "447700900021", "447700900022"
		clk.advance(time.Hour)
		owner := mustAppend(t, s, consent.ContactKey{WAID: newNum2}, event(acctA, consent.OptIn, consent.TopicScope("promotions")))
		person := mustAppend(t, s, consent.ContactKey{WAID: oldNum2}, event(acctA, consent.OptIn, consent.TopicScope("order_updates")))
		clk.advance(time.Hour)
		at2 := clk.now()
		clk.advance(5 * time.Second)
		ingest(t, s, consent.ContactKey{WAID: newNum2}, "wamid.new2.1", clk.now())
		stop2 := mustAppend(t, s, consent.ContactKey{WAID: newNum2}, event(acctA, consent.OptOut, consent.ScopeAll))
		if stop2.ContactID != owner.ContactID {
			t.Fatalf("the STOP landed on %d, want the previous owner's record %d", stop2.ContactID, owner.ContactID)
		}
		if c := change(oldNum2, newNum2, at2); c.ID != person.ContactID {
			t.Fatalf("moved %d, want %d", c.ID, person.ContactID)
		}
		id, st, err = s.DecisionState(ctx, acctA, consent.ContactKey{WAID: newNum2}, mergePhone)
		if err != nil || id != person.ContactID {
			t.Fatalf("decision reads %d, %v; want %d", id, err, person.ContactID)
		}
		if sc, ok := scopeOf(st, consent.ScopeAll); !ok || sc.Seq != stop2.Seq {
			t.Errorf("scope all = %+v, %v; want the STOP of seq %d", sc, ok, stop2.Seq)
		}
		if sc, ok := scopeOf(st, consent.TopicScope("promotions")); ok {
			t.Errorf("the previous owner's opt-in came along: %+v", sc)
		}
		if !st.LastInbound.Equal(at2.Add(5 * time.Second)) {
			t.Errorf("last inbound %v, want the message sent after the change", st.LastInbound)
		}
		wa, _, into := mergedInto(t, s, owner.ContactID)
		if wa.Valid || into.Valid {
			t.Errorf("previous owner: wa_id %v merged_into %v; want the number gone, not merged", wa, into)
		}
		if h, err := s.History(ctx, owner.ContactID); err != nil || len(h) != 2 {
			t.Errorf("previous owner's history = %d events, %v; want 2", len(h), err)
		}
	})
}

// TestMergeKeepsNewerOptOut: the merge takes each scope's newer event in the
// ledger, except that an opt-in never undoes an opt-out it predates: a
// backdated opt-in recorded under the number after the person's STOP under
// their user id alone does not win when the two records merge, whichever
// record holds which.
func TestMergeKeepsNewerOptOut(t *testing.T) {
	eachBackend(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		clk := newClock()
		s := openStore(t, b.DSN(t), clk.now)
		for i, stopFirstOnNumber := range []bool{false, true} {
			waID, userID := fmt.Sprintf("44770090090%d", i), fmt.Sprintf("GB.90000%d", i)
			optIn := event(acctA, consent.OptIn, consent.ScopeAll)
			optIn.OccurredAt = clk.now().Add(-30 * 24 * time.Hour) // from an old list
			stop := event(acctA, consent.OptOut, consent.ScopeAll)
			stop.OccurredAt = clk.now()
			if stopFirstOnNumber { // the STOP on the number's record, the opt-in on the user id's
				mustAppend(t, s, consent.ContactKey{WAID: waID}, stop)
				mustAppend(t, s, consent.ContactKey{UserID: userID}, optIn)
			} else {
				upsert(t, s, acctA, ContactSeen{Key: consent.ContactKey{WAID: waID}})
				mustAppend(t, s, consent.ContactKey{UserID: userID}, stop)
				mustAppend(t, s, consent.ContactKey{WAID: waID}, optIn)
			}
			clk.advance(time.Minute)
			ingest(t, s, consent.ContactKey{WAID: waID, UserID: userID}, "wamid.keep."+waID, clk.now())
			_, st, err := s.DecisionState(ctx, acctA, consent.ContactKey{WAID: waID}, mergePhone)
			if err != nil {
				t.Fatal(err)
			}
			if sc, _ := scopeOf(st, consent.ScopeAll); sc.Action != consent.OptOut {
				t.Errorf("STOP on the number's record %v: scope all = %+v, want the STOP", stopFirstOnNumber, sc)
			}
		}
	})
}
