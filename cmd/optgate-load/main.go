// Command optgate-load drives a running optgate over real HTTP and prints
// its throughput and latency next to a bare httputil.ReverseProxy in front
// of the same upstream. Everything runs in this process on 127.0.0.1: a fake
// Cloud API upstream, optgate (cli.Start with the demo account, on a fresh
// SQLite file), the bare proxy, and the load generator. See
// docs/performance.md for the figures and how to read them.
package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/optgate/optgate/internal/cli"
	"github.com/optgate/optgate/internal/config"
	"github.com/optgate/optgate/internal/loadgen"
	"github.com/optgate/optgate/internal/meta"
)

const (
	phoneID     = "106540352242922"
	apiKey      = "optgate-demo-key-0001" // the demo account's key (cli.DemoConfig)
	appSecret   = "load-app-secret"
	accessToken = "load-access-token"
)

type options struct {
	database        string
	logTo           string
	concurrency     int
	webhookDuration time.Duration
	webhookRate     float64
	sustainRate     float64
	sustainWorkers  int
	forward         bool
	forwardRate     float64
	rateBatch       int
	rateDuration    time.Duration
	sendDuration    time.Duration
	sendRate        float64
	sendContacts    int
	people          int64
	batch           int
	maxRequests     int
	workers         int
	cpuProfile      string
	traceFile       string
	skipWebhooks    bool
	skipSends       bool
	client          string
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "optgate-load:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	var o options
	fs := flag.NewFlagSet("optgate-load", flag.ContinueOnError)
	fs.StringVar(&o.database, "database", "", "optgate's database (default: a fresh SQLite file in a temp dir)")
	fs.StringVar(&o.logTo, "log", "file", "where optgate's info log goes: file (in the temp dir) or discard; it is never turned off")
	fs.IntVar(&o.concurrency, "c", 64, "concurrent clients in the closed-loop (max throughput) runs")
	fs.DurationVar(&o.webhookDuration, "webhook-duration", 8*time.Second, "length of each closed-loop webhook run")
	fs.Float64Var(&o.webhookRate, "webhook-rate", 4000, "deliveries per second in the open-loop webhook run")
	fs.Float64Var(&o.sustainRate, "sustain-rate", 10000, "single-message deliveries per second offered in the last webhook run, as Meta offers them (it does not wait for one answer before the next): does optgate keep up? (0 skips it)")
	fs.IntVar(&o.sustainWorkers, "sustain-workers", 512, "most deliveries in flight in the -sustain-rate run")
	fs.DurationVar(&o.rateDuration, "rate-duration", 8*time.Second, "length of each fixed-rate run")
	fs.DurationVar(&o.sendDuration, "send-duration", 4*time.Second, "length of each closed-loop send run (two rounds per target)")
	fs.Float64Var(&o.sendRate, "send-rate", 1000, "sends per second in the fixed-rate send run")
	fs.IntVar(&o.sendContacts, "send-contacts", 2000, "contacts opted in before the send runs")
	fs.Int64Var(&o.people, "people", 20000, "people the webhook messages come from, at random (0: every message from a new person, numbers and ids in sequence, as before 2026-11-23)")
	fs.BoolVar(&o.forward, "forward", false, "forward every webhook to an in-process downstream and measure forwarding (latency at -forward-rate, then a burst)")
	fs.Float64Var(&o.forwardRate, "forward-rate", 1000, "webhooks per second in the forwarding latency run")
	fs.IntVar(&o.rateBatch, "rate-batch", 1, "messages per delivery in the open-loop webhook run (the events/s are deliveries/s times this)")
	fs.IntVar(&o.batch, "batch", 10, "messages per delivery in the batched webhook run (0 skips it)")
	fs.IntVar(&o.maxRequests, "max-requests", 2_000_000, "upper bound on requests in any one run")
	fs.IntVar(&o.workers, "rate-workers", 128, "most requests in flight in a fixed-rate run (latency still counts from the due time)")
	fs.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the whole process (optgate and generator) to this file")
	fs.StringVar(&o.traceFile, "trace", "", "write an execution trace of the whole process to this file (go tool trace)")
	fs.BoolVar(&o.skipWebhooks, "skip-webhooks", false, "skip the webhook runs")
	fs.BoolVar(&o.skipSends, "skip-sends", false, "skip the send runs")
	fs.StringVar(&o.client, "client", "raw", "how the generator posts webhooks: raw (one HTTP/1.1 keep-alive connection per client, written and read directly, as wrk does) or nethttp (net/http's client, the only one before 2026-11-23's seventh session; it costs the shared cores more)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if o.client != "nethttp" && o.client != "raw" {
		return fmt.Errorf("-client %q: want nethttp or raw", o.client)
	}
	if o.cpuProfile != "" {
		f, err := os.Create(o.cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	if o.traceFile != "" {
		f, err := os.Create(o.traceFile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := trace.Start(f); err != nil {
			return err
		}
		defer trace.Stop()
	}

	dir, err := os.MkdirTemp("", "optgate-load-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	upstream, err := startUpstream()
	if err != nil {
		return err
	}
	defer upstream.Close()

	dsn := o.database
	if dsn == "" {
		dsn = "sqlite:" + filepath.Join(dir, "optgate.db")
	}
	var logW io.Writer = io.Discard
	var logFile *os.File
	if o.logTo == "file" {
		if logFile, err = os.Create(filepath.Join(dir, "optgate.log")); err != nil {
			return err
		}
		defer logFile.Close()
		logW = logFile
	}
	// optgate's default handler: slog's text handler at info.
	log := slog.New(slog.NewTextHandler(logW, &slog.HandlerOptions{Level: slog.LevelInfo}))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	cfg := cli.DemoConfig(ln.Addr().String(), dsn, upstream.URL, appSecret, "load-verify", accessToken)
	var down *downstream
	if o.forward {
		if down, err = startDownstream(); err != nil {
			return err
		}
		defer down.Close()
		cfg.Accounts[0].Forward = []config.Forward{{URL: down.URL, Secret: "load-downstream-secret"}}
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	app, err := cli.Start(ctx, &cfg, log, cli.AppOptions{Migrate: true, Listener: ln})
	if err != nil {
		ln.Close()
		return err
	}
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = app.Close(sctx)
	}()
	proxy, err := startProxy(upstream.URL)
	if err != nil {
		return err
	}
	defer proxy.Close()

	optURL := "http://" + app.Addr
	conns := max(o.concurrency, o.workers)
	if o.sustainRate > 0 {
		conns = max(conns, o.sustainWorkers)
	}
	client := newClient(conns)
	l := &loader{o: o, client: client, optURL: optURL, proxyURL: proxy.URL}
	if o.client == "raw" {
		l.raw = newRawClient(app.Addr, conns+16)
	}

	fmt.Fprintf(stdout, "optgate-load: %d CPUs (GOMAXPROCS %d), %s, database %s, optgate log: %s\n",
		runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.Version(), redact(dsn), o.logTo)
	fmt.Fprintf(stdout, "optgate %s, bare proxy %s, fake Cloud API %s\n\n", optURL, proxy.URL, upstream.URL)

	var rows []result
	add := func(r result, err error) error {
		if err != nil {
			return err
		}
		rows = append(rows, r)
		fmt.Fprintf(stdout, "  done: %s\n", r.name)
		return ctx.Err()
	}

	// Webhooks: closed loop (max throughput), then open loop at a fixed rate.
	if !o.skipWebhooks {
		if err := l.webhooks(ctx, add); err != nil {
			return err
		}
	}
	if o.forward {
		if err := l.forwarding(ctx, down, add); err != nil {
			return err
		}
	}
	var viaOpt, viaProxy result
	if !o.skipSends {
		var err error
		if viaOpt, viaProxy, err = l.sends(ctx, stdout, add, &rows); err != nil {
			return err
		}
	}

	fmt.Fprintln(stdout)
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "run\trequests\tevents/s\terrors\tp50\tp90\tp99\tmax\t")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%d\t%.0f\t%d\t%s\t%s\t%s\t%s\t\n", r.name, r.requests, r.rate(), r.errors,
			ms(r.pct(50)), ms(r.pct(90)), ms(r.pct(99)), ms(r.pct(100)))
	}
	tw.Flush()
	for _, r := range rows {
		if r.writer != "" {
			fmt.Fprintf(stdout, "%s: %s\n", r.name, r.writer)
		}
	}
	if !o.skipSends {
		ratio := viaOpt.rate() / viaProxy.rate()
		target := 0.8 // issue 2, SQLite
		if !strings.HasPrefix(dsn, "sqlite:") {
			target = 0.7 // issue 4, PostgreSQL on the same cores
		}
		fmt.Fprintf(stdout, "\nsend path: optgate %.0f/s vs bare proxy %.0f/s = %.2fx (target >= %.2fx)\n", viaOpt.rate(), viaProxy.rate(), ratio, target)
	}
	fmt.Fprintf(stdout, "fake Cloud API received %d sends\n", upstream.sends.Load())
	if logFile != nil {
		lines, decisions := countLog(logFile.Name())
		fmt.Fprintf(stdout, "optgate log: %d lines, %d of them \"send decision\"\n", lines, decisions)
	}
	return nil
}

// ---- the fake Cloud API upstream ----

type fakeUpstream struct {
	*http.Server
	URL   string
	sends atomic.Int64
}

// startUpstream answers every send with Meta's success shape, at once.
func startUpstream() (*fakeUpstream, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	u := &fakeUpstream{URL: "http://" + ln.Addr().String()}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /{version}/{phone}/messages", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+accessToken {
			http.Error(w, `{"error":{"message":"Invalid OAuth access token","type":"OAuthException","code":190}}`, http.StatusUnauthorized)
			return
		}
		body, _ := io.ReadAll(r.Body)
		to := jsonString(body, `"to":"`)
		n := u.sends.Add(1)
		w.Header().Set("Content-Type", "application/json; charset=UTF-8")
		fmt.Fprintf(w, `{"messaging_product":"whatsapp","contacts":[{"input":%q,"wa_id":%q}],"messages":[{"id":"wamid.LOAD%016d","message_status":"accepted"}]}`, to, strings.TrimPrefix(to, "+"), n)
	})
	u.Server = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go u.Serve(ln)
	return u, nil
}

