package store

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/optgate/optgate/internal/consent"
	"github.com/optgate/optgate/internal/store/storetest"
)

// decisionFixture writes contacts in every shape a decision can meet, on two
// accounts, and returns the keys to ask for (some unknown).
func decisionFixture(t *testing.T, s *Store) []struct{ acct, waID string } {
	t.Helper()
	ctx := context.Background()
	t0 := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	var asks []struct{ acct, waID string }
	for i := range 40 {
		acct := acctA
		if i%4 == 3 {
			acct = acctB
		}
		waID := fmt.Sprintf("4477009%05d", i)
		if i%5 == 0 {
			waID = fmt.Sprintf("55119%08d", i) // Brazilian mobile, asked for under its other form below
		}
		c := upsert(t, s, acct, ContactSeen{Key: consent.ContactKey{WAID: waID}})
		if i%2 == 0 {
			mustAppend(t, s, consent.ContactKey{WAID: waID}, event(acct, consent.OptIn, "promotions"))
		}
		if i%3 == 0 {
			mustAppend(t, s, consent.ContactKey{WAID: waID}, event(acct, consent.OptOut, consent.ScopeAll))
		}
		err := s.Write(ctx, func(ctx context.Context, tx *Tx) error {
			if i%2 == 1 {
				if err := tx.TouchWindow(ctx, c.ID, "phone-1", t0.Add(time.Duration(i)*time.Minute)); err != nil {
					return err
				}
			}
			if i%6 == 1 {
				if err := tx.CloseWindow(ctx, c.ID, "phone-1", t0.Add(time.Hour)); err != nil {
					return err
				}
			}
			if i%7 == 2 {
				return tx.HoldMarketing(ctx, c.ID, t0.Add(24*time.Hour), "meta_marketing_limit", fmt.Sprintf("wamid.%d", i))
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		ask := waID
		if i%5 == 0 {
			v := consent.WAIDVariants(waID)
			ask = v[len(v)-1]
			if i%10 == 0 {
				// The same person also known under the other form: two
				// contacts, read together.
				o := upsert(t, s, acct, ContactSeen{Key: consent.ContactKey{WAID: ask}})
				mustAppend(t, s, consent.ContactKey{WAID: ask}, event(acct, consent.OptOut, consent.CategoryScope(consent.Marketing)))
				err := s.Write(ctx, func(ctx context.Context, tx *Tx) error {
					return tx.TouchWindow(ctx, o.ID, "phone-1", t0.Add(2*time.Hour))
				})
				if err != nil {
					t.Fatal(err)
				}
			}
		}
		asks = append(asks, struct{ acct, waID string }{acct, ask})
		if i%8 == 0 {
			// The same person asked for under the other account: unknown there.
			other := acctB
			if acct == acctB {
				other = acctA
			}
			asks = append(asks, struct{ acct, waID string }{other, ask})
		}
	}
	return append(asks, struct{ acct, waID string }{acctA, "447700999999"}, struct{ acct, waID string }{acctB, "5511987654321"})
}

// TestDecisionGroupRead: one group read answers every recipient exactly as
// its own query does (state, window, hold, unknown, a person with two
// contacts), whatever else is in the batch, including the same recipient twice.
func TestDecisionGroupRead(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		if b.Name != "postgres" {
			continue // group reads are PostgreSQL's
		}
		t.Run(b.Name, func(t *testing.T) {
			s := openStore(t, b.DSN(t), nil)
			asks := decisionFixture(t, s)
			asks = append(asks, asks[3], asks[0])
			var reqs []*decisionReq
			for _, a := range asks {
				v := consent.WAIDVariants(a.waID)
				reqs = append(reqs, &decisionReq{ctx: context.Background(), accountID: a.acct, waID: a.waID,
					otherWAID: v[len(v)-1], phoneNumberID: "phone-1"})
			}
			ids, sts, err := s.decisionStates(reqs)
			if err != nil {
				t.Fatal(err)
			}
			known := 0
			for i, q := range reqs {
				id, st, err := s.decisionState(context.Background(), q.phoneNumberID, "decisionByWAIDs", q.accountID, q.waID, q.otherWAID, q.phoneNumberID)
				if err == ErrNotFound {
					if sts[i].Known {
						t.Errorf("%s/%s: group read found contact %d, its own query none", q.accountID, q.waID, ids[i])
					}
					continue
				}
				if err != nil {
					t.Fatal(err)
				}
				known++
				sortScopes(st.Scopes)
				sortScopes(sts[i].Scopes)
				if id != ids[i] || !reflect.DeepEqual(st, sts[i]) {
					t.Errorf("%s/%s: group read %d %+v, own query %d %+v", q.accountID, q.waID, ids[i], sts[i], id, st)
				}
			}
			if known < 40 || known == len(reqs) {
				t.Fatalf("%d of %d recipients known: the fixture should mix known and unknown", known, len(reqs))
			}
		})
	}
}

// TestDecisionStateConcurrent: many concurrent decisions, batched together
// on PostgreSQL, each get their own recipient's state, as a lone call does.
func TestDecisionStateConcurrent(t *testing.T) {
	eachBackend(t, func(t *testing.T, b storetest.Backend) {
		concurrentDecisions(t, b.DSN(t))
		if b.Name == "postgres" {
			t.Run("decision_reads=0", func(t *testing.T) { concurrentDecisions(t, b.DSN(t)+"&decision_reads=0") })
		}
	})
}

func concurrentDecisions(t *testing.T, dsn string) {
	s := openStore(t, dsn, nil)
	if pg := strings.HasPrefix(dsn, "postgres"); pg && strings.Contains(dsn, "decision_reads=0") != (s.decisions == nil) || !pg && s.decisions != nil {
		t.Fatalf("decision_reads in %q, group reads %v", dsn, s.decisions != nil)
	}
	asks := decisionFixture(t, s)
	type answer struct {
		id  int64
		st  consent.State
		err error
	}
	want := make([]answer, len(asks))
	for i, a := range asks {
		id, st, err := s.DecisionState(context.Background(), a.acct, consent.ContactKey{WAID: a.waID}, "phone-1")
		sortScopes(st.Scopes)
		want[i] = answer{id, st, err}
	}
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for w := range 32 {
		wg.Go(func() {
			for n := range 200 {
				i := (w*7 + n) % len(asks)
				id, st, err := s.DecisionState(context.Background(), asks[i].acct, consent.ContactKey{WAID: asks[i].waID}, "phone-1")
				sortScopes(st.Scopes)
				if got := (answer{id, st, err}); !reflect.DeepEqual(got, want[i]) {
					select {
					case errs <- fmt.Sprintf("%s/%s: got %+v, want %+v", asks[i].acct, asks[i].waID, got, want[i]):
					default:
					}
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	if s.decisions != nil && s.decisions.grouped.Load() == 0 {
		t.Error("no group read answered more than one decision: the group path went untested")
	}
}

func sortScopes(sc []consent.ScopeState) {
	for i := 1; i < len(sc); i++ {
		for j := i; j > 0 && sc[j].Scope < sc[j-1].Scope; j-- {
			sc[j], sc[j-1] = sc[j-1], sc[j]
		}
	}
}

// TestDecisionStateClose: decisions waiting when the store closes, and
// decisions asked after it closed, all get an answer.
func TestDecisionStateClose(t *testing.T) {
	eachBackend(t, func(t *testing.T, b storetest.Backend) {
		s := openStore(t, b.DSN(t), nil)
		asks := decisionFixture(t, s)
		var wg sync.WaitGroup
		for w := range 32 {
			wg.Go(func() {
				for n := range 50 {
					a := asks[(w+n)%len(asks)]
					s.DecisionState(context.Background(), a.acct, consent.ContactKey{WAID: a.waID}, "phone-1")
				}
			})
		}
		time.Sleep(10 * time.Millisecond) // some decisions in flight
		s.Close()
		done := make(chan struct{})
		go func() { wg.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(time.Minute):
			t.Fatal("decisions still waiting a minute after Close")
		}
		if _, _, err := s.DecisionState(context.Background(), asks[0].acct, consent.ContactKey{WAID: asks[0].waID}, "phone-1"); err == nil {
			t.Error("a decision after Close succeeded")
		}
	})
}

// TestDecisionBothBrazilianForms: a person Meta reports without the ninth
// digit while the business wrote the number with it has two contacts. A send
// to either form reads both, as one person: the newest consent event of each
// scope wins, whichever contact holds it, and so do the latest message, window
// close and marketing hold. Every reading path gives the same answer.
func TestDecisionBothBrazilianForms(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			s := openStore(t, b.DSN(t), nil)
			ctx := context.Background()
			const withNine, without = "5521998765432", "552198765432"
			t0 := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
			form := upsert(t, s, acctA, ContactSeen{Key: consent.ContactKey{WAID: withNine}}) // the business's form
			meta := upsert(t, s, acctA, ContactSeen{Key: consent.ContactKey{WAID: without}})  // Meta's webhook
			if form.ID == meta.ID {
				t.Fatal("the test needs two contacts")
			}
			promotions := consent.Topic{ID: "promotions", Category: consent.Marketing}
			read := func(step string) map[string]consent.State {
				t.Helper()
				out := map[string]consent.State{}
				for _, waID := range []string{withNine, without} {
					v := consent.WAIDVariants(waID)
					want := map[string]int64{withNine: form.ID, without: meta.ID}[waID]
					id, st, err := s.DecisionState(ctx, acctA, consent.ContactKey{WAID: waID}, "phone-1")
					if err != nil {
						t.Fatalf("%s: %s: %v", step, waID, err)
					}
					// The query of its own too, where DecisionState reads in groups.
					id2, st2, err := s.decisionState(ctx, "phone-1", "decisionByWAIDs", acctA, waID, v[len(v)-1], "phone-1")
					if err != nil {
						t.Fatalf("%s: %s: %v", step, waID, err)
					}
					if id != want || id2 != want {
						t.Errorf("%s: %s: contact %d and %d, want %d (the form asked for)", step, waID, id, id2, want)
					}
					sortScopes(st.Scopes)
					sortScopes(st2.Scopes)
					if !reflect.DeepEqual(st, st2) {
						t.Errorf("%s: %s: DecisionState %+v, its own query %+v", step, waID, st, st2)
					}
					out[waID] = st
				}
				if !reflect.DeepEqual(out[withNine], out[without]) {
					t.Errorf("%s: the two forms read differently: %+v and %+v", step, out[withNine], out[without])
				}
				return out
			}

			mustAppend(t, s, consent.ContactKey{WAID: withNine}, event(acctA, consent.OptIn, "promotions"))
			mustAppend(t, s, consent.ContactKey{WAID: without}, event(acctA, consent.OptOut, consent.ScopeAll))
			st := read("opt-in on the form's contact, then PARAR on Meta's")[withNine]
			if !st.OptedOutOfAll() {
				t.Errorf("the person's later opt-out is not in force: %+v", st)
			}
			if ev, ok := st.Effective(promotions); !ok || ev.Action != consent.OptOut {
				t.Errorf("promotions: %+v %v, want the opt-out", ev, ok)
			}

			mustAppend(t, s, consent.ContactKey{WAID: withNine}, event(acctA, consent.OptIn, consent.ScopeAll))
			st = read("then an opt-in to everything on the form's contact")[without]
			if st.OptedOutOfAll() {
				t.Errorf("the person's later opt-in is not in force: %+v", st)
			}
			if ev, ok := st.Effective(promotions); !ok || ev.Action != consent.OptIn {
				t.Errorf("promotions: %+v %v, want an opt-in", ev, ok)
			}

			// Meta's marketing stop, then resume, on the two contacts: the
			// resume is newer and lifts the stop for both forms.
			metaStop := event(acctA, consent.OptOut, consent.CategoryScope(consent.Marketing))
			metaStop.Source = consent.SourceMetaPreferences
			mustAppend(t, s, consent.ContactKey{WAID: without}, metaStop)
			st = read("marketing stop on Meta's contact")[withNine]
			if ev, _ := st.Effective(promotions); ev.Action != consent.OptOut {
				t.Errorf("after the stop, promotions: %+v", ev)
			}
			mustAppend(t, s, consent.ContactKey{WAID: withNine}, event(acctA, consent.Resume, consent.CategoryScope(consent.Marketing)))
			st = read("resume on the form's contact")[without]
			if ev, _ := st.Effective(promotions); ev.Action != consent.OptIn {
				t.Errorf("after the resume, promotions: %+v, want the earlier opt-in", ev)
			}

			// The window: closed on one contact, opened later on the other.
			err := s.Write(ctx, func(ctx context.Context, tx *Tx) error {
				if err := tx.CloseWindow(ctx, form.ID, "phone-1", t0); err != nil {
					return err
				}
				if err := tx.TouchWindow(ctx, meta.ID, "phone-1", t0.Add(time.Minute)); err != nil {
					return err
				}
				return tx.HoldMarketing(ctx, meta.ID, t0.Add(24*time.Hour), "meta_marketing_limit", "wamid.hold")
			})
			if err != nil {
				t.Fatal(err)
			}
			st = read("window and hold on Meta's contact")[withNine]
			if !st.WindowOpen(t0.Add(time.Hour)) || !st.MarketingHold.Equal(t0.Add(24*time.Hour)) {
				t.Errorf("window %v closed %v hold %v: want open, held until %v", st.LastInbound, st.WindowClosedAt, st.MarketingHold, t0.Add(24*time.Hour))
			}
			err = s.Write(ctx, func(ctx context.Context, tx *Tx) error {
				return tx.CloseWindow(ctx, form.ID, "phone-1", t0.Add(2*time.Minute))
			})
			if err != nil {
				t.Fatal(err)
			}
			if st := read("a later close on the form's contact")[without]; st.WindowOpen(t0.Add(time.Hour)) {
				t.Errorf("window open after the later close: %+v", st)
			}
		})
	}
}
