package loadgen

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/optgate/optgate/internal/meta"
)

// wamidLayout is what a wamid from a person decodes to (meta.WAMID): the
// sender's number and 20 hex digits.
var wamidLayout = regexp.MustCompile(`^\x1c\x18(.)([0-9]+)\x15\x02\x00\x12\x18\x14[0-9A-F]{20}\x00$`)

// TestWebhookBody: a delivery parses as Meta's, and each message has its
// own id, in Meta's layout, carrying its sender's number.
func TestWebhookBody(t *testing.T) {
	p, err := meta.Parse(Webhook("106540352242922", 1000, 10, 50))
	if err != nil {
		t.Fatal(err)
	}
	msgs := p.Entry[0].Changes[0].Value.Messages
	if len(msgs) != 10 {
		t.Fatalf("%d messages, want 10", len(msgs))
	}
	ids := map[string]bool{}
	for _, m := range msgs {
		raw, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(m.ID, "wamid."))
		if err != nil {
			t.Fatalf("%s: %v", m.ID, err)
		}
		sub := wamidLayout.FindSubmatch(raw)
		if sub == nil || string(sub[2]) != m.From || int(sub[1][0]) != len(m.From) {
			t.Errorf("%s decodes to %q; want Meta's layout with the sender %s", m.ID, raw, m.From)
		}
		ids[m.ID] = true
	}
	if len(ids) != 10 {
		t.Errorf("%d distinct ids among 10 messages", len(ids))
	}
}

// TestPeople: messages come from at most -people people, each with one
// number and one name, and numbers never collide.
func TestPeople(t *testing.T) {
	const people = 100
	names := map[string]string{}
	for k := int64(0); k < 2000; k += 10 {
		p, err := meta.Parse(Webhook("106540352242922", k, 10, people))
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range p.Entry[0].Changes[0].Value.Contacts {
			if n, ok := names[c.WAID]; ok && n != c.Profile.Name {
				t.Fatalf("%s is %q and %q", c.WAID, n, c.Profile.Name)
			}
			names[c.WAID] = c.Profile.Name
		}
	}
	if len(names) > people || len(names) < people*9/10 {
		t.Errorf("%d people wrote 2,000 messages; want about %d", len(names), people)
	}
	numbers := map[string]bool{}
	for p := range int64(100_000) {
		numbers[WAID(p)] = true
	}
	if len(numbers) != 100_000 {
		t.Errorf("100,000 people have %d numbers", len(numbers))
	}
	if b := Webhook("106540352242922", 7, 1, 0); !bytes.Contains(b, []byte(`"from":"5521000000007","id":"wamid.LOAD7"`)) {
		t.Errorf("with -people 0, message 7 is not from a seventh person, in sequence: %s", b)
	}
}

// TestOrderMarker: message k's text carries k after OrderMarker, whatever
// the load.
func TestOrderMarker(t *testing.T) {
	for _, people := range []int64{0, 20000} {
		p, err := meta.Parse(Webhook("106540352242922", 41, 3, people))
		if err != nil {
			t.Fatal(err)
		}
		for i, m := range p.Entry[0].Changes[0].Value.Messages {
			if want := fmt.Sprintf("%s%d ", OrderMarker, 41+i); m.Text == nil || !strings.Contains(m.Text.Body, want) {
				t.Errorf("people %d, message %d: text %+v lacks %q", people, 41+i, m.Text, want)
			}
		}
	}
}