func jsonString(b []byte, key string) string {
	i := bytes.Index(b, []byte(key))
	if i < 0 {
		return ""
	}
	rest := b[i+len(key):]
	j := bytes.IndexByte(rest, '"')
	if j < 0 {
		return ""
	}
	return string(rest[:j])
}

// ---- the bare reverse proxy ----

type bareProxy struct {
	*http.Server
	URL string
}

// startProxy is the baseline: httputil.ReverseProxy with the same transport
// settings as optgate's upstream client, swapping in the Meta token as
// optgate does, and nothing else.
func startProxy(upstreamURL string) (*bareProxy, error) {
	target, err := url.Parse(upstreamURL)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	rp := &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(target)
			pr.Out.Header.Set("Authorization", "Bearer "+accessToken)
		},
		Transport: &http.Transport{
			DialContext:         (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			MaxIdleConns:        512,
			MaxIdleConnsPerHost: 256,
			IdleConnTimeout:     90 * time.Second,
			ForceAttemptHTTP2:   true,
		},
	}
	rp.ErrorHandler = func(w http.ResponseWriter, r *http.Request, err error) {
		if r.Context().Err() == nil { // a client that went away is not an upstream failure
			w.WriteHeader(http.StatusBadGateway)
		}
	}
	p := &bareProxy{URL: "http://" + ln.Addr().String()}
	p.Server = &http.Server{Handler: rp, ReadHeaderTimeout: 10 * time.Second}
	go p.Serve(ln)
	return p, nil
}

