package store

import (
	"context"
	"testing"
	"time"

	"github.com/optgate/optgate/internal/consent"
	"github.com/optgate/optgate/internal/store/storetest"
)

// TestTwoRecordsOneScope: when one person is on record twice (the two forms
// of a Brazilian number), a scope both records speak for is decided as
// consent.ScopeState.Supersedes says, by the send decision's rows and by the
// merge of two records' scopes alike: an opt-in recorded later than an
// opt-out, but given before it, does not undo it.
func TestTwoRecordsOneScope(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)
	stop := consent.ScopeState{Scope: consent.ScopeAll, Action: consent.OptOut, Seq: 1, Source: "whatsapp_keyword", OccurredAt: t0}
	lateIn := consent.ScopeState{Scope: consent.ScopeAll, Action: consent.OptIn, Seq: 2, Source: "csv", OccurredAt: t0.Add(-time.Hour)}
	newIn := lateIn
	newIn.OccurredAt = t0.Add(time.Hour)

	for _, c := range []struct {
		name string
		a, b consent.ScopeState
		want consent.Action
	}{
		{"opt-in given before the opt-out", stop, lateIn, consent.OptOut},
		{"opt-in given before the opt-out, other record first", lateIn, stop, consent.OptOut},
		{"opt-in given after the opt-out", stop, newIn, consent.OptIn},
		{"opt-in given after the opt-out, other record first", newIn, stop, consent.OptIn},
	} {
		var st consent.State
		for _, sc := range []consent.ScopeState{c.a, c.b} {
			addDecisionRow(&st, 0, 0, 0, string(sc.Scope), string(sc.Action), sc.Seq, sc.Source, sc.OccurredAt.UnixMilli())
		}
		if len(st.Scopes) != 1 || st.Scopes[0].Action != c.want {
			t.Errorf("%s: decision rows give %+v, want %s", c.name, st.Scopes, c.want)
		}
		if got := mergeScopes([]consent.ScopeState{c.a}, []consent.ScopeState{c.b}); len(got) != 1 || got[0].Action != c.want {
			t.Errorf("%s: mergeScopes gives %+v, want %s", c.name, got, c.want)
		}
	}
}

// TestImportStateMatchesOneAtATime: an import leaves each scope's state as
// appending its rows one at a time does (from a review: the batch's winner
// was picked by a rule that was not an order, then compared with the state,
// and could differ). A person opted out on 2 January; the file says opt-in
// on 3 January, opt-out on 1 January, opt-in on 1 January: the last word, 3
// January, is an opt-in.
func TestImportStateMatchesOneAtATime(t *testing.T) {
	eachBackend(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		s := openStore(t, b.DSN(t), nil)
		day := func(d int) time.Time { return time.Date(2026, 1, d, 0, 0, 0, 0, time.UTC) }
		const imported, appended = "5521998760101", "5521998760102"
		for _, wa := range []string{imported, appended} {
			out := event(acctA, consent.OptOut, consent.ScopeAll)
			out.OccurredAt = day(2)
			mustAppend(t, s, consent.ContactKey{WAID: wa}, out)
		}
		type row struct {
			a consent.Action
			d int
		}
		var rows []ImportRow
		for i, f := range []row{{consent.OptIn, 3}, {consent.OptOut, 1}, {consent.OptIn, 1}} {
			rows = append(rows, ImportRow{Key: string(rune('a' + i)), WAID: imported, Action: f.a, Scope: consent.ScopeAll, Source: "crm",
				Evidence: `{"list":"crm"}`, OccurredAt: day(f.d)})
			ev := event(acctA, f.a, consent.ScopeAll)
			ev.OccurredAt = day(f.d)
			mustAppend(t, s, consent.ContactKey{WAID: appended}, ev)
		}
		skip := func(scopes []consent.ScopeState, row *ImportRow) bool {
			return consent.OptInSuperseded(&consent.Rules{}, scopes, row.Scope, row.OccurredAt)
		}
		n, err := s.ImportBatch(ctx, acctA, "import:test", rows, skip)
		if err != nil || n.Imported != 3 {
			t.Fatalf("import: %+v %v", n, err)
		}
		for _, wa := range []string{appended, imported} {
			_, st, err := s.DecisionState(ctx, acctA, consent.ContactKey{WAID: wa}, "")
			if err != nil {
				t.Fatal(err)
			}
			if st.OptedOutOfAll() {
				t.Errorf("%s: opted out of all (state %+v), but the last word, 3 January, is an opt-in", wa, st.Scopes)
			}
		}
	})
}

