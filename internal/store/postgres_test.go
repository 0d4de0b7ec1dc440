package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/optgate/optgate/internal/consent"
	"github.com/optgate/optgate/internal/store/storetest"
)

func TestParsePostgresDSN(t *testing.T) {
	cfg, pool, err := parsePostgresDSN("postgres://optgate:s3cret@db.internal:6543/optgate?sslmode=disable")
	if err != nil {
		t.Fatal(err)
	}
	if pool != (pgPool{defaultPGMaxConns, defaultPGMaxIdleConns, defaultPGMaxConnLifetime, defaultPGMaxConnIdleTime, defaultPGDecisionReads}) {
		t.Errorf("default pool %+v", pool)
	}
	if cfg.Host != "db.internal" || cfg.Port != 6543 || cfg.Database != "optgate" || cfg.User != "optgate" || cfg.ConnectTimeout != defaultPGConnectTimeout {
		t.Errorf("config %s:%d/%s user %s timeout %v", cfg.Host, cfg.Port, cfg.Database, cfg.User, cfg.ConnectTimeout)
	}
	want := map[string]string{"statement_timeout": "10s", "idle_in_transaction_session_timeout": "60s", "application_name": "optgate"}
	for k, v := range want {
		if cfg.RuntimeParams[k] != v {
			t.Errorf("runtime param %s = %q, want %q", k, cfg.RuntimeParams[k], v)
		}
	}

	cfg, pool, err = parsePostgresDSN("postgres://h/db?pool_max_conns=40&pool_max_idle_conns=8&pool_max_conn_lifetime=1h&pool_max_conn_idle_time=0s&decision_reads=0" +
		"&statement_timeout=2500ms&connect_timeout=2&application_name=optgate-eu1&search_path=tenant1")
	if err != nil {
		t.Fatal(err)
	}
	if pool != (pgPool{40, 8, time.Hour, 0, 0}) {
		t.Errorf("pool %+v", pool)
	}
	if cfg.ConnectTimeout != 2*time.Second {
		t.Errorf("connect timeout %v", cfg.ConnectTimeout)
	}
	want = map[string]string{"statement_timeout": "2500ms", "application_name": "optgate-eu1", "search_path": "tenant1"}
	for k, v := range want {
		if cfg.RuntimeParams[k] != v {
			t.Errorf("runtime param %s = %q, want %q", k, cfg.RuntimeParams[k], v)
		}
	}
	for k := range cfg.RuntimeParams {
		if strings.HasPrefix(k, "pool_") || k == "decision_reads" {
			t.Errorf("%s would be sent to the server", k)
		}
	}
	// statement_timeout set through options is not overridden.
	cfg, _, _ = parsePostgresDSN("postgres://h/db?options=-c%20statement_timeout%3D1s")
	if _, ok := cfg.RuntimeParams["statement_timeout"]; ok {
		t.Error("default statement_timeout added beside options")
	}
	if _, pool, _ = parsePostgresDSN("postgres://h/db?pool_max_conns=4"); pool.maxIdleConns != 4 {
		t.Errorf("idle conns %d above max conns 4", pool.maxIdleConns)
	}

	for _, dsn := range []string{
		"postgres://u:pw@h/db?pool_max_conns=0",
		"postgres://u:pw@h/db?pool_max_conns=many",
		"postgres://u:pw@h/db?pool_max_conn_lifetime=forever",
		"postgres://u:pw@h/db?decision_reads=-1",
		"postgres://u:pw@h/db?sslmode=sometimes",
		"postgres://u:pw@h:port/db",
	} {
		_, _, err := parsePostgresDSN(dsn)
		wantCode(t, err, consent.EInvalid)
		if strings.Contains(err.Error(), ":pw@") {
			t.Errorf("%s: error shows the password: %v", dsn, err)
		}
	}
}

func TestOpenPostgresUnreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	_, err = Open(context.Background(), "postgres://u:pw@"+addr+"/db?connect_timeout=2", Options{})
	wantCode(t, err, consent.EUnavailable)
	if strings.Contains(err.Error(), "pw") {
		t.Errorf("error shows the password: %v", err)
	}
}

