package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/optgate/optgate/internal/store/storetest"
)

const importConfig = `listen: 127.0.0.1:0
database: %s
accounts:
  - id: acme
    name: Acme Lojas
    waba_id: "102290129340398"
    phone_numbers: [{id: "106540352242922", display: "15550783881"}]
    app_secret: s3cret-app-secret
    verify_token: verify-token
    upstream: {base_url: "http://127.0.0.1:1", access_token: token}
    api_keys: [acme-api-key-000001]
    topics: [{id: order_updates, category: utility}, {id: promotions, category: marketing}]
`

// cliEnv is a configuration file on a fresh, migrated database.
type cliEnv struct {
	dsn string
	cfg string
	dir string
}

func newCLIEnv(t testing.TB, b storetest.Backend) *cliEnv {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "optgate.yaml")
	dsn := b.DSN(t)
	if err := os.WriteFile(cfg, []byte(fmt.Sprintf(importConfig, dsn)), 0o600); err != nil {
		t.Fatal(err)
	}
	e := &cliEnv{cfg: cfg, dir: dir, dsn: dsn}
	if _, _, err := e.run("migrate", "--config", cfg); err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *cliEnv) run(args ...string) (string, string, error) {
	var out, errOut bytes.Buffer
	err := Run(context.Background(), args, func(string) string { return "" }, strings.NewReader(""), &out, &errOut)
	return out.String(), errOut.String(), err
}

func (e *cliEnv) file(t *testing.T, name, content string) string {
	p := filepath.Join(e.dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func (e *cliEnv) export(t *testing.T) []map[string]any {
	t.Helper()
	out, _, err := e.run("export", "consents", "--config", e.cfg, "--format", "jsonl")
	if err != nil {
		t.Fatal(err)
	}
	var evs []map[string]any
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatal(err)
		}
		evs = append(evs, m)
	}
	return evs
}

const goodRows = `number,topic,action,time,source,evidence
+5511987654321,promotions,opt_in,2025-11-20T14:03:00Z,web_form,"{""text"":""Quero ofertas"",""form"":""checkout""}"
+55 (21) 99876-5432,promotions,opt_in,2025-11-20T14:03:00Z,web_form,Quero ofertas
+55 21 99876-5432,all,opt_out,2025-11-21,sms,
5531991234567,order_updates,opt_in,2025-11-20 10:00:00,in_person,assinou no balcão
`

func TestImportBrokenFile(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := newCLIEnv(t, b)
		path := e.file(t, "base.csv", goodRows+
			"12345,promotions,opt_in,2025-11-20T14:03:00Z,web_form,x\n"+
			"+5511987654321,newsletter,opt_in,2025-11-20T14:03:00Z,web_form,x\n"+
			"+5511987654321,promotions,maybe,2025-11-20T14:03:00Z,web_form,x\n"+
			"+5511987654321,promotions,opt_in,yesterday,web_form,x\n"+
			"+5511987654321,promotions,opt_in,2025-11-20T14:03:00Z,web_form,\n"+
			"+5511987654321,promotions,opt_in,2099-01-01,web_form,x\n")
		_, stderr, err := e.run("import", "consents", path, "--config", e.cfg)
		if err == nil || !strings.Contains(err.Error(), "6 of 10 rows are bad; nothing was imported") {
			t.Fatalf("want a refusal naming the bad rows, got %v", err)
		}
		for _, want := range []string{
			`line 6: number "12345" is not a valid phone number`,
			`line 7: topic "newsletter" is not one of the account's topics`,
			`line 8: action "maybe" must be opt_in or opt_out`,
			`line 9: time "yesterday" is not RFC 3339`,
			`line 10: an opt-in needs evidence`,
			`line 11: time 2099-01-01T00:00:00Z is in the future`,
		} {
			if !strings.Contains(stderr, want) {
				t.Errorf("stderr lacks %q:\n%s", want, stderr)
			}
		}
		if evs := e.export(t); len(evs) != 0 {
			t.Fatalf("a broken file imported %d events", len(evs))
		}
		// --skip-bad imports the good ones.
		out, _, err := e.run("import", "consents", "--config", e.cfg, "--skip-bad", path)
		if err != nil || !strings.Contains(out, "10 rows: 4 imported, 0 imported before, 0 opt-ins skipped (a newer opt-out is on record), 6 bad") {
			t.Fatalf("skip-bad: %v %s", err, out)
		}
	})
}

