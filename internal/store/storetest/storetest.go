// Package storetest gives tests a fresh, empty database on every backend
// optgate supports: a new SQLite file always, and a new PostgreSQL schema
// when OPTGATE_TEST_POSTGRES holds a connection URL.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
)

// PostgresEnv names the environment variable that holds the URL of a
// PostgreSQL database tests may create schemas in, e.g.
// postgres://postgres@127.0.0.1:5432/test?sslmode=disable.
const PostgresEnv = "OPTGATE_TEST_POSTGRES"

// Backend is one database a test suite runs on.
type Backend struct {
	Name string
	// DSN returns the DSN of a fresh, empty database for t, removed when t ends.
	DSN func(t testing.TB) string
}

// SQLite is the embedded backend: a new file in t's temporary directory.
var SQLite = Backend{Name: "sqlite", DSN: func(t testing.TB) string {
	return "sqlite:" + filepath.Join(t.TempDir(), "optgate.db")
}}

// Postgres is the PostgreSQL backend: a new schema, named optgate_t_<random>,
// in the database named by OPTGATE_TEST_POSTGRES, dropped when the test ends.
// The DSN it returns selects that schema through search_path. A test that
// uses it without the variable set is skipped.
var Postgres = Backend{Name: "postgres", DSN: postgresDSN}

// Backends returns the backends to run on: SQLite, and PostgreSQL when
// OPTGATE_TEST_POSTGRES is set.
func Backends(t testing.TB) []Backend {
	if os.Getenv(PostgresEnv) == "" {
		return []Backend{SQLite}
	}
	return []Backend{SQLite, Postgres}
}

var admin struct {
	once sync.Once
	db   *sql.DB
	err  error
}

// adminDB is one connection pool to the test database shared by all tests of
// the process, for creating and dropping schemas.
func adminDB(base string) (*sql.DB, error) {
	admin.once.Do(func() {
		admin.db, admin.err = sql.Open("pgx", base)
		if admin.err == nil {
			admin.db.SetMaxOpenConns(4)
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			admin.err = admin.db.PingContext(ctx)
		}
	})
	return admin.db, admin.err
}

func postgresDSN(t testing.TB) string {
	t.Helper()
	base := os.Getenv(PostgresEnv)
	if base == "" {
		t.Skipf("%s is not set", PostgresEnv)
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s is not a URL", PostgresEnv)
	}
	db, err := adminDB(base)
	if err != nil {
		t.Fatalf("%s: cannot connect: %v", PostgresEnv, err)
	}
	var b [8]byte
	rand.Read(b[:])
	schema := "optgate_t_" + hex.EncodeToString(b[:])
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := db.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("create schema %s: %v", schema, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := db.ExecContext(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
