package cli

// From a tenth review. Each comment tells what went wrong as the review
// found it, before the commit that adds the test fixed it.

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/optgate/optgate/internal/config"
	"github.com/optgate/optgate/internal/meta"
	"github.com/optgate/optgate/internal/store/storetest"
)

// twoPeopleWebhook is one payload with one text message from each of two
// people (Meta may batch several messages in one delivery).
func twoPeopleWebhook(x, idX, y, idY string, at time.Time) []byte {
	ts := strconv.FormatInt(at.Unix(), 10)
	return []byte(`{"object":"whatsapp_business_account","entry":[{"id":"` + demoWABA + `","changes":[{"field":"messages","value":{"messaging_product":"whatsapp",` +
		`"metadata":{"display_phone_number":"15550783881","phone_number_id":"` + demoPhoneID + `"},` +
		`"contacts":[{"profile":{"name":"X"},"wa_id":"` + x + `"},{"profile":{"name":"Y"},"wa_id":"` + y + `"}],` +
		`"messages":[{"from":"` + x + `","id":"` + idX + `","timestamp":"` + ts + `","type":"text","text":{"body":"oi"}},` +
		`{"from":"` + y + `","id":"` + idY + `","timestamp":"` + ts + `","type":"text","text":{"body":"primeira"}}]}}]}]}`)
}

// TestR10cOrderKeptForEveryPersonOfABatchedPayload: a payload that holds
// messages of two people, X then Y, is queued under X's order key only
// (outgoing takes the first contact's key). Its first delivery fails; Y's
// next message, in a payload of its own, is under Y's key, finds nothing
// pending before it, and reaches the downstream first: Y's messages arrive
// out of order, against "per-contact order kept" (issue 5).
func TestR10cOrderKeptForEveryPersonOfABatchedPayload(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		var mu sync.Mutex
		var order []string // the message ids of Y, in the order the downstream accepted them
		var failedOnce atomic.Bool
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			if !meta.VerifySignature(body, r.Header.Get(meta.SignatureHeader), "bot-secret") {
				http.Error(w, "bad signature", http.StatusUnauthorized)
				return
			}
			if bytes.Contains(body, []byte("wamid.r10c.y1")) && failedOnce.CompareAndSwap(false, true) {
				http.Error(w, "busy", http.StatusServiceUnavailable)
				return
			}
			mu.Lock()
			defer mu.Unlock()
			for _, id := range []string{"wamid.r10c.y1", "wamid.r10c.y2"} {
				if bytes.Contains(body, []byte(id)) {
					order = append(order, id)
				}
			}
		}))
		t.Cleanup(srv.Close)
		e := newEnv(t, b, withForward(srv.URL, "bot-secret", true, 0))
		const x, y = "5511966610003", "5511966610004"
		now := e.clock.Now()
		e.post(twoPeopleWebhook(x, "wamid.r10c.x1", y, "wamid.r10c.y1", now.Add(-2*time.Minute)))
		for deadline := time.Now().Add(10 * time.Second); !failedOnce.Load(); time.Sleep(10 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatal("the batched payload was never attempted")
			}
		}
		e.post(textWebhook(y, "", "wamid.r10c.y2", now.Add(-time.Minute), "segunda"))
		time.Sleep(time.Second)
		e.clock.Advance(time.Minute) // the failed delivery's retry is due
		deadline := time.Now().Add(15 * time.Second)
		for {
			mu.Lock()
			n := len(order)
			got := append([]string(nil), order...)
			mu.Unlock()
			if n >= 2 {
				if got[0] != "wamid.r10c.y1" {
					t.Fatalf("Y's messages reached the downstream in the order %v, want y1 then y2", got)
				}
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("downstream accepted %v", got)
			}
			time.Sleep(10 * time.Millisecond)
		}
	})
}

