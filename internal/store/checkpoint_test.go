package store

import (
	"context"
	"crypto/rand"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// walFrameSize is the size of one page in the WAL: the page and its header.
const walFrameSize = 4096 + 24

// openCheckpointed opens a SQLite store whose checkpointer runs every
// `every` and asks for a restart past restartAt pages.
func openCheckpointed(t *testing.T, every time.Duration, restartAt int) (*Store, string) {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "optgate.db")
	s, err := Open(ctx, "sqlite:"+path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	s.checkpointEvery, s.restartAt = every, restartAt
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.EnsureAccounts(ctx, []string{acctA}); err != nil {
		t.Fatal(err)
	}
	return s, path
}

// writePayload commits one 8 KB payload of random bytes (three pages or so)
// and a message.
func writePayload(ctx context.Context, s *Store, id string) error {
	body := make([]byte, 8000)
	rand.Read(body)
	return s.Write(ctx, func(ctx context.Context, tx *Tx) error {
		if err := tx.SavePayload(ctx, body, false); err != nil {
			return err
		}
		_, err := tx.InsertInbound(ctx, Inbound{AccountID: acctA, MessageID: id, PhoneNumberID: "p", Type: "text"})
		return err
	})
}

func fileSize(t *testing.T, path string) int64 {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}

// TestCheckpointerKeepsWALShort writes some fourteen times restartAt pages with
// writers that keep the group-commit writer busy. The database file must
// take them in while the WAL file stays near restartAt pages; SQLite's own
// checkpoint, at 16,384 pages, would let it hold them all.
func TestCheckpointerKeepsWALShort(t *testing.T) {
	ctx := context.Background()
	const restart = 200
	s, path := openCheckpointed(t, time.Millisecond, restart)

	const writers, each = 16, 50 // 800 payloads of 8 KB: some 2,000 pages
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	var longest int64
	var mu sync.Mutex
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				if err := writePayload(ctx, s, fmt.Sprintf("w%d-%d", w, i)); err != nil {
					errs <- err
					return
				}
				if fi, err := os.Stat(path + "-wal"); err == nil {
					mu.Lock()
					longest = max(longest, fi.Size())
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}

	frames := (longest - 32) / walFrameSize
	t.Logf("longest WAL: %d pages; database file: %d bytes", frames, fileSize(t, path))
	// The WAL passes restartAt by what the writer commits while the
	// checkpointer's pass runs and before it notices: batches of up to 16
	// payloads, more of them on a slow machine (-race). Without the
	// checkpointer it holds all 2,700 or so.
	if frames > 5*restart {
		t.Errorf("the WAL grew to %d pages; the checkpointer should keep it near %d", frames, restart)
	}
	if db := fileSize(t, path); db < writers*each*8000 {
		t.Errorf("database file is %d bytes, less than the %d bytes of payloads written: checkpoints did not copy them", db, writers*each*8000)
	}
	var n int
	if err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM webhook_payloads").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != writers*each {
		t.Errorf("%d payloads stored, want %d", n, writers*each)
	}
	var check string
	if err := s.db.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Errorf("integrity_check: %q, %v", check, err)
	}
}

// TestRestartWAL checks the writer's own checkpoint: with the checkpointer
// idle after its first pass, the WAL holds every page written since. The
// writer's checkpoint copies them all and clears the request, and the next
// commit starts the file over, which gives the WAL header a new salt.
func TestRestartWAL(t *testing.T) {
	ctx := context.Background()
	s, path := openCheckpointed(t, time.Hour, 1)
	for i := range 100 {
		if err := writePayload(ctx, s, fmt.Sprintf("m%d", i)); err != nil {
			t.Fatal(err)
		}
	}
	salt := func() []byte {
		t.Helper()
		b, err := os.ReadFile(path + "-wal")
		if err != nil {
			t.Fatal(err)
		}
		return b[16:24]
	}
	before := salt()
	if n := (fileSize(t, path+"-wal") - 32) / walFrameSize; n < 200 {
		t.Fatalf("the WAL holds %d pages after 100 payloads of 8 KB; the test needs them all there", n)
	}
	s.restartDue.Store(true)
	s.restartWAL()
	if s.restartDue.Load() {
		t.Fatal("the writer's checkpoint did not finish: the restart is still due")
	}
	if err := writePayload(ctx, s, "after"); err != nil {
		t.Fatal(err)
	}
	if after := salt(); string(after) == string(before) {
		t.Error("the commit after the writer's checkpoint appended to the WAL instead of starting it over")
	}
}
