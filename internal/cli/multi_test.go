package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/optgate/optgate/internal/config"
	"github.com/optgate/optgate/internal/meta"
	"github.com/optgate/optgate/internal/store/storetest"
)

func needPostgres(t *testing.T) {
	if os.Getenv(storetest.PostgresEnv) == "" {
		t.Skipf("set %s to run the many-instance tests on PostgreSQL", storetest.PostgresEnv)
	}
}

// fakeMeta answers sends like the Cloud API and counts them.
func fakeMeta(t *testing.T) (*httptest.Server, *atomic.Int64) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		id := n.Add(1)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"messaging_product":"whatsapp","contacts":[{"input":"x","wa_id":"x"}],"messages":[{"id":"wamid.FAKE%d"}]}`, id)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func startInstance(t *testing.T, cfg config.Config) *App {
	t.Helper()
	return startInstanceAt(t, cfg, nil)
}

// startInstanceAt is startInstance on a clock of the test's (nil: the real one).
func startInstanceAt(t *testing.T, cfg config.Config, now func() time.Time) *App {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	app, err := Start(context.Background(), &cfg, log, AppOptions{Migrate: true, Listener: listen(t), Now: now})
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

func listen(t *testing.T) net.Listener {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return ln
}

func stopPayload(waID, msgID string) []byte {
	return []byte(fmt.Sprintf(`{"object":"whatsapp_business_account","entry":[{"id":"%s","changes":[{"value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"%s","phone_number_id":"%s"},"contacts":[{"profile":{"name":"P"},"wa_id":"%s"}],"messages":[{"from":"%s","id":"%s","timestamp":"%d","type":"text","text":{"body":"PARAR"}}]},"field":"messages"}]}]}`,
		demoWABA, demoDisplay, demoPhoneID, waID, waID, msgID, time.Now().Unix()))
}

func postTo(base string, body []byte) (int, error) {
	req, _ := http.NewRequest("POST", base+"/webhooks/whatsapp", strings.NewReader(string(body)))
	req.Header.Set(meta.SignatureHeader, meta.Sign(body, testAppSecret))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, nil
}

func sendTo(base, to string) (int, string) {
	req, _ := http.NewRequest("POST", base+"/v23.0/"+demoPhoneID+"/messages", strings.NewReader(tpl(to, "black_friday")))
	req.Header.Set("Authorization", "Bearer "+demoAPIKey)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, ""
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("Optgate-Reason")
}

func optIn(t *testing.T, base, waID string) {
	t.Helper()
	req, _ := http.NewRequest("POST", base+"/v1/contacts/+"+waID+"/consent", strings.NewReader(`{"action":"opt_in","topic":"promotions","source":"web_form","evidence":{"text":"sim"}}`))
	req.Header.Set("Authorization", "Bearer "+demoAPIKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 201 {
		t.Fatalf("opt-in %s: %d", waID, resp.StatusCode)
	}
}

// TestTwoInstancesNoLeak runs two optgate instances on one PostgreSQL and
// hammers both with sends while opt-outs arrive through one of them. A send
// that started after its recipient's opt-out was acknowledged to Meta, and
// still reached the Cloud API, is a leak: there must be none.
func TestTwoInstancesNoLeak(t *testing.T) {
	needPostgres(t)
	up, upstreamSends := fakeMeta(t)
	dsn := storetest.Postgres.DSN(t)
	cfg := DemoConfig("127.0.0.1:0", dsn, up.URL, testAppSecret, testVerify, testAccess)
	a, b := startInstance(t, cfg), startInstance(t, cfg)
	urlA, urlB := "http://"+a.Addr, "http://"+b.Addr

	const contacts = 40
	waIDs := make([]string, contacts)
	for i := range waIDs {
		waIDs[i] = fmt.Sprintf("55119%08d", 70000000+i)
		optIn(t, urlA, waIDs[i])
	}
	var ackAt sync.Map // wa_id -> time the opt-out's 200 came back
	type sendRec struct {
		to      string
		started time.Time
		status  int
		reason  string
	}
	var mu sync.Mutex
	var sends []sendRec
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			base := urlB
			if w%2 == 1 {
				base = urlA
			}
			for {
				select {
				case <-stop:
					return
				default:
				}
				to := waIDs[rand.IntN(contacts)]
				started := time.Now()
				status, reason := sendTo(base, to)
				mu.Lock()
				sends = append(sends, sendRec{to, started, status, reason})
				mu.Unlock()
			}
		})
	}
	time.Sleep(300 * time.Millisecond)
	// Opt-outs arrive through A; the same delivery also reaches B at the same time.
	var owg sync.WaitGroup
	for i, waID := range waIDs {
		owg.Go(func() {
			time.Sleep(time.Duration(i*15) * time.Millisecond)
			body := stopPayload(waID, fmt.Sprintf("wamid.stop.%d", i))
			var inner sync.WaitGroup
			for _, base := range []string{urlA, urlB} {
				inner.Go(func() {
					for {
						if status, err := postTo(base, body); err == nil && status == 200 {
							ackAt.LoadOrStore(waID, time.Now()) // the earliest acknowledgement counts
							return
						}
						time.Sleep(10 * time.Millisecond)
					}
				})
			}
			inner.Wait()
		})
	}
	owg.Wait()
	time.Sleep(300 * time.Millisecond)
	close(stop)
	wg.Wait()

	leaks, refusedAfter, allowedBefore := 0, 0, 0
	for _, s := range sends {
		v, _ := ackAt.Load(s.to)
		ack := v.(time.Time)
		switch {
		case s.started.After(ack) && s.status == 200:
			leaks++
			t.Errorf("leak: send to %s started %s after the opt-out was acknowledged and reached the Cloud API", s.to, s.started.Sub(ack))
		case s.started.After(ack) && s.reason == "opted_out":
			refusedAfter++
		case s.started.Before(ack) && s.status == 200:
			allowedBefore++
		}
	}
	t.Logf("%d sends (%d reached the Cloud API): %d allowed before opt-outs, %d refused after, %d leaks", len(sends), upstreamSends.Load(), allowedBefore, refusedAfter, leaks)
	if allowedBefore == 0 || refusedAfter == 0 {
		t.Fatal("the race was not exercised: need sends allowed before and refused after the opt-outs")
	}
	// The same delivery to both instances was processed once: one opt-out event per person.
	rep, err := a.Store.VerifyLedger(context.Background(), "demo")
	if err != nil || rep.Events != 2*contacts {
		t.Fatalf("ledger: %+v %v, want %d events (one opt-in and one opt-out per person)", rep, err, 2*contacts)
	}
}

