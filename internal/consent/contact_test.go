package consent

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestNormalizePhone(t *testing.T) {
	tests := []struct{ in, want string }{
		// Brazil: mobile with the ninth digit, landline, international notations.
		{"+55 11 98765-4321", "+5511987654321"},
		{"55 (11) 98765-4321", "+5511987654321"},
		{"0055 11 98765 4321", "+5511987654321"},
		{"5511987654321", "+5511987654321"},
		{"  +55 11 98765-4321\t", "+5511987654321"},
		{"+55 11 3333-4444", "+551133334444"},
		// Portugal.
		{"+351 912 345 678", "+351912345678"},
		{"00351 21 123 4567", "+351211234567"},
		// Spain.
		{"+34 612 34 56 78", "+34612345678"},
		{"+34 91-123-45-67", "+34911234567"},
		// Netherlands.
		{"+31 6 12345678", "+31612345678"},
		{"0031 20 123 4567", "+31201234567"},
		// Germany.
		{"+49 1512 3456789", "+4915123456789"},
		{"+49 (30) 123456", "+4930123456"},
		// Italy keeps the leading zero of landlines.
		{"+39 312 345 6789", "+393123456789"},
		{"0039 06 1234 5678", "+390612345678"},
		// France.
		{"+33 6 12 34 56 78", "+33612345678"},
		{"0033 1 23 45 67 89", "+33123456789"},
		// United States.
		{"+1 (650) 555-1234", "+16505551234"},
		{"1-650-555-1234", "+16505551234"},
		{"001 201 555 0123", "+12015550123"},
		{"+1 201.555.0123", "+12015550123"},
		{"16505551234", "+16505551234"},
		// A Brazilian mobile written the old way, without the ninth digit, gains it.
		{"+55 11 8765-4321", "+5511987654321"},
		{"55 21 9654-3210", "+5521996543210"},
		// A Mexican mobile as WhatsApp reports it, with the old 1, loses it.
		{"5215512345678", "+525512345678"},
		{"+52 1 33 1234 5678", "+523312345678"},
		{"+52 55 1234 5678", "+525512345678"},
	}
	for _, tt := range tests {
		got, err := NormalizePhone(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("NormalizePhone(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestNormalizePhoneRefuses(t *testing.T) {
	for _, in := range []string{
		"",
		"   ",
		"abc",
		"12345",
		"+1 123",
		"+55 11 1234",
		"+999 1234567",          // no such country code
		"(11) 98765-4321",       // Brazilian number without country code reads as +1 1...
		"+4915123456789012345",  // too many digits
		strings.Repeat("1", 33), // over the length cap
		"tel:+5511987654321",
	} {
		got, err := NormalizePhone(in)
		if err == nil {
			t.Errorf("NormalizePhone(%q) = %q, want an error", in, got)
			continue
		}
		if code := ErrorCode(err); code != EInvalid {
			t.Errorf("NormalizePhone(%q) error code = %q, want %q", in, code, EInvalid)
		}
		var e *Error
		if !errors.As(err, &e) || e.Message == "" {
			t.Errorf("NormalizePhone(%q) error %v has no client-safe message", in, err)
		}
	}
}

func TestParseContactKey(t *testing.T) {
	tests := []struct {
		in   string
		want ContactKey
	}{
		{"US.13491208655302741918", ContactKey{UserID: "US.13491208655302741918"}},
		{" BR.abcDEF123456 ", ContactKey{UserID: "BR.abcDEF123456"}},
		{"+55 11 98765-4321", ContactKey{WAID: "5511987654321"}},
		{"5511987654321", ContactKey{WAID: "5511987654321"}},
		{"0049 1512 3456789", ContactKey{WAID: "4915123456789"}},
		{"+1 (650) 555-1234", ContactKey{WAID: "16505551234"}},
	}
	for _, tt := range tests {
		got, err := ParseContactKey(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseContactKey(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
		}
	}
	for _, in := range []string{"", "us.13491208655302741918", "US.123", "USA.13491208655302741918", "US-13491208655302741918", "hello", "+999 1234567"} {
		got, err := ParseContactKey(in)
		if err == nil {
			t.Errorf("ParseContactKey(%q) = %+v, want an error", in, got)
		} else if ErrorCode(err) != EInvalid {
			t.Errorf("ParseContactKey(%q) code = %q, want invalid", in, ErrorCode(err))
		}
	}
}

func TestContactKeyString(t *testing.T) {
	if s := (ContactKey{WAID: "5511987654321", UserID: "BR.abcdef1"}).String(); s != "+5511987654321" {
		t.Errorf("String = %q", s)
	}
	if s := (ContactKey{UserID: "US.13491208655302741918"}).String(); s != "US.13491208655302741918" {
		t.Errorf("String = %q", s)
	}
	if !(ContactKey{}).IsZero() || (ContactKey{UserID: "x"}).IsZero() || (ContactKey{WAID: "1"}).IsZero() {
		t.Errorf("IsZero wrong")
	}
}

func TestWAIDVariants(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		// 13 digits, mobile with the ninth digit: also without it.
		{"5511987654321", []string{"5511987654321", "551187654321"}},
		{"5521996543210", []string{"5521996543210", "552196543210"}},
		{"5511961234567", []string{"5511961234567", "551161234567"}},
		// 12 digits, old mobile (starts 6-9): also with the nine.
		{"551187654321", []string{"551187654321", "5511987654321"}},
		{"558891234567", []string{"558891234567", "5588991234567"}},
		{"551161234567", []string{"551161234567", "5511961234567"}},
		{"551171234567", []string{"551171234567", "5511971234567"}},
		// Landlines start 2-5 after the area code: no variants.
		{"551123456789", []string{"551123456789"}},
		{"551133334444", []string{"551133334444"}},
		{"552140001234", []string{"552140001234"}},
		{"556151234567", []string{"556151234567"}},
		// 13 digits whose ninth is followed by a landline-like digit: no variant.
		{"5511912345678", []string{"5511912345678"}},
		{"5511951234567", []string{"5511951234567"}},
		// Mexico: the 1 WhatsApp keeps for mobiles, and the number without it.
		{"5215512345678", []string{"5215512345678", "525512345678"}},
		{"525512345678", []string{"525512345678", "5215512345678"}},
		{"528112345678", []string{"528112345678", "5218112345678"}},
		{"5211234567890", []string{"5211234567890"}}, // no area code starts with 1
		{"52551234567", []string{"52551234567"}},
		// Not Brazilian, or wrong length.
		{"16505551234", []string{"16505551234"}},
		{"4915123456789", []string{"4915123456789"}},
		{"351912345678", []string{"351912345678"}},
		{"55119876543", []string{"55119876543"}},
		{"55119876543210", []string{"55119876543210"}},
	}
	for _, tt := range tests {
		got := WAIDVariants(tt.in)
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("WAIDVariants(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
	// The two forms of one mobile find each other.
	for _, pair := range [][2]string{{"5511987654321", "551187654321"}, {"5585988887777", "558588887777"}} {
		a, b := WAIDVariants(pair[0]), WAIDVariants(pair[1])
		if !contains(a, pair[1]) || !contains(b, pair[0]) {
			t.Errorf("variants of %s (%v) and %s (%v) do not find each other", pair[0], a, pair[1], b)
		}
	}
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

func TestIsUserID(t *testing.T) {
	for _, s := range []string{"US.13491208655302741918", "BR.ABCdef", "PT.0123456789abcdefABCDEF", "US.ENT.11815799212886844830", "US." + strings.Repeat("7", 128)} {
		if !IsUserID(s) {
			t.Errorf("IsUserID(%q) = false", s)
		}
	}
	for _, s := range []string{"", "5511987654321", "+5511987654321", "US.", "US.12345", "us.13491208655302741918", "U.13491208655302741918", "US.1349-1208655", "US.13491208655302741918\n", "US.ENT.", "US.ENT.ENT.1181579921", "US." + strings.Repeat("7", 129)} {
		if IsUserID(s) {
			t.Errorf("IsUserID(%q) = true", s)
		}
	}
}

func TestErrorHelpers(t *testing.T) {
	cause := errors.New("disk on fire")
	err := &Error{Code: EUnavailable, Message: "database cannot answer", Err: cause}
	wrapped := errorsJoinWrap(err)
	if ErrorCode(wrapped) != EUnavailable {
		t.Errorf("ErrorCode = %q", ErrorCode(wrapped))
	}
	if ErrorMessage(wrapped) != "database cannot answer" {
		t.Errorf("ErrorMessage = %q, must not carry the cause", ErrorMessage(wrapped))
	}
	if !errors.Is(wrapped, cause) {
		t.Errorf("cause lost")
	}
	if err.Error() != "database cannot answer: disk on fire" {
		t.Errorf("Error() = %q", err.Error())
	}
	plain := errors.New("boom")
	if ErrorCode(plain) != EInternal || ErrorMessage(plain) != "internal error" {
		t.Errorf("plain error: code %q message %q", ErrorCode(plain), ErrorMessage(plain))
	}
	if e := Errorf(EInvalid, "x %d", 1); e.Error() != "x 1" || e.Code != EInvalid {
		t.Errorf("Errorf = %#v", e)
	}
}

func errorsJoinWrap(err error) error { return errors.Join(errors.New("context"), err) }

func TestLanguageOfNumber(t *testing.T) {
	for waID, want := range map[string]string{
		"5511987654321": "pt",
		"351912345678":  "pt",
		"34612345678":   "es",
		"5215512345678": "es",
		"31612345678":   "nl",
		"4915123456789": "de",
		"393123456789":  "it",
		"33612345678":   "fr",
		"16505551234":   "en",
		"447700900123":  "en",
		"32470123456":   "", // Belgium: several languages, left to the account
		"41791234567":   "", // Switzerland
		"":              "",
		"not-a-number":  "",
	} {
		if got := LanguageOfNumber(waID); got != want {
			t.Errorf("LanguageOfNumber(%q) = %q, want %q", waID, got, want)
		}
	}
}