// ---- the load generator ----

type loader struct {
	o        options
	client   *http.Client
	raw      *rawClient // with -client raw, for webhooks
	optURL   string
	proxyURL string
	seq      atomic.Int64 // webhook message ids and senders
	acked    atomic.Int64 // webhook messages optgate answered 200 for
	sendSeq  atomic.Int64
}

func newClient(conns int) *http.Client {
	return &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		Proxy:               nil,
		MaxIdleConns:        conns + 16,
		MaxIdleConnsPerHost: conns + 16,
		IdleConnTimeout:     90 * time.Second,
	}}
}

// request does one call; it returns an error for anything but the expected status.
type request func(ctx context.Context) error

func (l *loader) do(ctx context.Context, req *http.Request, want int) error {
	resp, err := l.client.Do(req.WithContext(ctx))
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != want {
		return fmt.Errorf("%s %s: status %d", req.Method, req.URL.Path, resp.StatusCode)
	}
	return nil
}

// webhook sends signed deliveries of n text messages, each with a new id in
// Meta's format, from people drawn at random from -people (or each from a
// new person, with -people 0). A message records itself, finds or creates
// its contact and opens or extends a service window.
func (l *loader) webhook(n int) request {
	return func(ctx context.Context) error {
		return l.postWebhook(ctx, l.seq.Add(int64(n))-int64(n), n)
	}
}

