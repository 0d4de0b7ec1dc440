package cli

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/optgate/optgate/internal/config"
	"github.com/optgate/optgate/internal/meta"
	"github.com/optgate/optgate/internal/store/storetest"
)

// downstream is the business's own webhook server: it checks optgate's
// signature with its own secret, as it checked Meta's, and records what arrives.
type downstream struct {
	t      *testing.T
	secret string
	srv    *httptest.Server
	down   atomic.Bool

	mu       sync.Mutex
	received []delivered
	badSig   int
}

type delivered struct {
	Body    []byte
	EventID string
	Intent  string
}

func newDownstream(t *testing.T, secret string) *downstream {
	d := &downstream{t: t, secret: secret}
	d.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet { // Meta's handshake
			if r.URL.Query().Get("hub.verify_token") != "down-verify" {
				http.Error(w, "bad token", http.StatusForbidden)
				return
			}
			io.WriteString(w, r.URL.Query().Get("hub.challenge"))
			return
		}
		body, _ := io.ReadAll(r.Body)
		if d.down.Load() {
			http.Error(w, "down for maintenance", http.StatusServiceUnavailable)
			return
		}
		d.mu.Lock()
		defer d.mu.Unlock()
		if !meta.VerifySignature(body, r.Header.Get(meta.SignatureHeader), d.secret) {
			d.badSig++
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		d.received = append(d.received, delivered{Body: body, EventID: r.Header.Get("Optgate-Event-Id"), Intent: r.Header.Get("Optgate-Intent")})
	}))
	t.Cleanup(d.srv.Close)
	return d
}

func (d *downstream) got() []delivered {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]delivered(nil), d.received...)
}

// waitFor waits until the downstream has n deliveries.
func (d *downstream) waitFor(n int) []delivered {
	d.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if got := d.got(); len(got) >= n {
			return got
		}
		time.Sleep(10 * time.Millisecond)
	}
	got := d.got()
	d.t.Fatalf("downstream received %d deliveries, want %d (bad signatures: %d)", len(got), n, d.badSig)
	return nil
}

func withForward(url, secret string, consumed bool, deadAfter time.Duration) envOption {
	return func(c *config.Config) {
		c.Accounts[0].Forward = []config.Forward{{URL: url, Secret: config.Secret(secret), VerifyToken: "down-verify"}}
		c.Accounts[0].ForwardConsumed = &consumed
		c.Accounts[0].DeadLetterAfter = deadAfter
	}
}

func TestForwardBytesUnchanged(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		down := newDownstream(t, "bot-secret")
		e := newEnv(t, b, withForward(down.srv.URL+"/webhook", "bot-secret", true, 0))
		body := e.fixture("webhook-text.json")
		if r := e.webhook(body, testAppSecret); r.Status != 200 {
			t.Fatal(r.Status, string(r.Body))
		}
		got := down.waitFor(1)
		sum := sha256.Sum256(body)
		if string(got[0].Body) != string(body) || got[0].EventID != hex.EncodeToString(sum[:]) || got[0].Intent != "none" {
			t.Fatalf("forwarded %+v, want Meta's bytes with event id %x", got[0], sum)
		}
		// A person's PARAR through the sandbox: forwarded too (default), marked as an opt-out.
		if _, err := e.sim.SendText(ctxT(t), demoPerson, "PARAR"); err != nil {
			t.Fatal(err)
		}
		got = down.waitFor(2)
		if got[1].Intent != "opt_out:all" || !strings.Contains(string(got[1].Body), `"PARAR"`) {
			t.Fatalf("PARAR forwarded as %+v", got[1])
		}
		// Redelivery by Meta is not forwarded twice.
		e.webhook(body, testAppSecret)
		time.Sleep(300 * time.Millisecond)
		for _, d := range down.got() {
			if d.EventID == got[0].EventID && &d != &got[0] && len(down.got()) > 2 && string(d.Body) == string(body) && d.EventID != "" {
				n := 0
				for _, x := range down.got() {
					if x.EventID == got[0].EventID {
						n++
					}
				}
				if n > 1 {
					t.Fatalf("redelivered payload forwarded %d times", n)
				}
			}
		}
		if err := forwardVerify(context.Background(), &e.cfg, io.Discard); err != nil {
			t.Fatalf("GET handshake against the downstream: %v", err)
		}
	})
}

