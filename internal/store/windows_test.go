package store

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/optgate/optgate/internal/consent"
)

// The service windows of plain messages on SQLite are held in memory and in
// window_journal, and written into service_windows in slices (windows.go).

// startSQLite opens, migrates and starts a store on the SQLite file, with
// the writer's idle flush after idle.
func startSQLite(t *testing.T, path string, idle time.Duration) *Store {
	t.Helper()
	ctx := context.Background()
	s, err := Open(ctx, "sqlite:"+path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	s.windowIdle = idle
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.EnsureAccounts(ctx, []string{acctA, acctB}); err != nil {
		t.Fatal(err)
	}
	return s
}

// queuePlain writes one plain message from each number, in one group commit.
func queuePlain(t *testing.T, s *Store, at time.Time, waIDs ...string) {
	t.Helper()
	err := s.Write(context.Background(), func(ctx context.Context, tx *Tx) error {
		for i, wa := range waIDs {
			m := Inbound{AccountID: acctA, MessageID: fmt.Sprintf("wamid.%s.%d.%d", wa, at.UnixMilli(), i), PhoneNumberID: "phone-1", Type: "text", SentAt: at}
			if err := tx.QueueMessage(ctx, ContactSeen{Key: consent.ContactKey{WAID: wa}}, m, true, func(bool) {}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func countRows(t *testing.T, s *Store, query string, args ...any) int {
	t.Helper()
	var n int
	if err := s.db.QueryRowContext(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// windowOf is the window a send decision sees for the number.
func windowOf(t *testing.T, s *Store, waID string) time.Time {
	t.Helper()
	_, st, err := s.DecisionState(context.Background(), acctA, consent.ContactKey{WAID: waID}, "phone-1")
	if err != nil {
		t.Fatalf("decision state of %s: %v", waID, err)
	}
	return st.LastInbound
}

// crashChild runs the calling test again in a child process, with env set
// to the database's path (the child's part of the test runs the store and
// exits without closing it), and returns what the child printed.
func crashChild(t *testing.T, env, path string) []byte {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^"+t.Name()+"$", "-test.count=1")
	cmd.Env = append(os.Environ(), env+"="+path)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	return out
}

// TestWindowJournalSurvivesACrash: windows that were only in memory and in
// the journal when the process died (os.Exit, nothing closed) are there
// after a restart, for send decisions at once; a clean stop then writes them
// into service_windows and leaves the journal empty.
func TestWindowJournalSurvivesACrash(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	people := []string{"5511987650001", "5511987650002", "4915112345678"}
	if path := os.Getenv("OPTGATE_WINDOWS_CRASH_CHILD"); path != "" {
		s := startSQLite(t, path, time.Hour)
		queuePlain(t, s, t0, people...)
		queuePlain(t, s, t0.Add(time.Minute), people[0])
		fmt.Printf("journal %d, windows %d\n", countRows(t, s, "SELECT COUNT(*) FROM window_journal"),
			countRows(t, s, "SELECT COUNT(*) FROM service_windows"))
		os.Exit(0) // no Close: the writer stops where it is
	}
	path := filepath.Join(t.TempDir(), "optgate.db")
	out := crashChild(t, "OPTGATE_WINDOWS_CRASH_CHILD", path)
	if want := "journal 2, windows 0\n"; string(out) != want {
		t.Fatalf("child printed %q, want %q: the windows should be in the journal only", out, want)
	}

	s := startSQLite(t, path, time.Hour)
	for i, wa := range people {
		want := t0
		if i == 0 {
			want = t0.Add(time.Minute)
		}
		if got := windowOf(t, s, wa); !got.Equal(want) {
			t.Errorf("%s: window %v after the crash, want %v", wa, got, want)
		}
		c, err := s.FindContact(context.Background(), acctA, consent.ContactKey{WAID: wa})
		if err != nil {
			t.Fatal(err)
		}
		if st, err := s.State(context.Background(), c.ID, "phone-1"); err != nil || !st.LastInbound.Equal(want) {
			t.Errorf("%s: state window %v, %v; want %v", wa, st.LastInbound, err, want)
		}
	}
	// A store that only read the journal (a command such as ledger verify)
	// leaves it as it found it.
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = startSQLite(t, path, time.Hour)
	if n := countRows(t, s, "SELECT COUNT(*) FROM window_journal"); n != 2 {
		t.Errorf("journal rows after a store that only read them stopped: %d, want 2", n)
	}
	// One that takes webhooks writes everything out when it stops.
	queuePlain(t, s, t0.Add(2*time.Minute), "4915112345679")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = startSQLite(t, path, time.Hour)
	if n := countRows(t, s, "SELECT COUNT(*) FROM window_journal"); n != 0 {
		t.Errorf("journal rows after a clean stop: %d, want 0", n)
	}
	for at, want := range map[time.Time]int{t0: 2, t0.Add(time.Minute): 1, t0.Add(2 * time.Minute): 1} {
		if n := countRows(t, s, "SELECT COUNT(*) FROM service_windows WHERE last_inbound_at = ?", at.UnixMilli()); n != want {
			t.Errorf("windows written at %v: %d, want %d", at, n, want)
		}
	}
}

// TestWindowsInMemoryCarriedByNumberChange: a person's window held in
// memory under the other form of their Brazilian number (a record of its
// own) moves with them when they change numbers: the merge that carries it
// reads service_windows, so what memory holds is written there first.
func TestWindowsInMemoryCarriedByNumberChange(t *testing.T) {
	s := startSQLite(t, filepath.Join(t.TempDir(), "optgate.db"), time.Hour)
	ctx := context.Background()
	t0 := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	upsert(t, s, acctA, ContactSeen{Key: consent.ContactKey{WAID: "5511987654321"}})
	queuePlain(t, s, t0, "551187654321") // the same person, the form without the 9
	if n := countRows(t, s, "SELECT COUNT(*) FROM service_windows"); n != 0 {
		t.Fatalf("%d windows in the table; the test wants the window in memory only", n)
	}
	err := s.Write(ctx, func(ctx context.Context, tx *Tx) error {
		_, err := tx.ChangeNumber(ctx, acctA, "5511987654321", "5511912345678", "wamid.change", t0.Add(time.Minute).UnixMilli())
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := windowOf(t, s, "5511912345678"); !got.Equal(t0) {
		t.Errorf("window on the new number %v, want %v (carried from the other form)", got, t0)
	}
	if n := countRows(t, s, "SELECT COUNT(*) FROM window_journal"); n != 0 {
		t.Errorf("journal rows after the change: %d, want 0 (written into the table)", n)
	}
}

// TestWindowSnapshotInSlices: a snapshot of the windows held is written a
// slice per group commit, in key order, and the commit of the last slice
// deletes its journal rows; windows moved meanwhile stay in memory and in
// the journal. Every window reads right at every step.
func TestWindowSnapshotInSlices(t *testing.T) {
	s := startSQLite(t, filepath.Join(t.TempDir(), "optgate.db"), time.Hour)
	t0 := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	const people = 3000
	wa := func(i int) string { return fmt.Sprintf("4477%08d", i) }
	want := map[string]time.Time{}
	for g := range people / 100 {
		var batch []string
		for i := g * 100; i < (g+1)*100; i++ {
			batch = append(batch, wa(i))
			want[wa(i)] = t0
		}
		queuePlain(t, s, t0, batch...)
	}
	check := func(step string) {
		t.Helper()
		for i := 0; i < people; i += 97 {
			if got := windowOf(t, s, wa(i)); !got.Equal(want[wa(i)]) {
				t.Fatalf("%s: %s window %v, want %v", step, wa(i), got, want[wa(i)])
			}
		}
	}
	check("journalled")
	if n := countRows(t, s, "SELECT COUNT(*) FROM window_journal"); n != people/100 {
		t.Fatalf("journal rows %d, want %d", n, people/100)
	}
	s.windows.lastTaken = time.Time{} // a snapshot is due
	commits := 0
	for {
		commits++
		at := t0.Add(time.Duration(commits) * time.Second)
		queuePlain(t, s, at, wa(commits*7))
		want[wa(commits*7)] = at
		check(fmt.Sprintf("commit %d", commits))
		written := countRows(t, s, "SELECT COUNT(*) FROM service_windows")
		if s.windows.order == nil {
			if written < people {
				t.Fatalf("snapshot complete after %d commits with %d windows written", commits, written)
			}
			break
		}
		if written >= people {
			t.Fatalf("commit %d: all %d windows written, the snapshot still open", commits, written)
		}
		if commits > windowFlushSlices {
			t.Fatalf("snapshot not complete after %d commits", commits)
		}
	}
	// One commit takes it, then a slice of max(256, 3000/16) windows each.
	slice := max(windowSliceMin, (people+windowFlushSlices-1)/windowFlushSlices)
	if want := 1 + (people+slice-1)/slice; commits != want {
		t.Fatalf("the snapshot took %d commits, want %d: one to take it, then slices of %d", commits, want, slice)
	}
	// Its rows are gone; those of the commits after it was taken remain.
	if n := countRows(t, s, "SELECT COUNT(*) FROM window_journal"); n != commits-1 {
		t.Errorf("journal rows %d, want %d (the commits after the snapshot was taken)", n, commits-1)
	}
	// The table holds the snapshot: everyone at t0 but the one whose
	// message the commit that took it carried.
	if n := countRows(t, s, "SELECT COUNT(*) FROM service_windows WHERE last_inbound_at = ?", t0.UnixMilli()); n != people-1 {
		t.Errorf("windows at t0 in the table: %d, want %d", n, people-1)
	}
	check("after the snapshot")
}

// TestWindowJournalOfAnotherProcess: a second store on the same file (a
// command run beside the server) that writes everything held also writes
// the rows the first appended, which it never held; the first's windows
// are then in the table, and neither loses any.
func TestWindowJournalOfAnotherProcess(t *testing.T) {
	path := filepath.Join(t.TempDir(), "optgate.db")
	a := startSQLite(t, path, time.Hour)
	b := startSQLite(t, path, time.Hour)
	t0 := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	queuePlain(t, a, t0, "4477000000001", "4477000000002")
	err := b.Write(context.Background(), func(ctx context.Context, tx *Tx) error {
		tx.flushAll = true
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := countRows(t, b, "SELECT COUNT(*) FROM service_windows WHERE last_inbound_at = ?", t0.UnixMilli()); n != 2 {
		t.Fatalf("windows of the other store in the table: %d, want 2", n)
	}
	if n := countRows(t, b, "SELECT COUNT(*) FROM window_journal"); n != 0 {
		t.Fatalf("journal rows %d, want 0", n)
	}
	// The first goes on: a later message, and a snapshot of what it holds.
	queuePlain(t, a, t0.Add(time.Minute), "4477000000001")
	a.windows.lastTaken = time.Time{}
	queuePlain(t, a, t0.Add(2*time.Minute), "4477000000003")
	want := map[string]time.Time{"4477000000001": t0.Add(time.Minute), "4477000000002": t0, "4477000000003": t0.Add(2 * time.Minute)}
	for wa, at := range want {
		if got := windowOf(t, a, wa); !got.Equal(at) {
			t.Errorf("%s: window %v, want %v", wa, got, at)
		}
	}
	if err := a.Close(); err != nil { // writes everything a holds
		t.Fatal(err)
	}
	for wa, at := range want {
		if got := windowOf(t, b, wa); !got.Equal(at) {
			t.Errorf("%s: window %v read by the other store after the first stopped, want %v", wa, got, at)
		}
	}
	if n := countRows(t, b, "SELECT COUNT(*) FROM window_journal"); n != 0 {
		t.Errorf("journal rows %d after the first stopped, want 0", n)
	}
}

// TestWithWindowsReadsAgain: a read of the table that outlasts two
// completed snapshots may have missed windows that have left memory since:
// it is run again.
func TestWithWindowsReadsAgain(t *testing.T) {
	s := &Store{windows: newWindowCache()}
	t0 := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	reads := 0
	_, st, err := s.withWindows("phone-1", func(seen func(int64)) (int64, consent.State, error) {
		reads++
		seen(7)
		if reads == 1 {
			// Two snapshots complete while the table is read; the window,
			// written by the first, has left memory with the second.
			s.windows.snapshots.Add(2)
			return 7, consent.State{Known: true}, nil
		}
		return 7, consent.State{Known: true, LastInbound: t0}, nil
	})
	if err != nil || reads != 2 || !st.LastInbound.Equal(t0) {
		t.Fatalf("reads %d, window %v, %v; want 2 reads and the window", reads, st.LastInbound, err)
	}
	// One snapshot in between: its windows are still in memory (done).
	s.windows.done = map[windowKey]int64{{7, "phone-1"}: t0.UnixMilli()}
	reads = 0
	_, st, err = s.withWindows("phone-1", func(seen func(int64)) (int64, consent.State, error) {
		reads++
		seen(7)
		s.windows.snapshots.Add(1)
		return 7, consent.State{Known: true}, nil
	})
	if err != nil || reads != 1 || !st.LastInbound.Equal(t0) {
		t.Fatalf("reads %d, window %v, %v; want 1 read and the window from memory", reads, st.LastInbound, err)
	}
}

// TestJournalText: the journal's lines read back as written, any
// phone_number_id; a malformed line is an error, not a window.
func TestJournalText(t *testing.T) {
	ws := []windowEntry{{windowKey{1, "106540352242922"}, 1700000000000}, {windowKey{42, "odd id \"with\" spaces\nand a line"}, 5}}
	var got []windowEntry
	if err := parseWindows(string(appendWindows(nil, ws)), func(w windowEntry) { got = append(got, w) }); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != fmt.Sprint(ws) {
		t.Fatalf("read back %v, want %v", got, ws)
	}
	for _, bad := range []string{"1 2\n", "x 2 \"p\"\n", "1 2 p\n"} {
		if err := parseWindows(bad, func(windowEntry) { t.Errorf("%q gave a window", bad) }); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

// TestOneServingStorePerFile: a second serving store on a SQLite file is
// refused at Start, with the reason; a command's store starts beside it; once
// the first stops, another may serve.
func TestOneServingStorePerFile(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "optgate.db")
	open := func(serving bool) (*Store, error) {
		s, err := Open(ctx, "sqlite:"+path, Options{Serving: serving})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		if err := s.Start(ctx); err != nil {
			s.Close()
			return nil, err
		}
		t.Cleanup(func() { s.Close() })
		return s, nil
	}
	first, err := open(true)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := open(true); err == nil || !strings.Contains(err.Error(), "another optgate serve is using the database") {
		t.Fatalf("second serving store: %v, want refused", err)
	}
	if _, err := open(false); err != nil {
		t.Fatalf("a command's store beside the server: %v", err)
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := open(true); err != nil {
		t.Fatalf("serving after the first stopped: %v", err)
	}
}
