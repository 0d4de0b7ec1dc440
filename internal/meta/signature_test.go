package meta

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
)

const testSecret = "a1b2c3d4e5f60718293a4b5c6d7e8f90" // the shape of a Meta app secret

func TestSignKnownValue(t *testing.T) {
	// Computed independently of Sign: HMAC-SHA256("key", "The quick brown fox jumps over the lazy dog").
	const want = "sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
	if got := Sign([]byte("The quick brown fox jumps over the lazy dog"), "key"); got != want {
		t.Errorf("Sign = %s, want %s", got, want)
	}
	got := Sign([]byte("{}"), testSecret)
	if !strings.HasPrefix(got, "sha256=") || strings.ToLower(got) != got || len(got) != len("sha256=")+64 {
		t.Errorf("Sign = %q, want sha256= and 64 lower-case hex digits", got)
	}
}

func TestVerifySignature(t *testing.T) {
	body := []byte(`{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[]}]}`)
	good := Sign(body, testSecret)
	hexSig := strings.TrimPrefix(good, "sha256=")
	tests := []struct {
		name   string
		body   []byte
		header string
		secret string
		want   bool
	}{
		{"right", body, good, testSecret, true},
		{"upper-case hex (hex.DecodeString accepts both; Meta sends lower-case)", body, "sha256=" + strings.ToUpper(hexSig), testSecret, true},
		{"wrong secret", body, good, testSecret + "x", false},
		{"secret is a prefix", body, good, testSecret[:len(testSecret)-1], false},
		{"wrong body", append([]byte{}, append(body, ' ')...), good, testSecret, false},
		{"body with one byte changed", []byte(strings.Replace(string(body), `"1"`, `"2"`, 1)), good, testSecret, false},
		{"empty body signed for another", nil, good, testSecret, false},
		{"empty secret", body, Sign(body, ""), "", false},
		{"empty header", body, "", testSecret, false},
		{"no prefix", body, hexSig, testSecret, false},
		{"sha1 prefix", body, "sha1=" + hexSig, testSecret, false},
		{"upper-case prefix", body, "SHA256=" + hexSig, testSecret, false},
		{"prefix only", body, "sha256=", testSecret, false},
		{"not hex", body, "sha256=" + strings.Repeat("zz", 32), testSecret, false},
		{"odd length", body, good[:len(good)-1], testSecret, false},
		{"truncated to 16 bytes", body, good[:len("sha256=")+32], testSecret, false},
		{"too long", body, good + "00", testSecret, false},
		{"leading space", body, " " + good, testSecret, false},
		{"trailing space", body, good + " ", testSecret, false},
		{"signed with the right secret, other body", []byte("{}"), good, testSecret, false},
	}
	for _, tt := range tests {
		if got := VerifySignature(tt.body, tt.header, tt.secret); got != tt.want {
			t.Errorf("%s: VerifySignature = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestVerifySignatureFixtures(t *testing.T) {
	for name, body := range fixtures(t, "webhook-*.json") {
		sig := Sign(body, testSecret)
		if !VerifySignature(body, sig, testSecret) {
			t.Errorf("%s: own signature refused", name)
		}
		// Re-indenting the JSON (what a careless proxy does) breaks the signature: it is over the raw bytes.
		if VerifySignature([]byte(strings.ReplaceAll(string(body), "\n", "\r\n")), sig, testSecret) {
			t.Errorf("%s: signature accepted for different bytes", name)
		}
	}
}

// hmacKey returns the key HMAC actually uses: keys longer than SHA-256's
// block are hashed, and shorter ones are padded with zero bytes, so "k" and
// "k\x00" are the same HMAC key. Such pairs are not different secrets.
func hmacKey(secret string) string {
	k := []byte(secret)
	if len(k) > sha256.BlockSize {
		s := sha256.Sum256(k)
		k = s[:]
	}
	return strings.TrimRight(string(k), "\x00")
}

func FuzzVerifySignature(f *testing.F) {
	for _, body := range fixtures(f, "webhook-*.json") {
		f.Add(body, Sign(body, testSecret), testSecret, testSecret+"x")
	}
	f.Add([]byte(""), "sha256=", "", "x")
	f.Add([]byte("{}"), "sha256="+strings.Repeat("0", 64), "secret", "Secret")
	f.Add([]byte("{}"), "SHA256=ZZ", "k", "k\x00")
	f.Fuzz(func(t *testing.T, body []byte, header, secret, other string) {
		ok := VerifySignature(body, header, secret) // never panics, whatever the header
		if ok {
			m := hmac.New(sha256.New, []byte(secret))
			m.Write(body)
			got, _ := hex.DecodeString(strings.TrimPrefix(header, "sha256="))
			if secret == "" || !hmac.Equal(got, m.Sum(nil)) {
				t.Fatalf("accepted a header that is not the body's HMAC: %q", header)
			}
		}
		if secret == "" {
			if ok || VerifySignature(body, Sign(body, ""), "") {
				t.Fatalf("accepted with an empty secret")
			}
			return
		}
		if !VerifySignature(body, Sign(body, secret), secret) {
			t.Fatalf("refused its own signature")
		}
		if hmacKey(other) != hmacKey(secret) && VerifySignature(body, Sign(body, other), secret) {
			t.Fatalf("accepted a signature made with a different secret %q (want %q)", other, secret)
		}
	})
}