func TestForwardWithholdsConsumedKeywords(t *testing.T) {
	down := newDownstream(t, "bot-secret")
	e := newEnv(t, storetest.SQLite, withForward(down.srv.URL, "bot-secret", false, 0))
	ctx := ctxT(t)
	if _, err := e.sim.SendText(ctx, demoPerson, "SAIR"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.sim.SendText(ctx, demoPerson, "Oi, quero falar com alguém"); err != nil {
		t.Fatal(err)
	}
	// The statuses of optgate's reply to SAIR are forwarded too, and may
	// come first: wait for the ordinary message itself.
	waitFor(t, 15*time.Second, func() bool {
		return slices.ContainsFunc(down.got(), func(d delivered) bool { return strings.Contains(string(d.Body), "quero falar") })
	})
	time.Sleep(300 * time.Millisecond)
	for _, d := range down.got() {
		if strings.Contains(string(d.Body), "SAIR") {
			t.Fatalf("a consumed keyword was forwarded: %s", d.Body)
		}
	}
}

// TestForwardOutage: a downstream that is down gets everything, in order, when it returns.
func TestForwardOutage(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		down := newDownstream(t, "bot-secret")
		down.down.Store(true)
		e := newEnv(t, b, withForward(down.srv.URL, "bot-secret", true, 0))
		ctx := ctxT(t)
		const n = 20
		for i := range n {
			if _, err := e.sim.SendText(ctx, demoPerson, "mensagem "+string(rune('a'+i))); err != nil {
				t.Fatal(err)
			}
		}
		time.Sleep(500 * time.Millisecond)
		if len(down.got()) != 0 {
			t.Fatal("delivered while down")
		}
		// An hour later the downstream is back; retries are due.
		down.down.Store(false)
		e.clock.Advance(time.Hour)
		got := down.waitFor(n)
		var texts []string
		for _, d := range got {
			if i := strings.Index(string(d.Body), `"mensagem `); i >= 0 {
				texts = append(texts, string(d.Body[i+10:i+11]))
			}
		}
		if strings.Join(texts, "") != "abcdefghijklmnopqrst" {
			t.Fatalf("one person's messages arrived out of order: %v", texts)
		}
	})
}

// TestForwardDeadLetters: a downstream down past dead_letter_after leaves dead
// letters, which can be listed and retried.
func TestForwardDeadLetters(t *testing.T) {
	down := newDownstream(t, "bot-secret")
	down.down.Store(true)
	e := newEnv(t, storetest.SQLite, withForward(down.srv.URL, "bot-secret", true, 10*time.Minute))
	if r := e.webhook(e.fixture("webhook-text.json"), testAppSecret); r.Status != 200 {
		t.Fatal(r.Status)
	}
	deadline := time.Now().Add(15 * time.Second)
	for {
		e.clock.Advance(5 * time.Minute)
		e.app.Gate.Wake()
		ds, err := e.app.Store.Deliveries(context.Background(), "dead", 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(ds) == 1 {
			down.down.Store(false)
			if err := e.app.Store.ReviveDelivery(context.Background(), ds[0].ID, time.Hour); err != nil {
				t.Fatal(err)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no dead letter after dead_letter_after")
		}
		time.Sleep(100 * time.Millisecond)
	}
	down.waitFor(1)
	if err := e.app.Store.DropDelivery(context.Background(), 1); err == nil {
		t.Fatal("dropping a delivered event must fail: only dead letters can be dropped")
	}
}
