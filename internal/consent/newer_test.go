package consent

import (
	"testing"
	"time"
)

var newerRules = &Rules{
	Topics: map[string]Topic{
		"promotions":    {ID: "promotions", Category: Marketing},
		"order_updates": {ID: "order_updates", Category: Utility},
	},
	Templates: map[string]string{"black_friday": "promotions", "order_shipped": "order_updates"},
}

func TestOptInSuperseded(t *testing.T) {
	r := newerRules
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	out := func(sc Scope, at time.Time) []ScopeState {
		return []ScopeState{{Scope: sc, Action: OptOut, Seq: 1, OccurredAt: at}}
	}
	cases := []struct {
		name   string
		scopes []ScopeState
		optIn  Scope
		at     time.Time
		want   bool
	}{
		{"later opt-out of all supersedes an older topic opt-in", out(ScopeAll, t0.Add(time.Hour)), TopicScope("promotions"), t0, true},
		{"later opt-out of all supersedes an older opt-in of all", out(ScopeAll, t0.Add(time.Hour)), ScopeAll, t0, true},
		{"earlier opt-out does not supersede a newer opt-in", out(ScopeAll, t0), TopicScope("promotions"), t0.Add(time.Hour), false},
		{"later marketing stop supersedes a promotions opt-in", out(CategoryScope(Marketing), t0.Add(time.Hour)), TopicScope("promotions"), t0, true},
		{"later marketing stop supersedes a marketing opt-in", out(CategoryScope(Marketing), t0.Add(time.Hour)), CategoryScope(Marketing), t0, true},
		{"later marketing stop does not supersede a utility opt-in", out(CategoryScope(Marketing), t0.Add(time.Hour)), TopicScope("order_updates"), t0, false},
		{"later marketing stop covers only part of an opt-in of all", out(CategoryScope(Marketing), t0.Add(time.Hour)), ScopeAll, t0, false},
		{"later topic opt-out covers only part of an opt-in of all", out(TopicScope("order_updates"), t0.Add(time.Hour)), ScopeAll, t0, false},
		{"later topic opt-out covers only part of its category", out(TopicScope("promotions"), t0.Add(time.Hour)), CategoryScope(Marketing), t0, false},
		{"later opt-out of another topic does not supersede", out(TopicScope("order_updates"), t0.Add(time.Hour)), TopicScope("promotions"), t0, false},
		{"an opt-in on record supersedes nothing", []ScopeState{{Scope: ScopeAll, Action: OptIn, Seq: 1, OccurredAt: t0.Add(time.Hour)}}, ScopeAll, t0, false},
	}
	for _, c := range cases {
		if got := OptInSuperseded(r, c.scopes, c.optIn, c.at); got != c.want {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
		}
	}
}