// postWebhook sends messages first to first+n-1 in one signed delivery and
// counts them in acked when optgate answers 200.
func (l *loader) postWebhook(ctx context.Context, first int64, n int) error {
	body := loadgen.Webhook(phoneID, first, n, l.o.people)
	if l.raw != nil {
		status, err := l.raw.post(ctx, "/webhooks/whatsapp", [][2]string{{"Content-Type", "application/json"}, {meta.SignatureHeader, meta.Sign(body, appSecret)}}, body)
		if err != nil {
			return err
		}
		if status != http.StatusOK {
			return fmt.Errorf("POST /webhooks/whatsapp: status %d", status)
		}
		l.acked.Add(int64(n))
		return nil
	}
	req, _ := http.NewRequest(http.MethodPost, l.optURL+"/webhooks/whatsapp", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(meta.SignatureHeader, meta.Sign(body, appSecret))
	if err := l.do(ctx, req, http.StatusOK); err != nil {
		return err
	}
	l.acked.Add(int64(n))
	return nil
}

// sendContact is the wa_id of opted-in contact i: a valid São Paulo mobile.
func sendContact(i int) string { return fmt.Sprintf("551196%07d", i) }

// optIn records an opt-in to promotions, with evidence, for every send contact.
func (l *loader) optIn(ctx context.Context) error {
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for range 16 {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= l.o.sendContacts || ctx.Err() != nil {
					return
				}
				body := `{"action":"opt_in","topic":"promotions","source":"web_form","evidence":{"text":"Quero receber ofertas da Acme Lojas pelo WhatsApp","form":"ofertas-v1"}}`
				req, _ := http.NewRequest(http.MethodPost, l.optURL+"/v1/contacts/+"+sendContact(i)+"/consent", strings.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+apiKey)
				req.Header.Set("Content-Type", "application/json")
				if err := l.do(ctx, req, http.StatusCreated); err != nil {
					select {
					case errs <- err:
					default:
					}
					return
				}
			}
		})
	}
	wg.Wait()
	select {
	case err := <-errs:
		return fmt.Errorf("opt-in: %w", err)
	default:
		return ctx.Err()
	}
}

// send posts a marketing template to an opted-in contact: optgate allows it
// (reason opted_in) and forwards it; the bare proxy just forwards it.
func (l *loader) send(base string) request {
	return func(ctx context.Context) error {
		i := int(l.sendSeq.Add(1)) % l.o.sendContacts
		body := `{"messaging_product":"whatsapp","recipient_type":"individual","to":"` + sendContact(i) +
			`","type":"template","template":{"name":"black_friday","language":{"code":"pt_BR"}}}`
		req, _ := http.NewRequest(http.MethodPost, base+"/v23.0/"+phoneID+"/messages", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+apiKey)
		req.Header.Set("Content-Type", "application/json")
		return l.do(ctx, req, http.StatusOK)
	}
}

// result is one run's figures.
type result struct {
	name      string
	requests  int
	events    int // requests × events per request
	errors    int
	firstErr  error
	elapsed   time.Duration
	latencies []time.Duration // sorted
	writer    string          // the database writer's work during the run, for webhook runs
}

func (r result) rate() float64 {
	if r.elapsed <= 0 {
		return 0
	}
	return float64(r.events) / r.elapsed.Seconds()
}

func (r result) pct(p float64) time.Duration {
	if len(r.latencies) == 0 {
		return 0
	}
	i := int(float64(len(r.latencies))*p/100+0.5) - 1
	return r.latencies[min(max(i, 0), len(r.latencies)-1)]
}