// pgDSN is a fresh PostgreSQL schema's DSN with extra query parameters.
func pgDSN(t *testing.T, extra url.Values) string {
	t.Helper()
	u, err := url.Parse(storetest.Postgres.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	for k, v := range extra {
		q[k] = v
	}
	u.RawQuery = q.Encode()
	return u.String()
}

func withAppName(dsn, name string) string {
	u, _ := url.Parse(dsn)
	q := u.Query()
	q.Set("application_name", name)
	u.RawQuery = q.Encode()
	return u.String()
}

func randomName(prefix string) string {
	var b [6]byte
	rand.Read(b[:])
	return prefix + hex.EncodeToString(b[:])
}

func TestPostgresSessionSettings(t *testing.T) {
	ctx := context.Background()
	s := openStore(t, pgDSN(t, url.Values{"statement_timeout": {"2500ms"}}), nil)
	var timeout, idle, app string
	if err := s.db.QueryRowContext(ctx, "SELECT current_setting('statement_timeout'), current_setting('idle_in_transaction_session_timeout'), current_setting('application_name')").
		Scan(&timeout, &idle, &app); err != nil {
		t.Fatal(err)
	}
	if timeout != "2500ms" || idle != "1min" || app != "optgate" {
		t.Errorf("statement_timeout %s, idle_in_transaction_session_timeout %s, application_name %s", timeout, idle, app)
	}
	// A statement over the timeout is cancelled by the server, and the store
	// says the database is unavailable rather than waiting.
	_, err := s.db.ExecContext(ctx, "SELECT pg_sleep(5)")
	if err == nil || pgCode(err) != "57014" { // query_canceled
		t.Fatalf("pg_sleep(5) with a 2.5s statement_timeout: %v", err)
	}
	wantCode(t, s.wrap(err), consent.EUnavailable)
}

// TestPostgresTwoInstancesOneChain runs two stores, as two optgate instances
// would be, on one schema, appending to the same accounts and contacts at once.
func TestPostgresTwoInstancesOneChain(t *testing.T) {
	dsn := pgDSN(t, nil)
	a := openStore(t, dsn, nil)
	b := openStore(t, dsn, nil)
	counts := appendConcurrently(t, []*Store{a, b}, 16, 25)
	t.Logf("%d and %d batches run again after a deadlock", a.retries.Load(), b.retries.Load())
	verifyChains(t, a, counts)
	var contacts int
	if err := a.db.QueryRow("SELECT COUNT(*) FROM contacts").Scan(&contacts); err != nil || contacts != 14 {
		t.Errorf("%d contacts, %v; want 7 per account, each created once", contacts, err)
	}
}

// TestPostgresConcurrentInboundOnce delivers the same message to two stores at
// once: the second INSERT waits for the first transaction, then does nothing
// if it committed and inserts if it rolled back.
func TestPostgresConcurrentInboundOnce(t *testing.T) {
	dsn := pgDSN(t, nil)
	appA, appB := randomName("optgate_a_"), randomName("optgate_b_")
	a := openStore(t, withAppName(dsn, appA), nil)
	b := openStore(t, withAppName(dsn, appB), nil)
	ctx := context.Background()

	for _, firstCommits := range []bool{true, false} {
		t.Run(fmt.Sprintf("first_commits=%v", firstCommits), func(t *testing.T) {
			m := Inbound{AccountID: acctA, MessageID: randomName("wamid."), PhoneNumberID: "p", Type: "text"}
			inserted := make(chan struct{})
			release := make(chan struct{})
			var newA, newB bool
			errA, errB := make(chan error, 1), make(chan error, 1)
			go func() {
				errA <- a.Write(ctx, func(ctx context.Context, tx *Tx) error {
					var err error
					if newA, err = tx.InsertInbound(ctx, m); err != nil {
						return err
					}
					close(inserted)
					<-release
					if !firstCommits {
						return consent.Errorf(consent.EInvalid, "instance A gives up")
					}
					return nil
				})
			}()
			<-inserted
			go func() {
				errB <- b.Write(ctx, func(ctx context.Context, tx *Tx) error {
					var err error
					newB, err = tx.InsertInbound(ctx, m)
					return err
				})
			}()
			waitFor(t, "instance B to wait for A's lock", func() bool {
				var n int
				err := a.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'", appB).Scan(&n)
				return err == nil && n == 1
			})
			close(release)
			if err := <-errA; firstCommits && err != nil {
				t.Fatal(err)
			}
			if err := <-errB; err != nil {
				t.Fatal(err)
			}
			if !newA || newB != !firstCommits {
				t.Errorf("new on A %v, on B %v", newA, newB)
			}
			var n int
			if err := a.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM inbound_messages WHERE message_id = $1", m.MessageID).Scan(&n); err != nil || n != 1 {
				t.Errorf("%d rows, %v; want 1", n, err)
			}
		})
	}
}