// TestMigrateMetaMarketingState: migration 0013 moves the state rows that
// WhatsApp's marketing setting holds (Meta's stop and resume, 131050) to
// their own key; what the person told the business stays where it was.
func TestMigrateMetaMarketingState(t *testing.T) {
	eachBackend(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		s := openBefore(t, b.DSN(t), 13)
		execSQL(t, s, `INSERT INTO contacts (id, account_id, wa_id, name, language, created_at, updated_at) VALUES (1, $1, '5511987650201', '', '', 0, 0), (2, $1, '5511987650202', '', '', 0, 0), (3, $1, '5511987650203', '', '', 0, 0)`, acctA)
		execSQL(t, s, `INSERT INTO consent_state (contact_id, scope, action, seq, source, occurred_at) VALUES
			(1, 'category:marketing', 'opt_out', 1, 'meta_user_preferences', 10),
			(2, 'category:marketing', 'opt_out', 2, 'meta_error_131050', 20),
			(3, 'category:marketing', 'opt_out', 3, 'whatsapp_button', 30),
			(3, 'all', 'opt_in', 4, 'web_form', 40)`)
		if _, err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		if err := s.Start(ctx); err != nil {
			t.Fatal(err)
		}
		want := map[int64]map[string]string{
			1: {"meta:category:marketing": "opt_out"},
			2: {"meta:category:marketing": "opt_out"},
			3: {"category:marketing": "opt_out", "all": "opt_in"},
		}
		for id, w := range want {
			got := map[string]string{}
			err := s.Write(ctx, func(ctx context.Context, tx *Tx) error {
				scopes, err := tx.Scopes(ctx, id)
				for _, sc := range scopes {
					got[string(sc.Scope)] = string(sc.Action)
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(w) {
				t.Errorf("contact %d: %v, want %v", id, got, w)
			}
			for k, v := range w {
				if got[k] != v {
					t.Errorf("contact %d: %v, want %v", id, got, w)
				}
			}
		}
	})
}

// TestMigrationKeepsOwnMarketingOptOut: before migration 0013, Meta's stop
// took the place of the person's own "Stop promotions" in the
// category:marketing row. The migration moves Meta's stop to its own key and
// puts the person's latest own marketing event back from the ledger, so a
// Meta resume after the upgrade lifts Meta's stop only (from a review: the
// person's opt-out was lost, and a resume let promotions through).
func TestMigrationKeepsOwnMarketingOptOut(t *testing.T) {
	eachBackend(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		s := openBefore(t, b.DSN(t), 13)
		const wa = "5511987650301"
		t0 := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
		execSQL(t, s, `INSERT INTO contacts (id, account_id, wa_id, name, language, created_at, updated_at) VALUES (1, $1, $2, '', '', 0, 0)`, acctA, wa)
		execSQL(t, s, `INSERT INTO consent_events (account_id, seq, contact_id, action, scope, source, evidence, reason, actor, occurred_at, recorded_at, prev_hash, hash) VALUES
			($1, 1, 1, 'opt_in', 'topic:promotions', 'web_form', '{}', '', 'api', $2, $2, '', 'h1'),
			($1, 2, 1, 'opt_out', 'category:marketing', 'whatsapp_button', '{}', '', 'contact', $3, $3, 'h1', 'h2'),
			($1, 3, 1, 'opt_out', 'category:marketing', 'meta_user_preferences', '{}', '', 'meta', $4, $4, 'h2', 'h3')`,
			acctA, t0.UnixMilli(), t0.Add(time.Hour).UnixMilli(), t0.Add(2*time.Hour).UnixMilli())
		execSQL(t, s, `INSERT INTO ledger_heads (account_id, seq, hash) VALUES ($1, 3, 'h3')`, acctA)
		// The state as the release before 0013 left it: Meta's stop in the
		// button's place.
		execSQL(t, s, `INSERT INTO consent_state (contact_id, scope, action, seq, source, occurred_at) VALUES
			(1, 'topic:promotions', 'opt_in', 1, 'web_form', $1),
			(1, 'category:marketing', 'opt_out', 3, 'meta_user_preferences', $2)`,
			t0.UnixMilli(), t0.Add(2*time.Hour).UnixMilli())
		if _, err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		if err := s.Start(ctx); err != nil {
			t.Fatal(err)
		}
		resume := consent.Event{AccountID: acctA, Action: consent.Resume, Scope: consent.CategoryScope(consent.Marketing),
			Source: consent.SourceMetaPreferences, Actor: "meta", OccurredAt: t0.Add(3 * time.Hour)}
		mustAppend(t, s, consent.ContactKey{WAID: wa}, resume)
		_, st, err := s.DecisionState(ctx, acctA, consent.ContactKey{WAID: wa}, "")
		if err != nil {
			t.Fatal(err)
		}
		eff, ok := st.Effective(consent.Topic{ID: "promotions", Category: consent.Marketing})
		if !ok || eff.Action != consent.OptOut || eff.Source != consent.SourceWhatsAppButton {
			t.Errorf("promotions after the upgrade and a Meta resume: %+v (found %v), want the person's own marketing opt-out; state %+v", eff, ok, st.Scopes)
		}
	})
}

// TestMigrationLeavesMetaSourcedAllOptOut: migration 0013 moves WhatsApp's
// marketing setting only: an opt-out of everything recorded with a Meta
// source stays an opt-out of everything (from a fifth review).
func TestMigrationLeavesMetaSourcedAllOptOut(t *testing.T) {
	eachBackend(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		s := openBefore(t, b.DSN(t), 13)
		const wa = "5511987650501"
		t0 := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
		execSQL(t, s, `INSERT INTO contacts (id, account_id, wa_id, name, language, created_at, updated_at) VALUES (1, $1, $2, '', '', 0, 0)`, acctA, wa)
		execSQL(t, s, `INSERT INTO consent_state (contact_id, scope, action, seq, source, occurred_at) VALUES
			(1, 'all', 'opt_out', 1, 'meta_user_preferences', $1)`, t0.UnixMilli())
		if _, err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		if err := s.Start(ctx); err != nil {
			t.Fatal(err)
		}
		_, st, err := s.DecisionState(ctx, acctA, consent.ContactKey{WAID: wa}, "")
		if err != nil {
			t.Fatal(err)
		}
		if !st.OptedOutOfAll() {
			t.Errorf("after migration 0013, an opt-out of all with a Meta source is no longer one: state %+v", st.Scopes)
		}
	})
}