func TestImportIdempotentAndNeverOverridesNewerOptOut(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := newCLIEnv(t, b)
		path := e.file(t, "base.csv", goodRows)
		out, stderr, err := e.run("import", "consents", path, "--config", e.cfg)
		if err != nil || !strings.Contains(out, "4 rows: 4 imported") || !strings.Contains(stderr, "importing [") {
			t.Fatalf("import: %v\n%s\n%s", err, out, stderr)
		}
		out, _, err = e.run("import", "consents", path, "--config", e.cfg)
		if err != nil || !strings.Contains(out, "4 rows: 0 imported, 4 imported before") {
			t.Fatalf("second import: %v %s", err, out)
		}
		// Bob opted out of everything on 2025-11-21: an older opt-in does not
		// undo it; a newer one, and an opt-out, are recorded.
		path = e.file(t, "old.csv", "phone,scope,action,date,source,evidence\n"+
			"+5521998765432,promotions,opt_in,2025-11-20T18:00:00Z,crm,old list\n"+
			"+5521998765432,category:marketing,opt_in,2025-01-01,crm,older list\n"+
			"+5521998765432,promotions,opt_in,2025-12-01,crm,new list\n"+
			"+5511987654321,category:marketing,opt_out,2025-01-01,crm,\n")
		out, _, err = e.run("import", "consents", path, "--config", e.cfg)
		if err != nil || !strings.Contains(out, "4 rows: 2 imported, 0 imported before, 2 opt-ins skipped") {
			t.Fatalf("old list: %v %s", err, out)
		}
		evs := e.export(t)
		if len(evs) != 6 {
			t.Fatalf("events: %d, want 6: %v", len(evs), evs)
		}
		last := evs[4]
		if last["number"] != "+5521998765432" || last["action"] != "opt_in" || last["occurred_at"] != "2025-12-01T00:00:00Z" {
			t.Fatalf("the newer opt-in: %v", last)
		}
		ev := evs[0]["evidence"].(map[string]any)
		if ev["form"] != "checkout" || ev["import"].(map[string]any)["line"] != 2.0 || evs[0]["actor"] != "import:acme" {
			t.Fatalf("imported evidence: %v", evs[0])
		}
		// The ledger is intact.
		if out, _, err := e.run("ledger", "verify", "--config", e.cfg); err != nil || !strings.Contains(out, "acme: ok, 6 events") {
			t.Fatalf("ledger verify: %v %s", err, out)
		}
		// Without a configuration (a demo's kept database): every ledger in it.
		if out, _, err := e.run("ledger", "verify", "--database", e.dsn); err != nil || !strings.Contains(out, "acme: ok, 6 events") {
			t.Fatalf("ledger verify --database: %v %s", err, out)
		}
	})
}

func TestExportCSVImportsAgain(t *testing.T) {
	e := newCLIEnv(t, storetest.SQLite)
	if _, _, err := e.run("import", "consents", e.file(t, "base.csv", goodRows), "--config", e.cfg); err != nil {
		t.Fatal(err)
	}
	csvOut := filepath.Join(e.dir, "export.csv")
	if _, _, err := e.run("export", "consents", "--config", e.cfg, "--output", csvOut); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(csvOut)
	if !strings.HasPrefix(string(b), "number,user_id,topic,action,time,source,evidence,reason,actor,seq,recorded_at,hash\n+5511987654321,,promotions,opt_in,2025-11-20T14:03:00Z,web_form,") {
		t.Fatalf("export:\n%s", b)
	}
	f := newCLIEnv(t, storetest.SQLite)
	out, _, err := f.run("import", "consents", csvOut, "--config", f.cfg)
	if err != nil || !strings.Contains(out, "4 rows: 4 imported") {
		t.Fatalf("re-import of an export: %v %s", err, out)
	}
}

