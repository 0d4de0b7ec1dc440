package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/optgate/optgate/internal/config"
	"github.com/optgate/optgate/internal/gate"
	"github.com/optgate/optgate/internal/store"
)

const forwardUsage = `usage:
  optgate forward list   --config FILE [--state dead|pending|delivered|dropped] [--limit N]
  optgate forward retry  --config FILE (ID ... | --all)    put dead letters back in the queue
  optgate forward drop   --config FILE ID ...              give up on dead letters for good
  optgate forward verify --config FILE                     Meta's GET handshake against each downstream with a verify_token`

func runForward(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return &usageError{forwardUsage}
	}
	sub := args[0]
	fs := flag.NewFlagSet("forward "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cf configFlags
	cf.register(fs)
	state := fs.String("state", "dead", "which deliveries to list")
	limit := fs.Int("limit", 100, "how many to list")
	all := fs.Bool("all", false, "retry every dead letter")
	if err := fs.Parse(args[1:]); err != nil {
		return &usageError{err.Error()}
	}
	var ids []int64
	for _, a := range fs.Args() {
		id, err := strconv.ParseInt(a, 10, 64)
		if err != nil || id <= 0 {
			return &usageError{fmt.Sprintf("%q is not a delivery id", a)}
		}
		ids = append(ids, id)
	}
	cfg, err := cf.load(getenv)
	if err != nil {
		return err
	}
	if sub == "verify" {
		return forwardVerify(ctx, &cfg, stdout)
	}
	st, err := openStore(ctx, cfg.Database)
	if err != nil {
		return err
	}
	defer st.Close()
	switch sub {
	case "list":
		ds, err := st.Deliveries(ctx, *state, 0, *limit)
		if err != nil {
			return err
		}
		writeDeliveries(stdout, ds, *state)
		return nil
	case "retry":
		if *all {
			for after := int64(0); ; {
				ds, err := st.Deliveries(ctx, "dead", after, 1000)
				if err != nil {
					return err
				}
				for _, d := range ds {
					ids = append(ids, d.ID)
					after = d.ID
				}
				if len(ds) < 1000 {
					break
				}
			}
		}
		if len(ids) == 0 {
			return &usageError{"name the dead letters to retry, or --all"}
		}
		dla := deadLetterAfter(&cfg)
		var errs error
		for _, id := range ids {
			if err := st.ReviveDelivery(ctx, id, dla); err != nil {
				errs = errors.Join(errs, err)
				continue
			}
			fmt.Fprintf(stdout, "delivery %d queued again\n", id)
		}
		return errs
	case "drop":
		if len(ids) == 0 {
			return &usageError{"name the dead letters to drop"}
		}
		var errs error
		for _, id := range ids {
			if err := st.DropDelivery(ctx, id); err != nil {
				errs = errors.Join(errs, err)
				continue
			}
			fmt.Fprintf(stdout, "delivery %d dropped\n", id)
		}
		return errs
	}
	return &usageError{forwardUsage}
}

func deadLetterAfter(cfg *config.Config) time.Duration {
	d := 72 * time.Hour
	for _, a := range cfg.Accounts {
		if a.DeadLetterAfter > 0 {
			d = max(d, a.DeadLetterAfter)
		}
	}
	return d
}

func forwardVerify(ctx context.Context, cfg *config.Config, stdout io.Writer) error {
	g, err := gate.New(cfg, gate.Options{})
	if err != nil {
		return err
	}
	var errs error
	n := 0
	for _, a := range g.Accounts() {
		for _, d := range a.Downstreams() {
			if !d.HasVerifyToken() {
				continue
			}
			n++
			if err := g.VerifyDownstream(ctx, d); err != nil {
				fmt.Fprintf(stdout, "%s %s: FAILED: %v\n", a.ID, d.Label, err)
				errs = errors.Join(errs, err)
				continue
			}
			fmt.Fprintf(stdout, "%s %s: ok\n", a.ID, d.Label)
		}
	}
	if n == 0 {
		fmt.Fprintln(stdout, "no downstream has a verify_token")
	}
	return errs
}

// writeDeliveries prints deliveries as `forward list` does: a downstream
// queued before migration 0017 by its URL shows without the URL's query or
// credentials.
func writeDeliveries(w io.Writer, ds []store.Delivery, state string) {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tACCOUNT\tDOWNSTREAM\tEVENT\tINTENT\tATTEMPTS\tLAST STATUS\tLAST ERROR\tCREATED")
	for _, d := range ds {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%.12s\t%s\t%d\t%d\t%s\t%s\n", d.ID, d.AccountID, gate.URLLabel(d.Downstream), d.EventID, d.Intent,
			d.Attempts, d.LastStatus, d.LastError, d.CreatedAt.Format(time.RFC3339))
	}
	tw.Flush()
	fmt.Fprintf(w, "%d %s deliveries\n", len(ds), state)
}
