package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/optgate/optgate/internal/config"
	"github.com/optgate/optgate/internal/meta"
	"github.com/optgate/optgate/internal/simulator"
	"github.com/optgate/optgate/internal/store/storetest"
)

// Test account secrets. The second account owns the phone number of Meta's
// 131050 fixture, which comes from another business.
const (
	testAppSecret   = "test-app-secret"
	testVerify      = "test-verify-token"
	testAccess      = "test-access-token"
	otherAppSecret  = "other-app-secret"
	otherAPIKey     = "other-account-api-key-0001"
	otherPhoneID    = "183815411472659"
	otherWABA       = "112799291857759"
	fixturePerson   = "16505551234"
	fixtureTemplate = "black_friday"
)

// clock is a settable clock shared by optgate and the simulator.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// env is optgate and the Cloud API simulator, running on 127.0.0.1 for one test.
type env struct {
	t      *testing.T
	dsn    string
	clock  *clock
	app    *App
	sim    *simulator.Simulator
	simSrv *http.Server
	url    string
	simURL string
	cfg    config.Config
	logs   *bytes.Buffer
	logw   *lockedWriter // guards logs for every start of optgate
}

// logText reads optgate's logs so far.
func (e *env) logText() string {
	e.logw.mu.Lock()
	defer e.logw.mu.Unlock()
	return e.logs.String()
}

type envOption func(*config.Config)

// newEnv boots optgate on the backend's fresh database with the demo
// account (upstream: the simulator) and a second account.
func newEnv(t *testing.T, b storetest.Backend, opts ...envOption) *env {
	t.Helper()
	e := &env{t: t, dsn: b.DSN(t), clock: &clock{t: time.Now().UTC().Truncate(time.Second)}, logs: &bytes.Buffer{}}
	e.logw = &lockedWriter{w: e.logs}
	simLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	e.simURL = "http://" + simLn.Addr().String()
	optLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	e.url = "http://" + optLn.Addr().String()
	e.cfg = DemoConfig(optLn.Addr().String(), e.dsn, e.simURL, testAppSecret, testVerify, testAccess)
	e.cfg.Accounts = append(e.cfg.Accounts, config.Account{
		ID: "other", Name: "Other Shop", WABAID: otherWABA,
		PhoneNumbers: []config.PhoneNumber{{ID: otherPhoneID, Display: "6289680060088"}},
		AppSecret:    otherAppSecret, VerifyToken: "other-verify", APIKeys: []config.Secret{otherAPIKey},
		Upstream:  config.Upstream{BaseURL: e.simURL, AccessToken: "other-token"},
		Topics:    []config.Topic{{ID: "news", Category: "marketing"}, {ID: "receipts", Category: "utility"}},
		Templates: []config.Template{{Name: "weekly_news", Topic: "news"}, {Name: "receipt", Topic: "receipts"}},
	})
	for _, o := range opts {
		o(&e.cfg)
	}
	if err := e.cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	e.sim, err = simulator.New(simulator.Config{
		AppSecret: testAppSecret, AccessToken: testAccess, WABAID: demoWABA, PhoneNumberID: demoPhoneID, DisplayPhone: demoDisplay,
		WebhookURL: e.url + "/webhooks/whatsapp",
		Templates:  map[string]string{"order_shipped": "UTILITY", "black_friday": "MARKETING"},
		Now:        e.clock.Now,
	})
	if err != nil {
		t.Fatal(err)
	}
	e.simSrv = &http.Server{Handler: e.sim.Handler()}
	go e.simSrv.Serve(simLn)
	e.start(optLn)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		e.sim.Close()
		// Close, not Shutdown: a connection that optgate's upstream client
		// dialled and never used (it raced an idle one) would hold Shutdown
		// for its 5-second grace. The same for the test's own client.
		e.simSrv.Close()
		http.DefaultClient.CloseIdleConnections()
		if e.app != nil {
			e.app.Close(ctx)
		}
		if t.Failed() {
			t.Logf("optgate logs:\n%s", e.logText())
		}
	})
	return e
}

func (e *env) start(ln net.Listener) {
	e.t.Helper()
	log := slog.New(slog.NewTextHandler(e.logw, &slog.HandlerOptions{Level: slog.LevelDebug}))
	app, err := Start(context.Background(), &e.cfg, log, AppOptions{Migrate: true, Listener: ln, Now: e.clock.Now})
	if err != nil {
		e.t.Fatal(err)
	}
	e.app = app
}

// restart stops optgate and starts it again on the same database and address.
func (e *env) restart() {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := e.app.Close(ctx); err != nil {
		e.t.Fatal(err)
	}
	e.app = nil
	var ln net.Listener
	var err error
	for range 50 { // the port is free again once the old server has closed it
		if ln, err = net.Listen("tcp", strings.TrimPrefix(e.url, "http://")); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		e.t.Fatal(err)
	}
	e.start(ln)
}

type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// String is what was written so far, when the writer underneath keeps it
// (a *bytes.Buffer).
func (l *lockedWriter) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	if s, ok := l.w.(fmt.Stringer); ok {
		return s.String()
	}
	return ""
}

