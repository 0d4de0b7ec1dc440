package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
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
				if err := tx.SavePayload(ctx, []byte(body)); err != nil {
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
				if err := tx.SavePayload(ctx, []byte(body)); err != nil {
					return err
				}
				return tx.EnqueueDelivery(ctx, Delivery{AccountID: acctA, Downstream: "https://bot.example/webhook",
					EventID: digestOf(body), OrderKey: body, ExpiresAt: time.Now().Add(time.Hour)})
			}
		}
		var claimed []Delivery
		claim := func(fail bool) func(context.Context, *Tx) error {
			return func(ctx context.Context, tx *Tx) error {
				ds, err := tx.claimDeliveries(ctx, 100, time.Minute)
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