// TestPostgresKilledConnections ends the store's server connections again and
// again while it works: every failure is EUnavailable, every acknowledged
// event stays in the ledger, and the store works again afterwards without help.
func TestPostgresKilledConnections(t *testing.T) {
	app := randomName("optgate_k_")
	dsn := pgDSN(t, nil)
	s := openStore(t, withAppName(dsn, app), nil)
	ctx := context.Background()
	killer, err := sql.Open("pgx", withAppName(dsn, app+"_killer"))
	if err != nil {
		t.Fatal(err)
	}
	defer killer.Close()

	var stop atomic.Bool
	var mu sync.Mutex
	var acked []consent.Event
	var ok, failed atomic.Int64
	var wg sync.WaitGroup
	work := func(w, i int) error {
		key := consent.ContactKey{WAID: fmt.Sprintf("4477009%05d", w*1000+i%5)}
		switch i % 3 {
		case 0, 1:
			ev, err := appendFor(ctx, s, key, event(acctA, consent.OptOut, consent.ScopeAll))
			if err == nil {
				mu.Lock()
				acked = append(acked, ev)
				mu.Unlock()
			}
			return err
		default:
			c, err := s.FindContact(ctx, acctA, key)
			if errors.Is(err, ErrNotFound) {
				return nil
			}
			if err != nil {
				return err
			}
			_, err = s.State(ctx, c.ID, "p")
			return err
		}
	}
	for w := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; !stop.Load(); i++ {
				err := work(w, i)
				if err == nil {
					ok.Add(1)
					continue
				}
				failed.Add(1)
				if consent.ErrorCode(err) != consent.EUnavailable {
					t.Errorf("worker %d: %v (code %s), want unavailable", w, err, consent.ErrorCode(err))
				}
			}
		}()
	}
	killed := 0
	for range 15 {
		time.Sleep(40 * time.Millisecond)
		var n int
		if err := killer.QueryRow("SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1", app).Scan(&n); err != nil {
			t.Fatal(err)
		}
		killed += n
	}
	stop.Store(true)
	wg.Wait()
	t.Logf("killed %d connections; %d calls succeeded, %d failed with EUnavailable", killed, ok.Load(), failed.Load())
	if killed == 0 {
		t.Fatal("no connection was killed")
	}

	// Recovered, by itself: every call succeeds, at worst after a retry (a
	// connection killed while idle in the pool fails the one call that finds it).
	for i := range 50 {
		eventually(t, fmt.Sprintf("call %d after the kills", i), func() error { return work(99, i) })
	}
	rep, err := s.VerifyLedger(ctx, acctA)
	if err != nil {
		t.Fatal(err)
	}
	// A commit whose acknowledgement was lost may be in the ledger without
	// having been acknowledged; an acknowledged one must be there.
	if rep.Events < int64(len(acked)) {
		t.Errorf("ledger has %d events, %d were acknowledged", rep.Events, len(acked))
	}
	for _, ev := range acked {
		var hash string
		if err := s.db.QueryRowContext(ctx, "SELECT hash FROM consent_events WHERE account_id = $1 AND seq = $2", acctA, ev.Seq).Scan(&hash); err != nil || hash != ev.Hash {
			t.Fatalf("acknowledged event %d: stored hash %q, %v; want %s", ev.Seq, hash, err, ev.Hash)
		}
	}
}

// eventually calls f until it succeeds, allowing one failure per pooled
// connection that died while idle; each failure must be EUnavailable.
func eventually(t *testing.T, what string, f func() error) {
	t.Helper()
	for attempt := 1; ; attempt++ {
		err := f()
		if err == nil {
			return
		}
		if consent.ErrorCode(err) != consent.EUnavailable || attempt > defaultPGMaxConns+1 {
			t.Fatalf("%s: attempt %d: %v (code %s)", what, attempt, err, consent.ErrorCode(err))
		}
		t.Logf("%s: attempt %d: %v", what, attempt, err)
	}
}

// tcpProxy stands between the store and PostgreSQL, so that a test can take
// the database away (refusing connections and cutting open ones) and bring it
// back on the same address, without touching the server other tests use.
type tcpProxy struct {
	target string
	addr   string
	mu     sync.Mutex
	ln     net.Listener
	conns  map[net.Conn]bool
}