// TestR10cLeaseCoversTheWholeBatch: many instances must share the queue
// "without delivering one event twice at once" (issue 5). An instance
// claims up to 256 deliveries with a 30 s lease, posts them 64 at a time
// with a 15 s client timeout, and records the outcomes only when the whole
// batch is done: a batch to a slow downstream (over 7.5 s an answer, or a
// few timeouts) takes longer than the lease. When the lease runs out, a
// second instance claims the whole batch again, the deliveries the first is
// still posting included, and posts them too. The test holds the first
// instance's posts and moves the shared clock past the lease (as 4 rounds
// of slow answers would).
func TestR10cLeaseCoversTheWholeBatch(t *testing.T) {
	needPostgres(t)
	var down atomic.Bool
	down.Store(true)
	release := make(chan struct{})
	var mu sync.Mutex
	inFlight := map[string]int{}
	attempts, twiceAtOnce, maxInFlight := 0, 0, 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		id := r.Header.Get("Optgate-Event-Id")
		mu.Lock()
		attempts++
		if down.Load() {
			mu.Unlock()
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		if inFlight[id] > 0 {
			twiceAtOnce++
		}
		inFlight[id]++
		maxInFlight = max(maxInFlight, len(inFlight))
		mu.Unlock()
		select { // a slow downstream
		case <-release:
		case <-r.Context().Done():
		}
		mu.Lock()
		inFlight[id]--
		if inFlight[id] == 0 {
			delete(inFlight, id)
		}
		mu.Unlock()
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() {
		select {
		case <-release:
		default:
			close(release)
		}
	})

	clk := &clock{t: time.Now().UTC().Truncate(time.Second)}
	dsn := storetest.Postgres.DSN(t)
	up, _ := fakeMeta(t)
	cfg := DemoConfig("127.0.0.1:0", dsn, up.URL, testAppSecret, testVerify, testAccess)
	consumed := true
	cfg.Accounts[0].Forward = []config.Forward{{URL: srv.URL, Secret: "bot-secret"}}
	cfg.Accounts[0].ForwardConsumed = &consumed
	start := func() *App {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		c := cfg
		app, err := Start(context.Background(), &c, slog.New(slog.NewTextHandler(io.Discard, nil)), AppOptions{Migrate: true, Listener: ln, Now: clk.Now})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			app.Close(ctx)
		})
		return app
	}
	a := start()

	// 70 people write while the downstream is down: 70 deliveries, each
	// under its own order key, all failed once and due again within a second.
	const n = 70
	for i := range n {
		waID := fmt.Sprintf("55119%08d", 66620000+i)
		if code, err := postTo("http://"+a.Addr, textWebhook(waID, "", fmt.Sprintf("wamid.r10c.lease.%d", i), clk.Now(), "oi")); err != nil || code != 200 {
			t.Fatalf("webhook %d: %d %v", i, code, err)
		}
	}
	waitFor(t, 15*time.Second, func() bool { mu.Lock(); defer mu.Unlock(); return attempts >= n })
	time.Sleep(500 * time.Millisecond) // the failures are recorded

	// The downstream is back, slow. A claims all 70 in one batch and posts 64.
	down.Store(false)
	clk.Advance(5 * time.Second)
	waitFor(t, 15*time.Second, func() bool { mu.Lock(); defer mu.Unlock(); return len(inFlight) >= 64 })

	// 31 s later, A is still on that batch; B starts and takes its share of the queue.
	clk.Advance(31 * time.Second)
	start()
	time.Sleep(2 * time.Second)
	mu.Lock()
	dup := twiceAtOnce
	mu.Unlock()
	close(release)
	if dup > 0 {
		t.Fatalf("%d deliveries were posted by a second instance while the first was still posting them", dup)
	}
}

// TestR10cFixedDownstreamURLGetsTheBacklog: a downstream's URL has a typo;
// Meta's webhooks are acknowledged and queued for it, and fail. The
// operator corrects the URL and restarts. Every queued delivery names the
// old URL, which no account has any more: the forwarder makes each a dead
// letter at its next attempt ("downstream is no longer configured"), and
// `optgate forward retry` puts it back for the old URL, where it dies
// again. The events Meta sent during the typo never reach the business's
// server, and no command can send them there.
func TestR10cFixedDownstreamURLGetsTheBacklog(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		down := newDownstream(t, "bot-secret")
		typo := strings.Replace(down.srv.URL, "127.0.0.1", "127.0.0.2", 1) // the typo: nothing listens there
		e := newEnv(t, b, withForward(typo+"/webhook", "bot-secret", true, 0))
		e.post(e.fixture("webhook-text.json"))
		waitFor(t, 15*time.Second, func() bool { return strings.Contains(e.logText(), "delivery failed") })
		e.cfg.Accounts[0].Forward[0].URL = down.srv.URL + "/webhook"
		e.restart()
		e.clock.Advance(time.Minute)
		time.Sleep(time.Second)
		if ds, err := e.app.Store.Deliveries(context.Background(), "dead", 0, 10); err == nil && len(ds) == 1 {
			// What the operator would do: optgate forward retry --all.
			if err := e.app.Store.ReviveDelivery(context.Background(), ds[0].ID, time.Hour); err != nil {
				t.Fatal(err)
			}
			e.clock.Advance(time.Minute)
			time.Sleep(time.Second)
		}
		if got := down.got(); len(got) == 0 {
			ds, _ := e.app.Store.Deliveries(context.Background(), "dead", 0, 10)
			t.Fatalf("the backlog never reached the corrected URL; dead letters: %+v", ds)
		}
	})
}
