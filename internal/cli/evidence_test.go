package cli

import (
	"encoding/json"
	"math/rand/v2"
	"testing"
)

// TestWithImport: the evidence withImport writes is byte for byte what
// json.Marshal writes for the map with the import's file and line added,
// whatever the keys around "import" and whatever the values hold; and it
// declines what it cannot place (escaped keys, an "import" of its own).
func TestWithImport(t *testing.T) {
	cases := []map[string]any{
		nil,
		{},
		{"a": 1.0},
		{"zeta": "z"},
		{"a": "x", "z": "y"},
		{"form": "checkout", "ip": "203.0.113.9", "text": "Quero receber ofertas"},
		{"i": 1.0, "im": true, "impo": nil, "importa": "after", "imq": []any{}},
		{"nested": map[string]any{"import": "not top level", "b": []any{"}", "{", map[string]any{"x": "\"]"}}}, "a": `quote " and \ backslash`},
		{"html": "<b>&</b>", "uni": "ação ✓ \u2028", "num": 12345678.5, "neg": -1e-9, "big": 1e21},
		{"list": []any{1.0, "two", nil, false, map[string]any{}}, "empty": "", "obj": map[string]any{"k": map[string]any{}}},
	}
	rng := rand.New(rand.NewPCG(1, 2))
	keys := []string{"a", "i", "im", "import_", "importa", "imp", "j", "z", "Import", "IMPORT", "évidence", "0", "_"}
	values := []any{"s", 1.5, true, nil, []any{"x", map[string]any{"a": "}"}}, map[string]any{"import": 1.0}, `"\`}
	for range 300 {
		m := map[string]any{}
		for range rng.IntN(6) {
			m[keys[rng.IntN(len(keys))]] = values[rng.IntN(len(values))]
		}
		cases = append(cases, m)
	}
	for _, m := range cases {
		ev, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := withImport(ev, `list "2025".csv`, 1234)
		if !ok {
			t.Fatalf("withImport(%s) declined", ev)
		}
		with := map[string]any{}
		for k, v := range m {
			with[k] = v
		}
		with["import"] = map[string]any{"file": `list "2025".csv`, "line": 1234}
		want, _ := json.Marshal(with)
		if string(got) != string(want) {
			t.Fatalf("withImport(%s)\n got %s\nwant %s", ev, got, want)
		}
	}
	for _, m := range []map[string]any{{"import": "theirs"}, {"a<b": 1.0}, {"a": 1.0, "x\ny": 2.0}} {
		ev, _ := json.Marshal(m)
		if got, ok := withImport(ev, "f.csv", 2); ok {
			t.Errorf("withImport(%s) = %s, want it declined", ev, got)
		}
	}
	// Not an object at all: declined, not mangled.
	for _, ev := range []string{`"text"`, `[1]`, `{"a":1`, ``} {
		if got, ok := withImport([]byte(ev), "f.csv", 2); ok {
			t.Errorf("withImport(%q) = %s", ev, got)
		}
	}
}