func (p *tcpProxy) up(t *testing.T) {
	t.Helper()
	addr := p.addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	p.mu.Lock()
	p.ln, p.addr = ln, ln.Addr().String()
	if p.conns == nil {
		p.conns = map[net.Conn]bool{}
	}
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			u, err := net.Dial("tcp", p.target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns[c], p.conns[u] = true, true
			p.mu.Unlock()
			pipe := func(dst, src net.Conn) {
				io.Copy(dst, src)
				dst.Close()
				src.Close()
			}
			go pipe(u, c)
			go pipe(c, u)
		}
	}()
}

func (p *tcpProxy) down() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for c := range p.conns {
		c.Close()
	}
	clear(p.conns)
}

// TestPostgresDownAndBack takes the database away from a running store: every
// method answers EUnavailable, quickly; when the database is back the same
// store works again, its writer included.
func TestPostgresDownAndBack(t *testing.T) {
	dsn := pgDSN(t, url.Values{"connect_timeout": {"2"}})
	u, _ := url.Parse(dsn)
	p := &tcpProxy{target: u.Host}
	p.up(t)
	t.Cleanup(p.down)
	u.Host = p.addr
	s := openStore(t, u.String(), nil)
	ctx := context.Background()
	key := consent.ContactKey{WAID: "447700900001"}
	ev := mustAppend(t, s, key, event(acctA, consent.OptIn, consent.ScopeAll))
	if err := s.Write(ctx, func(ctx context.Context, tx *Tx) error {
		return tx.Enqueue(ctx, Job{AccountID: acctA, Kind: "reply", DedupeKey: "k1", Payload: "{}"})
	}); err != nil {
		t.Fatal(err)
	}

	calls := []struct {
		name string
		call func(ctx context.Context) error
	}{
		{"Ping", s.Ping},
		{"CheckSchema", s.CheckSchema},
		{"Migrate", func(ctx context.Context) error { _, err := s.Migrate(ctx); return err }},
		{"EnsureAccounts", func(ctx context.Context) error { return s.EnsureAccounts(ctx, []string{"acct-c"}) }},
		{"FindContact", func(ctx context.Context) error { _, err := s.FindContact(ctx, acctA, key); return err }},
		{"State", func(ctx context.Context) error { _, err := s.State(ctx, ev.ContactID, "p"); return err }},
		{"History", func(ctx context.Context) error { _, err := s.History(ctx, ev.ContactID); return err }},
		{"VerifyLedger", func(ctx context.Context) error { _, err := s.VerifyLedger(ctx, acctA); return err }},
		{"Write", func(ctx context.Context) error {
			_, err := appendFor(ctx, s, key, event(acctA, consent.OptOut, consent.ScopeAll))
			return err
		}},
		{"ClaimJobs", func(ctx context.Context) error { _, err := s.ClaimJobs(ctx, 10, time.Minute); return err }},
		{"CompleteJob", func(ctx context.Context) error { return s.CompleteJob(ctx, 1) }},
		{"RetryJob", func(ctx context.Context) error { return s.RetryJob(ctx, 1, time.Now(), "x") }},
		{"DropJob", func(ctx context.Context) error { return s.DropJob(ctx, 1, "x") }},
	}

	for round := range 2 {
		p.down()
		for _, c := range calls {
			ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
			err := c.call(ctx)
			cancel()
			if err == nil {
				t.Fatalf("round %d: %s succeeded with the database down", round, c.name)
			}
			var ce *consent.Error
			if !errors.As(err, &ce) || ce.Code != consent.EUnavailable {
				t.Errorf("round %d: %s: %v (code %s), want a *consent.Error with code unavailable", round, c.name, err, consent.ErrorCode(err))
			}
		}
		p.up(t)
		for _, c := range calls {
			if c.name == "CompleteJob" || c.name == "RetryJob" || c.name == "DropJob" {
				continue // they would change the job the next round claims
			}
			eventually(t, fmt.Sprintf("round %d: %s after the database came back", round, c.name), func() error { return c.call(ctx) })
		}
	}
	if rep, err := s.VerifyLedger(ctx, acctA); err != nil || rep.Events != 3 {
		t.Errorf("ledger after the outages: %+v, %v; want 3 events", rep, err)
	}
}
