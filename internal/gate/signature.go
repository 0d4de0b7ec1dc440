package gate

import (
	"bytes"

	"github.com/optgate/optgate/internal/meta"
)

// Webhook signatures.
//
// Meta signs a webhook with the secret of the app it comes through, and the
// payload names its account (a phone number id, a WhatsApp Business Account
// id) only once parsed, which must wait for the signature. So the signature
// is checked against the secrets optgate knows. Accounts connected through
// one app (an agency's, a Tech Provider's) share its secret: the body is
// hashed once per distinct secret, not once per account, and the search stops
// at the first secret that matches (two apps' secrets do not sign the same
// body; only keys HMAC treats as one, such as a key and the same key with NUL
// bytes appended, could, and the accounts of the second would then be
// refused, never wrongly accepted). The secret of the account
// that the raw bytes seem to name is tried first, so a webhook is usually
// hashed once however many apps there are. That guess only orders the tries:
// what the signature proves is settled by the hash alone, and the accounts
// the parsed payload names must then be among those using the secret that
// matched (plan).

// signer is one app secret and the accounts that use it.
type signer struct {
	secret   string
	accounts map[*Account]bool // read-only once the Gate is built
}

// addSigner gives a the signer of secret, shared with the accounts before it
// that have the same one.
func (g *Gate) addSigner(a *Account, secret string) {
	for _, s := range g.signers {
		if s.secret == secret {
			s.accounts[a] = true
			a.signer = s
			return
		}
	}
	s := &signer{secret: secret, accounts: map[*Account]bool{a: true}}
	g.signers = append(g.signers, s)
	a.signer = s
}

// signedBy returns the accounts whose app secret signed body (header is
// X-Hub-Signature-256), or nil if none did. The map must not be changed.
func (g *Gate) signedBy(body []byte, header string) map[*Account]bool {
	first := g.likelySigner(body)
	if first != nil && meta.VerifySignature(body, header, first.secret) {
		return first.accounts
	}
	for _, s := range g.signers {
		if s != first && meta.VerifySignature(body, header, s.secret) {
			return s.accounts
		}
	}
	return nil
}

// likelySigner guesses, from the raw bytes, the signer of the account a
// payload is about: the first phone number id it holds, else its first
// entry's id (a WhatsApp Business Account). nil when there is no guess.
func (g *Gate) likelySigner(body []byte) *signer {
	if id := peekString(body, `"phone_number_id"`); id != nil {
		if a, ok := g.byPhone[string(id)]; ok {
			return a.signer
		}
	}
	if i := bytes.Index(body, []byte(`"entry"`)); i >= 0 {
		if id := peekString(body[i:], `"id"`); id != nil {
			if a, ok := g.byWABA[string(id)]; ok {
				return a.signer
			}
		}
	}
	return nil
}

// peekString returns the string that follows the first occurrence of key
// and a colon in raw JSON, if it is a short plain one (no escapes), else
// nil. It parses nothing: a wrong guess only costs one more hash.
func peekString(b []byte, key string) []byte {
	i := bytes.Index(b, []byte(key))
	if i < 0 {
		return nil
	}
	b = bytes.TrimLeft(b[i+len(key):], " \t\r\n")
	b, ok := bytes.CutPrefix(b, []byte(":"))
	if !ok {
		return nil
	}
	b, ok = bytes.CutPrefix(bytes.TrimLeft(b, " \t\r\n"), []byte(`"`))
	if !ok {
		return nil
	}
	end := bytes.IndexAny(b, `"\`)
	if end < 0 || b[end] != '"' || end > 64 {
		return nil
	}
	return b[:end]
}
