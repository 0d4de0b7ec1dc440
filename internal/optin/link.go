package optin

import (
	"crypto/sha256"
	"encoding/base32"
	"net/url"
	"regexp"
	"strings"
)

// codeEncoding writes link codes without the characters people mistake for
// one another (no 0, 1, I, O).
var codeEncoding = base32.NewEncoding("ABCDEFGHJKLMNPQRSTUVWXYZ23456789").WithPadding(base32.NoPadding)

// LinkCode is the code of a wa.me link: the same account, form, topic,
// source and language always give the same code, so asking twice for a
// link gives the same link.
func LinkCode(accountID, formID, topic, source, lang string) string {
	sum := sha256.Sum256([]byte(accountID + "\x00" + formID + "\x00" + topic + "\x00" + source + "\x00" + lang))
	return codeEncoding.EncodeToString(sum[:5]) // 8 characters
}

var codePattern = regexp.MustCompile(`(?i)\bref[\s:#.-]*([A-HJ-NP-Z2-9]{8})\b`)

// FindCode returns the link code a message carries ("... ref K7QMZ2AD"), if any.
func FindCode(text string) (string, bool) {
	m := codePattern.FindStringSubmatch(text)
	if m == nil {
		return "", false
	}
	return strings.ToUpper(m[1]), true
}

// defaultLinkTexts are the prefilled words of a wa.me link; {business} is the account's name.
var defaultLinkTexts = map[string]string{
	"pt": "Quero receber mensagens de {business} no WhatsApp",
	"es": "Quiero recibir mensajes de {business} por WhatsApp",
	"en": "I want to receive messages from {business} on WhatsApp",
	"nl": "Ik wil berichten van {business} ontvangen via WhatsApp",
	"it": "Voglio ricevere messaggi da {business} su WhatsApp",
	"de": "Ich möchte Nachrichten von {business} über WhatsApp erhalten",
	"fr": "Je veux recevoir les messages de {business} sur WhatsApp",
}

// LinkText returns the prefilled text of a link of form f in lang with code.
func (f *Form) LinkText(lang, code string) string {
	t := pick(f.linkText, lang, defaultLinkTexts[lang])
	if t == "" {
		t = defaultLinkTexts["en"]
	}
	return strings.ReplaceAll(t, "{business}", f.Business) + " (ref " + code + ")"
}

// WaMeURL returns the wa.me link that opens a chat with the business number
// (as displayed, any notation) with text prefilled.
func WaMeURL(displayNumber, text string) string {
	var digits strings.Builder
	for _, r := range displayNumber {
		if r >= '0' && r <= '9' {
			digits.WriteRune(r)
		}
	}
	return "https://wa.me/" + digits.String() + "?text=" + url.QueryEscape(text)
}
