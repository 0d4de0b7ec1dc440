package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/optgate/optgate/internal/consent"
	"github.com/optgate/optgate/internal/gate"
	"github.com/optgate/optgate/internal/optin"
	"github.com/optgate/optgate/internal/store"
)

// importBatch is how many rows share one transaction: the store writes a
// batch with a fixed number of multi-row statements, so a bigger batch costs
// less per row, and 5,000 rows still commit in well under a second, far from
// the store's transaction timeout.
const importBatch = 5000

// checkChunk is how many bytes of the file one checker takes at a time.
const checkChunk = 256 << 10

// checkResult counts the rows pass 1 read.
type checkResult struct{ good, bad, keyless int }

// chunk is a run of whole CSV records, checked by one worker.
type chunk struct {
	data     []byte
	lineBase int // add to a line number of the checker's own reader to get the file's
	done     chan struct{}
	// What the worker made of it:
	spool   []byte // the good rows, encoded
	bad     []*optin.RowError
	good    int
	keyless int // rows of an export without keys (optin.ErrKeyless)
	fatal   error
}

// checkRows reads a consent CSV, checks every row with optin.Reader, and
// writes the good ones, with the file's line numbers, to spool in file order.
// The checks (number parsing above all) cost most of an import's CPU, so the
// file is cut into runs of whole records that the CPUs check at once; the
// records are cut where a newline is outside quotes, as encoding/csv reads
// them. Memory stays a few chunks per CPU whatever the file's size. badRow is
// called, in file order, with each bad row and how many there were so far;
// progress with the rows read so far.
func checkRows(ctx context.Context, in *bufio.Reader, name string, rules *consent.Rules, spool io.Writer,
	progress func(int), badRow func(*optin.RowError, int)) (checkResult, error) {
	var res checkResult
	header, headerLines, err := readRecord(in)
	if err != nil && !errors.Is(err, io.EOF) {
		return res, err
	}
	// The header is checked as the sequential reader checks it.
	if _, err := optin.NewReader(bytes.NewReader(header), name, rules, time.Now); err != nil {
		return res, err
	}
	workers := max(1, runtime.GOMAXPROCS(0))
	work := make(chan *chunk, workers)
	ordered := make(chan *chunk, 2*workers)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	// The splitter cuts the file into chunks of whole records.
	splitErr := make(chan error, 1)
	go func() {
		defer close(work)
		defer close(ordered)
		line := headerLines // newlines before the chunk
		var carry []byte
		for {
			buf := make([]byte, len(carry), len(carry)+checkChunk)
			copy(buf, carry)
			n, err := io.ReadFull(in, buf[len(buf):cap(buf)])
			buf = buf[:len(buf)+n]
			eof := errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
			if err != nil && !eof {
				splitErr <- err
				return
			}
			cut := len(buf)
			if !eof {
				cut = lastRecordEnd(buf)
				if cut < 0 {
					// A record longer than a chunk: read on until it ends.
					carry = buf
					continue
				}
			}
			carry = buf[cut:]
			c := &chunk{data: buf[:cut], lineBase: line - headerLines, done: make(chan struct{})}
			line += bytes.Count(c.data, []byte{'\n'})
			if len(c.data) > 0 {
				select {
				case ordered <- c:
				case <-ctx.Done():
					splitErr <- nil
					return
				}
				work <- c
			}
			if eof {
				splitErr <- nil
				return
			}
		}
	}()
	for range workers {
		go func() {
			for c := range work {
				checkChunkRows(c, header, name, rules)
				close(c.done)
			}
		}()
	}

	// Chunks are taken in file order: their rows go to the spool, their
	// bad rows to badRow, and the first fatal error stops everything.
	for c := range ordered {
		<-c.done
		for _, re := range c.bad {
			res.bad++
			badRow(re, res.bad)
		}
		if c.fatal != nil {
			cancel()
			for c := range ordered { // let the splitter and workers end
				<-c.done
			}
			return res, c.fatal
		}
		if _, err := spool.Write(c.spool); err != nil {
			cancel()
			for c := range ordered {
				<-c.done
			}
			return res, err
		}
		res.good += c.good
		res.keyless += c.keyless
		progress(res.good + res.bad + res.keyless)
	}
	if err := <-splitErr; err != nil {
		return res, err
	}
	return res, nil
}

