package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/optgate/optgate/internal/consent"
	"github.com/optgate/optgate/internal/store/storetest"
)

// runOneBatch runs fns as the writers of one group commit, as the writer
// goroutine would, and returns each writer's result.
func runOneBatch(t *testing.T, s *Store, fns ...func(context.Context, *Tx) error) []error {
	t.Helper()
	batch := make([]*writeJob, len(fns))
	for i, fn := range fns {
		batch[i] = &writeJob{ctx: context.Background(), fn: fn, done: make(chan error, 1)}
	}
	errs, err := s.tryBatch(batch)
	if err != nil {
		t.Fatalf("batch: %v", err)
	}
	return errs
}

func digestOf(body string) string {
	sum := sha256.Sum256([]byte(body))
	return hex.EncodeToString(sum[:])
}

func payloadCount(t *testing.T, s *Store, body string) int {
	t.Helper()
	var n int
	if err := s.db.QueryRowContext(context.Background(), s.dialect.rewrite("SELECT COUNT(*) FROM webhook_payloads WHERE body = $1"), []byte(body)).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestPayloadsInOneGroupCommit: in one group commit, a writer that fails
// takes its payload with it and the others' stay; a writer that reads
// payloads (claiming deliveries) sees those saved before it in the same
// commit; and if that writer then fails, the payloads it wrote out for the
// writers before it are written again at commit.
func TestPayloadsInOneGroupCommit(t *testing.T) {
	eachBackend(t, func(t *testing.T, b storetest.Backend) {
		s := openStore(t, b.DSN(t), nil)
		errFail := consent.Errorf(consent.EInvalid, "this writer fails")
		save := func(body string, fail bool) func(context.Context, *Tx) error {
			return func(ctx context.Context, tx *Tx) error {
				if err := tx.SavePayload(ctx, []byte(body), false); err != nil {
					return err
				}
				if fail {
					return errFail
				}
				return nil
			}
		}
		enqueue := func(body string) func(context.Context, *Tx) error {
			return func(ctx context.Context, tx *Tx) error {
				if err := tx.SavePayload(ctx, []byte(body), true); err != nil {
					return err
				}
				return tx.EnqueueDelivery(ctx, Delivery{AccountID: acctA, Downstream: "bot",
					EventID: digestOf(body), OrderKey: body, ExpiresAt: time.Now().Add(time.Hour)})
			}
		}
		var claimed []Delivery
		claim := func(fail bool) func(context.Context, *Tx) error {
			return func(ctx context.Context, tx *Tx) error {
				ds, err := tx.claimDeliveries(ctx, 100, time.Minute, []DownstreamRef{{AccountID: acctA, ID: "bot"}})
				if err != nil {
					return err
				}
				if fail {
					return errFail
				}
				claimed = ds
				return nil
			}
		}

		// A failing writer between two that succeed.
		errs := runOneBatch(t, s, save(`{"a":1}`, false), save(`{"b":1}`, true), save(`{"c":1}`, false))
		if errs[0] != nil || !errors.Is(errs[1], errFail) || errs[2] != nil {
			t.Fatalf("results %v", errs)
		}
		if payloadCount(t, s, `{"a":1}`) != 1 || payloadCount(t, s, `{"b":1}`) != 0 || payloadCount(t, s, `{"c":1}`) != 1 {
			t.Fatal("a failed writer's payload was stored, or another's was not")
		}

		// A claim after two webhooks of the same commit gets their bodies.
		errs = runOneBatch(t, s, enqueue(`{"d":1}`), enqueue(`{"e":1}`), claim(false))
		if errs[0] != nil || errs[1] != nil || errs[2] != nil {
			t.Fatalf("results %v", errs)
		}
		if len(claimed) != 2 || string(claimed[0].Body)+string(claimed[1].Body) != `{"d":1}{"e":1}` && string(claimed[0].Body)+string(claimed[1].Body) != `{"e":1}{"d":1}` {
			t.Fatalf("claimed %+v", claimed)
		}

		// A claim that writes out the payload of the writer before it, then
		// fails: that payload is written at commit all the same.
		claimed = nil
		errs = runOneBatch(t, s, enqueue(`{"f":1}`), claim(true), save(`{"g":1}`, false))
		if errs[0] != nil || !errors.Is(errs[1], errFail) || errs[2] != nil {
			t.Fatalf("results %v", errs)
		}
		if payloadCount(t, s, `{"f":1}`) != 1 || payloadCount(t, s, `{"g":1}`) != 1 {
			t.Fatal("a payload written out by a writer that failed was lost")
		}
	})
}

func forwardedRows(t *testing.T, s *Store, body string) (rows, forwarded int) {
	t.Helper()
	err := s.db.QueryRowContext(context.Background(), s.dialect.rewrite(
		"SELECT COUNT(*), COUNT(*) FILTER (WHERE forwarded) FROM webhook_payloads WHERE body = $1"), []byte(body)).Scan(&rows, &forwarded)
	if err != nil {
		t.Fatal(err)
	}
	return rows, forwarded
}

// TestPayloadReceipts: each delivery of a payload is kept, a redelivery
// too; bytes one writer saves twice are kept once, forwarded if either save
// said so; and a delivery downstream finds its body however many times it
// was received, while bytes kept only as received are never handed to one.
func TestPayloadReceipts(t *testing.T) {
	eachBackend(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		s := openStore(t, b.DSN(t), nil)
		const raw, fwd = `{"raw":1}`, `{"fwd":1}`
		deliver := func(ctx context.Context, tx *Tx) error {
			if err := tx.SavePayload(ctx, []byte(raw), false); err != nil {
				return err
			}
			if err := tx.SavePayload(ctx, []byte(fwd), false); err != nil {
				return err
			}
			if err := tx.SavePayload(ctx, []byte(fwd), true); err != nil { // forwarded as received
				return err
			}
			return tx.EnqueueDelivery(ctx, Delivery{AccountID: acctA, Downstream: "bot",
				EventID: digestOf(fwd), OrderKey: "k", ExpiresAt: time.Now().Add(time.Hour)})
		}
		for range 2 { // delivered, then redelivered
			if err := s.Write(ctx, deliver); err != nil {
				t.Fatal(err)
			}
		}
		if n, f := forwardedRows(t, s, raw); n != 2 || f != 0 {
			t.Errorf("raw payload: %d rows, %d forwarded; want 2, 0", n, f)
		}
		if n, f := forwardedRows(t, s, fwd); n != 2 || f != 2 {
			t.Errorf("forwarded payload: %d rows, %d forwarded; want 2, 2", n, f)
		}
		ds, err := s.ClaimDeliveries(ctx, 10, time.Minute, []DownstreamRef{{AccountID: acctA, ID: "bot"}})
		if err != nil {
			t.Fatal(err)
		}
		if len(ds) != 1 || string(ds[0].Body) != fwd {
			t.Fatalf("claimed %+v; want the one delivery, with its body", ds)
		}

		// Three deliveries of the same bytes in one group commit (three
		// writers, none failing): three receipts.
		const again = `{"again":1}`
		saveAgain := func(ctx context.Context, tx *Tx) error { return tx.SavePayload(ctx, []byte(again), false) }
		if errs := runOneBatch(t, s, saveAgain, saveAgain, saveAgain); errs[0] != nil || errs[1] != nil || errs[2] != nil {
			t.Fatalf("results %v", errs)
		}
		if n, _ := forwardedRows(t, s, again); n != 3 {
			t.Errorf("the same bytes from three writers of one commit: %d rows, want 3", n)
		}

		// A delivery naming bytes kept only as received finds no body.
		err = s.Write(ctx, func(ctx context.Context, tx *Tx) error {
			return tx.EnqueueDelivery(ctx, Delivery{AccountID: acctA, Downstream: "bot",
				EventID: digestOf(raw), OrderKey: "k2", ExpiresAt: time.Now().Add(time.Hour)})
		})
		if err != nil {
			t.Fatal(err)
		}
		if ds, err := s.ClaimDeliveries(ctx, 10, time.Minute, []DownstreamRef{{AccountID: acctA, ID: "bot"}}); err == nil || !strings.Contains(err.Error(), "missing") {
			t.Fatalf("claimed %+v, %v; want the payload missing", ds, err)
		}
	})
}

