package gate

import "testing"

// TestMaskRecipient: the send-decision log names neither a whole number nor
// a whole business-scoped user id.
func TestMaskRecipient(t *testing.T) {
	for in, want := range map[string]string{
		"5511987654321":               "5511*****4321",
		"+5511987654321":              "+551******4321",
		"BR.13491208655302741918":     "BR.*****1918",
		"US.ENT.11815799212886844830": "US.*****4830",
		"1234":                        "1234",
	} {
		if got := maskRecipient(in); got != want {
			t.Errorf("maskRecipient(%q) = %q, want %q", in, got, want)
		}
	}
}
