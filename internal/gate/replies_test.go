package gate

import (
	"regexp"
	"testing"

	"github.com/optgate/optgate/internal/intent"
)

// TestRepliesNameKeywordsThatWork checks every word that a default reply tells
// people to send (the words in capitals): sent on its own, it must be acted on
// at once, as the intent the reply promises, not asked about or ignored.
func TestRepliesNameKeywordsThatWork(t *testing.T) {
	det, err := intent.New(intent.Options{})
	if err != nil {
		t.Fatal(err)
	}
	capital := regexp.MustCompile(`\b\p{Lu}{3,}\b`)
	// What each reply's keywords do: the opt-out confirmation tells how to
	// come back, the opt-in one how to stop, and help both, stop first.
	want := map[string][]intent.Intent{
		"opt_out": {intent.OptIn},
		"opt_in":  {intent.OptOut},
		"help":    {intent.OptOut, intent.OptIn},
	}
	for kind, texts := range defaultReplies {
		for lang, text := range texts {
			words := capital.FindAllString(text, -1)
			if w := want[kind]; len(words) != len(w) {
				if len(w) > 0 || len(words) > 0 {
					t.Errorf("%s/%s: keywords %q, want %d", kind, lang, words, len(w))
				}
				continue
			}
			for i, word := range words {
				r := det.Detect(word)
				if r.Intent != want[kind][i] || r.Uncertain {
					t.Errorf("%s/%s: the reply says to send %q, which is detected as %s (uncertain %v, rule %s); want %s, acted on at once",
						kind, lang, word, r.Intent, r.Uncertain, r.Rule, want[kind][i])
				}
			}
		}
	}
}
