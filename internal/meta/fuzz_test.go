package meta

import (
	"bytes"
	"encoding/json"
	"testing"
)

// FuzzParse feeds webhook bodies to Parse. It must never panic; what it
// accepts must survive a marshal and parse round trip unchanged, so nothing
// optgate stores or forwards from a parsed payload can be lost or invented.
func FuzzParse(f *testing.F) {
	for _, body := range fixtures(f, "webhook-*.json") {
		f.Add(body)
	}
	for _, s := range []string{
		``,
		`null`,
		`{}`,
		`{"object":"whatsapp_business_account","entry":[]}`,
		`{"object":"whatsapp_business_account","entry":[null]}`,
		`{"object":"whatsapp_business_account","entry":[{"changes":[{"value":{"message_template_id":1e400}}]}]}`,
		`{"object":"whatsapp_business_account","entry":[{"id":"1"}]}]`,
		`{"object":"whatsapp_business_account","entry":[{"id":"1"}]}{}`,
		`{"object":"whatsapp_business_account","entry":[{"changes":[{"value":{"messages":[{"text":{"body":"\ud800"}}]}}]}]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		p, err := Parse(body)
		if err != nil {
			if p != nil {
				t.Fatalf("payload returned with error %v", err)
			}
			return
		}
		if p.Object != "whatsapp_business_account" || len(p.Entry) == 0 {
			t.Fatalf("accepted %+v", p)
		}
		b1, err := json.Marshal(p)
		if err != nil {
			t.Fatalf("cannot marshal an accepted payload: %v", err)
		}
		p2, err := Parse(b1)
		if err != nil {
			t.Fatalf("re-parse of %s: %v", b1, err)
		}
		b2, err := json.Marshal(p2)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(b1, b2) {
			t.Fatalf("round trip not stable:\n%s\n%s", b1, b2)
		}
	})
}

func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"1749416383", "0", "-1", "", "1e9", "9223372036854775807"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tm, err := ParseTime(s)
		if err == nil && tm.Unix() < 0 {
			t.Fatalf("ParseTime(%q) = %v, before the epoch", s, tm)
		}
	})
}