// result is an HTTP answer, read whole.
type result struct {
	Status int
	Header http.Header
	Body   []byte
}

func (r result) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatalf("body is not JSON: %v: %s", err, r.Body)
	}
	return m
}

func (e *env) do(method, path, key string, body []byte, header map[string]string) result {
	e.t.Helper()
	req, err := http.NewRequest(method, e.url+path, bytes.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return result{Status: resp.StatusCode, Header: resp.Header, Body: b}
}

// send calls the Meta-compatible send API as the demo account.
func (e *env) send(body string) result {
	e.t.Helper()
	return e.do("POST", "/v23.0/"+demoPhoneID+"/messages", demoAPIKey, []byte(body), nil)
}

func tpl(to, name string) string {
	return `{"messaging_product":"whatsapp","recipient_type":"individual","to":"` + to + `","type":"template","template":{"name":"` + name + `","language":{"code":"pt_BR"}}}`
}

func text(to, body string) string {
	return `{"messaging_product":"whatsapp","to":"` + to + `","type":"text","text":{"body":"` + body + `"}}`
}

const markRead = `{"messaging_product":"whatsapp","status":"read","message_id":"wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=","typing_indicator":{"type":"text"}}`

// wantAllowed asserts that a send went through to the simulator.
func (e *env) wantAllowed(r result) {
	e.t.Helper()
	if r.Status != http.StatusOK {
		e.t.Fatalf("send: status %d, want 200: %s", r.Status, r.Body)
	}
}

// wantRefused asserts a refusal with reason, in the header and the Graph-style body.
func (e *env) wantRefused(r result, reason string) {
	e.t.Helper()
	if r.Status != http.StatusBadRequest {
		e.t.Fatalf("send: status %d, want 400 (%s): %s", r.Status, reason, r.Body)
	}
	if got := r.Header.Get("Optgate-Reason"); got != reason {
		e.t.Fatalf("Optgate-Reason = %q, want %q: %s", got, reason, r.Body)
	}
	var body meta.ErrorBody
	if err := json.Unmarshal(r.Body, &body); err != nil {
		e.t.Fatal(err)
	}
	if body.Error.ErrorData.Reason != reason || body.Error.Message == "" || body.Error.Type == "" || body.Error.Code == 0 || body.Error.ErrorData.Details == "" {
		e.t.Fatalf("refusal body is not a complete Graph-style error with reason %s: %s", reason, r.Body)
	}
}

// inbox returns what reached the person's phone in the simulator.
func (e *env) inbox(waID string) []simulator.Delivered {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := e.sim.Flush(ctx); err != nil {
		e.t.Fatal(err)
	}
	return e.sim.Inbox(waID)
}

// waitInbox waits until the person has received n messages (optgate's replies are asynchronous).
func (e *env) waitInbox(waID string, n int) []simulator.Delivered {
	e.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		got := e.sim.Inbox(waID)
		if len(got) >= n || time.Now().After(deadline) {
			return got
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// webhook posts a payload signed with secret.
func (e *env) webhook(body []byte, secret string) result {
	e.t.Helper()
	return e.do("POST", "/webhooks/whatsapp", "", body, map[string]string{meta.SignatureHeader: meta.Sign(body, secret)})
}

// fixture reads one of Meta's samples, with its timestamps moved to now so
// that the service window is judged against the test's clock.
func (e *env) fixture(name string) []byte {
	e.t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "meta", name))
	if err != nil {
		e.t.Fatal(err)
	}
	return b
}

// contact reads the native API's view of a contact.
func (e *env) contact(id string) map[string]any {
	e.t.Helper()
	r := e.do("GET", "/v1/contacts/"+id, demoAPIKey, nil, nil)
	if r.Status != http.StatusOK {
		e.t.Fatalf("GET contact %s: %d %s", id, r.Status, r.Body)
	}
	return r.json(e.t)
}

func (e *env) consent(id, body string) result {
	e.t.Helper()
	return e.do("POST", "/v1/contacts/"+id+"/consent", demoAPIKey, []byte(body), nil)
}

// post delivers a webhook signed with the demo app's secret, and fails the
// test unless optgate accepts it.
func (e *env) post(body []byte) {
	e.t.Helper()
	if r := e.webhook(body, testAppSecret); r.Status != http.StatusOK {
		e.t.Fatalf("webhook: %d %s", r.Status, r.Body)
	}
}

// consentAt records action (opt_in or opt_out) of all topics for id through
// the API, said at at, with a form as evidence, and fails the test unless it
// is recorded.
func (e *env) consentAt(id, action string, at time.Time) {
	e.t.Helper()
	if r := e.consent(id, `{"action":"`+action+`","source":"web_form","evidence":{"text":"Quero receber"},"occurred_at":"`+
		at.UTC().Format(time.RFC3339)+`"}`); r.Status != http.StatusCreated {
		e.t.Fatalf("%s: %d %s", action, r.Status, r.Body)
	}
}

// forEachBackend runs a test on SQLite and, when configured, PostgreSQL.
func forEachBackend(t *testing.T, fn func(t *testing.T, b storetest.Backend)) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) { fn(t, b) })
	}
}
