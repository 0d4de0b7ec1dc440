package meta

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
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

// FuzzDuplicateKey checks duplicateKey's byte scan against a slow reference
// built on encoding/json's tokenizer and bytes.EqualFold, on any valid JSON.
func FuzzDuplicateKey(f *testing.F) {
	for _, s := range []string{
		`{"a":1,"A":2}`, `{"a":{"b":1,"c":{"b":2}},"b":[{"a":1},{"a":2}]}`, `{"x":"{\"a\":1,\"a\":2}"}`,
		`{"\u0061":1,"a":2}`, `{"meſſage":1,"message":2}`, `[{"k":1},{"K":1}]`, `{"k":1,"K":2}`, `"a"`, `{}`,
	} {
		f.Add([]byte(s))
	}
	// Objects large enough to be checked through a set.
	var many, manyDup strings.Builder
	many.WriteString(`{"o":{`)
	for i := range 40 {
		fmt.Fprintf(&many, `"k%d":{"k%d":1},`, i, i)
	}
	manyDup.WriteString(many.String() + `"K7":0}}`)
	many.WriteString(`"end":0}}`)
	f.Add([]byte(many.String()))
	f.Add([]byte(manyDup.String()))
	f.Fuzz(func(t *testing.T, body []byte) {
		if !json.Valid(body) {
			return
		}
		_, got := duplicateKey(body)
		if want := referenceDuplicate(t, body); got != want {
			t.Fatalf("duplicateKey(%q) found one: %v, the reference: %v", body, got, want)
		}
	})
}

func referenceDuplicate(t *testing.T, body []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(body))
	type level struct {
		object, wantKey bool
		keys            []string
	}
	var stack []*level
	for {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		var top *level
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		switch v := tok.(type) {
		case json.Delim:
			switch v {
			case '{', '[':
				if top != nil && top.object {
					top.wantKey = true
				}
				stack = append(stack, &level{object: v == '{', wantKey: v == '{'})
			default:
				stack = stack[:len(stack)-1]
			}
			continue
		case string:
			if top != nil && top.object && top.wantKey {
				for _, k := range top.keys {
					if bytes.EqualFold([]byte(k), []byte(v)) {
						return true
					}
				}
				top.keys = append(top.keys, v)
				top.wantKey = false
				continue
			}
		}
		if top != nil && top.object {
			top.wantKey = true
		}
	}
}
