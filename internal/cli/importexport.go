package cli

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/optgate/optgate/internal/consent"
	"github.com/optgate/optgate/internal/gate"
	"github.com/optgate/optgate/internal/optin"
	"github.com/optgate/optgate/internal/store"
)

// maxBadShown bounds the bad rows listed one by one; all are counted.
const maxBadShown = 200

// openAccount loads the configuration, opens the store (whose schema must be
// current) and builds the core, for the commands that work on one account.
func openAccount(ctx context.Context, cf *configFlags, accountID string, getenv func(string) string) (*store.Store, *gate.Gate, *gate.Account, error) {
	cfg, err := cf.load(getenv)
	if err != nil {
		return nil, nil, nil, err
	}
	if accountID == "" {
		if len(cfg.Accounts) != 1 {
			return nil, nil, nil, &usageError{"--account ID is required: the configuration has several accounts"}
		}
		accountID = cfg.Accounts[0].ID
	}
	st, err := openStore(ctx, cfg.Database)
	if err != nil {
		return nil, nil, nil, err
	}
	g, err := gate.New(&cfg, gate.Options{Store: st})
	if err != nil {
		st.Close()
		return nil, nil, nil, err
	}
	a, ok := g.Account(accountID)
	if !ok {
		st.Close()
		return nil, nil, nil, &usageError{fmt.Sprintf("--account %q is not in the configuration", accountID)}
	}
	if err := st.EnsureAccounts(ctx, []string{a.ID}); err != nil {
		st.Close()
		return nil, nil, nil, err
	}
	return st, g, a, nil
}

// progress prints a line on stderr, rewritten in place at most a few times a second.
type progress struct {
	w     io.Writer
	verb  string
	total int
	start time.Time
	last  time.Time
}

func (p *progress) update(n int, force bool) {
	now := time.Now()
	if !force && now.Sub(p.last) < 200*time.Millisecond {
		return
	}
	p.last = now
	rate := float64(n) / max(now.Sub(p.start).Seconds(), 1e-3)
	if p.total > 0 {
		const width = 30
		done := width * n / p.total
		fmt.Fprintf(p.w, "\r%s [%s%s] %d/%d rows (%d%%), %.0f rows/s ", p.verb, strings.Repeat("#", done), strings.Repeat(".", width-done),
			n, p.total, 100*n/p.total, rate)
	} else {
		fmt.Fprintf(p.w, "\r%s %d rows, %.0f rows/s ", p.verb, n, rate)
	}
}

func (p *progress) done(n int) {
	p.update(n, true)
	fmt.Fprintln(p.w)
}

// runImport is `optgate import consents FILE.csv`: it reads and checks every
// row first, keeping the valid ones in a spool file, and imports nothing if
// any row is bad unless --skip-bad; then it appends the rows in batches.
func runImport(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "consents" {
		return &usageError{"usage: optgate import consents FILE.csv --config FILE [--account ID] [--skip-bad]"}
	}
	fs := flag.NewFlagSet("import consents", flag.ContinueOnError)
	var cf configFlags
	cf.register(fs)
	accountID := fs.String("account", "", "the account to import into (required with several accounts)")
	skipBad := fs.Bool("skip-bad", false, "import the good rows of a file that has bad ones")
	quiet := fs.Bool("quiet", false, "no progress bar")
	// The file may come before or after the flags.
	path, rest := "", args[1:]
	if len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
		path, rest = rest[0], rest[1:]
	}
	fs.SetOutput(stderr)
	if err := fs.Parse(rest); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return errHelp
		}
		return &usageError{err.Error()}
	}
	switch {
	case fs.NArg() == 1 && path == "":
		path = fs.Arg(0)
	case fs.NArg() > 0:
		return &usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(fs.NArg()-1))}
	}
	if path == "" {
		return &usageError{"import consents: which file? (FILE.csv, or - for standard input)"}
	}
	in, name := stdin, "stdin"
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		in, name = f, filepath.Base(path)
	}
	st, _, a, err := openAccount(ctx, &cf, *accountID, getenv)
	if err != nil {
		return err
	}
	defer st.Close()
	progressOut := stderr
	if *quiet {
		progressOut = io.Discard
	}
	defer importGC(getenv)()

	// Pass 1: check every row; keep the good ones, normalized, in a spool.
	spool, err := os.CreateTemp("", "optgate-import-*.spool")
	if err != nil {
		return err
	}
	defer os.Remove(spool.Name())
	defer spool.Close()
	sw := bufio.NewWriterSize(spool, 1<<20)
	check := &progress{w: progressOut, verb: "checking ", start: time.Now()}
	res, err := checkRows(ctx, bufio.NewReaderSize(in, 1<<20), name, a.Rules, sw, func(n int) { check.update(n, false) },
		func(re *optin.RowError, n int) {
			if n <= maxBadShown {
				fmt.Fprintf(stderr, "\r%s: %v\n", name, re)
			}
		})
	if err != nil {
		return fmt.Errorf("%s: %w; nothing was imported", name, err)
	}
	good, bad, keyless := res.good, res.bad, res.keyless
	check.done(good + bad + keyless)
	if bad > maxBadShown {
		fmt.Fprintf(stderr, "%s: ... and %d more bad rows\n", name, bad-maxBadShown)
	}
	if bad > 0 && !*skipBad {
		return fmt.Errorf("%s: %d of %d rows are bad; nothing was imported (fix them, or import the %d good rows with --skip-bad)", name, bad, good+bad+keyless, good)
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	if _, err := spool.Seek(0, io.SeekStart); err != nil {
		return err
	}

	// Pass 2: append the good rows, a batch per transaction.
	imp := &progress{w: progressOut, verb: "importing", total: good, start: time.Now()}
	total, err := importSpool(ctx, st, a, bufio.NewReaderSize(spool, 1<<20), func(n int) { imp.update(n, false) })
	if err != nil {
		return fmt.Errorf("%s: import stopped after %d rows (run it again: rows already imported are skipped): %w", name, total.Imported+total.Duplicates+total.Skipped, err)
	}
	imp.done(good)
	fmt.Fprintf(stdout, "%s: %d rows: %d imported, %d imported before, %d opt-ins skipped (a newer opt-out is on record), %d bad",
		name, good+bad+keyless, total.Imported, total.Duplicates, total.Skipped, bad)
	if keyless > 0 {
		fmt.Fprintf(stdout, ", %d of previous owners skipped (records that lost their number: no send reaches them)", keyless)
	}
	fmt.Fprintln(stdout)
	return nil
}