// TestMigratePayloadReceipts: migration 0007 keeps every payload, marks
// forwarded those a delivery names, and lets the same bytes be kept again.
func TestMigratePayloadReceipts(t *testing.T) {
	eachBackend(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		s := openBefore(t, b.DSN(t), 7)
		const named, unnamed = `{"named":1}`, `{"unnamed":1}`
		execSQL(t, s, `INSERT INTO webhook_payloads (digest, body, received_at) VALUES ($1, $2, 1), ($3, $4, 2)`,
			digestOf(named), []byte(named), digestOf(unnamed), []byte(unnamed))
		execSQL(t, s, `INSERT INTO deliveries (account_id, downstream, event_id, order_key, next_attempt_at, expires_at, created_at)
			VALUES ($1, 'https://bot.example/webhook', $2, 'k', 0, $3, 0)`, acctA, digestOf(named), time.Now().Add(time.Hour).UnixMilli())
		if _, err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		if err := s.Start(ctx); err != nil {
			t.Fatal(err)
		}
		if n, f := forwardedRows(t, s, named); n != 1 || f != 1 {
			t.Errorf("payload a delivery names: %d rows, %d forwarded; want 1, 1", n, f)
		}
		if n, f := forwardedRows(t, s, unnamed); n != 1 || f != 0 {
			t.Errorf("payload no delivery names: %d rows, %d forwarded; want 1, 0", n, f)
		}
		// Queued before 0017, the delivery names its downstream by URL.
		if err := s.AdoptDeliveries(ctx, acctA, map[string]string{"https://bot.example/webhook": "bot"}, ""); err != nil {
			t.Fatal(err)
		}
		ds, err := s.ClaimDeliveries(ctx, 10, time.Minute, []DownstreamRef{{AccountID: acctA, ID: "bot"}})
		if err != nil || len(ds) != 1 || string(ds[0].Body) != named {
			t.Fatalf("claimed %+v, %v; want the delivery with its body", ds, err)
		}
		if err := s.Write(ctx, func(ctx context.Context, tx *Tx) error { return tx.SavePayload(ctx, []byte(unnamed), false) }); err != nil {
			t.Fatal(err)
		}
		if n, _ := forwardedRows(t, s, unnamed); n != 2 {
			t.Errorf("payload received again: %d rows, want 2", n)
		}
	})
}