// checkChunkRows checks the records of c with an optin.Reader of its own,
// fed the header then the chunk, and moves its line numbers to the file's.
func checkChunkRows(c *chunk, header []byte, name string, rules *consent.Rules) {
	rd, err := optin.NewReader(io.MultiReader(bytes.NewReader(header), bytes.NewReader(c.data)), name, rules, time.Now)
	if err != nil {
		c.fatal = err
		return
	}
	spool := make([]byte, 0, len(c.data)*2)
	for {
		r, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if errors.Is(err, optin.ErrKeyless) {
			c.keyless++
			continue
		}
		var re *optin.RowError
		if errors.As(err, &re) {
			re.Line += c.lineBase
			c.bad = append(c.bad, re)
			continue
		}
		if err != nil {
			c.fatal = shiftLine(err, c.lineBase)
			break
		}
		r.Line += c.lineBase
		evidence, ok := withImport(r.EvidenceJSON, name, r.Line)
		if !ok {
			r.Evidence["import"] = map[string]any{"file": name, "line": r.Line}
			if evidence, err = json.Marshal(r.Evidence); err != nil {
				c.fatal = fmt.Errorf("line %d: evidence: %v", r.Line, err)
				break
			}
		}
		spool = appendSpoolRow(spool, &r, evidence)
		c.good++
	}
	c.spool = spool
	c.data = nil
}

// withImport returns the evidence ev (a JSON object as json.Marshal writes
// a map, or null) with the import's file and line added under "import", as
// json.Marshal would write the map with them: the key in its sorted place.
// It writes the key into ev's text instead of encoding the whole map again,
// which was a tenth of a check's time. It declines (false) evidence whose
// own keys are escaped, or that has an "import" of its own: the caller
// encodes those.
func withImport(ev []byte, file string, line int) ([]byte, bool) {
	attr := make([]byte, 0, 32+len(file))
	attr = append(attr, `"import":{"file":`...)
	f, err := json.Marshal(file)
	if err != nil {
		return nil, false
	}
	attr = append(attr, f...)
	attr = append(attr, `,"line":`...)
	attr = strconv.AppendInt(attr, int64(line), 10)
	attr = append(attr, '}')
	out := make([]byte, 0, len(ev)+len(attr)+2)
	if string(ev) == "null" || string(ev) == "{}" {
		out = append(append(append(out, '{'), attr...), '}')
		return out, true
	}
	if len(ev) < 2 || ev[0] != '{' || ev[len(ev)-1] != '}' {
		return nil, false
	}
	// Walk the top-level keys to the first that sorts after "import".
	at := len(ev) - 1 // before the closing brace, by default
	for i := 1; i < len(ev)-1; {
		if ev[i] != '"' {
			return nil, false
		}
		end := bytes.IndexByte(ev[i+1:], '"')
		if end < 0 {
			return nil, false
		}
		key := ev[i+1 : i+1+end]
		if bytes.IndexByte(key, '\\') >= 0 {
			return nil, false
		}
		if c := bytes.Compare(key, []byte("import")); c == 0 {
			return nil, false
		} else if c > 0 {
			at = i
			break
		}
		i += end + 2
		if i >= len(ev) || ev[i] != ':' {
			return nil, false
		}
		i = skipJSONValue(ev, i+1)
		if i < 0 || i >= len(ev) {
			return nil, false
		}
		if ev[i] == ',' {
			i++
		}
	}
	out = append(out, ev[:at]...)
	if at == len(ev)-1 {
		out = append(out, ',')
		out = append(out, attr...)
	} else {
		out = append(out, attr...)
		out = append(out, ',')
	}
	return append(out, ev[at:]...), true
}

// skipJSONValue returns the index just past the JSON value that starts at
// i in valid, compact JSON (as json.Marshal writes it), or -1.
func skipJSONValue(b []byte, i int) int {
	depth := 0
	for ; i < len(b); i++ {
		switch b[i] {
		case '"':
			for i++; i < len(b) && b[i] != '"'; i++ {
				if b[i] == '\\' {
					i++
				}
			}
			if i >= len(b) {
				return -1
			}
		case '{', '[':
			depth++
		case '}', ']':
			if depth == 0 {
				return i
			}
			depth--
		case ',':
			if depth == 0 {
				return i
			}
		}
		if depth == 0 && (b[i] == '"' || b[i] == '}' || b[i] == ']') {
			return i + 1
		}
	}
	if depth == 0 {
		return i
	}
	return -1
}

// shiftLine moves the line number of a reader error ("line 7: ...") by base.
func shiftLine(err error, base int) error {
	msg := err.Error()
	rest, ok := strings.CutPrefix(msg, "line ")
	if !ok {
		return err
	}
	num, tail, ok := strings.Cut(rest, ":")
	n, aerr := strconv.Atoi(num)
	if !ok || aerr != nil {
		return err
	}
	return fmt.Errorf("line %d:%s", n+base, tail)
}

