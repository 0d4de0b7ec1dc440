package consent

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/nyaruka/phonenumbers"
)

// Contact is a person, per account. Meta identifies them by wa_id (phone
// digits without '+') and, from 2026, by a business-scoped user id; a contact
// holds whichever of the two optgate has seen.
type Contact struct {
	ID        int64
	AccountID string
	WAID      string
	UserID    string
	Name      string
	Language  string
	CreatedAt time.Time
}

// ContactKey identifies a contact within an account: by wa_id, by user id, or by both.
type ContactKey struct {
	WAID   string
	UserID string
}

// IsZero reports whether the key names nobody.
func (k ContactKey) IsZero() bool { return k.WAID == "" && k.UserID == "" }

func (k ContactKey) String() string {
	if k.WAID != "" {
		return "+" + k.WAID
	}
	return k.UserID
}

// userIDPattern matches Meta's business-scoped user ids: the person's
// two-letter country code, a dot and up to 128 letters or digits
// (US.13491208655302741918), or a parent id shared by linked business
// portfolios (US.ENT.11815799212886844830).
var userIDPattern = regexp.MustCompile(`^[A-Z]{2}\.(ENT\.)?[0-9A-Za-z]{6,128}$`)

// IsUserID reports whether s has the shape of a business-scoped user id.
func IsUserID(s string) bool { return userIDPattern.MatchString(s) }

// NormalizePhone turns a number as a person or a tool wrote it into E.164
// ("+5511987654321"). Numbers without a leading '+' are read as international
// (country code first), which is what WhatsApp's wa_id and the send API's
// "to" field hold. An impossible number is an EInvalid error.
func NormalizePhone(raw string) (string, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return "", Errorf(EInvalid, "phone number is empty")
	}
	if len(s) > 32 {
		return "", Errorf(EInvalid, "phone number %.32q… is too long", s)
	}
	if strings.HasPrefix(s, "00") {
		s = "+" + s[2:]
	}
	if !strings.HasPrefix(s, "+") {
		s = "+" + s
	}
	if e164, ok := fastE164(s); ok {
		return e164, nil
	}
	num, err := phonenumbers.Parse(s, "")
	if err != nil {
		return "", Errorf(EInvalid, "phone number %q cannot be read: %v", raw, err)
	}
	if !phonenumbers.IsValidNumber(num) {
		// A Brazilian mobile written the old way, without the ninth digit
		// (+55 11 8765-4321), is still how many people write their number.
		// A Mexican mobile as WhatsApp reports it (52 1 55 1234 5678) is
		// the number without the 1.
		e164 := phonenumbers.Format(num, phonenumbers.E164)
		if v := WAIDVariants(strings.TrimPrefix(e164, "+")); len(v) == 2 && (len(v[1]) == 13 && strings.HasPrefix(v[1], "55") || len(v[1]) == 12 && strings.HasPrefix(v[1], "52")) {
			if n2, err := phonenumbers.Parse("+"+v[1], ""); err == nil && phonenumbers.IsValidNumber(n2) {
				return "+" + v[1], nil
			}
		}
		return "", Errorf(EInvalid, "phone number %q is not a valid number", raw)
	}
	return phonenumbers.Format(num, phonenumbers.E164), nil
}

// regionLanguages maps a number's region to the language optgate answers in
// when the person's own words do not tell. Regions with several languages
// (Belgium, Switzerland, ...) are left to the account's default.
var regionLanguages = map[string]string{
	"BR": "pt", "PT": "pt", "AO": "pt", "MZ": "pt", "CV": "pt",
	"ES": "es", "MX": "es", "AR": "es", "CO": "es", "CL": "es", "PE": "es", "VE": "es", "UY": "es", "PY": "es",
	"BO": "es", "EC": "es", "CR": "es", "PA": "es", "DO": "es", "GT": "es", "HN": "es", "SV": "es", "NI": "es",
	"NL": "nl", "SR": "nl",
	"IT": "it", "SM": "it", "VA": "it",
	"DE": "de", "AT": "de", "LI": "de",
	"FR": "fr", "MC": "fr",
	"GB": "en", "GG": "en", "JE": "en", "IM": "en", "US": "en", "CA": "en", "IE": "en", "AU": "en", "NZ": "en", "ZA": "en", "NG": "en", "KE": "en", "GH": "en", "JM": "en",
}