// TestEffectiveLateOptIn: an opt-in recorded after an opt-out that happened
// later than it (Meta delivered the START after the "Stop promotions") counts
// for the topics the opt-out does not cover, and not for the others.
func TestEffectiveLateOptIn(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)
	promotions, orders := newerRules.Topics["promotions"], newerRules.Topics["order_updates"]
	st := State{Known: true, Scopes: []ScopeState{
		{Scope: CategoryScope(Marketing), Action: OptOut, Seq: 2, OccurredAt: t0.Add(time.Minute)},
		{Scope: ScopeAll, Action: OptIn, Seq: 3, OccurredAt: t0},
	}}
	if eff, ok := st.Effective(promotions); !ok || eff.Action != OptOut {
		t.Errorf("promotions: %+v %v, want the marketing opt-out", eff, ok)
	}
	if eff, ok := st.Effective(orders); !ok || eff.Action != OptIn || eff.Scope != ScopeAll {
		t.Errorf("order updates: %+v %v, want the opt-in of all", eff, ok)
	}
	now := t0.Add(48 * time.Hour)
	if d := Decide(newerRules, Outbound{Kind: Template, Template: "order_shipped"}, &st, now); !d.Allow || d.Reason != ReasonOptedIn {
		t.Errorf("order_shipped: %+v", d)
	}
	if d := Decide(newerRules, Outbound{Kind: Template, Template: "black_friday"}, &st, now); d.Allow || d.Reason != ReasonTopicOptedOut {
		t.Errorf("black_friday: %+v", d)
	}

	// A later opt-in of the topic itself, after the stop, counts; so does
	// one of all that happened after it.
	st.Scopes = append(st.Scopes, ScopeState{Scope: TopicScope("promotions"), Action: OptIn, Seq: 4, OccurredAt: t0.Add(time.Hour)})
	if eff, _ := st.Effective(promotions); eff.Action != OptIn || eff.Seq != 4 {
		t.Errorf("promotions after a new opt-in: %+v", eff)
	}
	st.Scopes = st.Scopes[:2]
	st.Scopes[1].OccurredAt = t0.Add(2 * time.Minute)
	if eff, _ := st.Effective(promotions); eff.Action != OptIn {
		t.Errorf("promotions after an opt-in of all that followed the stop: %+v", eff)
	}

	// A STOP delivered late, said before the opt-in, does not undo it: the
	// person's latest word counts.
	late := State{Known: true, Scopes: []ScopeState{
		{Scope: TopicScope("promotions"), Action: OptIn, Seq: 1, OccurredAt: t0.Add(time.Hour)},
		{Scope: ScopeAll, Action: OptOut, Seq: 2, OccurredAt: t0},
	}}
	if eff, _ := late.Effective(promotions); eff.Action != OptIn {
		t.Errorf("late opt-out: %+v", eff)
	}
	if eff, _ := late.Effective(orders); eff.Action != OptOut {
		t.Errorf("late opt-out, another topic: %+v", eff)
	}
	if late.OptedOutOfAll() {
		t.Error("an opt-out of all said before a topic opt-in: in force")
	}
}

// TestOptedOutOfAllLateOptIn: an opt-in that happened before the opt-out of
// all, recorded after it, does not lift it.
func TestOptedOutOfAllLateOptIn(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)
	st := State{Known: true, Scopes: []ScopeState{
		{Scope: ScopeAll, Action: OptOut, Seq: 1, OccurredAt: t0},
		{Scope: TopicScope("order_updates"), Action: OptIn, Seq: 2, OccurredAt: t0.Add(-time.Hour)},
	}}
	if !st.OptedOutOfAll() {
		t.Error("an opt-in from before the opt-out of all lifted it")
	}
	st.Scopes[1].OccurredAt = t0.Add(time.Hour)
	if st.OptedOutOfAll() {
		t.Error("an opt-in after the opt-out of all did not lift it")
	}
}

func TestSupersedes(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)
	ev := func(a Action, seq int64, at time.Time) ScopeState {
		return ScopeState{Action: a, Seq: seq, OccurredAt: at}
	}
	in := func(seq int64, at time.Time) ScopeState { return ev(OptIn, seq, at) }
	out := func(seq int64, at time.Time) ScopeState { return ev(OptOut, seq, at) }
	resume := func(seq int64, at time.Time) ScopeState { return ev(Resume, seq, at) }
	cases := []struct {
		name string
		x, y ScopeState
		want bool
	}{
		{"opt-in recorded later, given before another opt-in", in(2, t0), in(1, t0.Add(time.Hour)), false},
		{"opt-in recorded later, given after another", in(2, t0.Add(time.Hour)), in(1, t0), true},
		{"two opt-ins at one moment: the newer in the ledger", in(2, t0), in(1, t0), true},
		{"newer opt-out over opt-in", out(2, t0), in(1, t0), true},
		{"opt-out recorded first, given after the opt-in", out(1, t0.Add(time.Hour)), in(2, t0), true},
		{"opt-in recorded after, given before the opt-out", in(2, t0), out(1, t0.Add(time.Hour)), false},
		{"opt-in recorded after, given after the opt-out", in(2, t0.Add(time.Hour)), out(1, t0), true},
		{"opt-out recorded after, given before the opt-in", out(2, t0), in(1, t0.Add(time.Hour)), false},
		{"opt-out recorded later, given before another opt-out", out(2, t0), out(1, t0.Add(time.Hour)), false},
		{"resume given before the opt-out", resume(2, t0), out(1, t0.Add(time.Hour)), false},
		{"resume given after the opt-out", resume(2, t0.Add(time.Hour)), out(1, t0), true},
		{"opt-out 800 ms after an opt-in recorded later", out(1, t0.Add(900*time.Millisecond)), in(2, t0.Add(100*time.Millisecond)), true},
		{"opt-in 800 ms after an opt-out recorded earlier", in(2, t0.Add(900*time.Millisecond)), out(1, t0.Add(100*time.Millisecond)), true},
		{"opt-in recorded later, 800 ms before an opt-out", in(2, t0.Add(100*time.Millisecond)), out(1, t0.Add(900*time.Millisecond)), false},
		{"Meta's whole-second PARAR recorded after an API opt-in at .584", out(2, t0), in(1, t0.Add(584*time.Millisecond)), true},
		{"API opt-in at .584 recorded before Meta's whole-second PARAR", in(1, t0.Add(584*time.Millisecond)), out(2, t0), false},
		{"two whole-second events in one second: the newer in the ledger", resume(2, t0), out(1, t0), true},
	}
	for _, c := range cases {
		if got := c.x.Supersedes(c.y); got != c.want {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
		}
	}
}

