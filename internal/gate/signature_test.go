package gate_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/optgate/optgate/internal/config"
	"github.com/optgate/optgate/internal/consent"
	"github.com/optgate/optgate/internal/gate"
	"github.com/optgate/optgate/internal/meta"
)

// signatureAccounts adds n accounts to cfg, account i with phone number id
// sigPhone(i), WABA sigWABA(i) and app secret secret(i).
func signatureAccounts(cfg *config.Config, n int, secret func(i int) string) {
	for i := range n {
		cfg.Accounts = append(cfg.Accounts, config.Account{
			ID: fmt.Sprintf("client%d", i), Name: fmt.Sprintf("Client %d", i), WABAID: sigWABA(i),
			PhoneNumbers: []config.PhoneNumber{{ID: sigPhone(i), Display: fmt.Sprintf("1555%07d", i)}},
			AppSecret:    config.Secret(secret(i)), VerifyToken: config.Secret(fmt.Sprintf("verify-%d", i)),
			APIKeys:  []config.Secret{config.Secret(fmt.Sprintf("client%d-api-key-0001", i))},
			Upstream: config.Upstream{BaseURL: "http://127.0.0.1:9", AccessToken: "token"},
		})
	}
}

func sigPhone(i int) string { return fmt.Sprintf("7%014d", i) }
func sigWABA(i int) string  { return fmt.Sprintf("8%014d", i) }

// sigEntry is one entry of a webhook: a text message to the number phoneID
// of waba, from wa.
type sigEntry struct{ waba, phoneID, wa string }

// sigWebhook is a webhook with the entries, the first field of which is
// lead (raw JSON, or "").
func sigWebhook(lead string, entries ...sigEntry) []byte {
	var b strings.Builder
	b.WriteString(`{`)
	if lead != "" {
		b.WriteString(lead + ",")
	}
	b.WriteString(`"object":"whatsapp_business_account","entry":[`)
	for i, e := range entries {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"id":"%s","changes":[{"field":"messages","value":{"messaging_product":"whatsapp",`+
			`"metadata":{"display_phone_number":"15550783881","phone_number_id":"%s"},"contacts":[{"profile":{"name":"Ana"},"wa_id":"%s"}],`+
			`"messages":[{"from":"%s","id":"wamid.SIG%s%d","timestamp":"1750091045","type":"text","text":{"body":"oi"}}]}}]}`,
			e.waba, e.phoneID, e.wa, e.wa, e.wa, i)
	}
	b.WriteString(`]}`)
	return []byte(b.String())
}

// TestWebhookSignatureSecrets: accounts connected through one app share its
// secret, and a webhook that names several of them is accepted when signed
// with it; any account the webhook names must use the secret that signed it;
// and the guess of which secret to try first, from the raw bytes, never
// decides anything.
func TestWebhookSignatureSecrets(t *testing.T) {
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "optgate.db")
	cfg := benchConfig(t, dsn)
	// client0 and client1 come through the agency's app; client2 through an app of its own.
	signatureAccounts(&cfg, 3, func(i int) string {
		if i < 2 {
			return "agency-app-secret"
		}
		return "own-app-secret"
	})
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	g, st := openGate(t, &cfg, dsn, gate.Options{})
	defer st.Close()
	ctx := context.Background()

	// Every case's messages come from people of their own, who must exist
	// after an accepted webhook, in the account it names, and nowhere after
	// a refused one.
	person := 0
	to := func(acct int) sigEntry {
		person++
		if acct < 0 { // the demo account
			return sigEntry{"102290129340398", benchPhoneID, fmt.Sprintf("55119600%05d", person)}
		}
		return sigEntry{sigWABA(acct), sigPhone(acct), fmt.Sprintf("55119600%05d", person)}
	}
	// A field that Meta does not send, which the parser ignores, naming
	// client0's number before the payload's own: the guess is wrong.
	misleading := `"note":{"phone_number_id":"` + sigPhone(0) + `"}`
	cases := []struct {
		name    string
		lead    string
		entries []sigEntry
		secret  string
		refused bool
	}{
		{"two accounts of one app", "", []sigEntry{to(0), to(1)}, "agency-app-secret", false},
		{"an account of its own app", "", []sigEntry{to(2)}, "own-app-secret", false},
		{"guess names another app's account", misleading, []sigEntry{to(2)}, "own-app-secret", false},
		{"the demo account, guess wrong", misleading, []sigEntry{to(-1)}, benchSecret, false},
		{"two accounts of one app, signed by the other app", "", []sigEntry{to(0), to(1)}, "own-app-secret", true},
		{"accounts of two apps, signed by one", "", []sigEntry{to(0), to(2)}, "agency-app-secret", true},
		{"accounts of two apps, signed by the other", "", []sigEntry{to(0), to(2)}, "own-app-secret", true},
		{"an account, signed by a secret no account has", "", []sigEntry{to(2)}, "unknown-secret", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			body := sigWebhook(c.lead, c.entries...)
			res, err := g.IngestWebhook(ctx, body, meta.Sign(body, c.secret))
			if c.refused {
				if consent.ErrorCode(err) != consent.EUnauthorized {
					t.Fatalf("got %+v, %v; want it refused as unauthorized", res, err)
				}
			} else if err != nil {
				t.Fatal(err)
			} else if res.Messages != len(c.entries) {
				t.Fatalf("ingested %d messages, want %d", res.Messages, len(c.entries))
			}
			for _, e := range c.entries {
				a, _ := g.AccountForPhone(e.phoneID)
				_, err := g.Contact(ctx, a, "+"+e.wa)
				if c.refused && consent.ErrorCode(err) != consent.ENotFound {
					t.Fatalf("after a refused webhook, contact %s of %s: %v", e.wa, a.ID, err)
				}
				if !c.refused && err != nil {
					t.Fatalf("contact %s of %s: %v", e.wa, a.ID, err)
				}
			}
		})
	}
}

// BenchmarkWebhookSignature checks the signature of a one-message webhook
// among accounts that each have an app of their own, the worst case. A good
// signature costs one hash whatever their number, since the secret of the
// account the webhook names is tried first; a wrong one costs a hash per
// secret, as every webhook did before secrets were tried in that order.
func BenchmarkWebhookSignature(b *testing.B) {
	for _, n := range []int{1, 100, 1000} {
		cfg := benchConfig(b, "sqlite::memory:")
		signatureAccounts(&cfg, n, func(i int) string { return fmt.Sprintf("app-secret-%d", i) })
		g, err := gate.New(&cfg, gate.Options{})
		if err != nil {
			b.Fatal(err)
		}
		body := sigWebhook("", sigEntry{sigWABA(n - 1), sigPhone(n - 1), "5511960000001"})
		for _, good := range []bool{true, false} {
			name, secret := "signed", fmt.Sprintf("app-secret-%d", n-1)
			if !good {
				name, secret = "wrong", "not-a-secret-of-any-app"
			}
			sig := meta.Sign(body, secret)
			b.Run(fmt.Sprintf("accounts=%d,%s", n, name), func(b *testing.B) {
				for b.Loop() {
					if gate.Signed(g, body, sig) != good {
						b.Fatal("signature check wrong")
					}
				}
			})
		}
	}
}
