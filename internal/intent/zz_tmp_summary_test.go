package intent

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

func TestZZSummary(t *testing.T) {
	if os.Getenv("ZZ") == "" {
		t.Skip()
	}
	files, _ := filepath.Glob("testdata/*.tsv")
	files = append(files, "../../../shared/intents/dev.tsv")
	d, _ := New(Options{})
	for _, f := range files {
		fh, _ := os.Open(f)
		rep, _ := Evaluate(d, fh)
		fh.Close()
		fmt.Printf("%-14s n=%d acc=%.3f P=%.3f R=%.3f fpActed=%d", filepath.Base(f), rep.Total, rep.Accuracy(), rep.OptOutPrecision, rep.OptOutRecall, rep.FalseOptOutActed)
		for _, l := range []Intent{OptOut, OptIn, Help, None} {
			if x := rep.ByLabel[l]; x != nil {
				fmt.Printf(" %s=%.3f(%d)", l, x.Acc, x.N)
			}
		}
		fmt.Println()
		if os.Getenv("ZZ") == "v" {
			for _, e := range rep.Errors {
				u := ""
				if e.Got.Uncertain {
					u = "?"
				}
				fmt.Printf("   %s [%s] %s -> %s%s (%s %q) :: %q\n", e.ID, e.Lang, e.Label, e.Got.Intent, u, e.Got.Rule, e.Got.Matched, e.Text)
			}
		}
	}
}
