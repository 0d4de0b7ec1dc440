// Package cli is optgate's command line: serve, demo, migrate, config check,
// intent, ledger verify, forward (dead letters), import, export and version.
// Run is the real entry point, so that tests can boot the whole program
// in-process.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"github.com/optgate/optgate/internal/config"
	"github.com/optgate/optgate/internal/gate"
	"github.com/optgate/optgate/internal/store"
)

// Version is set at build time with -ldflags "-X github.com/optgate/optgate/internal/cli.Version=...".
var Version = "dev"

const usage = `optgate: a consent gateway for the WhatsApp Cloud API

Usage:
  optgate serve   --config FILE [--listen ADDR] [--database DSN] [--no-migrate]
  optgate demo    [--listen ADDR] [--sandbox-listen ADDR] [--database DSN] [--log-level LEVEL]
  optgate migrate --config FILE [--database DSN]
  optgate config check --config FILE
  optgate intent  [TEXT ...]                (reads one message a line from stdin without TEXT)
  optgate intent  --eval FILE.tsv
  optgate ledger verify --config FILE | --database DSN
  optgate forward list|retry|drop|verify --config FILE   (dead letters of webhook forwarding)
  optgate import consents FILE.csv --config FILE [--account ID] [--skip-bad]
  optgate export consents --config FILE [--account ID] [--format csv|jsonl] [--output FILE]
  optgate version

Environment: OPTGATE_CONFIG, OPTGATE_LISTEN, OPTGATE_DATABASE, OPTGATE_LOG_LEVEL, OPTGATE_LOG_FORMAT,
OPTGATE_WEBHOOK_MAX_BODY_BYTES,
OPTGATE_ACCOUNT_<ID>_APP_SECRET, _VERIFY_TOKEN, _ACCESS_TOKEN, _API_KEYS, _UPSTREAM_BASE_URL.
See docs/configuration.md.
`

// usageError is a mistake in the command line.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

// errHelp is a request for a command's help, which flag has printed.
var errHelp = errors.New("help requested")

// ExitCode maps an error from Run to a process exit code: 2 for usage, 1 otherwise.
func ExitCode(err error) int {
	var u *usageError
	if errors.As(err, &u) {
		return 2
	}
	return 1
}

// Run runs optgate with args (without the program name).
func Run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	err := run(ctx, args, getenv, stdin, stdout, stderr)
	if errors.Is(err, errHelp) {
		return nil
	}
	return err
}

func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return &usageError{"no command given"}
	}
	switch args[0] {
	case "serve":
		return runServe(ctx, args[1:], getenv, stdout, stderr)
	case "demo":
		return runDemo(ctx, args[1:], getenv, stdout, stderr)
	case "migrate":
		return runMigrate(ctx, args[1:], getenv, stdout, stderr)
	case "config":
		if len(args) < 2 || args[1] != "check" {
			return &usageError{"usage: optgate config check --config FILE"}
		}
		return runConfigCheck(args[2:], getenv, stdout, stderr)
	case "intent":
		return runIntent(args[1:], stdin, stdout, stderr)
	case "forward":
		return runForward(ctx, args[1:], getenv, stdout, stderr)
	case "import":
		return runImport(ctx, args[1:], getenv, stdin, stdout, stderr)
	case "export":
		return runExport(ctx, args[1:], getenv, stdout, stderr)
	case "ledger":
		if len(args) < 2 || args[1] != "verify" {
			return &usageError{"usage: optgate ledger verify --config FILE | --database DSN"}
		}
		return runLedgerVerify(ctx, args[2:], getenv, stdout, stderr)
	case "version", "--version", "-v":
		fmt.Fprintln(stdout, "optgate", version())
		return nil
	case "help", "--help", "-h":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return &usageError{fmt.Sprintf("unknown command %q", args[0])}
}

func version() string {
	if Version != "dev" {
		return Version
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				return "dev-" + s.Value[:12]
			}
		}
	}
	return Version
}

// configFlags are the flags that override the config file.
type configFlags struct {
	path     string
	listen   string
	database string
}

func (c *configFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&c.path, "config", "", "YAML configuration `file`")
	fs.StringVar(&c.listen, "listen", "", "address to listen on, e.g. 127.0.0.1:8080 (overrides listen)")
	fs.StringVar(&c.database, "database", "", "database, sqlite:PATH or postgres://... (overrides database)")
}

// load reads the file, then the environment, then the flags, then validates.
func (c *configFlags) load(getenv func(string) string) (config.Config, error) {
	if c.path == "" && getenv("OPTGATE_CONFIG") != "" {
		c.path = getenv("OPTGATE_CONFIG")
	}
	if c.path == "" {
		return config.Config{}, &usageError{"--config FILE is required (or OPTGATE_CONFIG)"}
	}
	cfg, err := config.Load(c.path, getenv)
	if err != nil {
		return cfg, err
	}
	if c.listen != "" {
		cfg.Listen = c.listen
	}
	if c.database != "" {
		cfg.Database = c.database
	}
	if err := cfg.Validate(); err != nil {
		return cfg, fmt.Errorf("configuration %s is not valid:\n  %s", c.path, strings.ReplaceAll(err.Error(), "\n", "\n  "))
	}
	return cfg, nil
}

