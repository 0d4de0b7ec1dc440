package consent

import (
	"strings"
	"testing"
	"time"
)

var now = time.Date(2026, 3, 14, 12, 0, 0, 0, time.UTC)

func testRules(policy UnknownTemplatePolicy) *Rules {
	return &Rules{
		Topics: map[string]Topic{
			"order_updates":  {ID: "order_updates", Category: Utility},
			"promotions":     {ID: "promotions", Category: Marketing},
			"newsletter":     {ID: "newsletter", Category: Marketing},
			"security_codes": {ID: "security_codes", Category: Authentication},
		},
		Templates: map[string]string{
			"order_shipped": "order_updates",
			"black_friday":  "promotions",
			"weekly_news":   "newsletter",
			"login_code":    "security_codes",
			"orphan":        "no_such_topic", // maps to a topic the account does not have
		},
		UnknownTemplates: policy,
	}
}

// sc is one scope's latest event; at is minutes before now.
func sc(seq int64, scope Scope, action Action, source string, at time.Duration) ScopeState {
	return ScopeState{Scope: scope, Action: action, Seq: seq, Source: source, OccurredAt: now.Add(-at * time.Minute)}
}

var (
	tmpl     = func(name string) Outbound { return Outbound{Kind: Template, Type: "template", Template: name} }
	text     = Outbound{Kind: FreeForm, Type: "text"}
	image    = Outbound{Kind: FreeForm, Type: "image"}
	markRead = Outbound{Kind: StatusUpdate}
	allOut   = func(seq int64) ScopeState { return sc(seq, ScopeAll, OptOut, SourceWhatsAppKeyword, 60) }
	mktStop  = func(seq int64) ScopeState {
		return sc(seq, CategoryScope(Marketing), OptOut, SourceMetaPreferences, 50)
	}
	mktResume = func(seq int64) ScopeState {
		return sc(seq, CategoryScope(Marketing), Resume, SourceMetaPreferences, 40)
	}
	inTopic  = func(seq int64, id string) ScopeState { return sc(seq, TopicScope(id), OptIn, SourceWebForm, 90) }
	outTopic = func(seq int64, id string) ScopeState {
		return sc(seq, TopicScope(id), OptOut, SourceWhatsAppButton, 30)
	}
)

func wroteAgo(d time.Duration) time.Time { return now.Add(-d) }