// TestUnknownDownstreamWaits: an instance claims only deliveries to the
// downstreams it knows (a rolling change of configuration: another instance
// may know it), and those of others once they expire, to make them dead
// letters.
func TestUnknownDownstreamWaits(t *testing.T) {
	eachBackend(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		s := openBefore(t, b.DSN(t), 0)
		if _, err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		if err := s.Start(ctx); err != nil {
			t.Fatal(err)
		}
		for i, exp := range []time.Time{time.Now().Add(time.Hour), time.Now().Add(-time.Minute)} {
			body := []byte(fmt.Sprintf(`{"n":%d}`, i))
			if err := s.Write(ctx, func(ctx context.Context, tx *Tx) error {
				if err := tx.SavePayload(ctx, body, true); err != nil {
					return err
				}
				return tx.EnqueueDelivery(ctx, Delivery{AccountID: acctA, Downstream: "crm", EventID: digestOf(string(body)), OrderKey: fmt.Sprint(i), ExpiresAt: exp})
			}); err != nil {
				t.Fatal(err)
			}
		}
		ds, err := s.ClaimDeliveries(ctx, 10, time.Minute, []DownstreamRef{{AccountID: acctA, ID: "bot"}, {AccountID: "other", ID: "crm"}})
		if err != nil || len(ds) != 1 || ds[0].ExpiresAt.After(time.Now()) {
			t.Fatalf("claimed %+v, %v; want the expired delivery only", ds, err)
		}
		ds, err = s.ClaimDeliveries(ctx, 10, time.Minute, []DownstreamRef{{AccountID: acctA, ID: "crm"}})
		if err != nil || len(ds) != 1 {
			t.Fatalf("claimed %+v, %v; want the delivery to the known downstream", ds, err)
		}
	})
}