// openStore opens and starts the store for a command that runs against an
// existing, current schema.
func openStore(ctx context.Context, dsn string) (*store.Store, error) {
	// The commands that open a store read or add to a database that
	// exists: a mistyped SQLite path is no new, empty database.
	if path, ok := strings.CutPrefix(dsn, "sqlite:"); ok && path != "" {
		if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("database: there is no SQLite file at %s (optgate migrate creates one)", path)
		}
	}
	st, err := store.Open(ctx, dsn, store.Options{})
	if err != nil {
		return nil, err
	}
	if err := st.Start(ctx); err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}

// commandConfig parses the flags of a command that takes only the config
// flags, and loads and validates the configuration.
func commandConfig(name string, args []string, getenv func(string) string, stderr io.Writer) (config.Config, configFlags, error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	var cf configFlags
	cf.register(fs)
	if err := parseFlags(fs, args, stderr); err != nil {
		return config.Config{}, cf, err
	}
	cfg, err := cf.load(getenv)
	return cfg, cf, err
}

func parseFlags(fs *flag.FlagSet, args []string, stderr io.Writer) error {
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return errHelp
		}
		return &usageError{err.Error()}
	}
	if fs.NArg() > 0 {
		return &usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	return nil
}

func runServe(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	var cf configFlags
	cf.register(fs)
	noMigrate := fs.Bool("no-migrate", false, "refuse to start on an outdated schema instead of migrating")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	cfg, err := cf.load(getenv)
	if err != nil {
		return err
	}
	log := newLogger(stderr, cfg.Log)
	app, err := Start(ctx, &cfg, log, AppOptions{Migrate: !*noMigrate})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "optgate %s listening on http://%s\n", version(), app.Addr)
	select {
	case <-ctx.Done():
	case err = <-app.Err():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	return errors.Join(err, app.Close(sctx))
}

func runMigrate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, _, err := commandConfig("migrate", args, getenv, stderr)
	if err != nil {
		return err
	}
	st, err := store.Open(ctx, cfg.Database, store.Options{})
	if err != nil {
		return err
	}
	defer st.Close()
	applied, err := st.Migrate(ctx)
	for _, m := range applied {
		fmt.Fprintln(stdout, "applied", m)
	}
	if err != nil {
		return err
	}
	if len(applied) == 0 {
		fmt.Fprintln(stdout, "schema is up to date")
	}
	return nil
}

func runConfigCheck(args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, cf, err := commandConfig("config check", args, getenv, stderr)
	if err != nil {
		return err
	}
	// Building the core checks what only it can: keyword and phrase lists.
	if _, err := gate.New(&cfg, gate.Options{}); err != nil {
		return fmt.Errorf("configuration %s is not valid:\n  %w", cf.path, err)
	}
	fmt.Fprintf(stdout, "%s: valid; %d account(s), listen %s, database %s\n", cf.path, len(cfg.Accounts), cfg.Listen, strings.SplitN(cfg.Database, ":", 2)[0])
	for _, a := range cfg.Accounts {
		fmt.Fprintf(stdout, "  %s (%s): %d phone number(s), %d topic(s), %d template(s)\n", a.ID, a.Name, len(a.PhoneNumbers), len(a.Topics), len(a.Templates))
	}
	return nil
}

// runLedgerVerify checks the hash chain of every account: those of the
// configuration, or, given only --database (a demo's kept file, say), every
// account the database holds a ledger for.
func runLedgerVerify(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("ledger verify", flag.ContinueOnError)
	var cf configFlags
	cf.register(fs)
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	dsn := cf.database
	var accounts []string
	if cf.path != "" || getenv("OPTGATE_CONFIG") != "" || dsn == "" {
		cfg, err := cf.load(getenv)
		if err != nil {
			return err
		}
		dsn = cfg.Database
		for _, a := range cfg.Accounts {
			accounts = append(accounts, a.ID)
		}
	}
	st, err := openStore(ctx, dsn)
	if err != nil {
		return err
	}
	defer st.Close()
	if accounts == nil {
		if accounts, err = st.LedgerAccounts(ctx); err != nil {
			return err
		}
		if len(accounts) == 0 {
			fmt.Fprintln(stdout, "no ledger in this database")
		}
	}
	var failed error
	for _, id := range accounts {
		rep, err := st.VerifyLedger(ctx, id)
		if err != nil {
			fmt.Fprintf(stdout, "%s: BROKEN: %v\n", id, err)
			failed = errors.Join(failed, err)
			continue
		}
		fmt.Fprintf(stdout, "%s: ok, %d events, head %s\n", id, rep.Events, rep.HeadHash)
	}
	return failed
}
