package cli

import (
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/optgate/optgate/internal/store/storetest"
)

// TestCommands covers the command line itself: version, help, usage errors,
// config check (errors name the field), serve refusing an outdated schema
// with --no-migrate, intent, and ledger verify catching tampering.
func TestCommands(t *testing.T) {
	e := newCLIEnv(t, storetest.SQLite)

	if out, _, err := e.run("version"); err != nil || !strings.HasPrefix(out, "optgate ") {
		t.Fatalf("version: %q %v", out, err)
	}
	if out, _, err := e.run("help"); err != nil || !strings.Contains(out, "optgate demo") {
		t.Fatalf("help: %v", err)
	}
	if _, _, err := e.run("serve", "--help"); err != nil {
		t.Fatalf("serve --help must not be an error: %v", err)
	}
	if _, _, err := e.run("frobnicate"); err == nil || ExitCode(err) != 2 {
		t.Fatalf("unknown command: %v (exit %d)", err, ExitCode(err))
	}

	out, _, err := e.run("config", "check", "--config", e.cfg)
	if err != nil || !strings.Contains(out, "valid; 1 account(s)") {
		t.Fatalf("config check: %q %v", out, err)
	}
	bad := e.file(t, "bad.yaml", strings.Replace(strings.Replace(readFile(t, e.cfg), `waba_id: "102290129340398"`, `waba_id: "WABA-1"`, 1),
		"category: marketing", "category: promo", 1))
	_, _, err = e.run("config", "check", "--config", bad)
	if err == nil || !strings.Contains(err.Error(), "accounts[acme].waba_id") || !strings.Contains(err.Error(), "accounts[acme].topics[1].category") {
		t.Fatalf("config check must name every bad field: %v", err)
	}
	typo := e.file(t, "typo.yaml", "listen_addr: 127.0.0.1:8080\n")
	if _, _, err := e.run("config", "check", "--config", typo); err == nil || !strings.Contains(err.Error(), "listen_addr") {
		t.Fatalf("an unknown key must be named: %v", err)
	}

	// serve --no-migrate on a fresh database refuses to start, naming the fix.
	fresh := e.file(t, "fresh.yaml", strings.Replace(readFile(t, e.cfg), grepLine(readFile(t, e.cfg), "database:"), "database: sqlite:"+filepath.Join(e.dir, "fresh.db"), 1))
	if _, _, err := e.run("serve", "--config", fresh, "--listen", "127.0.0.1:0", "--no-migrate"); err == nil || !strings.Contains(err.Error(), "optgate migrate") {
		t.Fatalf("serve --no-migrate on an empty database: %v", err)
	}

	// intent: one JSON object per message, with what fired.
	out, _, err = e.run("intent", "PARAR", "quero cancelar meu pedido")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	var first, second map[string]any
	if len(lines) != 2 || json.Unmarshal([]byte(lines[0]), &first) != nil || json.Unmarshal([]byte(lines[1]), &second) != nil {
		t.Fatalf("intent output: %q", out)
	}
	if first["text"] != "PARAR" || first["intent"] != "opt_out" || first["rule"] == "" || first["confidence"] == nil || second["intent"] != "none" {
		t.Fatalf("intent: %v / %v", first, second)
	}
	tsv := e.file(t, "eval.tsv", "id\tlang\ttext\tlabel\taccept\tnote\n1\tpt\tSAIR\topt_out\topt_out\t\n2\tpt\tquero cancelar meu pedido\tnone\tnone\t\n")
	if out, _, err := e.run("intent", "--eval", tsv); err != nil || !strings.Contains(out, "opt_out recall") || !strings.Contains(out, "accuracy") {
		t.Fatalf("intent --eval: %q %v", out, err)
	}

	// ledger verify: ok, then BROKEN after an event is altered behind optgate's back.
	if _, _, err := e.run("import", "consents", e.file(t, "one.csv", "phone,topic,action,time,source,evidence\n+5511987654321,promotions,opt_in,2026-01-01T00:00:00Z,import,signed form\n"), "--config", e.cfg); err != nil {
		t.Fatal(err)
	}
	if out, _, err := e.run("ledger", "verify", "--config", e.cfg); err != nil || !strings.Contains(out, "ok, 1 events") {
		t.Fatalf("ledger verify: %q %v", out, err)
	}
	dsn := strings.TrimSpace(strings.TrimPrefix(grepLine(readFile(t, e.cfg), "database:"), "database: sqlite:"))
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE consent_events SET evidence = '{"text":"forged"}'`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if out, _, err := e.run("ledger", "verify", "--config", e.cfg); err == nil || !strings.Contains(out, "BROKEN") {
		t.Fatalf("ledger verify after tampering: %q %v", out, err)
	}
}

func readFile(t *testing.T, path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func grepLine(text, prefix string) string {
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(l, prefix) {
			return l
		}
	}
	return ""
}