// BenchmarkImport imports a generated file of OPTGATE_IMPORT_ROWS rows
// (default 100,000) and reports rows per second and the peak resident
// memory of the process. docs/optin.md has the 1,000,000-row figure.
func BenchmarkImport(b *testing.B) {
	rows := 100_000
	if v := os.Getenv("OPTGATE_IMPORT_ROWS"); v != "" {
		rows, _ = strconv.Atoi(v)
	}
	for range b.N {
		b.StopTimer()
		e := newCLIEnv(b, storetest.SQLite)
		path := filepath.Join(e.dir, "big.csv")
		f, _ := os.Create(path)
		w := bufio.NewWriter(f)
		w.WriteString("number,topic,action,time,source,evidence\n")
		start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
		for i := range rows {
			action, topic := "opt_in", "promotions"
			if i%10 == 9 {
				action = "opt_out"
			}
			if i%3 == 0 {
				topic = "order_updates"
			}
			fmt.Fprintf(w, "+55119%08d,%s,%s,%s,import,\"{\"\"list\"\":\"\"crm-2025\"\",\"\"row\"\":%d}\"\n", i, topic, action,
				start.Add(time.Duration(i)*time.Second).Format(time.RFC3339), i)
		}
		w.Flush()
		f.Close()
		b.StartTimer()
		t0 := time.Now()
		_, stderr, err := e.run("import", "consents", path, "--config", e.cfg)
		if err != nil {
			b.Fatal(err, stderr)
		}
		b.ReportMetric(float64(rows)/time.Since(t0).Seconds(), "rows/s")
		// The progress lines end with each pass's own rate.
		for _, pass := range []string{"checking", "importing"} {
			if r := lastRate(stderr, pass); r > 0 {
				b.ReportMetric(r, pass+"-rows/s")
			}
		}
	}
	b.ReportMetric(float64(peakRSS())/(1<<20), "peak-RSS-MB")
}

// lastRate is the last "N rows/s" that the progress bar of pass wrote.
func lastRate(stderr, pass string) float64 {
	var rate float64
	for _, seg := range strings.Split(stderr, "\r") {
		if !strings.HasPrefix(seg, pass) {
			continue
		}
		if f := strings.Fields(strings.TrimSuffix(strings.TrimSpace(seg), " rows/s")); len(f) > 0 {
			rate, _ = strconv.ParseFloat(f[len(f)-1], 64)
		}
	}
	return rate
}

// peakRSS reads the process's peak resident memory (Linux), in bytes.
func peakRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// TestImportBigFileAcrossChunksAndBatches: a file larger than a checking
// chunk and an import batch, with evidence spanning lines inside quotes, keeps
// the file's line numbers in errors and evidence, finds a person again under
// the other Brazilian variant, and verifies.
func TestImportBigFileAcrossChunksAndBatches(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := newCLIEnv(t, b)
		var sb strings.Builder
		sb.WriteString("number,topic,action,time,source,evidence\n")
		line := 1
		start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
		const rows = 7000
		for i := range rows {
			line++
			at := start.Add(time.Duration(i) * time.Minute).Format(time.RFC3339)
			if i%1000 == 7 { // evidence over two lines
				fmt.Fprintf(&sb, "+552198%07d,promotions,opt_in,%s,crm,\"signed at the counter\nby hand, row %d\"\n", i, at, i)
				line++
				continue
			}
			fmt.Fprintf(&sb, "+552198%07d,promotions,opt_in,%s,crm,\"{\"\"row\"\":%d,\"\"pad\"\":\"\"%s\"\"}\"\n", i, at, i, strings.Repeat("x", 40))
		}
		// The first person again, written without the ninth digit, opts out.
		sb.WriteString("+55 21 8000-0000,all,opt_out,2026-01-01,crm,\n")
		line++
		sb.WriteString("+5521900000001,newsletter,opt_in,2025-01-01,crm,x\n")
		line++
		path := e.file(t, "big.csv", sb.String())
		if len(sb.String()) < 2*checkChunk {
			t.Fatalf("the file (%d bytes) should span several chunks", len(sb.String()))
		}
		_, stderr, err := e.run("import", "consents", path, "--config", e.cfg)
		if err == nil || !strings.Contains(stderr, fmt.Sprintf("line %d: topic \"newsletter\"", line)) {
			t.Fatalf("want the bad row at line %d: %v\n%s", line, err, stderr)
		}
		out, _, err := e.run("import", "consents", path, "--config", e.cfg, "--skip-bad")
		if err != nil || !strings.Contains(out, fmt.Sprintf("%d rows: %d imported, 0 imported before", rows+2, rows+1)) {
			t.Fatalf("skip-bad: %v %s", err, out)
		}
		evs := e.export(t)
		if len(evs) != rows+1 {
			t.Fatalf("events: %d", len(evs))
		}
		for _, ev := range evs {
			imp := ev["evidence"].(map[string]any)["import"].(map[string]any)
			if n := ev["number"].(string); n == "+5521980001007" && imp["line"] != 1010.0 {
				t.Fatalf("line of row 1007 (two two-line rows: 7 before it, and itself): %v", imp)
			}
		}
		if last := evs[len(evs)-1]; last["number"] != "+5521980000000" || last["action"] != "opt_out" || evs[0]["number"] != "+5521980000000" {
			t.Fatalf("the opt-out under the old notation did not find the person: %v", last)
		}
		if out, _, err := e.run("ledger", "verify", "--config", e.cfg); err != nil || !strings.Contains(out, fmt.Sprintf("acme: ok, %d events", rows+1)) {
			t.Fatalf("ledger verify: %v %s", err, out)
		}
		out, _, err = e.run("import", "consents", path, "--config", e.cfg, "--skip-bad")
		if err != nil || !strings.Contains(out, fmt.Sprintf("0 imported, %d imported before", rows+1)) {
			t.Fatalf("again: %v %s", err, out)
		}
	})
}

