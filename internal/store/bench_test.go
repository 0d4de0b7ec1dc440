package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/optgate/optgate/internal/consent"
	"github.com/optgate/optgate/internal/store/storetest"
)

// Benchmarks of the two hot paths at the store level, on every backend:
//
//	go test -run '^$' -bench . -benchtime 5s ./internal/store/
//
// with OPTGATE_TEST_POSTGRES set for PostgreSQL. OPTGATE_BENCH_CONTACTS sets
// how many contacts the read benchmark preloads (default 20000).

func benchContacts() int {
	if n, err := strconv.Atoi(os.Getenv("OPTGATE_BENCH_CONTACTS")); err == nil && n > 0 {
		return n
	}
	return 20000
}

// BenchmarkIngestMessage is what a webhook with one inbound text message
// writes: the payload, the contact, the message (deduped) and the window,
// from many concurrent requests sharing group commits.
func BenchmarkIngestMessage(b *testing.B) {
	for _, be := range storetest.Backends(b) {
		b.Run(be.Name, func(b *testing.B) {
			s := openStore(b, be.DSN(b), nil)
			var seq atomic.Int64
			b.SetParallelism(16) // 16 x GOMAXPROCS concurrent webhooks
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				ctx := context.Background()
				for pb.Next() {
					n := seq.Add(1)
					body := []byte(fmt.Sprintf(`{"object":"whatsapp_business_account","n":%d}`, n))
					err := s.Write(ctx, func(ctx context.Context, tx *Tx) error {
						if err := tx.SavePayload(ctx, body, false); err != nil {
							return err
						}
						_, _, err := tx.IngestMessage(ctx, ContactSeen{Key: consent.ContactKey{WAID: fmt.Sprintf("4477%08d", n%50000)}, Name: "Ann"},
							Inbound{AccountID: acctA, MessageID: fmt.Sprintf("wamid.%d", n), PhoneNumberID: "p", Type: "text", SentAt: time.Now()}, true)
						return err
					})
					if err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "webhooks/s")
		})
	}
}

// BenchmarkAppendEvent appends consent events (opt-outs) from many concurrent
// writers to one account's chain: the ledger head serializes them.
func BenchmarkAppendEvent(b *testing.B) {
	for _, be := range storetest.Backends(b) {
		b.Run(be.Name, func(b *testing.B) {
			s := openStore(b, be.DSN(b), nil)
			var seq atomic.Int64
			b.SetParallelism(16)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					n := seq.Add(1)
					key := consent.ContactKey{WAID: fmt.Sprintf("4477%08d", n%50000)}
					if _, err := appendFor(context.Background(), s, key, event(acctA, consent.OptOut, consent.ScopeAll)); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
		})
	}
}

// BenchmarkSendLookup is the store's part of a send decision: the contact
// by wa_id (with its ninth-digit variant), its consent, window and holds
// (DecisionState: one query, or on PostgreSQL a share of a group read).
func BenchmarkSendLookup(b *testing.B) {
	for _, be := range storetest.Backends(b) {
		b.Run(be.Name, func(b *testing.B) {
			s := openStore(b, be.DSN(b), nil)
			n := benchContacts()
			ctx := context.Background()
			for start := 0; start < n; start += 1000 {
				err := s.Write(ctx, func(ctx context.Context, tx *Tx) error {
					for i := start; i < min(start+1000, n); i++ {
						c, err := tx.UpsertContact(ctx, acctA, ContactSeen{Key: consent.ContactKey{WAID: fmt.Sprintf("4477%08d", i)}})
						if err != nil {
							return err
						}
						if i%2 == 0 {
							ev := event(acctA, consent.OptIn, consent.TopicScope("promotions"))
							ev.ContactID = c.ID
							if err := tx.AppendEvent(ctx, &ev); err != nil {
								return err
							}
						}
						if err := tx.TouchWindow(ctx, c.ID, "p", time.Now()); err != nil {
							return err
						}
					}
					return nil
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				r := rand.New(rand.NewPCG(rand.Uint64(), 0))
				for pb.Next() {
					if _, _, err := s.DecisionState(ctx, acctA, consent.ContactKey{WAID: fmt.Sprintf("4477%08d", r.IntN(n))}, "p"); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lookups/s")
		})
	}
}
