package intent

import (
	"fmt"
	"os"
	"testing"
)

func TestDebugCollisions(t *testing.T) {
	if os.Getenv("INTENT_COLL") == "" {
		t.Skip()
	}
	d, _ := New(Options{})
	content := cMsg | cMkt | cSend | cRecv | cAll | cList | cNumber | cTxn | cCall | cStop | cUnsub | cNeg | cRemove | cWant | cCancel | cLeave | cEnough
	for k, lx := range d.uni {
		if lx.cls&(cSkip|cFiller|cPrep) != 0 && lx.cls&content != 0 {
			fmt.Printf("%s %b\n", k, lx.cls)
		}
	}
}
