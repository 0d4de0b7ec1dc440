package store

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/optgate/optgate/internal/store/storetest"
)

// TestMigrateImportKeys: migration 0006 moves import keys into import_keys:
// keys stored with their time stay as they are, bare keys of rows that
// became events get their event's time in front, as storedKey writes it now,
// and bare keys of skipped rows (seq 0) go.
func TestMigrateImportKeys(t *testing.T) {
	eachBackend(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		s := openBefore(t, b.DSN(t), 6)
		at := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
		bare := strings.Repeat("ab", 32)
		skipped := strings.Repeat("cd", 32)
		timed := storedKey(&ImportRow{Key: strings.Repeat("ef", 32), OccurredAt: at.Add(time.Hour)})
		execSQL(t, s, `INSERT INTO contacts (id, account_id, wa_id, created_at, updated_at) VALUES (1, $1, '5511987650001', 0, 0)`, acctA)
		execSQL(t, s, `INSERT INTO consent_events (account_id, seq, contact_id, action, scope, source, evidence, reason, actor, occurred_at, recorded_at, prev_hash, hash)
			VALUES ($1, 7, 1, 'opt_in', 'topic:promotions', 'import', '{}', '', 'import:a', $2, 0, '', '')`, acctA, at.UnixMilli())
		execSQL(t, s, `INSERT INTO import_rows (account_id, row_key, seq) VALUES ($1, $2, 7), ($1, $3, 0), ($1, $4, 0)`, acctA, bare, skipped, timed)
		if _, err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		var keys []string
		rows, err := s.db.QueryContext(ctx, "SELECT row_key FROM import_keys ORDER BY row_key")
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var k string
			rows.Scan(&k)
			keys = append(keys, k)
		}
		rows.Close()
		want := []string{storedKey(&ImportRow{Key: bare, OccurredAt: at}), timed}
		slices.Sort(want)
		if !slices.Equal(keys, want) {
			t.Fatalf("import_keys %q, want %q", keys, want)
		}
	})
}
