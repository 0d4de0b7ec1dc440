package meta

import (
	"encoding/base64"
	"regexp"
	"strings"
	"testing"
)

// TestWAMIDAsMetaWritesThem: every wamid in Meta's samples that holds a
// number and an id is written back, byte for byte, by WAMID.
func TestWAMIDAsMetaWritesThem(t *testing.T) {
	envelope := regexp.MustCompile(`^\x1c\x18.([0-9]+)\x15\x02\x00([\x11\x12])\x18.([0-9A-F]+)\x00$`)
	var checked int
	for name, b := range fixtures(t, "*.json") {
		for _, m := range regexp.MustCompile(`"(wamid\.[^"]+)"`).FindAllSubmatch(b, -1) {
			id := string(m[1])
			raw, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(id, "wamid."))
			if err != nil {
				continue // a placeholder, not one of Meta's real ids
			}
			sub := envelope.FindSubmatch(raw)
			if sub == nil {
				continue
			}
			if got := WAMID(string(sub[1]), sub[2][0] == 0x12, string(sub[3])); got != id {
				t.Errorf("%s: WAMID gives %s for %s", name, got, id)
			}
			checked++
		}
	}
	if checked < 3 {
		t.Fatalf("only %d of Meta's wamids checked", checked)
	}
}