func merge(a, b result, round int) result {
	if round == 0 {
		return b
	}
	a.requests += b.requests
	a.events += b.events
	a.errors += b.errors
	a.elapsed += b.elapsed
	a.latencies = append(a.latencies, b.latencies...)
	slices.Sort(a.latencies)
	if a.firstErr == nil {
		a.firstErr = b.firstErr
	}
	return a
}

type recorder struct {
	mu        sync.Mutex
	latencies []time.Duration
	errors    int
	firstErr  error
}

func (rec *recorder) add(d time.Duration, err error) {
	rec.mu.Lock()
	rec.latencies = append(rec.latencies, d)
	if err != nil {
		rec.errors++
		if rec.firstErr == nil {
			rec.firstErr = err
		}
	}
	rec.mu.Unlock()
}

func (rec *recorder) result(name string, elapsed time.Duration, perRequest int) result {
	slices.Sort(rec.latencies)
	return result{name: name, requests: len(rec.latencies), events: (len(rec.latencies) - rec.errors) * perRequest,
		errors: rec.errors, firstErr: rec.firstErr, elapsed: elapsed, latencies: rec.latencies}
}

// closedLoop runs c clients, each sending its next request as soon as the
// previous one is answered, for d or maxRequests requests.
func (l *loader) closedLoop(ctx context.Context, name string, d time.Duration, perRequest int, do request) (result, error) {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	rec := &recorder{latencies: make([]time.Duration, 0, 1<<16)}
	var issued atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range l.o.concurrency {
		wg.Go(func() {
			for ctx.Err() == nil && issued.Add(1) <= int64(l.o.maxRequests) {
				t := time.Now()
				err := do(ctx)
				if err != nil && (ctx.Err() != nil || errors.Is(err, os.ErrDeadlineExceeded)) {
					return // cut off by the end of the run: not counted
				}
				rec.add(time.Since(t), err)
			}
		})
	}
	wg.Wait()
	r := rec.result(name, time.Since(start), perRequest)
	return r, check(r)
}

// openLoop issues requests at a fixed rate whatever the answers' pace, and
// measures each latency from the moment the request was due, so a stall
// shows in the figures rather than slowing the generator down (no
// coordinated omission).
func (l *loader) openLoop(ctx context.Context, name string, rate float64, d time.Duration, perRequest, workers int, do request) (result, error) {
	total := min(int(rate*d.Seconds()), l.o.maxRequests)
	interval := time.Duration(float64(time.Second) / rate)
	due := make(chan time.Time, total)
	rec := &recorder{latencies: make([]time.Duration, 0, total)}
	var wg sync.WaitGroup
	rctx, cancel := context.WithTimeout(ctx, d+30*time.Second)
	defer cancel()
	for range workers {
		wg.Go(func() {
			for at := range due {
				err := do(rctx)
				rec.add(time.Since(at), err)
			}
		})
	}
	start := time.Now()
	for i := 0; i < total && ctx.Err() == nil; {
		now := time.Now()
		for ; i < total && start.Add(time.Duration(i)*interval).Before(now); i++ {
			due <- start.Add(time.Duration(i) * interval)
		}
		time.Sleep(min(interval, 200*time.Microsecond))
	}
	close(due)
	wg.Wait()
	r := rec.result(name, time.Since(start), perRequest)
	return r, check(r)
}

func check(r result) error {
	if r.errors > 0 {
		fmt.Fprintf(os.Stderr, "optgate-load: %s: %d of %d requests failed; first: %v\n", r.name, r.errors, r.requests, r.firstErr)
	}
	if r.requests > 0 && r.errors*10 > r.requests {
		return fmt.Errorf("%s: too many failures (%d of %d): %w", r.name, r.errors, r.requests, r.firstErr)
	}
	return nil
}

func ms(d time.Duration) string {
	return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 2, 64) + " ms"
}

func redact(dsn string) string {
	if u, err := url.Parse(dsn); err == nil && u.User != nil {
		u.User = url.User(u.User.Username())
		return u.String()
	}
	return dsn
}

func countLog(path string) (lines, decisions int) {
	f, err := os.Open(path)
	if err != nil {
		return 0, 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		lines++
		if bytes.Contains(sc.Bytes(), []byte(`msg="send decision"`)) {
			decisions++
		}
	}
	if err := sc.Err(); err != nil && !errors.Is(err, io.EOF) {
		return lines, decisions
	}
	return lines, decisions
}