// readRecord reads one CSV record's bytes, up to and including the newline
// that ends it outside quotes, and counts its newlines.
func readRecord(in *bufio.Reader) ([]byte, int, error) {
	var rec []byte
	quoted := false
	lines := 0
	for {
		b, err := in.ReadByte()
		if err != nil {
			return rec, lines, err
		}
		rec = append(rec, b)
		switch b {
		case '"':
			quoted = !quoted
		case '\n':
			lines++
			if !quoted {
				return rec, lines, nil
			}
		}
	}
}

// lastRecordEnd returns the index just after the last newline of buf that
// ends a record (is outside quotes), or -1. A quote toggles quoting: "" inside
// a quoted field toggles it twice, and a quote anywhere else is an error that
// encoding/csv reports, in the chunk that holds it, before any later chunk
// counts.
func lastRecordEnd(buf []byte) int {
	quoted := false
	end := -1
	for i := 0; i < len(buf); {
		j := bytes.IndexAny(buf[i:], "\"\n")
		if j < 0 {
			break
		}
		i += j
		if buf[i] == '"' {
			quoted = !quoted
		} else if !quoted {
			end = i + 1
		}
		i++
	}
	return end
}

// The spool holds the checked rows, each as length-prefixed fields: quick to
// write and to read back, and the evidence already as the JSON that the
// ledger stores and hashes.
func appendSpoolRow(b []byte, r *optin.Row, evidence []byte) []byte {
	for _, s := range []string{r.Key, r.WAID, r.UserID, string(r.Action), string(r.Scope), r.Source, r.Reason} {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	b = binary.AppendUvarint(b, uint64(len(evidence)))
	b = append(b, evidence...)
	return binary.AppendVarint(b, r.OccurredAt.UnixMilli())
}

// readSpoolRow reads the next spooled row into r. Its fields are read into
// scratch, then made one string that they share: one allocation a row.
func readSpoolRow(in *bufio.Reader, r *store.ImportRow, scratch *[]byte) error {
	var end [8]int
	b := (*scratch)[:0]
	for i := range end {
		n, err := binary.ReadUvarint(in)
		if err != nil {
			if i == 0 && errors.Is(err, io.EOF) {
				return io.EOF
			}
			return fmt.Errorf("spool: %w", err)
		}
		b = slices.Grow(b, int(n))
		if _, err := io.ReadFull(in, b[len(b):len(b)+int(n)]); err != nil {
			return fmt.Errorf("spool: %w", err)
		}
		b = b[:len(b)+int(n)]
		end[i] = len(b)
	}
	*scratch = b
	at, err := binary.ReadVarint(in)
	if err != nil {
		return fmt.Errorf("spool: %w", err)
	}
	all := string(b)
	var f [8]string
	start := 0
	for i, e := range end {
		f[i] = all[start:e]
		start = e
	}
	*r = store.ImportRow{Key: f[0], WAID: f[1], UserID: f[2], Action: consent.Action(f[3]), Scope: consent.Scope(f[4]),
		Source: f[5], Reason: f[6], Evidence: f[7], OccurredAt: time.UnixMilli(at).UTC()}
	return nil
}

// importSpool appends the spooled rows to the account's ledger, a batch per
// transaction. The next batch is read while the store writes one.
func importSpool(ctx context.Context, st *store.Store, a *gate.Account, in *bufio.Reader, progress func(int)) (store.ImportCounts, error) {
	var total store.ImportCounts
	skip := func(scopes []consent.ScopeState, r *store.ImportRow) bool {
		return consent.OptInSuperseded(a.Rules, scopes, r.Scope, r.OccurredAt)
	}
	type batch struct {
		rows []store.ImportRow
		err  error
	}
	batches := make(chan batch, 1)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		defer close(batches)
		var scratch []byte
		for {
			rows := make([]store.ImportRow, 0, importBatch)
			var err error
			for len(rows) < importBatch {
				var r store.ImportRow
				if err = readSpoolRow(in, &r, &scratch); err != nil {
					break
				}
				rows = append(rows, r)
			}
			if errors.Is(err, io.EOF) {
				err = nil
			}
			if len(rows) > 0 || err != nil {
				select {
				case batches <- batch{rows, err}:
				case <-ctx.Done():
					return
				}
			}
			if err != nil || len(rows) < importBatch {
				return
			}
		}
	}()
	for b := range batches {
		if b.err != nil {
			return total, b.err
		}
		n, err := st.ImportBatch(ctx, a.ID, "import:"+a.ID, b.rows, skip)
		if err != nil {
			return total, err
		}
		total.Imported += n.Imported
		total.Duplicates += n.Duplicates
		total.Skipped += n.Skipped
		progress(total.Imported + total.Duplicates + total.Skipped)
	}
	return total, nil
}
