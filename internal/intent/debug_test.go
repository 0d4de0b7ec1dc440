package intent

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

func TestDebugDump(t *testing.T) {
	q := os.Getenv("INTENT_Q")
	if q == "" {
		t.Skip()
	}
	d, _ := New(Options{})
	for _, s := range strings.Split(q, "|") {
		r := d.Detect(s)
		words := tokenize(s, nil)
		var ws []word
		for _, w := range words {
			ws = append(ws, word{text: w.text, key: squeeze(w.text), clause: w.clause})
		}
		toks := d.lexify(ws, nil)
		for _, tk := range toks {
			fmt.Printf("  [%d] %q cls=%b\n", tk.clause, tk.text, tk.cls)
		}
		fmt.Printf("%q => %+v\n", s, r)
	}
}
