package cli

// From an eleventh review (what a new user meets): the configuration's
// errors and the demo's printed lines. Each comment tells what went wrong
// as the review found it, before the commit that adds the test fixed it.

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/optgate/optgate/internal/store/storetest"
)

// r11bConfig is a valid configuration whose secrets come from files in dir;
// edit replaces parts of it.
func r11bConfig(t *testing.T, dir string, edit ...string) string {
	t.Helper()
	for name, v := range map[string]string{"app": "r11b-app-secret\n", "vt": "r11b-verify-token\n", "at": "r11b-access-token\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(v), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	yaml := fmt.Sprintf(`listen: 127.0.0.1:0
database: sqlite:%s
accounts:
  - id: acme-br
    name: Acme Lojas
    waba_id: "102290129340398"
    phone_numbers: [{id: "106540352242922", display: "15550783881"}]
    app_secret_file: %s
    verify_token_file: %s
    upstream: {base_url: "https://graph.facebook.com", access_token_file: %s}
    api_keys: ["r11b-api-key-0000000001"]
    default_language: pt
    topics:    [{id: order_updates, category: utility}, {id: promotions, category: marketing}]
    templates: [{name: order_shipped, topic: order_updates}, {name: black_friday, topic: promotions}]
`, filepath.Join(dir, "optgate.db"), filepath.Join(dir, "app"), filepath.Join(dir, "vt"), filepath.Join(dir, "at"))
	for i := 0; i+1 < len(edit); i += 2 {
		if !strings.Contains(yaml, edit[i]) {
			t.Fatalf("no %q in the configuration", edit[i])
		}
		yaml = strings.Replace(yaml, edit[i], edit[i+1], 1)
	}
	path := filepath.Join(dir, "optgate.yaml")
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func r11bRun(args ...string) (string, string, error) {
	var out, errOut bytes.Buffer
	err := Run(context.Background(), args, func(string) string { return "" }, strings.NewReader(""), &out, &errOut)
	return out.String(), errOut.String(), err
}

// TestR11bAPIKeysAsOneStringNamesTheFieldAndHidesTheKey: api_keys written as
// one string (the way OPTGATE_ACCOUNT_<ID>_API_KEYS takes it) instead of a
// list. `config check` answers "line 11: cannot unmarshal !!str `5f0c2a9...`
// into []config.Secret": it names a line and a Go type, not api_keys, and
// prints the first 7 characters of the key (all of it up to 10 characters),
// although configuration.md says secrets "never print".
func TestR11bAPIKeysAsOneStringNamesTheFieldAndHidesTheKey(t *testing.T) {
	const key = "5f0c2a9e71b34d6e8a1c0f2b9d7e6a5c4b3a2918" // as `openssl rand -hex 24` would give
	cfg := r11bConfig(t, t.TempDir(), `api_keys: ["r11b-api-key-0000000001"]`, `api_keys: "`+key+`"`)
	out, errOut, err := r11bRun("config", "check", "--config", cfg)
	if err == nil {
		t.Fatalf("config check accepted api_keys given as a string: %s", out)
	}
	all := err.Error() + out + errOut
	if strings.Contains(all, key[:7]) {
		t.Errorf("the error shows part of the API key (%q):\n%s", key[:7], all)
	}
	if !strings.Contains(err.Error(), "api_keys") {
		t.Errorf("the error does not name api_keys:\n%s", err)
	}
}

// TestR11bEmptySecretFileIsNamed: app_secret_file names a file that is empty
// (a secret mount that was never filled). `config check` says
// "accounts[acme-br].app_secret: is required (or app_secret_file)", which
// tells the user to set the very key they set, and not that its file is
// empty. With app_secret also given inline, the empty file silently replaces
// it and the same message follows.
func TestR11bEmptySecretFileIsNamed(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty")
	if err := os.WriteFile(empty, []byte("\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := r11bConfig(t, dir, "app_secret_file: "+filepath.Join(dir, "app"), "app_secret_file: "+empty)
	_, _, err := r11bRun("config", "check", "--config", cfg)
	if err == nil {
		t.Fatal("config check accepted an empty app_secret_file")
	}
	if !strings.Contains(err.Error(), "app_secret_file") || !strings.Contains(err.Error(), "empty") {
		t.Errorf("the error does not say that app_secret_file's file is empty:\n%s", err)
	}
}

// TestR11bDemoLedgerVerifyLineAsPrinted: the demo prints
// `go run ./cmd/optgate ledger verify --database sqlite:./optgate-demo.db`
// whatever its database is. On the default (temporary) database, run as
// printed it fails with "database schema is not initialized; run optgate
// migrate" and leaves an empty optgate-demo.db in the working directory; on
// a database kept elsewhere (--database sqlite:/some/path.db) it checks a
// file that is not the demo's.
func TestR11bDemoLedgerVerifyLineAsPrinted(t *testing.T) {
	for _, tc := range []struct {
		name string
		db   func(dir string) []string
	}{
		{"temporary", func(string) []string { return nil }},
		{"kept", func(dir string) []string { return []string{"--database", "sqlite:" + filepath.Join(dir, "kept.db")} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dbDir, cwd := t.TempDir(), t.TempDir()
			ctx, cancel := context.WithCancel(context.Background())
			out, errOut := &lockedWriter{w: new(bytes.Buffer)}, &lockedWriter{w: new(bytes.Buffer)}
			done := make(chan error, 1)
			args := append([]string{"demo", "--listen", "127.0.0.1:0", "--sandbox-listen", "127.0.0.1:0", "--log-level", "warn"}, tc.db(dbDir)...)
			go func() {
				done <- Run(ctx, args, func(string) string { return "" }, strings.NewReader(""), out, errOut)
			}()
			defer func() {
				cancel()
				select {
				case <-done:
				case <-time.After(20 * time.Second):
					t.Error("the demo did not stop")
				}
			}()
			waitFor(t, 30*time.Second, func() bool { return strings.Contains(out.String(), "Ctrl-C stops both.") })
			// Record one event, so that the ledger has something to check.
			vars := map[string]string{}
			for _, line := range strings.Split(out.String(), "\n") {
				if trimmed := strings.TrimSpace(line); strings.HasPrefix(trimmed, "K=") {
					for _, assign := range strings.Split(trimmed, "; ") {
						w, _ := shellWords(assign, vars)
						k, v, _ := strings.Cut(w[0], "=")
						vars[k] = v
					}
				}
			}
			r := runCurl(t, []string{"curl", vars["O"] + "/v1/contacts/+" + demoPerson + "/consent", "-H", vars["K"], "-d", `{"action":"opt_out"}`}, cwd)
			if r.status != 201 {
				t.Fatalf("opt-out: %d %s", r.status, r.body)
			}
			var verify []string
			for _, line := range strings.Split(out.String(), "\n") {
				if _, rest, ok := strings.Cut(line, "go run ./cmd/optgate ledger verify"); ok {
					verify = append([]string{"ledger", "verify"}, strings.Fields(rest)...)
				}
			}
			if verify == nil {
				return // not printed: nothing to run
			}
			t.Chdir(cwd) // where a user pastes it
			vout, verr, err := r11bRun(verify...)
			if err != nil || !strings.Contains(vout, "demo: ok, 1 events") {
				t.Errorf("printed %q; run as printed: %v\n%s%s", strings.Join(verify, " "), err, vout, verr)
			}
		})
	}
}

// TestR11bConsentBodyOfTheWrongTypeSaysSoInPlainWords: evidence given as a
// string ("evidence":"signed form") gets `body is not valid JSON for this
// request: json: cannot unmarshal string into Go struct field
// ConsentInput.evidence of type map[string]interface {}`. api.md says a
// native error's message "never contains secrets or internal error text";
// this one names a Go struct and type instead of saying that evidence must
// be a JSON object.
func TestR11bConsentBodyOfTheWrongTypeSaysSoInPlainWords(t *testing.T) {
	e := newEnv(t, storetest.SQLite)
	r := e.consent("+"+demoPerson, `{"action":"opt_in","topic":"promotions","source":"web_form","evidence":"signed form"}`)
	if r.Status != 400 {
		t.Fatalf("status %d: %s", r.Status, r.Body)
	}
	msg, _ := r.json(t)["error"].(map[string]any)["message"].(string)
	if strings.Contains(msg, "Go struct") || strings.Contains(msg, "interface {}") || !strings.Contains(msg, "evidence") {
		t.Errorf("the message is Go's decoder text, not plain words about evidence: %q", msg)
	}
}

// TestR11bConsentAnswerShowsTheTimeAsKept: api.md gives occurred_at to the
// millisecond; an opt-out given "2026-01-02T03:04:05.123456789Z" was
// answered (201) with the nanoseconds, and read back (history) as .123Z.
func TestR11bConsentAnswerShowsTheTimeAsKept(t *testing.T) {
	e := newEnv(t, storetest.SQLite)
	r := e.consent("+"+demoPerson, `{"action":"opt_out","occurred_at":"2026-01-02T03:04:05.123456789Z"}`)
	if r.Status != 201 {
		t.Fatalf("status %d: %s", r.Status, r.Body)
	}
	if got := r.json(t)["occurred_at"]; got != "2026-01-02T03:04:05.123Z" {
		t.Errorf("201 answer occurred_at %v, want 2026-01-02T03:04:05.123Z", got)
	}
	h := e.contact("+" + demoPerson)["history"].([]any)
	if got := h[len(h)-1].(map[string]any)["occurred_at"]; got != "2026-01-02T03:04:05.123Z" {
		t.Errorf("history occurred_at %v", got)
	}
}
