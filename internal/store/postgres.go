package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/optgate/optgate/internal/consent"
)

// postgresDialect is PostgreSQL (and databases that speak its protocol and
// SQL), through pgx's database/sql driver. Several optgate instances may share
// one database: rows that a writer reads to decide what it writes (the ledger
// head) are locked FOR UPDATE, and outbox claims skip rows another instance holds.
var postgresDialect = &dialect{
	name:         "postgres",
	cancelWrites: true,
	forUpdate:    "FOR UPDATE",
	skipLocked:   "FOR UPDATE SKIP LOCKED",
	isConflict:   func(err error) bool { return pgCode(err) == "23505" }, // unique_violation
	// The database rolled the whole transaction back and it may simply be run
	// again: serialization_failure, deadlock_detected.
	isRetryable: func(err error) bool {
		c := pgCode(err)
		return c == "40001" || c == "40P01"
	},
	isMissingTable: func(err error) bool { return pgCode(err) == "42P01" }, // undefined_table
	// One migrator at a time across instances (the key is arbitrary but
	// fixed). The serving statement_timeout does not apply: a migrator waits
	// for another's turn, and a migration may rewrite or index a big table.
	lockMigrations: []string{"SET LOCAL statement_timeout = 0", "SELECT pg_advisory_xact_lock(7020426)"},
	// Per schema, so that schemas sharing a database do not wait for each other.
	lockLedger: "SELECT pg_advisory_xact_lock(7020427, hashtext(current_schema()))",
	// Each writer of a batch runs in a savepoint, which becomes a
	// subtransaction; past 64 in one transaction (PGPROC_MAX_CACHED_SUBXIDS)
	// PostgreSQL's snapshots overflow and every session slows down.
	maxBatch: 48,
	// Several batches run at once, each on its own connection: PostgreSQL
	// serves them in parallel, and a batch costs network round trips rather
	// than an fsync. openPostgres lowers this for a small pool.
	writers: 4,
}