type addFunc func(result, error) error

// webhooks runs the closed-loop webhook runs (1 and o.batch messages per
// delivery), then the fixed-rate one.
func (l *loader) webhooks(ctx context.Context, add addFunc) error {
	o := l.o
	if err := add(l.withWriter(ctx, func() (result, error) {
		return l.closedLoop(ctx, "webhook ingest, 1 msg/delivery, max", o.webhookDuration, 1, l.webhook(1))
	})); err != nil {
		return err
	}
	if o.batch > 1 {
		if err := add(l.withWriter(ctx, func() (result, error) {
			return l.closedLoop(ctx, fmt.Sprintf("webhook ingest, %d msgs/delivery, max", o.batch), o.webhookDuration, o.batch, l.webhook(o.batch))
		})); err != nil {
			return err
		}
	}
	if err := add(l.withWriter(ctx, func() (result, error) {
		return l.openLoop(ctx, fmt.Sprintf("webhook ingest, %d msg/delivery, %.0f/s", o.rateBatch, o.webhookRate), o.webhookRate, o.rateDuration, max(o.rateBatch, 1), o.workers, l.webhook(max(o.rateBatch, 1)))
	})); err != nil {
		return err
	}
	if o.sustainRate <= 0 {
		return nil
	}
	// The throughput target as Meta would meet it: deliveries offered at a
	// fixed rate, each as it falls due, up to -sustain-workers in flight.
	// The events/s column is what optgate took in; below the rate offered,
	// it fell behind (and the latencies grow with the backlog).
	return add(l.withWriter(ctx, func() (result, error) {
		return l.openLoop(ctx, fmt.Sprintf("webhook ingest, 1 msg/delivery, %.0f/s offered", o.sustainRate), o.sustainRate, o.rateDuration, 1, o.sustainWorkers, l.webhook(1))
	}))
}

// withWriter runs a webhook run and notes what optgate's database writer did
// meanwhile (its /metrics before and after).
func (l *loader) withWriter(ctx context.Context, run func() (result, error)) (result, error) {
	before, err := readWriterStats(ctx, l.client, l.optURL)
	if err != nil {
		return result{}, err
	}
	r, err := run()
	if err != nil {
		return r, err
	}
	after, err := readWriterStats(ctx, l.client, l.optURL)
	if err != nil {
		return r, err
	}
	r.writer = after.since(before)
	return r, nil
}

// sends opts contacts in, then alternates closed-loop runs through the bare
// proxy and through optgate (two rounds each), then runs each at a fixed rate.
func (l *loader) sends(ctx context.Context, stdout io.Writer, add addFunc, rows *[]result) (viaOpt, viaProxy result, err error) {
	o := l.o
	if err := l.optIn(ctx); err != nil {
		return viaOpt, viaProxy, err
	}
	for _, base := range []string{l.optURL, l.proxyURL} { // warm up connections
		if _, err := l.closedLoop(ctx, "warm-up", time.Second, 1, l.send(base)); err != nil {
			return viaOpt, viaProxy, err
		}
	}
	for round := range 2 {
		r, err := l.closedLoop(ctx, "send via bare proxy, max", o.sendDuration, 1, l.send(l.proxyURL))
		if err != nil {
			return viaOpt, viaProxy, err
		}
		viaProxy = merge(viaProxy, r, round)
		if r, err = l.closedLoop(ctx, "send via optgate, max", o.sendDuration, 1, l.send(l.optURL)); err != nil {
			return viaOpt, viaProxy, err
		}
		viaOpt = merge(viaOpt, r, round)
		fmt.Fprintf(stdout, "  done: send round %d\n", round+1)
	}
	*rows = append(*rows, viaProxy, viaOpt)
	if err := add(l.openLoop(ctx, fmt.Sprintf("send via bare proxy, %.0f/s", o.sendRate), o.sendRate, o.rateDuration, 1, o.workers, l.send(l.proxyURL))); err != nil {
		return viaOpt, viaProxy, err
	}
	return viaOpt, viaProxy, add(l.openLoop(ctx, fmt.Sprintf("send via optgate, %.0f/s", o.sendRate), o.sendRate, o.rateDuration, 1, o.workers, l.send(l.optURL)))
}