func TestDecide(t *testing.T) {
	openWindow := wroteAgo(time.Hour)
	tests := []struct {
		name      string
		policy    UnknownTemplatePolicy
		msg       Outbound
		st        State
		allow     bool
		reason    Reason
		topic     string
		inDetails string
	}{
		// Rule: mark-as-read and typing indicators always pass.
		{name: "status update to unknown contact", msg: markRead, allow: true, reason: ReasonStatusUpdate},
		{name: "status update to person opted out of all", msg: markRead,
			st: State{Known: true, Scopes: []ScopeState{allOut(1)}}, allow: true, reason: ReasonStatusUpdate},
		{name: "status update to person with closed window and every opt-out", msg: markRead,
			st:    State{Known: true, Scopes: []ScopeState{allOut(3), mktStop(2), outTopic(1, "order_updates")}, LastInbound: wroteAgo(48 * time.Hour)},
			allow: true, reason: ReasonStatusUpdate},

		// Rule: opted out of everything.
		{name: "all opt-out refuses utility template even with topic opt-in before it", msg: tmpl("order_shipped"),
			st:     State{Known: true, Scopes: []ScopeState{inTopic(1, "order_updates"), allOut(2)}, LastInbound: openWindow},
			reason: ReasonOptedOut},
		{name: "all opt-out refuses free-form inside the window", msg: text,
			st:     State{Known: true, Scopes: []ScopeState{allOut(1)}, LastInbound: openWindow},
			reason: ReasonOptedOut},
		{name: "all opt-out refuses unknown template even when policy allows", policy: AllowUnknownTemplates, msg: tmpl("not_registered"),
			st:     State{Known: true, Scopes: []ScopeState{allOut(1)}},
			reason: ReasonOptedOut},
		{name: "all opt-out refuses authentication template", msg: tmpl("login_code"),
			st:     State{Known: true, Scopes: []ScopeState{allOut(1)}, LastInbound: openWindow},
			reason: ReasonOptedOut},
		{name: "later topic opt-out does not lift an all opt-out (free-form)", msg: text,
			st:     State{Known: true, Scopes: []ScopeState{allOut(1), outTopic(2, "promotions")}, LastInbound: openWindow},
			reason: ReasonOptedOut},
		{name: "later category opt-out does not lift an all opt-out (utility template)", msg: tmpl("order_shipped"),
			st:     State{Known: true, Scopes: []ScopeState{allOut(1), mktStop(2)}, LastInbound: openWindow},
			reason: ReasonOptedOut, topic: "order_updates"},

		// Rule: opted out of the template's topic.
		{name: "topic opt-out refuses even inside the window", msg: tmpl("black_friday"),
			st:     State{Known: true, Scopes: []ScopeState{outTopic(1, "promotions")}, LastInbound: openWindow},
			reason: ReasonTopicOptedOut, topic: "promotions", inDetails: "topic promotions"},
		{name: "topic opt-out leaves other marketing topics alone", msg: tmpl("weekly_news"),
			st:    State{Known: true, Scopes: []ScopeState{outTopic(2, "promotions"), inTopic(1, "newsletter")}},
			allow: true, reason: ReasonOptedIn, topic: "newsletter"},
		{name: "topic opt-out leaves free-form inside the window alone", msg: text,
			st:    State{Known: true, Scopes: []ScopeState{outTopic(1, "promotions")}, LastInbound: openWindow},
			allow: true, reason: ReasonWindowOpen},
		{name: "topic opt-out after topic opt-in wins", msg: tmpl("black_friday"),
			st:     State{Known: true, Scopes: []ScopeState{sc(1, ScopeAll, OptIn, SourceWebForm, 100), outTopic(2, "promotions")}},
			reason: ReasonTopicOptedOut, topic: "promotions"},

		// Rule: category (Meta's marketing stop) opt-out.
		{name: "marketing stop blocks marketing template", msg: tmpl("black_friday"),
			st:     State{Known: true, Scopes: []ScopeState{inTopic(1, "promotions"), mktStop(2)}, LastInbound: openWindow},
			reason: ReasonTopicOptedOut, topic: "promotions", inDetails: SourceMetaPreferences},
		{name: "marketing stop blocks every marketing topic", msg: tmpl("weekly_news"),
			st:     State{Known: true, Scopes: []ScopeState{inTopic(1, "newsletter"), mktStop(2)}},
			reason: ReasonTopicOptedOut, topic: "newsletter", inDetails: "all marketing messages"},
		{name: "131050 marketing stop blocks marketing template", msg: tmpl("black_friday"),
			st:     State{Known: true, Scopes: []ScopeState{sc(1, CategoryScope(Marketing), OptOut, SourceMetaError131050, 5)}},
			reason: ReasonTopicOptedOut, topic: "promotions", inDetails: SourceMetaError131050},
		{name: "marketing stop does not block utility template with opt-in", msg: tmpl("order_shipped"),
			st:    State{Known: true, Scopes: []ScopeState{inTopic(1, "order_updates"), mktStop(2)}},
			allow: true, reason: ReasonOptedIn, topic: "order_updates"},
		{name: "marketing stop does not block utility template in window", msg: tmpl("order_shipped"),
			st:    State{Known: true, Scopes: []ScopeState{mktStop(1)}, LastInbound: openWindow},
			allow: true, reason: ReasonWindowOpen, topic: "order_updates"},
		{name: "marketing stop does not block authentication template in window", msg: tmpl("login_code"),
			st:    State{Known: true, Scopes: []ScopeState{mktStop(1)}, LastInbound: openWindow},
			allow: true, reason: ReasonWindowOpen, topic: "security_codes"},
		{name: "marketing stop does not block free-form in window", msg: text,
			st:    State{Known: true, Scopes: []ScopeState{mktStop(1)}, LastInbound: openWindow},
			allow: true, reason: ReasonWindowOpen},
		{name: "topic opt-in after marketing stop is newer and applies", msg: tmpl("black_friday"),
			st:    State{Known: true, Scopes: []ScopeState{mktStop(1), sc(2, TopicScope("promotions"), OptIn, SourceWebForm, 10)}},
			allow: true, reason: ReasonOptedIn, topic: "promotions"},
		{name: "topic opt-in recorded after marketing stop, given before it, does not undo it", msg: tmpl("black_friday"),
			st:     State{Known: true, Scopes: []ScopeState{mktStop(1), inTopic(2, "promotions")}},
			reason: ReasonTopicOptedOut, topic: "promotions"},

		// Resume.
		{name: "resume lifts marketing stop and restores earlier topic opt-in", msg: tmpl("black_friday"),
			st:    State{Known: true, Scopes: []ScopeState{inTopic(1, "promotions"), mktResume(3)}},
			allow: true, reason: ReasonOptedIn, topic: "promotions"},
		{name: "resume is not an opt-in", msg: tmpl("black_friday"),
			st:     State{Known: true, Scopes: []ScopeState{mktResume(2)}},
			reason: ReasonNoOptIn, topic: "promotions"},
		{name: "resume does not lift an all opt-out (marketing template)", msg: tmpl("black_friday"),
			st:     State{Known: true, Scopes: []ScopeState{inTopic(1, "promotions"), allOut(2), mktResume(3)}},
			reason: ReasonOptedOut, topic: "promotions"},
		{name: "resume does not lift an all opt-out (free-form in window)", msg: text,
			st:     State{Known: true, Scopes: []ScopeState{allOut(2), mktResume(3)}, LastInbound: openWindow},
			reason: ReasonOptedOut},
		{name: "resume does not lift a topic opt-out", msg: tmpl("black_friday"),
			st:     State{Known: true, Scopes: []ScopeState{outTopic(1, "promotions"), mktResume(3)}},
			reason: ReasonTopicOptedOut, topic: "promotions"},

		// Service window.
		{name: "free-form inside the window", msg: text,
			st: State{Known: true, LastInbound: wroteAgo(23*time.Hour + 59*time.Minute)}, allow: true, reason: ReasonWindowOpen},
		{name: "free-form exactly 24h after last inbound", msg: image,
			st: State{Known: true, LastInbound: wroteAgo(24 * time.Hour)}, reason: ReasonWindowClosed, inDetails: "image"},
		{name: "free-form after the window expired", msg: text,
			st: State{Known: true, LastInbound: wroteAgo(25 * time.Hour)}, reason: ReasonWindowClosed, inDetails: "text"},
		{name: "free-form to someone who never wrote", msg: Outbound{Kind: FreeForm}, reason: ReasonWindowClosed, inDetails: "free-form"},
		{name: "free-form after 131047 closed the window", msg: text,
			st: State{Known: true, LastInbound: wroteAgo(2 * time.Hour), WindowClosedAt: wroteAgo(time.Hour)}, reason: ReasonWindowClosed},
		{name: "person wrote again after 131047", msg: text,
			st:    State{Known: true, LastInbound: wroteAgo(time.Hour), WindowClosedAt: wroteAgo(2 * time.Hour)},
			allow: true, reason: ReasonWindowOpen},
		{name: "template in window needs no opt-in", msg: tmpl("black_friday"),
			st: State{Known: true, LastInbound: openWindow}, allow: true, reason: ReasonWindowOpen, topic: "promotions"},
		{name: "template at 24h needs an opt-in", msg: tmpl("black_friday"),
			st: State{Known: true, LastInbound: wroteAgo(24 * time.Hour)}, reason: ReasonNoOptIn, topic: "promotions"},

		// No opt-in.
		{name: "template to unknown contact", msg: tmpl("order_shipped"), reason: ReasonNoOptIn, topic: "order_updates", inDetails: "order_updates"},
		{name: "opt-in to another topic is not enough", msg: tmpl("black_friday"),
			st: State{Known: true, Scopes: []ScopeState{inTopic(1, "order_updates")}}, reason: ReasonNoOptIn, topic: "promotions"},

		// Opt-in scopes.
		{name: "opt-in to all", msg: tmpl("black_friday"),
			st: State{Known: true, Scopes: []ScopeState{sc(1, ScopeAll, OptIn, SourceImport, 60)}}, allow: true, reason: ReasonOptedIn, topic: "promotions", inDetails: "all messages"},
		{name: "opt-in to category covers its topics", msg: tmpl("order_shipped"),
			st: State{Known: true, Scopes: []ScopeState{sc(1, CategoryScope(Utility), OptIn, SourceWebForm, 60)}}, allow: true, reason: ReasonOptedIn, topic: "order_updates", inDetails: "all utility messages"},
		{name: "opt-in to category does not cover other categories", msg: tmpl("black_friday"),
			st: State{Known: true, Scopes: []ScopeState{sc(1, CategoryScope(Utility), OptIn, SourceWebForm, 60)}}, reason: ReasonNoOptIn, topic: "promotions"},
		{name: "opt-in to topic", msg: tmpl("black_friday"),
			st: State{Known: true, Scopes: []ScopeState{inTopic(1, "promotions")}}, allow: true, reason: ReasonOptedIn, topic: "promotions", inDetails: "topic promotions"},

		// Unknown templates.
		{name: "unknown template refused by default", msg: tmpl("not_registered"),
			st: State{Known: true, Scopes: []ScopeState{sc(1, ScopeAll, OptIn, SourceWebForm, 60)}, LastInbound: openWindow}, reason: ReasonUnknownTemplate, inDetails: "not_registered"},
		{name: "unknown template refused with explicit refuse policy", policy: RefuseUnknownTemplates, msg: tmpl("not_registered"), reason: ReasonUnknownTemplate},
		{name: "template mapped to a missing topic is unknown", msg: tmpl("orphan"), reason: ReasonUnknownTemplate},
		{name: "unknown template allowed by policy", policy: AllowUnknownTemplates, msg: tmpl("not_registered"), allow: true, reason: ReasonUnknownAllowed},

		// Later opt-in after an all opt-out.
		{name: "topic opt-in after all opt-out allows that topic", msg: tmpl("black_friday"),
			st: State{Known: true, Scopes: []ScopeState{allOut(1), sc(2, TopicScope("promotions"), OptIn, SourceWebForm, 10)}}, allow: true, reason: ReasonOptedIn, topic: "promotions"},
		{name: "topic opt-in after all opt-out leaves other topics opted out", msg: tmpl("order_shipped"),
			st: State{Known: true, Scopes: []ScopeState{allOut(1), sc(2, TopicScope("promotions"), OptIn, SourceWebForm, 10)}, LastInbound: openWindow}, reason: ReasonOptedOut, topic: "order_updates"},
		{name: "topic opt-in recorded after all opt-out, given before it, does not lift it", msg: tmpl("black_friday"),
			st: State{Known: true, Scopes: []ScopeState{allOut(1), inTopic(2, "promotions")}}, reason: ReasonOptedOut, topic: "promotions"},
		{name: "all opt-in after all opt-out", msg: tmpl("order_shipped"),
			st: State{Known: true, Scopes: []ScopeState{sc(2, ScopeAll, OptIn, SourceWebForm, 1)}}, allow: true, reason: ReasonOptedIn, topic: "order_updates"},

		// The latest word decides, by when it was said (to the second), then
		// by the ledger's order: whatever order events were recorded in.
		{name: "opt-in given after an opt-out recorded later stands", msg: tmpl("black_friday"),
			st: State{Known: true, Scopes: []ScopeState{
				sc(1, TopicScope("promotions"), OptIn, SourceWebForm, 1),   // 1 minute ago
				sc(2, CategoryScope(Marketing), OptOut, SourceImport, 600), // 10 hours ago, recorded later
			}}, allow: true, reason: ReasonOptedIn, topic: "promotions"},
		{name: "opt-out given after an opt-in recorded later stands", msg: tmpl("black_friday"),
			st: State{Known: true, Scopes: []ScopeState{
				sc(1, CategoryScope(Marketing), OptOut, SourceMetaPreferences, 1),
				sc(2, TopicScope("promotions"), OptIn, SourceImport, 600),
			}}, reason: ReasonTopicOptedOut, topic: "promotions"},
		{name: "same second: the ledger's order", msg: tmpl("black_friday"),
			st: State{Known: true, Scopes: []ScopeState{
				sc(1, TopicScope("promotions"), OptIn, SourceWebForm, 5),
				sc(2, CategoryScope(Marketing), OptOut, SourceMetaPreferences, 5),
			}}, reason: ReasonTopicOptedOut, topic: "promotions"},
		{name: "newer seq opt-in does not undo an opt-out with later time", msg: tmpl("black_friday"),
			st: State{Known: true, Scopes: []ScopeState{
				sc(2, TopicScope("promotions"), OptIn, SourceImport, 600),
				sc(1, CategoryScope(Marketing), OptOut, SourceMetaPreferences, 1),
			}}, reason: ReasonTopicOptedOut, topic: "promotions"},
		{name: "all opt-out with later time but older seq is not lifted by an older opt-in", msg: tmpl("black_friday"),
			st: State{Known: true, Scopes: []ScopeState{
				sc(2, TopicScope("promotions"), OptIn, SourceImport, 600),
				sc(1, ScopeAll, OptOut, SourceWhatsAppKeyword, 1),
			}}, reason: ReasonOptedOut, topic: "promotions"},
		{name: "newer seq opt-in of all, given before a marketing stop, still counts for utility", msg: tmpl("order_shipped"),
			st: State{Known: true, Scopes: []ScopeState{
				sc(2, ScopeAll, OptIn, SourceWhatsAppKeyword, 600),
				sc(1, CategoryScope(Marketing), OptOut, SourceWhatsAppButton, 1),
			}}, allow: true, reason: ReasonOptedIn, topic: "order_updates"},
		{name: "all opt-out recorded later, given before a topic opt-in, leaves that topic opted in", msg: tmpl("black_friday"),
			st: State{Known: true, Scopes: []ScopeState{
				sc(1, TopicScope("promotions"), OptIn, SourceWebForm, 1),
				sc(2, ScopeAll, OptOut, SourceImport, 600),
			}}, allow: true, reason: ReasonOptedIn, topic: "promotions"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			policy := tt.policy
			if policy == "" {
				policy = RefuseUnknownTemplates
			}
			d := Decide(testRules(policy), tt.msg, &tt.st, now)
			if d.Allow != tt.allow || d.Reason != tt.reason {
				t.Fatalf("Decide = allow %v reason %q (%s), want allow %v reason %q", d.Allow, d.Reason, d.Details, tt.allow, tt.reason)
			}
			// An opt-out of everything is refused before the template is looked up, so its topic may be empty.
			if d.Topic != tt.topic && tt.reason != ReasonOptedOut {
				t.Errorf("Topic = %q, want %q", d.Topic, tt.topic)
			}
			if d.Details == "" {
				t.Errorf("Details is empty")
			}
			if tt.inDetails != "" && !strings.Contains(d.Details, tt.inDetails) {
				t.Errorf("Details = %q, want it to mention %q", d.Details, tt.inDetails)
			}
		})
	}
}

