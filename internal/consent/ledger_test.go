package consent

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

func baseEvent() Event {
	return Event{
		ID:         7,
		AccountID:  "acme",
		Seq:        42,
		ContactID:  9,
		Action:     OptIn,
		Scope:      TopicScope("promotions"),
		Source:     SourceWebForm,
		Evidence:   map[string]any{"text": "Quero receber promoções", "form_version": "3"},
		Reason:     "signed up at checkout",
		Actor:      "api:acme",
		OccurredAt: time.Date(2026, 1, 2, 3, 4, 5, 6_000_000, time.UTC),
		RecordedAt: time.Date(2026, 1, 2, 3, 4, 6, 0, time.UTC),
		PrevHash:   strings.Repeat("ab", 32),
	}
}

func TestComputeHashStable(t *testing.T) {
	e := baseEvent()
	ev, err := e.EvidenceJSON()
	if err != nil {
		t.Fatal(err)
	}
	h1 := e.ComputeHash(ev)
	if !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(h1) {
		t.Fatalf("hash %q is not 64 lower-case hex digits", h1)
	}
	e2 := baseEvent()
	ev2, _ := e2.EvidenceJSON()
	if h2 := e2.ComputeHash(ev2); h1 != h2 {
		t.Fatalf("same event, different hashes: %s %s", h1, h2)
	}
	// The same instant in another zone is the same event.
	e2.OccurredAt = e2.OccurredAt.In(time.FixedZone("BRT", -3*3600))
	if h := e2.ComputeHash(ev2); h != h1 {
		t.Errorf("hash depends on the time zone of OccurredAt")
	}
	// Fields that are not part of the chain: the row id, when it was recorded, the hash itself.
	e2 = baseEvent()
	e2.ID, e2.RecordedAt, e2.Hash = 99, e2.RecordedAt.Add(time.Hour), "whatever"
	if h := e2.ComputeHash(ev2); h != h1 {
		t.Errorf("hash depends on ID, RecordedAt or Hash")
	}
}

// TestComputeHashRecipe pins the recipe: hashes are stored in every ledger,
// so a change to it would make every existing chain fail verification.
func TestComputeHashRecipe(t *testing.T) {
	e := baseEvent()
	ev, _ := e.EvidenceJSON()
	var b strings.Builder
	for _, f := range []string{e.PrevHash, "acme", "42", "9", "opt_in", "topic:promotions", "web_form", ev,
		"signed up at checkout", "api:acme", strconv.FormatInt(e.OccurredAt.UnixMilli(), 10)} {
		fmt.Fprintf(&b, "%d:%s", len(f), f)
	}
	sum := sha256.Sum256([]byte(b.String()))
	if got, want := e.ComputeHash(ev), hex.EncodeToString(sum[:]); got != want {
		t.Errorf("ComputeHash = %s, want %s", got, want)
	}
}

func TestComputeHashChangesWithEveryField(t *testing.T) {
	base := baseEvent()
	baseEv, _ := base.EvidenceJSON()
	want := base.ComputeHash(baseEv)
	mutations := map[string]func(e *Event){
		"PrevHash":     func(e *Event) { e.PrevHash = GenesisHash },
		"AccountID":    func(e *Event) { e.AccountID = "acme2" },
		"Seq":          func(e *Event) { e.Seq++ },
		"ContactID":    func(e *Event) { e.ContactID++ },
		"Action":       func(e *Event) { e.Action = OptOut },
		"Scope":        func(e *Event) { e.Scope = ScopeAll },
		"Scope topic":  func(e *Event) { e.Scope = TopicScope("promotion") },
		"Source":       func(e *Event) { e.Source = SourceImport },
		"Evidence":     func(e *Event) { e.Evidence = map[string]any{"text": "Quero receber promoções", "form_version": "4"} },
		"No evidence":  func(e *Event) { e.Evidence = nil },
		"Reason":       func(e *Event) { e.Reason = "" },
		"Actor":        func(e *Event) { e.Actor = "admin" },
		"OccurredAt":   func(e *Event) { e.OccurredAt = e.OccurredAt.Add(time.Millisecond) },
		"OccurredAt s": func(e *Event) { e.OccurredAt = e.OccurredAt.Add(time.Second) },
	}
	seen := map[string]string{want: "base"}
	for name, mutate := range mutations {
		e := baseEvent()
		mutate(&e)
		ev, err := e.EvidenceJSON()
		if err != nil {
			t.Fatal(err)
		}
		got := e.ComputeHash(ev)
		if got == want {
			t.Errorf("changing %s does not change the hash", name)
		}
		if other, dup := seen[got]; dup {
			t.Errorf("changing %s gives the same hash as %s", name, other)
		}
		seen[got] = name
	}
}

func TestComputeHashFieldBoundaries(t *testing.T) {
	// Length prefixes keep "ab"+"c" apart from "a"+"bc".
	a, b := baseEvent(), baseEvent()
	a.Reason, a.Actor = "ab", "c"
	b.Reason, b.Actor = "a", "bc"
	if a.ComputeHash("{}") == b.ComputeHash("{}") {
		t.Errorf("moving text between Reason and Actor keeps the hash")
	}
	a, b = baseEvent(), baseEvent()
	a.Source, b.Source = "web_form", "web_for"
	if a.ComputeHash(`{}`) == b.ComputeHash(`m{}`) {
		t.Errorf("moving text between Source and evidence keeps the hash")
	}
}