// TestWhatsAppSettingApart: Meta's stop and resume stand under their own key
// of the state, which covers marketing topics like the category does, and
// reads back as the ledger's scope.
func TestWhatsAppSettingApart(t *testing.T) {
	mkt := CategoryScope(Marketing)
	key := StateScope(mkt, OptOut, SourceMetaPreferences)
	if key == mkt || StateScope(mkt, OptOut, SourceMetaError131050) != key || StateScope(mkt, OptOut, SourceWhatsAppButton) != mkt {
		t.Fatalf("state keys: %q, %q, %q", key, StateScope(mkt, OptOut, SourceMetaError131050), StateScope(mkt, OptOut, SourceWhatsAppButton))
	}
	if key.Ledger() != mkt || mkt.Ledger() != mkt {
		t.Fatalf("ledger scope of %q: %q", key, key.Ledger())
	}
	if c, ok := key.Category(); !ok || c != Marketing {
		t.Fatalf("category of %q: %q %v", key, c, ok)
	}
	t0 := time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)
	promotions := newerRules.Topics["promotions"]
	st := State{Known: true, Scopes: []ScopeState{
		{Scope: mkt, Action: OptIn, Seq: 3, OccurredAt: t0},
		{Scope: key, Action: Resume, Seq: 2, OccurredAt: t0.Add(2 * time.Hour)},
	}}
	if eff, _ := st.Effective(promotions); eff.Action != OptIn {
		t.Errorf("opt-in under a resumed WhatsApp stop: %+v", eff)
	}
	st.Scopes[1] = ScopeState{Scope: key, Action: OptOut, Seq: 2, OccurredAt: t0.Add(time.Hour)}
	if eff, _ := st.Effective(promotions); eff.Action != OptOut || eff.Scope != key {
		t.Errorf("WhatsApp's stop after the opt-in: %+v", eff)
	}
	if d := Decide(newerRules, Outbound{Kind: Template, Template: "black_friday"}, &st, t0.Add(48*time.Hour)); d.Allow || d.Reason != ReasonTopicOptedOut {
		t.Errorf("black_friday under WhatsApp's stop: %+v", d)
	}
	// WhatsApp's stop does not make moot an opt-in the person gave the
	// business before it (a resume lifts the stop); their own opt-out does.
	if OptInSuperseded(newerRules, st.Scopes, TopicScope("promotions"), t0.Add(30*time.Minute)) {
		t.Error("a promotions opt-in from before WhatsApp's stop is superseded by it")
	}
	st.Scopes = append(st.Scopes, ScopeState{Scope: mkt, Action: OptOut, Seq: 4, OccurredAt: t0.Add(time.Hour)})
	if !OptInSuperseded(newerRules, st.Scopes, TopicScope("promotions"), t0.Add(30*time.Minute)) {
		t.Error("a promotions opt-in from before the person's own marketing opt-out is not superseded by it")
	}
}
