package optin

import (
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/optgate/optgate/internal/consent"
)

// ImportColumns are the columns of a consent CSV, in the order optgate
// writes them. A file needs number (or user_id), action and time; the header
// names the columns, in any order.
var ImportColumns = []string{"number", "user_id", "topic", "action", "time", "source", "evidence", "reason"}

// ExportColumns are the columns optgate export writes: the import columns
// first (so an export imports again), then the ledger's own.
var ExportColumns = append(slices.Clone(ImportColumns), "actor", "seq", "recorded_at", "hash")

// columnAliases are other header names people use for a column.
var columnAliases = map[string]string{
	"phone": "number", "wa_id": "number", "msisdn": "number", "phone_number": "number", "telefone": "number",
	"scope": "topic", "occurred_at": "time", "date": "time", "timestamp": "time",
}

// Row is one valid consent row of an import.
type Row struct {
	Line       int // in the file, from 1 (the header)
	WAID       string
	UserID     string
	Action     consent.Action
	Scope      consent.Scope
	OccurredAt time.Time
	Source     string
	Evidence   map[string]any
	// EvidenceJSON is Evidence as json.Marshal writes it (keys sorted),
	// before Next added the import's file and line: what Key hashes.
	EvidenceJSON []byte
	Reason       string
	// Key is the row's idempotency key: the same person, scope, action,
	// time, source and evidence are the same row, whatever file or line it
	// is on.
	Key string
}

// RowError is a row that cannot be imported, and why.
type RowError struct {
	Line    int
	Message string
}

func (e *RowError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Message) }

// Reader reads and validates a consent CSV one row at a time, so a file of
// any size takes little memory.
type Reader struct {
	cr    *csv.Reader
	rules *consent.Rules
	now   func() time.Time
	col   map[string]int
	file  string
	// export: the file is an optgate export (it has the ledger's hash
	// column), whose rows without keys are a previous owner's events.
	export bool
}

// ErrKeyless is what Next returns for a row of an optgate export with
// neither a number nor a user id: an event of a record that lost its number
// to someone who moved onto it (a previous owner, whom no send can reach).
// It governs nothing where it was exported from, and is not imported; it
// is no error in the file.
var ErrKeyless = errors.New("a previous owner's event, without a number or user id")

// NewReader reads the header of a consent CSV. file names the file in each
// row's evidence. The header must name the number (or user_id), action and
// time columns; unknown columns are an error, so a typo does not drop data.
func NewReader(r io.Reader, file string, rules *consent.Rules, now func() time.Time) (*Reader, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	if now == nil {
		now = time.Now
	}
	head, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &RowError{Line: 1, Message: "the file is empty: want a header line such as " + strings.Join(ImportColumns[:6], ",")}
		}
		return nil, &RowError{Line: 1, Message: "header: " + csvMessage(err)}
	}
	rd := &Reader{cr: cr, rules: rules, now: now, col: map[string]int{}, file: file}
	for i, h := range head {
		name := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if a, ok := columnAliases[name]; ok {
			name = a
		}
		if !slices.Contains(ExportColumns, name) {
			return nil, &RowError{Line: 1, Message: fmt.Sprintf("header: unknown column %q (columns: %s)", h, strings.Join(ImportColumns, ", "))}
		}
		if _, dup := rd.col[name]; dup {
			return nil, &RowError{Line: 1, Message: fmt.Sprintf("header: column %q is given twice", name)}
		}
		rd.col[name] = i
	}
	_, rd.export = rd.col["hash"]
	_, hasNum := rd.col["number"]
	_, hasUser := rd.col["user_id"]
	if !hasNum && !hasUser {
		return nil, &RowError{Line: 1, Message: "header: a number (or user_id) column is required"}
	}
	for _, c := range []string{"action", "time"} {
		if _, ok := rd.col[c]; !ok {
			return nil, &RowError{Line: 1, Message: fmt.Sprintf("header: a %s column is required", c)}
		}
	}
	return rd, nil
}

