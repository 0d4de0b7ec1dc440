package consent

import (
	"fmt"
	"testing"

	"github.com/nyaruka/phonenumbers"
)

func BenchmarkNormalizePhone(b *testing.B) {
	nums := make([]string, 1000)
	for i := range nums {
		nums[i] = fmt.Sprintf("+55119%08d", 60000000+i)
	}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if _, err := NormalizePhone(nums[i%len(nums)]); err != nil {
			b.Fatal(err)
		}
	}
}

// TestFastE164AgreesWithLibphonenumber: the fast path gives the answer the
// full parser gives, for valid and invalid numbers of many countries.
func TestFastE164AgreesWithLibphonenumber(t *testing.T) {
	nums := []string{"+5511987654321", "+551187654321", "+351912345678", "+34612345678", "+31612345678", "+4915112345678",
		"+393331234567", "+390612345678", "+33612345678", "+16505551234", "+12125550123", "+447911123456", "+5511000",
		"+999123456789", "+1", "+5521998765432", "+541123456789", "+5491123456789", "+97150123456", "+861012345678"}
	for i := range 500 {
		nums = append(nums, fmt.Sprintf("+%d%d", []int{55, 351, 34, 31, 49, 39, 33, 1, 44, 52}[i%10], 100000000+i*7919))
	}
	for _, n := range nums {
		fast, ok := fastE164(n)
		if !ok {
			continue
		}
		num, err := phonenumbers.Parse(n, "")
		if err != nil || !phonenumbers.IsValidNumber(num) || phonenumbers.Format(num, phonenumbers.E164) != fast {
			t.Errorf("%s: fast path says valid %q, libphonenumber disagrees (%v)", n, fast, err)
		}
	}
}
