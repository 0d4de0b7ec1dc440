package intent

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func FuzzFold(f *testing.F) {
	for _, s := range []string{"SAIR 🙏", "Arrêtez de m'envoyer", "ǅ İ ß ﬁ Ｓ ½", "\xff\xfe", "nn voglio + ricevere"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Fold(s)
		if again := Fold(got); again != got {
			t.Fatalf("Fold not idempotent: %q -> %q -> %q", s, got, again)
		}
		if !utf8.ValidString(got) {
			t.Fatalf("Fold(%q) = %q is not valid UTF-8", s, got)
		}
		for _, r := range got {
			if unicode.IsUpper(r) {
				t.Fatalf("Fold(%q) = %q has upper case %q", s, got, r)
			}
		}
		if strings.Contains(got, "  ") || strings.TrimSpace(got) != got {
			t.Fatalf("Fold(%q) = %q has extra spaces", s, got)
		}
	})
}

func FuzzDetect(f *testing.F) {
	for _, s := range []string{"SAIR", "não parem de mandar", "hört auf", "stop by the store", "🛑", "", "de baja de baja de baja", "hou op op op"} {
		f.Add(s)
	}
	d, err := New(Options{Phrases: map[Intent][]string{OptOut: {"deixa em paz"}}})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r := d.Detect(s)
		switch r.Intent {
		case None, OptOut, OptIn, Help:
		default:
			t.Fatalf("Detect(%q) intent %q", s, r.Intent)
		}
		if r.Confidence < 0 || r.Confidence > 1 {
			t.Fatalf("Detect(%q) confidence %v", s, r.Confidence)
		}
	})
}