func TestComputeHashChains(t *testing.T) {
	first := baseEvent()
	first.PrevHash = GenesisHash
	first.Seq = 1
	first.Hash = first.ComputeHash("{}")
	second := baseEvent()
	second.Seq = 2
	second.PrevHash = first.Hash
	h2 := second.ComputeHash("{}")
	// Tampering with the first event changes its hash, which the second one carries.
	tampered := first
	tampered.Action = OptOut
	second.PrevHash = tampered.ComputeHash("{}")
	if second.ComputeHash("{}") == h2 {
		t.Errorf("tampering with an earlier event does not change the later hash")
	}
}

func TestEvidenceJSON(t *testing.T) {
	e := Event{}
	if s, err := e.EvidenceJSON(); err != nil || s != "{}" {
		t.Errorf("empty evidence = %q, %v; want {}", s, err)
	}
	e.Evidence = map[string]any{"z": 1, "a": "x", "m": []any{"b", 2}}
	s, err := e.EvidenceJSON()
	if err != nil || s != `{"a":"x","m":["b",2],"z":1}` {
		t.Errorf("EvidenceJSON = %q, %v; want keys sorted", s, err)
	}
	// The canonical form does not depend on map insertion order.
	for range 20 {
		e2 := Event{Evidence: map[string]any{"m": []any{"b", 2}, "z": 1, "a": "x"}}
		if s2, _ := e2.EvidenceJSON(); s2 != s {
			t.Fatalf("EvidenceJSON not canonical: %q vs %q", s2, s)
		}
	}
	e.Evidence = map[string]any{"bad": func() {}}
	if _, err := e.EvidenceJSON(); err == nil || ErrorCode(err) != EInvalid {
		t.Errorf("unmarshalable evidence: err %v, want invalid", err)
	}
}

func TestEventValidate(t *testing.T) {
	r := testRules(RefuseUnknownTemplates)
	ok := func() Event {
		return Event{AccountID: "acme", Action: OptIn, Scope: TopicScope("promotions"), Source: SourceWebForm,
			Evidence: map[string]any{"text": "I agree to promotions"}}
	}
	valid := []func(e *Event){
		func(e *Event) {},
		func(e *Event) { e.Scope = ScopeAll },
		func(e *Event) { e.Scope = CategoryScope(Marketing) },
		func(e *Event) { e.Scope = CategoryScope(Authentication) },
		func(e *Event) { e.Action, e.Evidence = OptOut, nil },
		func(e *Event) { e.Action, e.Scope, e.Evidence = Resume, CategoryScope(Marketing), nil },
	}
	for i, m := range valid {
		e := ok()
		m(&e)
		if err := e.Validate(r); err != nil {
			t.Errorf("valid event %d (%s %s): %v", i, e.Action, e.Scope, err)
		}
	}
	invalid := []struct {
		name    string
		mutate  func(e *Event)
		mention string
	}{
		{"opt-in without evidence", func(e *Event) { e.Evidence = nil }, "evidence"},
		{"opt-in with empty evidence", func(e *Event) { e.Evidence = map[string]any{} }, "evidence"},
		{"opt-in to all without evidence", func(e *Event) { e.Scope, e.Evidence = ScopeAll, nil }, "evidence"},
		{"unknown topic", func(e *Event) { e.Scope = TopicScope("spam") }, `"spam"`},
		{"empty topic", func(e *Event) { e.Scope = TopicScope("") }, "topic"},
		{"bad category", func(e *Event) { e.Scope = CategoryScope("service") }, `"service"`},
		{"empty category", func(e *Event) { e.Scope = "category:" }, "category"},
		{"bad scope", func(e *Event) { e.Scope = "promotions" }, `"promotions"`},
		{"empty scope", func(e *Event) { e.Scope = "" }, "scope"},
		{"upper-case all", func(e *Event) { e.Scope = "ALL" }, "scope"},
		{"bad action", func(e *Event) { e.Action = "subscribe" }, `"subscribe"`},
		{"empty action", func(e *Event) { e.Action = "" }, "action"},
		{"no source", func(e *Event) { e.Source = "" }, "source"},
	}
	for _, tt := range invalid {
		e := ok()
		tt.mutate(&e)
		err := e.Validate(r)
		if err == nil {
			t.Errorf("%s: Validate accepted it", tt.name)
			continue
		}
		if ErrorCode(err) != EInvalid {
			t.Errorf("%s: code %q, want invalid", tt.name, ErrorCode(err))
		}
		if !strings.Contains(err.Error(), tt.mention) {
			t.Errorf("%s: error %q does not mention %s", tt.name, err, tt.mention)
		}
	}
}

func TestScopeHelpers(t *testing.T) {
	if id, ok := TopicScope("promotions").Topic(); !ok || id != "promotions" {
		t.Errorf("TopicScope.Topic = %q %v", id, ok)
	}
	if _, ok := TopicScope("promotions").Category(); ok {
		t.Errorf("topic scope reads as a category scope")
	}
	if c, ok := CategoryScope(Marketing).Category(); !ok || c != Marketing {
		t.Errorf("CategoryScope.Category = %q %v", c, ok)
	}
	if _, ok := CategoryScope(Marketing).Topic(); ok {
		t.Errorf("category scope reads as a topic scope")
	}
	if _, ok := ScopeAll.Topic(); ok {
		t.Errorf("all reads as a topic scope")
	}
	if _, ok := ScopeAll.Category(); ok {
		t.Errorf("all reads as a category scope")
	}
	if len(GenesisHash) != 64 || strings.Trim(GenesisHash, "0") != "" {
		t.Errorf("GenesisHash = %q", GenesisHash)
	}
}
