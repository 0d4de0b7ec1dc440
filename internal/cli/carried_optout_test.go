package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/optgate/optgate/internal/store/storetest"
)

// TestCarriedOptOutIsInLedgerAndSurvivesExport: P opted out on a and
// changed a -> b; b was Q's, opted in. Meta delivers P's "Oi" from b (it goes
// to Q's record, b's only one), then P's change b -> c (it moves that
// record: made_contact false), then a -> b. optgate cannot tell whether c's
// record is P's or Q's, so it carries P's opt-out to it (fail closed). Before
// this test, the opt-out was written to c's derived state only: c's history
// did not show why c was refused, and an export imported elsewhere gave c
// Q's opt-in alone, so marketing went to P on c. And the export did not
// import again at all: P's record on a, which lost the number, exports its
// events without keys, which import took for bad rows.
func TestCarriedOptOutIsInLedgerAndSurvivesExport(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		const a, bNum, c = "5511966677001", "5511966677002", "5511966677003"
		now := e.clock.Now().Truncate(time.Second)
		e.consentAt("+"+bNum, "opt_in", now.Add(-50*time.Hour)) // Q
		e.consentAt("+"+a, "opt_out", now.Add(-72*time.Hour))   // P
		e.post(textWebhook(bNum, "", "wamid.co.oi", now.Add(-2*time.Hour), "Oi"))
		e.post(changeHook(bNum, c, "wamid.co.bc", now.Add(-time.Hour)))
		e.post(changeHook(a, bNum, "wamid.co.ab", now.Add(-3*time.Hour)))
		// Outside the window that "Oi" opened: the carried opt-out decides.
		e.clock.Advance(25 * time.Hour)
		e.wantRefused(e.send(tpl("+"+c, "black_friday")), "opted_out")

		var carried map[string]any
		for _, ev := range e.contact("+" + c)["history"].([]any) {
			if m := ev.(map[string]any); m["action"] == "opt_out" {
				carried = m
			}
		}
		if carried == nil {
			t.Fatalf("c's history does not list the opt-out that refuses it: %v", e.contact("+" + c)["history"])
		}
		if ev, _ := carried["evidence"].(map[string]any); ev["number_change_message_id"] != "wamid.co.ab" {
			t.Errorf("carried opt-out's evidence: %v", carried["evidence"])
		}

		// Exported, and imported into a fresh database: c stays opted out.
		var out strings.Builder
		if _, err := exportConsents(context.Background(), e.app.Store, "demo", "csv", &out); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), "\n+"+c+",,all,opt_out,") {
			t.Fatalf("export has no opt-out under c:\n%s", out.String())
		}
		f := newEnv(t, b)
		dir := t.TempDir()
		cfg := filepath.Join(dir, "optgate.yaml")
		csv := filepath.Join(dir, "export.csv")
		if err := os.WriteFile(cfg, []byte(strings.Replace(fmt.Sprintf(importConfig, f.dsn), "id: acme", "id: demo", 1)), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(csv, []byte(out.String()), 0o600); err != nil {
			t.Fatal(err)
		}
		if o, errOut, err := (&cliEnv{}).run("import", "consents", csv, "--config", cfg); err != nil {
			t.Fatalf("import: %v %s %s\n%s", err, o, errOut, out.String())
		} else if !strings.Contains(o, "3 rows: 2 imported") || !strings.Contains(o, ", 1 of previous owners skipped") {
			// P's own opt-out, on the record P left on a (it lost the
			// number), is not imported: it has no keys.
			t.Errorf("import: %s", o)
		}
		f.clock.Advance(25 * time.Hour)
		f.wantRefused(f.send(tpl("+"+c, "black_friday")), "opted_out")
	})
}
