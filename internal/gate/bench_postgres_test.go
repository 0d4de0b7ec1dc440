package gate_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
	"github.com/optgate/optgate/internal/loadgen"
	"github.com/optgate/optgate/internal/meta"
)

// postgresBenchDSN returns a DSN for a schema of the PostgreSQL named by
// OPTGATE_BENCH_POSTGRES that holds benchContacts contacts with the same mix
// as the SQLite benchmark (every 10th opted in to promotions, every 7th
// opted out of marketing by Meta, every 3rd with an open window). The
// contacts and their derived consent state are written with set-based SQL
// (generate_series), once: a read benchmark needs the state the decision
// reads, not a million hash-chained events.
func postgresBenchDSN(b *testing.B) string {
	base := os.Getenv("OPTGATE_BENCH_POSTGRES")
	if base == "" {
		b.Skip("set OPTGATE_BENCH_POSTGRES=postgres://... to benchmark on PostgreSQL")
	}
	const schema = "optgate_bench_1m"
	admin, err := sql.Open("pgx", base)
	if err != nil {
		b.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec("CREATE SCHEMA IF NOT EXISTS " + schema); err != nil {
		b.Fatal(err)
	}
	u, err := url.Parse(base)
	if err != nil {
		b.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	dsn := u.String()
	_, st := benchGate(b, dsn) // migrates
	st.Close()
	var n int
	if err := admin.QueryRow("SELECT COUNT(*) FROM " + schema + ".contacts").Scan(&n); err != nil {
		b.Fatal(err)
	}
	if n >= benchContacts {
		return dsn
	}
	start := time.Now()
	now := time.Now().UnixMilli()
	for _, stmt := range []string{
		fmt.Sprintf(`INSERT INTO %[1]s.contacts (id, account_id, wa_id, name, language, created_at, updated_at)
			SELECT i + 1, 'demo', '551196' || lpad(i::text, 7, '0'), 'Contact ' || i, 'pt', %[2]d, %[2]d
			FROM generate_series(0, %[3]d - 1) AS i ON CONFLICT DO NOTHING`, schema, now, benchContacts),
		fmt.Sprintf(`INSERT INTO %[1]s.consent_state (contact_id, scope, action, seq, source, occurred_at)
			SELECT i + 1, 'topic:promotions', 'opt_in', i, 'api', %[2]d FROM generate_series(0, %[3]d - 1, 10) AS i ON CONFLICT DO NOTHING`, schema, now-48*3600*1000, benchContacts),
		fmt.Sprintf(`INSERT INTO %[1]s.consent_state (contact_id, scope, action, seq, source, occurred_at)
			SELECT i + 1, 'category:marketing', 'opt_out', %[3]d + i, 'meta_user_preferences', %[2]d FROM generate_series(0, %[3]d - 1, 7) AS i ON CONFLICT DO NOTHING`, schema, now-24*3600*1000, benchContacts),
		fmt.Sprintf(`INSERT INTO %[1]s.service_windows (contact_id, phone_number_id, last_inbound_at, closed_at)
			SELECT i + 1, '%[4]s', %[2]d, 0 FROM generate_series(0, %[3]d - 1, 3) AS i ON CONFLICT DO NOTHING`, schema, now-3600*1000, benchContacts, benchPhoneID),
		fmt.Sprintf(`SELECT setval(pg_get_serial_sequence('%[1]s.contacts', 'id'), %[2]d)`, schema, benchContacts+1),
		fmt.Sprintf(`ANALYZE %[1]s.contacts; ANALYZE %[1]s.consent_state; ANALYZE %[1]s.service_windows`, schema),
	} {
		if _, err := admin.Exec(stmt); err != nil {
			b.Fatalf("seed: %v", err)
		}
	}
	b.Logf("seeded %d contacts into PostgreSQL schema %s in %s", benchContacts, schema, time.Since(start).Round(time.Millisecond))
	return dsn
}

// BenchmarkDecidePostgres is BenchmarkDecide on PostgreSQL with 1,000,000 contacts.
func BenchmarkDecidePostgres(b *testing.B) {
	dsn := postgresBenchDSN(b)
	g, st := benchGate(b, dsn)
	defer st.Close()
	a, _ := g.Account("demo")
	reqs := decideRequests(1 << 16)
	ctx := context.Background()
	var next atomic.Int64
	b.SetParallelism(8)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := g.Decide(ctx, a, benchPhoneID, reqs[next.Add(1)&int64(len(reqs)-1)]); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "decisions/s")
}

// BenchmarkIngestWebhookPostgres is durable webhook ingestion on PostgreSQL,
// into the database that holds 1,000,000 contacts.
func BenchmarkIngestWebhookPostgres(b *testing.B) {
	dsn := postgresBenchDSN(b)
	for _, perPayload := range []int{1, 10} {
		b.Run(fmt.Sprintf("messages=%d", perPayload), func(b *testing.B) {
			g, st := benchGate(b, dsn)
			defer st.Close()
			ctx := context.Background()
			var seq atomic.Int64
			seq.Store(time.Now().UnixNano() / 1000) // new senders and message ids on every run
			b.SetParallelism(32)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					body := loadgen.Webhook(benchPhoneID, (seq.Add(1)-1)*int64(perPayload), perPayload, 0)
					if _, err := g.IngestWebhook(ctx, body, meta.Sign(body, benchSecret)); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N*perPayload)/b.Elapsed().Seconds(), "events/s")
		})
	}
}
