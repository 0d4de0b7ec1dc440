package store

import (
	"testing"
	"time"

	"github.com/optgate/optgate/internal/consent"
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