func pgCode(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

// Defaults for the PostgreSQL connection. Each can be overridden by a query
// parameter of the DSN of the same name (docs/operations.md lists them).
const (
	// pool_max_conns: connections per instance. The group-commit writer uses
	// one at a time; the rest serve reads (send decisions, the API).
	defaultPGMaxConns = 16
	// pool_max_idle_conns: kept open between bursts, so a burst does not pay
	// for connecting.
	defaultPGMaxIdleConns = 16
	// pool_max_conn_lifetime: connections are replaced after this long, so
	// that after a failover or a DNS change every instance moves over.
	defaultPGMaxConnLifetime = 30 * time.Minute
	// pool_max_conn_idle_time: an idle connection is closed after this long.
	defaultPGMaxConnIdleTime = 5 * time.Minute
	// connect_timeout (pgx's own parameter): how long to wait for a new
	// connection, so that an unreachable server fails a request quickly.
	defaultPGConnectTimeout = 5 * time.Second
	// statement_timeout (a PostgreSQL setting, sent at connect): no statement,
	// including a wait for a lock, runs longer.
	defaultPGStatementTimeout = "10s"
	// idle_in_transaction_session_timeout (a PostgreSQL setting): the server
	// ends a session that holds a transaction open, and its locks, this long.
	defaultPGIdleInTxTimeout = "60s"
	// defaultPGDecisionReads: two group reads in flight. Fewer means larger
	// groups, and less of the database's time per decision (one group read
	// made the send path 0.93x a bare proxy on 2 cores, two 0.82x, eight
	// 0.58x); a second keeps decisions moving while one read waits on a cold
	// page or a slow moment of the database.
	defaultPGDecisionReads = 2
)

// pgPool is how database/sql's pool is sized for PostgreSQL.
type pgPool struct {
	maxConns     int
	maxIdleConns int
	maxLifetime  time.Duration
	maxIdleTime  time.Duration
	// decisionReads is how many group reads of send decisions run at once
	// (decision_batch.go); 0 reads each decision with a query of its own.
	decisionReads int
}

// parsePostgresDSN reads a postgres:// URL: optgate's pool parameters are
// taken out of the query, everything else is pgx's (host, sslmode,
// connect_timeout, ...) or a PostgreSQL setting sent at connect
// (statement_timeout, search_path, application_name, ...).
func parsePostgresDSN(dsn string) (*pgx.ConnConfig, pgPool, error) {
	pool := pgPool{
		maxConns:      defaultPGMaxConns,
		maxIdleConns:  defaultPGMaxIdleConns,
		maxLifetime:   defaultPGMaxConnLifetime,
		maxIdleTime:   defaultPGMaxConnIdleTime,
		decisionReads: defaultPGDecisionReads,
	}
	u, err := url.Parse(dsn)
	if err != nil {
		// url.Error repeats the URL, password included; say only what is wrong.
		return nil, pool, consent.Errorf(consent.EInvalid, "database: not a valid postgres:// URL")
	}
	q := u.Query()
	ints := []struct {
		key string
		dst *int
	}{{"pool_max_conns", &pool.maxConns}, {"pool_max_idle_conns", &pool.maxIdleConns}}
	for _, p := range ints {
		if v := q.Get(p.key); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				return nil, pool, consent.Errorf(consent.EInvalid, "database: %s=%q must be a whole number of at least 1", p.key, v)
			}
			*p.dst = n
		}
		q.Del(p.key)
	}
	if v := q.Get("decision_reads"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return nil, pool, consent.Errorf(consent.EInvalid, "database: decision_reads=%q must be a whole number (0 reads each send decision alone)", v)
		}
		pool.decisionReads = n
	}
	q.Del("decision_reads")
	durations := []struct {
		key string
		dst *time.Duration
	}{{"pool_max_conn_lifetime", &pool.maxLifetime}, {"pool_max_conn_idle_time", &pool.maxIdleTime}}
	for _, p := range durations {
		if v := q.Get(p.key); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil || d < 0 {
				return nil, pool, consent.Errorf(consent.EInvalid, "database: %s=%q must be a duration such as 30m (0 means no limit)", p.key, v)
			}
			*p.dst = d
		}
		q.Del(p.key)
	}
	if pool.maxIdleConns > pool.maxConns {
		pool.maxIdleConns = pool.maxConns
	}
	u.RawQuery = q.Encode()
	cfg, err := pgx.ParseConfig(u.String())
	if err != nil {
		return nil, pool, &consent.Error{Code: consent.EInvalid, Message: "database: invalid postgres:// URL", Err: err}
	}
	if cfg.ConnectTimeout == 0 {
		cfg.ConnectTimeout = defaultPGConnectTimeout
	}
	options := cfg.RuntimeParams["options"]
	setDefault := func(key, value string) {
		if _, ok := cfg.RuntimeParams[key]; !ok && !strings.Contains(options, key) {
			cfg.RuntimeParams[key] = value
		}
	}
	setDefault("statement_timeout", defaultPGStatementTimeout)
	setDefault("idle_in_transaction_session_timeout", defaultPGIdleInTxTimeout)
	setDefault("application_name", "optgate")
	return cfg, pool, nil
}

func openPostgres(ctx context.Context, dsn string) (*dialect, *sql.DB, error) {
	cfg, pool, err := parsePostgresDSN(dsn)
	if err != nil {
		return nil, nil, err
	}
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(pool.maxConns)
	db.SetMaxIdleConns(pool.maxIdleConns)
	db.SetConnMaxLifetime(pool.maxLifetime)
	db.SetConnMaxIdleTime(pool.maxIdleTime)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		where := fmt.Sprintf("%s:%d/%s", cfg.Host, cfg.Port, cfg.Database)
		return nil, nil, &consent.Error{Code: consent.EUnavailable, Message: "cannot connect to PostgreSQL at " + where, Err: err}
	}
	d := *postgresDialect
	d.writers = max(1, min(d.writers, pool.maxConns/2))
	d.decisionReaders = pool.decisionReads
	return &d, db, nil
}