// tcpProxy stands between optgate and PostgreSQL so a test can take the
// database away and bring it back.
type tcpProxy struct {
	t      *testing.T
	target string
	addr   string
	mu     sync.Mutex
	ln     net.Listener
	conns  []net.Conn
}

func newTCPProxy(t *testing.T, target string) *tcpProxy {
	p := &tcpProxy{t: t, target: target}
	p.ln = listen(t)
	p.addr = p.ln.Addr().String()
	go p.serve(p.ln)
	t.Cleanup(p.down)
	return p
}

func (p *tcpProxy) serve(ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		d, err := net.Dial("tcp", p.target)
		if err != nil {
			c.Close()
			continue
		}
		p.mu.Lock()
		p.conns = append(p.conns, c, d)
		p.mu.Unlock()
		go func() { io.Copy(d, c); d.Close() }()
		go func() { io.Copy(c, d); c.Close() }()
	}
}

func (p *tcpProxy) down() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

func (p *tcpProxy) up() {
	p.mu.Lock()
	defer p.mu.Unlock()
	ln, err := net.Listen("tcp", p.addr)
	if err != nil {
		p.t.Fatal(err)
	}
	p.ln = ln
	go p.serve(ln)
}

// TestPostgresOutageRecovery takes PostgreSQL away under load: sends fail
// closed with 503, webhooks get a non-200 (Meta retries), /readyz says why;
// when the database is back optgate recovers by itself and nothing is lost.
func TestPostgresOutageRecovery(t *testing.T) {
	needPostgres(t)
	up, _ := fakeMeta(t)
	dsn := storetest.Postgres.DSN(t)
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	proxy := newTCPProxy(t, u.Host)
	u.Host = proxy.addr
	cfg := DemoConfig("127.0.0.1:0", u.String(), up.URL, testAppSecret, testVerify, testAccess)
	app := startInstance(t, cfg)
	base := "http://" + app.Addr

	const people = 200
	var acked atomic.Int64
	var non200 atomic.Int64
	var wg sync.WaitGroup
	work := make(chan int)
	for range 8 {
		wg.Go(func() {
			for i := range work {
				body := stopPayload(fmt.Sprintf("55119%08d", 80000000+i), fmt.Sprintf("wamid.outage.%d", i))
				for { // Meta retries until it gets a 200
					status, err := postTo(base, body)
					if err == nil && status == 200 {
						acked.Add(1)
						break
					}
					non200.Add(1)
					time.Sleep(20 * time.Millisecond)
				}
			}
		})
	}
	go func() {
		for i := range people {
			work <- i
			time.Sleep(5 * time.Millisecond)
		}
		close(work)
	}()
	for acked.Load() < people/4 {
		time.Sleep(5 * time.Millisecond)
	}
	proxy.down()
	time.Sleep(300 * time.Millisecond)
	r, _ := http.Get(base + "/readyz")
	body, _ := io.ReadAll(r.Body)
	r.Body.Close()
	if r.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(body), "database") {
		t.Fatalf("/readyz during the outage: %d %s", r.StatusCode, body)
	}
	if status, _ := sendTo(base, "5511980000000"); status != http.StatusServiceUnavailable {
		t.Fatalf("send during the outage: %d, want 503 (fail closed)", status)
	}
	time.Sleep(time.Second)
	proxy.up()
	wg.Wait()
	if non200.Load() == 0 {
		t.Fatal("no webhook was refused during the outage: the outage was not exercised")
	}
	deadline := time.Now().Add(15 * time.Second)
	for {
		r, err := http.Get(base + "/readyz")
		if err == nil {
			r.Body.Close()
			if r.StatusCode == 200 {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("optgate did not recover after the database came back")
		}
		time.Sleep(100 * time.Millisecond)
	}
	// Nothing lost: every person's opt-out is enforced.
	for i := range people {
		if _, reason := sendTo(base, fmt.Sprintf("55119%08d", 80000000+i)); reason != "opted_out" {
			t.Fatalf("person %d: reason %q after recovery, want opted_out", i, reason)
		}
	}
	if rep, err := app.Store.VerifyLedger(context.Background(), "demo"); err != nil || rep.Events != people {
		t.Fatalf("ledger after recovery: %+v %v", rep, err)
	}
	t.Logf("%d webhooks refused during the outage and redelivered; all %d opt-outs enforced after recovery", non200.Load(), people)
}
