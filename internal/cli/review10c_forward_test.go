package cli

// From a tenth review. Each comment tells what went wrong as the review
// found it, before the commit that adds the test fixed it.

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/optgate/optgate/internal/config"
	"github.com/optgate/optgate/internal/store/storetest"
)

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
	waitUntil(t, func() bool { mu.Lock(); defer mu.Unlock(); return attempts >= n })
	time.Sleep(500 * time.Millisecond) // the failures are recorded

	// The downstream is back, slow. A claims all 70 in one batch and posts 64.
	down.Store(false)
	clk.Advance(5 * time.Second)
	waitUntil(t, func() bool { mu.Lock(); defer mu.Unlock(); return len(inFlight) >= 64 })

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

func waitUntil(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