// LanguageOfNumber guesses a person's language from the country of their
// wa_id, or returns "" when the country does not say.
func LanguageOfNumber(waID string) string {
	if waID == "" {
		return ""
	}
	num, err := phonenumbers.Parse("+"+waID, "")
	if err != nil {
		return ""
	}
	region := phonenumbers.GetRegionCodeForNumber(num)
	if region == "" || region == "ZZ" {
		region = phonenumbers.GetRegionCodeForCountryCode(int(num.GetCountryCode()))
	}
	return regionLanguages[region]
}

// ParseContactKey reads a contact identifier given through the API or the send
// API's "to": a business-scoped user id, or a phone number in any common
// notation, which is normalized with libphonenumber.
func ParseContactKey(raw string) (ContactKey, error) {
	s := strings.TrimSpace(raw)
	if IsUserID(s) {
		return ContactKey{UserID: s}, nil
	}
	e164, err := NormalizePhone(s)
	if err != nil {
		return ContactKey{}, err
	}
	return ContactKey{WAID: strings.TrimPrefix(e164, "+")}, nil
}

// WAIDVariants returns the wa_ids under which Meta may know the person with
// this wa_id. Brazilian mobile numbers gained a ninth digit in 2012-2016, and
// WhatsApp still reports many accounts created before that without it
// (55 11 8765-4321 rather than 55 11 98765-4321); a number typed with the nine
// must find the contact Meta reported without it, and the other way round.
//
// Mexico is the other way round: WhatsApp reports a Mexican mobile with the
// "1" that Mexico dropped from mobile numbers in 2019 (52 1 55 1234 5678),
// while the number is now written, and valid, without it (52 55 1234 5678).
// Mexican area codes start with 2-9, so the two forms cannot be confused.
func WAIDVariants(waID string) []string {
	if strings.HasPrefix(waID, "52") {
		switch {
		case len(waID) == 13 && waID[2] == '1' && waID[3] >= '2' && waID[3] <= '9':
			return []string{waID, "52" + waID[3:]}
		case len(waID) == 12 && waID[2] >= '2' && waID[2] <= '9':
			return []string{waID, "521" + waID[2:]}
		}
		return []string{waID}
	}
	if !strings.HasPrefix(waID, "55") {
		return []string{waID}
	}
	switch len(waID) {
	case 13: // 55 + area(2) + 9 + 8 digits
		if waID[4] == '9' && waID[5] >= '6' {
			return []string{waID, waID[:4] + waID[5:]}
		}
	case 12: // 55 + area(2) + 8 digits, a mobile one starts with 6-9
		if waID[4] >= '6' {
			return []string{waID, waID[:4] + "9" + waID[4:]}
		}
	}
	return []string{waID}
}

// fastE164 validates a number already written as '+' and digits without
// libphonenumber's text parsing (the costly part, regular expressions for
// extensions and punctuation): it splits off the country code and asks
// libphonenumber only whether the number is valid. Anything else returns
// false and takes the full path.
func fastE164(s string) (string, bool) {
	if len(s) < 8 || len(s) > 16 || s[1] == '0' {
		return "", false
	}
	for i := 1; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return "", false
		}
	}
	for ccLen := 1; ccLen <= 3; ccLen++ {
		cc, err := strconv.Atoi(s[1 : 1+ccLen])
		if err != nil {
			return "", false
		}
		region := phonenumbers.GetRegionCodeForCountryCode(cc)
		if region == "" || region == "ZZ" {
			continue
		}
		national := s[1+ccLen:]
		if national == "" || national[0] == '0' {
			return "", false // leading zeros need the full parser's care (Italy)
		}
		nn, err := strconv.ParseUint(national, 10, 64)
		if err != nil {
			return "", false
		}
		num := &phonenumbers.PhoneNumber{CountryCode: proto32(int32(cc)), NationalNumber: &nn}
		if !phonenumbers.IsValidNumber(num) {
			return "", false
		}
		return s, true
	}
	return "", false
}

func proto32(v int32) *int32 { return &v }