func TestDecideDefaultPolicyIsRefuse(t *testing.T) {
	r := testRules("")
	d := Decide(r, tmpl("not_registered"), &State{}, now)
	if d.Allow || d.Reason != ReasonUnknownTemplate {
		t.Fatalf("zero policy: got allow %v reason %q, want refusal unknown_template", d.Allow, d.Reason)
	}
}

func TestWindowExpires(t *testing.T) {
	last := wroteAgo(3 * time.Hour)
	st := State{LastInbound: last}
	if got, want := st.WindowExpires(now), last.Add(24*time.Hour); !got.Equal(want) {
		t.Errorf("WindowExpires = %v, want %v", got, want)
	}
	st.WindowClosedAt = wroteAgo(time.Hour)
	if got := st.WindowExpires(now); !got.IsZero() {
		t.Errorf("WindowExpires after 131047 = %v, want zero", got)
	}
	if got := (&State{LastInbound: wroteAgo(24 * time.Hour)}).WindowExpires(now); !got.IsZero() {
		t.Errorf("WindowExpires at 24h = %v, want zero", got)
	}
	if (&State{}).WindowOpen(now) {
		t.Errorf("a contact who never wrote has an open window")
	}
}

func TestOptedOutOfAll(t *testing.T) {
	tests := []struct {
		name   string
		scopes []ScopeState
		want   bool
	}{
		{"nothing", nil, false},
		{"all opt-out", []ScopeState{allOut(1)}, true},
		{"all opt-out then topic opt-out", []ScopeState{allOut(1), outTopic(2, "promotions")}, true},
		{"all opt-out then marketing stop", []ScopeState{allOut(1), mktStop(2)}, true},
		{"all opt-out then marketing resume", []ScopeState{allOut(1), mktResume(2)}, true},
		{"all opt-out then topic opt-in", []ScopeState{allOut(1), sc(2, TopicScope("promotions"), OptIn, SourceWebForm, 10)}, false},
		{"all opt-out then topic opt-in given before it", []ScopeState{allOut(1), inTopic(2, "promotions")}, true},
		{"topic opt-in then all opt-out", []ScopeState{inTopic(1, "promotions"), allOut(2)}, true},
		{"all opt-in", []ScopeState{sc(3, ScopeAll, OptIn, SourceWebForm, 0)}, false},
		{"topic opt-out only", []ScopeState{outTopic(1, "promotions")}, false},
		{"marketing stop only", []ScopeState{mktStop(1)}, false},
	}
	for _, tt := range tests {
		st := State{Scopes: tt.scopes}
		if got := st.OptedOutOfAll(); got != tt.want {
			t.Errorf("%s: OptedOutOfAll = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestTopicsIn(t *testing.T) {
	r := testRules(RefuseUnknownTemplates)
	got := map[string]bool{}
	for _, id := range r.TopicsIn(Marketing) {
		got[id] = true
	}
	if len(got) != 2 || !got["promotions"] || !got["newsletter"] {
		t.Errorf("TopicsIn(marketing) = %v, want promotions and newsletter", got)
	}
	if ids := r.TopicsIn(Utility); len(ids) != 1 || ids[0] != "order_updates" {
		t.Errorf("TopicsIn(utility) = %v", ids)
	}
}

func TestCategoryValid(t *testing.T) {
	for _, c := range []Category{Marketing, Utility, Authentication} {
		if !c.Valid() {
			t.Errorf("%q not valid", c)
		}
	}
	for _, c := range []Category{"", "Marketing", "service", "MARKETING"} {
		if c.Valid() {
			t.Errorf("%q valid", c)
		}
	}
}
