package gate_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/optgate/optgate/internal/cli"
	"github.com/optgate/optgate/internal/config"
	"github.com/optgate/optgate/internal/consent"
	"github.com/optgate/optgate/internal/gate"
	"github.com/optgate/optgate/internal/loadgen"
	"github.com/optgate/optgate/internal/meta"
	"github.com/optgate/optgate/internal/store"
)

// The benchmarks run only with -bench. Reproduce with
//
//	go test ./internal/gate -run '^$' -bench . -benchtime 3s
//
// BenchmarkDecide seeds 1,000,000 contacts once into a SQLite file under
// os.TempDir() (keyed by the schema's migration files, so a schema change
// seeds again) and reuses it on later runs; see docs/performance.md.

const (
	benchPhoneID   = "106540352242922"
	benchSecret    = "bench-app-secret"
	benchContacts  = 1_000_000
	benchSeedBatch = 10_000
	benchSeedFmt   = 1 // bump when the seeded data changes
)

func benchConfig(b testing.TB, dsn string) config.Config {
	b.Helper()
	cfg := cli.DemoConfig("127.0.0.1:0", dsn, "http://127.0.0.1:9", benchSecret, "bench-verify", "bench-token")
	if err := cfg.Validate(); err != nil {
		b.Fatal(err)
	}
	return cfg
}

// benchGate opens dsn (migrating it) and returns a Gate over it that logs at
// info to io.Discard through slog's text handler, as optgate's default
// handler does: every decision is still formatted.
func benchGate(b testing.TB, dsn string) (*gate.Gate, *store.Store) {
	b.Helper()
	cfg := benchConfig(b, dsn)
	log := slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelInfo}))
	return openGate(b, &cfg, dsn, gate.Options{Logger: log})
}

// openGate opens dsn (migrating it) and returns a Gate for cfg over it, with
// opts and the store.
func openGate(tb testing.TB, cfg *config.Config, dsn string, opts gate.Options) (*gate.Gate, *store.Store) {
	tb.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, dsn, store.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := st.Migrate(ctx); err != nil {
		tb.Fatal(err)
	}
	if err := st.Start(ctx); err != nil {
		tb.Fatal(err)
	}
	opts.Store = st
	g, err := gate.New(cfg, opts)
	if err != nil {
		tb.Fatal(err)
	}
	if err := st.EnsureAccounts(ctx, g.AccountIDs()); err != nil {
		tb.Fatal(err)
	}
	return g, st
}

// benchWAID is the wa_id of seeded contact i: a valid São Paulo mobile number.
func benchWAID(i int) string { return fmt.Sprintf("551196%07d", i) }

// schemaKey names the schema the seeded file was made with: a digest of the
// SQLite migrations.
func schemaKey(b *testing.B) string {
	b.Helper()
	files, err := filepath.Glob(filepath.Join("..", "store", "migrations", "sqlite", "*.sql"))
	if err != nil || len(files) == 0 {
		b.Fatalf("cannot find the SQLite migrations: %v", err)
	}
	h := sha256.New()
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		h.Write([]byte(filepath.Base(f)))
		h.Write(data)
	}
	return hex.EncodeToString(h.Sum(nil))[:12]
}

var decideDB struct {
	once sync.Once
	path string
	err  error
}

// seededDecideDB returns the path of a SQLite file with benchContacts
// contacts: every 10th opted in to promotions, every 7th opted out of
// marketing, every 3rd with an open service window. It is built once, through
// store.Write in batches of benchSeedBatch contacts, then reused.
func seededDecideDB(b *testing.B) string {
	decideDB.once.Do(func() {
		name := fmt.Sprintf("optgate-bench-decide-%s-f%d-%d.db", schemaKey(b), benchSeedFmt, benchContacts)
		path := filepath.Join(os.TempDir(), name)
		decideDB.path = path
		if _, err := os.Stat(path); err == nil {
			b.Logf("using seeded database %s", path)
			return
		}
		// A name of its own, so that two benchmark runs seeding at once do not share a file.
		tmp := fmt.Sprintf("%s.seeding-%d", path, os.Getpid())
		start := time.Now()
		g, st := benchGate(b, "sqlite:"+tmp)
		_ = g
		ctx := context.Background()
		now := time.Now()
		for lo := 0; lo < benchContacts && decideDB.err == nil; lo += benchSeedBatch {
			decideDB.err = st.Write(ctx, func(ctx context.Context, tx *store.Tx) error {
				for i := lo; i < min(lo+benchSeedBatch, benchContacts); i++ {
					c, err := tx.UpsertContact(ctx, "demo", store.ContactSeen{Key: consent.ContactKey{WAID: benchWAID(i)}, Name: "Contact " + strconv.Itoa(i), Language: "pt"})
					if err != nil {
						return err
					}
					if i%10 == 0 {
						ev := consent.Event{AccountID: "demo", ContactID: c.ID, Action: consent.OptIn, Scope: consent.TopicScope("promotions"),
							Source: consent.SourceAPI, Actor: "bench", OccurredAt: now.Add(-48 * time.Hour),
							Evidence: map[string]any{"text": "Quero receber ofertas", "form": "bench-v1"}}
						if err := tx.AppendEvent(ctx, &ev); err != nil {
							return err
						}
					}
					if i%7 == 0 {
						ev := consent.Event{AccountID: "demo", ContactID: c.ID, Action: consent.OptOut, Scope: consent.CategoryScope(consent.Marketing),
							Source: consent.SourceMetaPreferences, Actor: "meta", OccurredAt: now.Add(-24 * time.Hour)}
						if err := tx.AppendEvent(ctx, &ev); err != nil {
							return err
						}
					}
					if i%3 == 0 {
						if err := tx.TouchWindow(ctx, c.ID, benchPhoneID, now.Add(-time.Hour)); err != nil {
							return err
						}
					}
				}
				return nil
			})
		}
		if err := st.Close(); err != nil && decideDB.err == nil {
			decideDB.err = err
		}
		if decideDB.err != nil {
			return
		}
		for _, suffix := range []string{"-wal", "-shm"} {
			if _, err := os.Stat(tmp + suffix); err == nil {
				decideDB.err = os.Rename(tmp+suffix, path+suffix)
			}
		}
		if decideDB.err == nil {
			decideDB.err = os.Rename(tmp, path)
		}
		if decideDB.err != nil {
			return
		}
		b.Logf("seeded %d contacts into %s in %s", benchContacts, path, time.Since(start).Round(time.Millisecond))
	})
	if decideDB.err != nil {
		b.Fatalf("seed: %v", decideDB.err)
	}
	return decideDB.path
}

