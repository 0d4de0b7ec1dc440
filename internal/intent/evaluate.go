package intent

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
)

// Tally counts correct answers in one group of a Report.
type Tally struct {
	N       int     `json:"n"`
	Correct int     `json:"correct"`
	Acc     float64 `json:"accuracy"`
}

func (t *Tally) add(ok bool) {
	t.N++
	if ok {
		t.Correct++
	}
	t.Acc = float64(t.Correct) / float64(t.N)
}

// EvalCase is one line of a labelled file that Detect got wrong.
type EvalCase struct {
	ID     string   `json:"id"`
	Lang   string   `json:"lang"`
	Text   string   `json:"text"`
	Label  Intent   `json:"label"`
	Accept []Intent `json:"accept"`
	Got    Result   `json:"got"`
}

// Report is the outcome of Evaluate.
//
// A prediction is correct when its intent is in the line's accept list. An
// Uncertain opt-out counts as opt_out: the caller asks before acting, but the
// question itself would be wrong for a message that is not about stopping.
type Report struct {
	Total   int `json:"total"`
	Correct int `json:"correct"`

	// Opt-out detection: TP = predicted opt_out and opt_out accepted;
	// FP = predicted opt_out and not accepted; FN = labelled opt_out, predicted otherwise.
	OptOutTP        int     `json:"opt_out_tp"`
	OptOutFP        int     `json:"opt_out_fp"`
	OptOutFN        int     `json:"opt_out_fn"`
	OptOutPrecision float64 `json:"opt_out_precision"`
	OptOutRecall    float64 `json:"opt_out_recall"`
	// FalseOptOutActed counts false opt-outs that were not Uncertain, i.e. that
	// would have silenced a person without asking.
	FalseOptOutActed int `json:"false_opt_out_acted"`
	// UncertainOptOut counts opt_out predictions flagged Uncertain.
	UncertainOptOut int `json:"uncertain_opt_out"`

	ByLabel map[Intent]*Tally `json:"by_label"`
	ByLang  map[string]*Tally `json:"by_lang"`
	Errors  []EvalCase        `json:"errors"`
}

// Evaluate runs d over a labelled TSV (columns id, lang, text, label, accept,
// note, with a header line; accept lists the tolerated intents separated by
// "|" or ",", empty meaning the label only) and scores it.
func Evaluate(d *Detector, r io.Reader) (Report, error) {
	rep := Report{ByLabel: map[Intent]*Tally{}, ByLang: map[string]*Tally{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	col := map[string]int{}
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(text) == "" || strings.HasPrefix(text, "#") {
			continue
		}
		f := strings.Split(text, "\t")
		if len(col) == 0 {
			for i, name := range f {
				col[strings.TrimSpace(strings.ToLower(name))] = i
			}
			for _, need := range []string{"id", "lang", "text", "label"} {
				if _, ok := col[need]; !ok {
					return rep, fmt.Errorf("intent: evaluate: header has no %q column", need)
				}
			}
			continue
		}
		get := func(name string) string {
			if i, ok := col[name]; ok && i < len(f) {
				return f[i]
			}
			return ""
		}
		label := Intent(strings.TrimSpace(get("label")))
		if !validIntent(label) && label != None {
			return rep, fmt.Errorf("intent: evaluate: line %d: unknown label %q", line, label)
		}
		accept := []Intent{label}
		if a := strings.TrimSpace(get("accept")); a != "" {
			accept = accept[:0]
			for _, p := range strings.FieldsFunc(a, func(r rune) bool { return r == '|' || r == ',' }) {
				in := Intent(strings.TrimSpace(p))
				if !validIntent(in) && in != None {
					return rep, fmt.Errorf("intent: evaluate: line %d: unknown accepted intent %q", line, in)
				}
				accept = append(accept, in)
			}
		}
		res := d.Detect(get("text"))
		ok := slices.Contains(accept, res.Intent)
		rep.Total++
		if ok {
			rep.Correct++
		}
		lt := rep.ByLabel[label]
		if lt == nil {
			lt = &Tally{}
			rep.ByLabel[label] = lt
		}
		lt.add(ok)
		lang := get("lang")
		gt := rep.ByLang[lang]
		if gt == nil {
			gt = &Tally{}
			rep.ByLang[lang] = gt
		}
		gt.add(ok)
		if res.Intent == OptOut {
			if res.Uncertain {
				rep.UncertainOptOut++
			}
			if slices.Contains(accept, OptOut) {
				rep.OptOutTP++
			} else {
				rep.OptOutFP++
				if !res.Uncertain {
					rep.FalseOptOutActed++
				}
			}
		} else if label == OptOut {
			rep.OptOutFN++
		}
		if !ok {
			rep.Errors = append(rep.Errors, EvalCase{ID: get("id"), Lang: lang, Text: get("text"), Label: label, Accept: accept, Got: res})
		}
	}
	if err := sc.Err(); err != nil {
		return rep, fmt.Errorf("intent: evaluate: %w", err)
	}
	if n := rep.OptOutTP + rep.OptOutFP; n > 0 {
		rep.OptOutPrecision = float64(rep.OptOutTP) / float64(n)
	} else {
		rep.OptOutPrecision = 1
	}
	if n := rep.OptOutTP + rep.OptOutFN; n > 0 {
		rep.OptOutRecall = float64(rep.OptOutTP) / float64(n)
	} else {
		rep.OptOutRecall = 1
	}
	return rep, nil
}

// Accuracy is the share of lines whose prediction was accepted.
func (r Report) Accuracy() float64 {
	if r.Total == 0 {
		return 0
	}
	return float64(r.Correct) / float64(r.Total)
}

// WriteText writes the report as human-readable tables.
func (r Report) WriteText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "messages\t%d\n", r.Total)
	fmt.Fprintf(tw, "accuracy\t%.3f\t(%d/%d)\n", r.Accuracy(), r.Correct, r.Total)
	fmt.Fprintf(tw, "opt_out precision\t%.3f\t(tp %d, fp %d; %d fp acted without asking)\n", r.OptOutPrecision, r.OptOutTP, r.OptOutFP, r.FalseOptOutActed)
	fmt.Fprintf(tw, "opt_out recall\t%.3f\t(fn %d; %d opt-outs were uncertain)\n", r.OptOutRecall, r.OptOutFN, r.UncertainOptOut)
	fmt.Fprintln(tw, "\nlabel\tn\tcorrect\taccuracy")
	for _, l := range sortedKeys(r.ByLabel) {
		t := r.ByLabel[l]
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.3f\n", l, t.N, t.Correct, t.Acc)
	}
	fmt.Fprintln(tw, "\nlang\tn\tcorrect\taccuracy")
	for _, l := range sortedKeys(r.ByLang) {
		t := r.ByLang[l]
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.3f\n", l, t.N, t.Correct, t.Acc)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(r.Errors) > 0 {
		fmt.Fprintf(w, "\nerrors (%d):\n", len(r.Errors))
		for _, e := range r.Errors {
			acc := make([]string, len(e.Accept))
			for i, a := range e.Accept {
				acc[i] = string(a)
			}
			unc := ""
			if e.Got.Uncertain {
				unc = " uncertain"
			}
			if _, err := fmt.Fprintf(w, "  %s [%s] %q: want %s, got %s%s (%s %q)\n", e.ID, e.Lang, e.Text, strings.Join(acc, "|"), e.Got.Intent, unc, e.Got.Rule, e.Got.Matched); err != nil {
				return err
			}
		}
	}
	return nil
}

func sortedKeys[K ~string, V any](m map[K]V) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
