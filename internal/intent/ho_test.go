package intent

import (
	"os"
	"testing"
)

func TestHeldOut(t *testing.T) {
	p := os.Getenv("INTENT_HO")
	if p == "" {
		t.Skip()
	}
	rep := evalFile(t, p)
	rep.WriteText(os.Stdout)
}