// importGC sets the garbage collector for an import, unless the operator
// set GOGC or GOMEMLIMIT, and returns what sets it back. An import allocates
// fast and keeps little (a few batches of rows), so the default, a
// collection each time the heap doubles its live part, runs the collector
// very often for nothing: letting the heap grow to five times its live part
// takes a fifth of the collections (about a sixth of the import's time), and
// the soft limit keeps the heap under importHeapLimit whatever the file (a
// 1,000,000-row import peaks at 116 MB resident, SQLite's memory included).
// The settings are the process's: imports that overlap in one process (tests)
// share them, and the last to end sets them back.
func importGC(getenv func(string) string) (restore func()) {
	if getenv("GOGC") != "" || getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	gcState.Lock()
	defer gcState.Unlock()
	if gcState.imports == 0 {
		gcState.percent = debug.SetGCPercent(importGCPercent)
		gcState.limit = debug.SetMemoryLimit(importHeapLimit())
	}
	gcState.imports++
	return func() {
		gcState.Lock()
		defer gcState.Unlock()
		if gcState.imports--; gcState.imports == 0 {
			debug.SetGCPercent(gcState.percent)
			debug.SetMemoryLimit(gcState.limit)
		}
	}
}

// gcState is what importGC changed, and for how many imports.
var gcState struct {
	sync.Mutex
	imports int
	percent int
	limit   int64
}

// importGCPercent is GOGC during an import: see importGC.
const importGCPercent = 400

// importHeapLimit is the soft heap limit during an import: 64 MiB, and 4 MiB
// more per CPU for the chunks that the checkers hold (checkRows).
func importHeapLimit() int64 { return 64<<20 + int64(runtime.GOMAXPROCS(0))*(4<<20) }

// runExport is `optgate export consents`: every consent event of an account,
// in chain order, as CSV (which imports again) or JSON lines.
func runExport(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "consents" {
		return &usageError{"usage: optgate export consents --config FILE [--account ID] [--format csv|jsonl] [--output FILE]"}
	}
	fs := flag.NewFlagSet("export consents", flag.ContinueOnError)
	var cf configFlags
	cf.register(fs)
	accountID := fs.String("account", "", "the account to export (required with several accounts)")
	format := fs.String("format", "csv", "csv or jsonl")
	output := fs.String("output", "", "write to this file instead of standard output")
	if err := parseFlags(fs, args[1:], stderr); err != nil {
		return err
	}
	if *format != "csv" && *format != "jsonl" {
		return &usageError{fmt.Sprintf("--format must be csv or jsonl, got %q", *format)}
	}
	st, _, a, err := openAccount(ctx, &cf, *accountID, getenv)
	if err != nil {
		return err
	}
	defer st.Close()
	out := stdout
	if *output != "" {
		f, err := os.Create(*output)
		if err != nil {
			return err
		}
		defer f.Close()
		out = f
	}
	bw := bufio.NewWriterSize(out, 1<<20)
	n, err := exportConsents(ctx, st, a.ID, *format, bw)
	if err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "exported %d consent events of account %s\n", n, a.ID)
	return nil
}

func exportConsents(ctx context.Context, st *store.Store, accountID, format string, w io.Writer) (int, error) {
	cw := csv.NewWriter(w)
	enc := json.NewEncoder(w)
	if format == "csv" {
		if err := cw.Write(optin.ExportColumns); err != nil {
			return 0, err
		}
	}
	var seq int64
	n := 0
	for {
		rows, err := st.ExportEvents(ctx, accountID, seq, 5000)
		if err != nil {
			return n, err
		}
		for _, r := range rows {
			number := ""
			if r.WAID != "" {
				number = "+" + r.WAID
			}
			topic := r.Scope
			if t, ok := consent.Scope(r.Scope).Topic(); ok {
				topic = t
			}
			occurred, recorded := r.OccurredAt.Format(time.RFC3339Nano), r.RecordedAt.Format(time.RFC3339Nano)
			if format == "csv" {
				err = cw.Write([]string{number, r.UserID, topic, r.Action, occurred, r.Source, r.Evidence, r.Reason, r.Actor,
					strconv.FormatInt(r.Seq, 10), recorded, r.Hash})
			} else {
				err = enc.Encode(map[string]any{"seq": r.Seq, "number": number, "user_id": r.UserID, "action": r.Action, "scope": r.Scope,
					"source": r.Source, "evidence": json.RawMessage(r.Evidence), "reason": r.Reason, "actor": r.Actor,
					"occurred_at": occurred, "recorded_at": recorded, "hash": r.Hash})
			}
			if err != nil {
				return n, err
			}
			seq = r.Seq
			n++
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return n, err
		}
		if len(rows) < 5000 {
			return n, nil
		}
	}
}
