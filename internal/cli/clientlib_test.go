package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/optgate/optgate/internal/store/storetest"
)

// clientCall is one line printed by test/clientlib/send.mjs.
type clientCall struct {
	Call       string          `json:"call"`
	OK         bool            `json:"ok"`
	Response   json.RawMessage `json:"response"`
	HTTPStatus int             `json:"httpStatus"`
	Code       int             `json:"code"`
	Type       string          `json:"type"`
	Reason     string          `json:"reason"`
	Details    string          `json:"details"`
	Category   string          `json:"category"`
	Retry      struct {
		Action string `json:"action"`
	} `json:"retry"`
	Error string `json:"error"`
}

// runClientLib drives optgate with a real third-party Cloud API client from
// npm (@kapso/whatsapp-cloud-api), pointed at optgate's base URL.
func (e *env) runClientLib(to string, steps ...string) map[string]clientCall {
	e.t.Helper()
	dir := filepath.Join("..", "..", "test", "clientlib")
	node, err := exec.LookPath("node")
	if _, statErr := os.Stat(filepath.Join(dir, "node_modules", "@kapso", "whatsapp-cloud-api")); err != nil || statErr != nil {
		if os.Getenv("CI") != "" {
			e.t.Fatalf("node or test/clientlib/node_modules missing in CI (npm ci --prefix test/clientlib): %v %v", err, statErr)
		}
		e.t.Skip("needs node and `npm ci --prefix test/clientlib`")
	}
	cmd := exec.Command(node, append([]string{"send.mjs", e.url, demoAPIKey, demoPhoneID, to}, steps...)...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		e.t.Fatalf("client library: %v\n%s", err, stderr.String())
	}
	calls := map[string]clientCall{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		var c clientCall
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			e.t.Fatalf("client output %q: %v", sc.Text(), err)
		}
		calls[c.Call] = c
	}
	if len(calls) != len(steps) {
		e.t.Fatalf("client printed %d results for %d steps: %s", len(calls), len(steps), out)
	}
	return calls
}

// TestThirdPartyClientLibrary: a bot built on a real Cloud API library works
// unchanged against optgate: Meta's answers when allowed, optgate's refusals
// as the library's own GraphApiError, which it does not blindly retry.
func TestThirdPartyClientLibrary(t *testing.T) {
	e := newEnv(t, storetest.SQLite)
	ctx := ctxT(t)
	p := demoPerson
	refused := func(c clientCall, reason string) {
		t.Helper()
		if c.OK || c.HTTPStatus != 400 || c.Reason != reason || c.Type != "OptgateConsentException" || c.Code == 0 || c.Details == "" || c.Retry.Action == "retry" {
			t.Fatalf("%s: want a refusal with reason %s that the library does not blindly retry, got %+v", c.Call, reason, c)
		}
	}
	allowed := func(c clientCall) {
		t.Helper()
		if !c.OK || !strings.Contains(string(c.Response), "wamid.") {
			t.Fatalf("%s: want Meta's success response, got %+v", c.Call, c)
		}
	}
	calls := e.runClientLib(p, "text", "utility", "marketing", "read")
	refused(calls["text"], "window_closed")
	refused(calls["utility"], "no_opt_in")
	refused(calls["marketing"], "no_opt_in")
	if c := calls["read"]; !c.OK || !strings.Contains(string(c.Response), "success") {
		t.Fatalf("mark-as-read: %+v", c)
	}
	e.consent("+"+p, `{"action":"opt_in","topic":"promotions","source":"web_form","evidence":{"text":"Quero ofertas"}}`)
	if _, err := e.sim.SendText(ctx, p, "Oi! Tem novidade?"); err != nil {
		t.Fatal(err)
	}
	calls = e.runClientLib(p, "text", "marketing")
	allowed(calls["text"])
	allowed(calls["marketing"])
	if _, err := e.sim.SendText(ctx, p, "PARAR"); err != nil {
		t.Fatal(err)
	}
	calls = e.runClientLib(p, "text", "marketing", "read")
	refused(calls["text"], "opted_out")
	refused(calls["marketing"], "opted_out")
	if !calls["read"].OK {
		t.Fatalf("mark-as-read after opt-out: %+v", calls["read"])
	}
}