func csvMessage(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// Next returns the next row. A row that is not valid comes back as a
// *RowError, and Next may be called again; io.EOF ends the file. Any other
// error is the reader's and ends it.
func (rd *Reader) Next() (Row, error) {
	rec, err := rd.cr.Read()
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			if errors.Is(pe.Err, csv.ErrFieldCount) {
				return Row{}, &RowError{Line: pe.Line, Message: pe.Err.Error()}
			}
			// A broken quote may swallow the rest of the file: stop here.
			return Row{}, fmt.Errorf("line %d: %s", pe.StartLine, pe.Err)
		}
		return Row{}, err
	}
	line, _ := rd.cr.FieldPos(0) // only after a record was read: it panics otherwise
	get := func(name string) string {
		if i, ok := rd.col[name]; ok && i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	bad := func(format string, args ...any) (Row, error) {
		return Row{}, &RowError{Line: line, Message: fmt.Sprintf(format, args...)}
	}
	r := Row{Line: line, Source: consent.SourceImport}
	if n := get("number"); n != "" {
		e164, err := consent.NormalizePhone(n)
		if err != nil {
			return bad("number %q is not a valid phone number (write it with the country code, e.g. +5511987654321)", truncateRunes(n, 40))
		}
		r.WAID = e164[1:]
	}
	if u := get("user_id"); u != "" {
		if !consent.IsUserID(u) {
			return bad("user_id %q is not a business-scoped user id such as US.13491208655302741918", truncateRunes(u, 80))
		}
		r.UserID = u
	}
	if r.WAID == "" && r.UserID == "" {
		if rd.export {
			return Row{Line: line}, ErrKeyless
		}
		return bad("number is empty")
	}
	switch a := strings.ToLower(get("action")); a {
	case "opt_in", "optin", "opt-in", "in":
		r.Action = consent.OptIn
	case "opt_out", "optout", "opt-out", "out":
		r.Action = consent.OptOut
	case "resume":
		// Meta's resume of marketing messages, as an export writes it.
		r.Action = consent.Resume
	default:
		return bad("action %q must be opt_in or opt_out", truncateRunes(a, 40))
	}
	sc, err := ParseScope(get("topic"), rd.rules)
	if err != nil {
		return bad("%s", consent.ErrorMessage(err))
	}
	if r.Action == consent.Resume && sc != consent.CategoryScope(consent.Marketing) {
		return bad("a resume is of category:marketing (WhatsApp's marketing setting), not %s", sc)
	}
	r.Scope = sc
	t, err := ParseTime(get("time"))
	if err != nil {
		return bad("%v", err)
	}
	if t.After(rd.now().Add(5 * time.Minute)) {
		return bad("time %s is in the future", t.Format(time.RFC3339))
	}
	r.OccurredAt = t
	if s := get("source"); s != "" {
		if len(s) > 64 {
			return bad("source is longer than 64 characters")
		}
		r.Source = s
	}
	r.Reason = truncateRunes(get("reason"), 500)
	evidence := get("evidence")
	if strings.HasPrefix(evidence, "{") {
		if err := json.Unmarshal([]byte(evidence), &r.Evidence); err != nil {
			return bad("evidence is not a valid JSON object: %v", err)
		}
	} else if evidence != "" {
		r.Evidence = map[string]any{"text": evidence}
	}
	if r.Action == consent.OptIn && len(r.Evidence) == 0 {
		return bad("an opt-in needs evidence: what the person saw or said, and where")
	}
	ev, _ := json.Marshal(r.Evidence)
	h := sha256.New()
	for _, p := range []string{r.WAID, r.UserID, string(r.Action), string(r.Scope), strconv.FormatInt(r.OccurredAt.UnixMilli(), 10), r.Source, string(ev), r.Reason} {
		fmt.Fprintf(h, "%d:%s", len(p), p)
	}
	r.Key = hex.EncodeToString(h.Sum(nil))
	if now := rd.now(); r.OccurredAt.After(now) {
		// A little ahead (a clock running fast): recorded as now, as the
		// API does, or it would outrank what the person says in the next
		// minutes. The key keeps the time as the file gives it, so the
		// same file imported again is the same rows.
		r.OccurredAt = now.UTC()
	}
	r.EvidenceJSON = ev
	if r.Evidence == nil {
		r.Evidence = map[string]any{}
	}
	r.Evidence["import"] = map[string]any{"file": rd.file, "line": line}
	return r, nil
}

// ParseScope reads the topic column: empty or "all" for every topic,
// "category:marketing" for a category, else one of the account's topics.
func ParseScope(s string, rules *consent.Rules) (consent.Scope, error) {
	switch {
	case s == "" || strings.EqualFold(s, "all"):
		return consent.ScopeAll, nil
	case strings.HasPrefix(s, "category:"):
		c := consent.Category(strings.TrimPrefix(s, "category:"))
		if !c.Valid() {
			return "", consent.Errorf(consent.EInvalid, "category %q is not marketing, utility or authentication", c)
		}
		return consent.CategoryScope(c), nil
	}
	id := strings.TrimPrefix(s, "topic:")
	if _, ok := rules.Topics[id]; !ok {
		return "", consent.Errorf(consent.EInvalid, "topic %q is not one of the account's topics", truncateRunes(id, 40))
	}
	return consent.TopicScope(id), nil
}

// ParseTime reads a consent time: RFC 3339, "2006-01-02 15:04:05" (UTC) or a
// date (midnight UTC).
func ParseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, errors.New("time is empty: when did the person give or withdraw consent?")
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05", "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("time %q is not RFC 3339 (2025-11-20T14:03:00Z), 2025-11-20 14:03:00 or 2025-11-20", truncateRunes(s, 40))
}

func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
