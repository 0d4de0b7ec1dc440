package cli

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/optgate/optgate/internal/intent"
)

// intentLine is one line of `optgate intent` output.
type intentLine struct {
	Text string `json:"text"`
	intent.Result
}

func runIntent(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("intent", flag.ContinueOnError)
	fs.SetOutput(stderr)
	eval := fs.String("eval", "", "evaluate on a labelled TSV `file` (columns id, lang, text, label, accept, note) and print the figures")
	if err := fs.Parse(args); err != nil {
		return &usageError{err.Error()}
	}
	d, err := intent.New(intent.Options{})
	if err != nil {
		return err
	}
	if *eval != "" {
		f, err := os.Open(*eval)
		if err != nil {
			return err
		}
		defer f.Close()
		rep, err := intent.Evaluate(d, f)
		if err != nil {
			return fmt.Errorf("%s: %w", *eval, err)
		}
		return rep.WriteText(stdout)
	}
	enc := json.NewEncoder(stdout)
	enc.SetEscapeHTML(false)
	if fs.NArg() > 0 {
		for _, t := range fs.Args() {
			if err := enc.Encode(intentLine{Text: t, Result: d.Detect(t)}); err != nil {
				return err
			}
		}
		return nil
	}
	sc := bufio.NewScanner(stdin)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		if err := enc.Encode(intentLine{Text: sc.Text(), Result: d.Detect(sc.Text())}); err != nil {
			return err
		}
	}
	return sc.Err()
}
