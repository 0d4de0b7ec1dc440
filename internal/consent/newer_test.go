package consent

import (
	"testing"
	"time"
)

func TestNewerOptOut(t *testing.T) {
	r := &Rules{Topics: map[string]Topic{
		"promotions":    {ID: "promotions", Category: Marketing},
		"order_updates": {ID: "order_updates", Category: Utility},
	}}
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
		{"later opt-out of all blocks an older topic opt-in", out(ScopeAll, t0.Add(time.Hour)), TopicScope("promotions"), t0, true},
		{"earlier opt-out does not block a newer opt-in", out(ScopeAll, t0), TopicScope("promotions"), t0.Add(time.Hour), false},
		{"later marketing stop blocks a promotions opt-in", out(CategoryScope(Marketing), t0.Add(time.Hour)), TopicScope("promotions"), t0, true},
		{"later marketing stop does not block a utility opt-in", out(CategoryScope(Marketing), t0.Add(time.Hour)), TopicScope("order_updates"), t0, false},
		{"later topic opt-out blocks an opt-in of all", out(TopicScope("order_updates"), t0.Add(time.Hour)), ScopeAll, t0, true},
		{"later opt-out of another topic does not block", out(TopicScope("order_updates"), t0.Add(time.Hour)), TopicScope("promotions"), t0, false},
		{"an opt-in on record blocks nothing", []ScopeState{{Scope: ScopeAll, Action: OptIn, Seq: 1, OccurredAt: t0.Add(time.Hour)}}, ScopeAll, t0, false},
	}
	for _, c := range cases {
		if got := NewerOptOut(r, c.scopes, c.optIn, c.at); got != c.want {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
		}
	}
}
