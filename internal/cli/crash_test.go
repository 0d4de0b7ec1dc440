package cli

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/optgate/optgate/internal/gate"
	"github.com/optgate/optgate/internal/meta"
)

// buildOptgate compiles the real binary once per test run.
var buildOnce struct {
	sync.Once
	path string
	err  error
}

func optgateBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "optgate-bin-")
		if err != nil {
			buildOnce.err = err
			return
		}
		buildOnce.path = filepath.Join(dir, "optgate")
		out, err := exec.Command("go", "build", "-o", buildOnce.path, "../../cmd/optgate").CombinedOutput()
		if err != nil {
			buildOnce.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildOnce.err != nil {
		t.Fatal(buildOnce.err)
	}
	return buildOnce.path
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// process is optgate running as a separate process.
type process struct {
	cmd  *exec.Cmd
	logs *bytes.Buffer
	w    *lockedWriter
}

// logText reads what the process printed so far, under the writer's lock.
func (p *process) logText() string {
	p.w.mu.Lock()
	defer p.w.mu.Unlock()
	return p.logs.String()
}

func startProcess(t *testing.T, bin, cfgPath, addr string) *process {
	t.Helper()
	p := &process{cmd: exec.Command(bin, "serve", "--config", cfgPath), logs: &bytes.Buffer{}}
	p.w = &lockedWriter{w: p.logs} // one lock for both streams
	p.cmd.Stdout, p.cmd.Stderr = p.w, p.w
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get("http://" + addr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return p
			}
		}
		if time.Now().After(deadline) {
			p.cmd.Process.Kill()
			t.Fatalf("optgate did not become ready: %v\n%s", err, p.logText())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestKill9LosesNothing kills optgate with SIGKILL in the middle of a burst
// of webhooks, restarts it, lets Meta redeliver what was not acknowledged,
// and checks that every event reached the downstream (exactly once after
// dedupe by Optgate-Event-Id) and every acknowledged opt-out is enforced.
func TestKill9LosesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the real binary")
	}
	bin := optgateBinary(t)
	down := newDownstream(t, "bot-secret")
	addr := freeAddr(t)
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "optgate.yaml")
	cfg := fmt.Sprintf(`listen: %s
database: sqlite:%s
log: {level: warn}
accounts:
  - id: demo
    name: Acme Lojas
    waba_id: "%s"
    phone_numbers: [{id: "%s", display: "%s"}]
    app_secret: %s
    verify_token: %s
    upstream: {base_url: "http://127.0.0.1:9", access_token: x}
    api_keys: ["%s"]
    default_language: pt
    topics: [{id: promotions, category: marketing}]
    templates: [{name: black_friday, topic: promotions}]
    forward: [{url: "%s", secret: bot-secret}]
`, addr, filepath.Join(dir, "optgate.db"), demoWABA, demoPhoneID, demoDisplay, testAppSecret, testVerify, demoAPIKey, down.srv.URL)
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}

	const n = 3000
	payloads := make([][]byte, n)
	stoppers := map[int]string{} // payload index -> wa_id of a person who sent PARAR
	for i := range n {
		waID := fmt.Sprintf("55119%08d", i%500)
		textBody := fmt.Sprintf("mensagem %d", i)
		if i%10 == 7 {
			textBody = "PARAR"
			stoppers[i] = waID
		}
		payloads[i] = []byte(fmt.Sprintf(`{"object":"whatsapp_business_account","entry":[{"id":"%s","changes":[{"value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"%s","phone_number_id":"%s"},"contacts":[{"profile":{"name":"P %d"},"wa_id":"%s"}],"messages":[{"from":"%s","id":"wamid.crash.%06d","timestamp":"%d","type":"text","text":{"body":"%s"}}]},"field":"messages"}]}]}`,
			demoWABA, demoDisplay, demoPhoneID, i, waID, waID, i, time.Now().Unix(), textBody))
	}
	acked := make([]atomic.Bool, n)
	post := func(i int) {
		req, _ := http.NewRequest("POST", "http://"+addr+"/webhooks/whatsapp", bytes.NewReader(payloads[i]))
		req.Header.Set(meta.SignatureHeader, meta.Sign(payloads[i], testAppSecret))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return
		}
		resp.Body.Close()
		if resp.StatusCode == 200 {
			acked[i].Store(true)
		}
	}
	burst := func(indices []int) {
		var wg sync.WaitGroup
		work := make(chan int)
		for range 16 {
			wg.Go(func() {
				for i := range work {
					post(i)
				}
			})
		}
		for _, i := range indices {
			work <- i
		}
		close(work)
		wg.Wait()
	}
	count := func() int {
		c := 0
		for i := range acked {
			if acked[i].Load() {
				c++
			}
		}
		return c
	}

	p := startProcess(t, bin, cfgPath, addr)
	all := make([]int, n)
	for i := range all {
		all[i] = i
	}
	done := make(chan struct{})
	go func() { burst(all); close(done) }()
	for count() < n/3 {
		time.Sleep(time.Millisecond)
	}
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	p.cmd.Wait()
	<-done
	ackedBefore := count()
	t.Logf("killed with %d of %d webhooks acknowledged", ackedBefore, n)
	if ackedBefore == n {
		t.Fatal("the kill came after the burst; nothing was tested")
	}

	// Restart; Meta redelivers everything it did not get a 200 for.
	p = startProcess(t, bin, cfgPath, addr)
	defer func() {
		p.cmd.Process.Signal(syscall.SIGTERM)
		p.cmd.Wait()
		if t.Failed() {
			t.Logf("optgate logs:\n%s", p.logText())
		}
	}()
	// Before any redelivery: everyone whose message was acknowledged has
	// their service window open (the windows of plain messages were held
	// in memory and in the journal; the journal is read back at start).
	decide := func(waID string) string {
		body := `{"phone_number_id":"` + demoPhoneID + `","messaging_product":"whatsapp","to":"` + waID + `","type":"text","text":{"body":"oi"}}`
		req, _ := http.NewRequest("POST", "http://"+addr+"/v1/decisions", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+demoAPIKey)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var b bytes.Buffer
		b.ReadFrom(resp.Body)
		return b.String()
	}
	windows := map[string]bool{}
	for i := range acked {
		waID := fmt.Sprintf("55119%08d", i%500)
		if acked[i].Load() && (i%500)%10 != 7 && !windows[waID] {
			windows[waID] = true
			if got := decide(waID); !strings.Contains(got, `"reason":"window_open"`) {
				t.Fatalf("%s wrote (payload %d, acknowledged before the crash), but after it: %s", waID, i, got)
			}
		}
	}
	t.Logf("%d people's windows open after the crash", len(windows))
	var missing []int
	for i := range acked {
		if !acked[i].Load() {
			missing = append(missing, i)
		}
	}
	burst(missing)
	if c := count(); c != n {
		t.Fatalf("after restart and redelivery %d of %d acknowledged", c, n)
	}

	// Every event reaches the downstream; dedupe by event id gives each exactly once.
	want := map[string]bool{}
	for _, b := range payloads {
		want[gate.Digest(b)] = true
	}
	// Deliveries the killed process had claimed wait for their lease to end.
	deadline := time.Now().Add(120 * time.Second)
	var got []delivered
	for {
		got = down.got()
		seen := map[string]bool{}
		for _, d := range got {
			seen[d.EventID] = true
		}
		if len(seen) >= n || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	seen := map[string]int{}
	for _, d := range got {
		if !want[d.EventID] {
			t.Fatalf("unknown event id %s", d.EventID)
		}
		if d.EventID != gate.Digest(d.Body) {
			t.Fatalf("event id %s does not match the body", d.EventID)
		}
		seen[d.EventID]++
	}
	dups := len(got) - len(seen)
	t.Logf("downstream: %d deliveries, %d distinct events, %d duplicates", len(got), len(seen), dups)
	if len(seen) != n {
		t.Fatalf("downstream got %d of %d events", len(seen), n)
	}

	// Every acknowledged opt-out is enforced after the crash.
	for i, waID := range stoppers {
		body := `{"phone_number_id":"` + demoPhoneID + `","messaging_product":"whatsapp","to":"` + waID + `","type":"text","text":{"body":"oi"}}`
		req, _ := http.NewRequest("POST", "http://"+addr+"/v1/decisions", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+demoAPIKey)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		b.ReadFrom(resp.Body)
		resp.Body.Close()
		if !strings.Contains(b.String(), `"reason":"opted_out"`) {
			t.Fatalf("PARAR from %s (payload %d) not enforced after the crash: %s", waID, i, b.String())
		}
	}
}
