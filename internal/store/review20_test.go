package store

// Tests from a review of the SQLite journal of service windows (windows.go):
// both concern a second process on the same file, as any command run beside
// the server is. Each comment tells what went wrong as the review found it,
// before the commit that adds the test fixed it (journal ids from
// AUTOINCREMENT, and every row not held in memory read by id).

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestReview20JournalRowIDsReusedAfterAnotherProcessEmptiesIt: window_journal's
// id is a plain INTEGER PRIMARY KEY (a rowid), so once the table is empty its
// next row is id 1 again. A command run beside the server (openStore: export,
// import, ledger verify, forward) reads the server's journal at Start and, at
// Close, writes it into service_windows and deletes every row. If the server
// was writing a snapshot in slices at that moment, its takenThrough (the last
// row id when it took the snapshot) now covers the rows it appends afterwards,
// whose windows are held only in its memory (pending) and in those rows: the
// commit of the snapshot's last slice deletes them. A crash then loses windows
// that were acknowledged.
func TestReview20JournalRowIDsReusedAfterAnotherProcessEmptiesIt(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	t1 := t0.Add(time.Hour)
	late := []string{"4478000000001", "4478000000002", "4478000000003"}
	if path := os.Getenv("OPTGATE_REVIEW20_ROWID_CHILD"); path != "" {
		a := startSQLite(t, path, time.Hour)
		for g := range 6 {
			var batch []string
			for i := g * 100; i < (g+1)*100; i++ {
				batch = append(batch, fmt.Sprintf("4477%08d", i))
			}
			queuePlain(t, a, t0, batch...) // journal rows 1..6
		}
		a.windows.lastTaken = time.Time{}
		queuePlain(t, a, t0, "447700000600") // row 7: takes a snapshot of 601 windows, 3 slices
		if a.windows.order == nil || a.windows.takenThrough != 7 {
			t.Fatalf("no snapshot taken through row 7: order %d, through %d", len(a.windows.order), a.windows.takenThrough)
		}
		// A command beside the server: starts (reads the journal), stops
		// (writes it all and empties the table).
		b := startSQLite(t, path, time.Hour)
		if err := b.Close(); err != nil {
			t.Fatal(err)
		}
		// The server goes on: each commit appends a row (ids 1, 2, 3 again)
		// and writes a slice; the last slice deletes ids <= 7.
		for _, wa := range late {
			queuePlain(t, a, t1, wa)
		}
		fmt.Printf("snapshot done %v, journal %d\n", a.windows.order == nil, countRows(t, a, "SELECT COUNT(*) FROM window_journal"))
		os.Exit(0) // a crash: nothing closed
	}
	path := filepath.Join(t.TempDir(), "optgate.db")
	out := crashChild(t, "OPTGATE_REVIEW20_ROWID_CHILD", path)
	t.Logf("child: %s", out)
	s := startSQLite(t, path, time.Hour)
	for _, wa := range late {
		if got := windowOf(t, s, wa); !got.Equal(t1) {
			t.Errorf("%s: window %v after the crash, want %v (acknowledged before the crash)", wa, got, t1)
		}
	}
}

// TestReview20StaleJournalCountDeletesAnotherProcessRows: whether the journal
// holds rows this store never read is decided by their number alone
// (flushAllWindows and takeWindows compare COUNT(*) with the rows the store
// counts as its own). A command run beside the server (openStore) reads the
// server's 5 journal rows at Start. The server then writes those into
// service_windows (its snapshot) and deletes them, and appends 5 rows of new
// windows. When the command stops, the journal again holds 5 rows, as it
// believes: it writes only the stale windows it read at Start and deletes
// every row, the server's new ones among them. Those windows are then held
// only in the server's memory: a crash loses them.
func TestReview20StaleJournalCountDeletesAnotherProcessRows(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	t1 := t0.Add(time.Hour)
	early := []string{"4477000000001", "4477000000002", "4477000000003", "4477000000004", "4477000000005"}
	late := []string{"4478000000001", "4478000000002", "4478000000003", "4478000000004", "4478000000005"}
	if path := os.Getenv("OPTGATE_REVIEW20_COUNT_CHILD"); path != "" {
		a := startSQLite(t, path, time.Hour)
		for _, wa := range early {
			queuePlain(t, a, t0, wa) // journal rows 1..5
		}
		b := startSQLite(t, path, time.Hour) // a command beside the server: reads rows 1..5
		a.windows.lastTaken = time.Time{}
		queuePlain(t, a, t0, "4477000000006") // row 6 takes a snapshot (one slice)
		for _, wa := range late {
			queuePlain(t, a, t1, wa) // rows 7..11; the first writes the slice and deletes rows 1..6
		}
		if a.windows.order != nil {
			t.Fatal("the server's snapshot is not complete")
		}
		if err := b.Close(); err != nil { // the command stops
			t.Fatal(err)
		}
		fmt.Printf("journal %d\n", countRows(t, a, "SELECT COUNT(*) FROM window_journal"))
		os.Exit(0) // the server crashes
	}
	path := filepath.Join(t.TempDir(), "optgate.db")
	out := crashChild(t, "OPTGATE_REVIEW20_COUNT_CHILD", path)
	t.Logf("child: %s", out)
	s := startSQLite(t, path, time.Hour)
	for _, wa := range late {
		if got := windowOf(t, s, wa); !got.Equal(t1) {
			t.Errorf("%s: window %v after the crash, want %v (acknowledged before the crash)", wa, got, t1)
		}
	}
}
