package optin

import (
	"strings"

	"github.com/nyaruka/phonenumbers"

	"github.com/optgate/optgate/internal/consent"
)

// Country is one entry of the form's country selector.
type Country struct {
	Region string // ISO 3166 region, e.g. BR
	Code   int    // calling code, e.g. 55
	Name   string
}

// Countries are offered first in the selector: where optgate's users are.
// A visitor from elsewhere types their number with its + and country code.
var Countries = []Country{
	{"BR", 55, "Brasil"}, {"PT", 351, "Portugal"}, {"ES", 34, "España"}, {"MX", 52, "México"},
	{"AR", 54, "Argentina"}, {"CO", 57, "Colombia"}, {"CL", 56, "Chile"}, {"PE", 51, "Perú"},
	{"UY", 598, "Uruguay"}, {"PY", 595, "Paraguay"}, {"AO", 244, "Angola"}, {"MZ", 258, "Moçambique"},
	{"NL", 31, "Nederland"}, {"BE", 32, "België / Belgique"}, {"IT", 39, "Italia"}, {"DE", 49, "Deutschland"},
	{"AT", 43, "Österreich"}, {"CH", 41, "Schweiz / Suisse"}, {"FR", 33, "France"}, {"LU", 352, "Luxembourg"},
	{"IE", 353, "Ireland"}, {"GB", 44, "United Kingdom"}, {"US", 1, "United States / Canada"},
}

// ParsePhone reads the number a visitor typed, with the region chosen in the
// selector for numbers written without a leading + or 00, and returns it in
// E.164. An impossible number is an EInvalid error.
func ParsePhone(raw, region string) (string, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return "", consent.Errorf(consent.EInvalid, "phone number is empty")
	}
	if len(s) > 32 {
		return "", consent.Errorf(consent.EInvalid, "phone number is too long")
	}
	if strings.HasPrefix(s, "+") || strings.HasPrefix(s, "00") || region == "" {
		return consent.NormalizePhone(s)
	}
	num, err := phonenumbers.Parse(s, strings.ToUpper(region))
	if err != nil {
		return "", consent.Errorf(consent.EInvalid, "phone number %q cannot be read", raw)
	}
	// consent.NormalizePhone also accepts Brazilian numbers without the ninth digit.
	return consent.NormalizePhone(phonenumbers.Format(num, phonenumbers.E164))
}
