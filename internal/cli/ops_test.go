package cli

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/optgate/optgate/internal/store/storetest"
)

// TestOperationsEndpoints: health, readiness and the Prometheus metrics that
// count decisions by reason, webhooks and consent events by source.
func TestOperationsEndpoints(t *testing.T) {
	e := newEnv(t, storetest.SQLite)
	if r := e.do("GET", "/healthz", "", nil, nil); r.Status != 200 {
		t.Fatalf("/healthz: %d", r.Status)
	}
	if r := e.do("GET", "/readyz", "", nil, nil); r.Status != 200 || !strings.Contains(string(r.Body), `"ready"`) {
		t.Fatalf("/readyz: %d %s", r.Status, r.Body)
	}
	e.wantRefused(e.send(tpl(demoPerson, "black_friday")), "no_opt_in")
	e.wantAllowed(e.send(markRead))
	if _, err := e.sim.SendText(ctxT(t), demoPerson, "PARAR"); err != nil {
		t.Fatal(err)
	}
	if r := e.webhook([]byte(`{"object":"page"}`), "wrong-secret"); r.Status != http.StatusUnauthorized {
		t.Fatalf("bad signature: %d", r.Status)
	}
	// A dry run is counted apart: the send figures count sends only.
	dry := `{"phone_number_id":"` + demoPhoneID + `","messaging_product":"whatsapp","to":"` + demoPerson +
		`","type":"template","template":{"name":"black_friday","language":{"code":"pt_BR"}}}`
	if r := e.do("POST", "/v1/decisions", demoAPIKey, []byte(dry), nil); r.Status != 200 {
		t.Fatalf("/v1/decisions: %d %s", r.Status, r.Body)
	}
	r := e.do("GET", "/metrics", "", nil, nil)
	body := string(r.Body)
	for _, want := range []string{
		`optgate_send_decisions_total{account="demo",outcome="refused",reason="no_opt_in"} 1`,
		`optgate_decision_checks_total{account="demo",outcome="refused",reason="opted_out"} 1`,
		`optgate_send_decisions_total{account="demo",outcome="allowed",reason="status_update"} 1`,
		`optgate_webhooks_total{result="bad_signature"} 1`,
		`optgate_consent_events_total{account="demo",action="opt_out",source="whatsapp_keyword"} 1`,
		`go_goroutines`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	// Every webhook is timed, under the result it is counted by; every group
	// commit is observed, and the webhooks accepted were among its writers.
	value := func(series string) float64 {
		t.Helper()
		for line := range strings.Lines(body) {
			if v, ok := strings.CutPrefix(strings.TrimSpace(line), series+" "); ok {
				f, err := strconv.ParseFloat(v, 64)
				if err != nil {
					t.Fatalf("%s: %v", series, err)
				}
				return f
			}
		}
		t.Fatalf("/metrics lacks %s", series)
		return 0
	}
	for _, result := range []string{"ok", "bad_signature"} {
		n := value(`optgate_webhooks_total{result="` + result + `"}`)
		if timed := value(`optgate_webhook_duration_seconds_count{result="` + result + `"}`); n < 1 || timed != n {
			t.Errorf("%s webhooks: %v counted, %v timed", result, n, timed)
		}
	}
	// The writer observes its two histograms one after the other, and a
	// background commit (the outbox, a template sync) may land between them
	// while /metrics is read: the writers may count one commit more.
	batches := value("optgate_write_batch_writers_count")
	if timed := value("optgate_write_batch_duration_seconds_count"); batches < 1 || (timed != batches && timed != batches-1) {
		t.Errorf("group commits: %v with writers, %v timed", batches, timed)
	}
	if writers := value("optgate_write_batch_writers_sum"); writers < value(`optgate_webhooks_total{result="ok"}`) || writers < batches {
		t.Errorf("group commits had %v writers in all, fewer than the webhooks accepted or the commits", writers)
	}
	if strings.Contains(body, `optgate_send_decisions_total{account="demo",outcome="refused",reason="opted_out"}`) {
		t.Error("the dry run was counted as a send")
	}
	// The logs never carry a whole phone number or a secret.
	logs := e.logText()
	for _, secret := range []string{demoPerson, testAppSecret, testAccess, demoAPIKey} {
		if strings.Contains(logs, secret) {
			t.Errorf("logs contain %q", secret)
		}
	}
}
