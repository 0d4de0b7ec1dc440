package cli

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/optgate/optgate/internal/gate"
	"github.com/optgate/optgate/internal/store"
	"github.com/optgate/optgate/internal/store/storetest"
)

// TestForwardCommands: dead letters can be listed, retried and dropped from the command line.
func TestForwardCommands(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := newCLIEnv(t, b)
		dsn := strings.TrimSpace(strings.TrimPrefix(grepLine(readFile(t, e.cfg), "database:"), "database:"))
		ctx := context.Background()
		st, err := store.Open(ctx, dsn, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if err := st.Start(ctx); err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for i := range 2 {
			body := []byte(fmt.Sprintf(`{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[]}],"n":%d}`, i))
			if err := st.Write(ctx, func(ctx context.Context, tx *store.Tx) error {
				if err := tx.SavePayload(ctx, body, true); err != nil {
					return err
				}
				return tx.EnqueueDelivery(ctx, store.Delivery{AccountID: "acme", Downstream: "bot",
					EventID: gate.Digest(body), OrderKey: fmt.Sprint(i), ExpiresAt: time.Now().Add(-time.Minute)})
			}); err != nil {
				t.Fatal(err)
			}
		}
		ds, err := st.ClaimDeliveries(ctx, 10, time.Minute, []store.DownstreamRef{{AccountID: "acme", ID: "bot"}})
		if err != nil || len(ds) != 2 {
			t.Fatalf("claim: %v %d", err, len(ds))
		}
		var outs []store.DeliveryOutcome
		for _, d := range ds {
			ids = append(ids, d.ID)
			outs = append(outs, store.DeliveryOutcome{ID: d.ID, Dead: true, Status: 503, Error: "downstream answered 503"})
		}
		if err := st.RecordDeliveries(ctx, outs); err != nil {
			t.Fatal(err)
		}
		st.Close()

		out, _, err := e.run("forward", "list", "--config", e.cfg)
		if err != nil || !strings.Contains(out, "2 dead deliveries") || !strings.Contains(out, "downstream answered 503") {
			t.Fatalf("forward list: %q %v", out, err)
		}
		if out, _, err := e.run("forward", "retry", "--config", e.cfg, fmt.Sprint(ids[0])); err != nil || !strings.Contains(out, "queued again") {
			t.Fatalf("forward retry: %q %v", out, err)
		}
		if out, _, err := e.run("forward", "list", "--config", e.cfg, "--state", "pending"); err != nil || !strings.Contains(out, "1 pending deliveries") {
			t.Fatalf("after retry: %q %v", out, err)
		}
		if out, _, err := e.run("forward", "drop", "--config", e.cfg, fmt.Sprint(ids[1])); err != nil || !strings.Contains(out, "dropped") {
			t.Fatalf("forward drop: %q %v", out, err)
		}
		if _, _, err := e.run("forward", "drop", "--config", e.cfg, fmt.Sprint(ids[0])); err == nil {
			t.Fatal("dropping a delivery that is not a dead letter must fail")
		}
		if out, _, err := e.run("forward", "list", "--config", e.cfg); err != nil || !strings.Contains(out, "0 dead deliveries") {
			t.Fatalf("after drop: %q %v", out, err)
		}
	})
}