// TestImportGCOverlapping: imports that overlap in one process share the
// collector's settings, which go back as they were when the last one ends,
// whichever ends first; an operator's GOGC or GOMEMLIMIT is left alone.
func TestImportGCOverlapping(t *testing.T) {
	orig := debug.SetGCPercent(100)
	defer debug.SetGCPercent(orig)
	percent := func() int { p := debug.SetGCPercent(-1); debug.SetGCPercent(p); return p }
	none := func(string) string { return "" }
	first, second := importGC(none), importGC(none)
	if p := percent(); p != importGCPercent {
		t.Fatalf("GOGC during imports: %d, want %d", p, importGCPercent)
	}
	first()
	if p := percent(); p != importGCPercent {
		t.Fatalf("GOGC after the first of two imports ended: %d, want %d", p, importGCPercent)
	}
	second()
	if p := percent(); p != 100 {
		t.Fatalf("GOGC after both ended: %d, want 100", p)
	}
	operator := importGC(func(k string) string {
		if k == "GOGC" {
			return "200"
		}
		return ""
	})
	if p := percent(); p != 100 {
		t.Fatalf("GOGC with the operator's own setting: %d, want it untouched (100)", p)
	}
	operator()
}

// BenchmarkExport exports the ledger of an account with rows events (100,000,
// or OPTGATE_IMPORT_ROWS), imported first, through the command, as JSON lines.
func BenchmarkExport(b *testing.B) {
	rows := 100_000
	if v := os.Getenv("OPTGATE_IMPORT_ROWS"); v != "" {
		rows, _ = strconv.Atoi(v)
	}
	e := newCLIEnv(b, storetest.SQLite)
	path := filepath.Join(e.dir, "big.csv")
	var sb strings.Builder
	sb.WriteString("number,topic,action,time,source,evidence\n")
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range rows {
		fmt.Fprintf(&sb, "+55119%08d,promotions,opt_in,%s,import,\"{\"\"row\"\":%d}\"\n", i, start.Add(time.Duration(i)*time.Second).Format(time.RFC3339), i)
	}
	if err := os.WriteFile(path, []byte(sb.String()), 0o600); err != nil {
		b.Fatal(err)
	}
	if _, stderr, err := e.run("import", "consents", path, "--config", e.cfg); err != nil {
		b.Fatal(err, stderr)
	}
	b.ResetTimer()
	for range b.N {
		t0 := time.Now()
		out, stderr, err := e.run("export", "consents", "--config", e.cfg, "--format", "jsonl")
		if err != nil {
			b.Fatal(err, stderr)
		}
		if n := strings.Count(out, "\n"); n != rows {
			b.Fatalf("exported %d events, want %d", n, rows)
		}
		b.ReportMetric(float64(rows)/time.Since(t0).Seconds(), "events/s")
	}
}