// decideRequests is the mix a benchmark cycles through: a marketing and a
// utility template, a free-form text, over seeded contacts and a few unknown
// numbers.
func decideRequests(n int) []*meta.SendRequest {
	bodies := []string{
		`{"messaging_product":"whatsapp","to":"%s","type":"template","template":{"name":"black_friday","language":{"code":"pt_BR"}}}`,
		`{"messaging_product":"whatsapp","to":"%s","type":"template","template":{"name":"order_shipped","language":{"code":"pt_BR"}}}`,
		`{"messaging_product":"whatsapp","to":"%s","type":"text","text":{"body":"Oi!"}}`,
	}
	reqs := make([]*meta.SendRequest, n)
	x := uint64(0x9e3779b97f4a7c15)
	for i := range reqs {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		c := int(x % benchContacts)
		to := "+" + benchWAID(c)
		if i%20 == 0 {
			to = "+551197" + fmt.Sprintf("%07d", c) // not in the database
		}
		r, err := meta.ParseSend(fmt.Appendf(nil, bodies[i%len(bodies)], to))
		if err != nil {
			panic(err)
		}
		reqs[i] = r
	}
	return reqs
}

// BenchmarkDecide measures a send decision (contact lookup, consent state,
// rules, metrics and the info log line) against 1,000,000 contacts in SQLite.
func BenchmarkDecide(b *testing.B) {
	path := seededDecideDB(b)
	g, st := benchGate(b, "sqlite:"+path)
	defer st.Close()
	a, _ := g.Account("demo")
	reqs := decideRequests(1 << 16)
	ctx := context.Background()
	var allowed atomic.Int64

	b.Run("serial", func(b *testing.B) {
		allowed.Store(0)
		i := 0
		for b.Loop() {
			d, err := g.Decide(ctx, a, benchPhoneID, reqs[i&(len(reqs)-1)])
			if err != nil {
				b.Fatal(err)
			}
			if d.Allow {
				allowed.Add(1)
			}
			i++
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "decisions/s")
		b.ReportMetric(float64(allowed.Load())/float64(b.N), "allowed/op")
	})
	b.Run("parallel", func(b *testing.B) {
		allowed.Store(0)
		var next atomic.Int64
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				i := next.Add(1)
				d, err := g.Decide(ctx, a, benchPhoneID, reqs[i&int64(len(reqs)-1)])
				if err != nil {
					b.Error(err)
					return
				}
				if d.Allow {
					allowed.Add(1)
				}
			}
		})
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "decisions/s")
		b.ReportMetric(float64(allowed.Load())/float64(b.N), "allowed/op")
	})
}

// BenchmarkIngestWebhook measures durable webhook ingestion through
// gate.IngestWebhook: signature check, parse, intent detection and the
// commit, with many concurrent deliveries sharing a transaction (group
// commit). events/s counts inbound messages.
func BenchmarkIngestWebhook(b *testing.B) {
	for _, c := range []struct {
		perPayload int
		people     int64
	}{{1, 0}, {10, 0}, {1, 20000}, {10, 20000}} {
		name := fmt.Sprintf("messages=%d", c.perPayload)
		if c.people > 0 {
			name += fmt.Sprintf(",people=%d", c.people)
		}
		b.Run(name, func(b *testing.B) {
			g, st := benchGate(b, "sqlite:"+filepath.Join(b.TempDir(), "optgate.db"))
			defer st.Close()
			ctx := context.Background()
			var seq atomic.Int64
			b.SetParallelism(32) // 64 deliveries in flight on 2 cores
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					body := loadgen.Webhook(benchPhoneID, (seq.Add(1)-1)*int64(c.perPayload), c.perPayload, c.people)
					res, err := g.IngestWebhook(ctx, body, meta.Sign(body, benchSecret))
					if err != nil {
						b.Error(err)
						return
					}
					if res.Messages != c.perPayload {
						b.Errorf("ingested %d messages, want %d", res.Messages, c.perPayload)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N*c.perPayload)/b.Elapsed().Seconds(), "events/s")
		})
	}
}
