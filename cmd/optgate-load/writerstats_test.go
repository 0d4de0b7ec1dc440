package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestReadWriterStats(t *testing.T) {
	var body atomic.Value
	body.Store(`# HELP optgate_write_batch_duration_seconds Time a group commit took.
# TYPE optgate_write_batch_duration_seconds histogram
optgate_write_batch_duration_seconds_bucket{le="0.0005"} 3
optgate_write_batch_duration_seconds_sum 0.5
optgate_write_batch_duration_seconds_count 200
optgate_write_batch_writers_bucket{le="1"} 10
optgate_write_batch_writers_sum 4000
optgate_write_batch_writers_count 200
process_cpu_seconds_total 12.5
`)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/metrics" {
			http.NotFound(w, r)
			return
		}
		fmt.Fprint(w, body.Load())
	}))
	defer srv.Close()
	w, err := readWriterStats(context.Background(), srv.Client(), srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	if w.commits != 200 || w.writers != 4000 || w.seconds != 0.5 || w.cpu != 12.5 {
		t.Fatalf("read %+v", w)
	}
	before := writerStats{commits: 100, writers: 1000, seconds: 0.25, cpu: 11.5, at: w.at.Add(-time.Second)}
	got := w.since(before)
	for _, want := range []string{"100 group commits", "30.0 writers", "2.50 ms each", "writer busy 25%"} {
		if !strings.Contains(got, want) {
			t.Errorf("since = %q, want it to say %q", got, want)
		}
	}
	if got := w.since(w); got != "no group commits" {
		t.Errorf("since itself = %q", got)
	}

	body.Store("process_cpu_seconds_total 1\n")
	if _, err := readWriterStats(context.Background(), srv.Client(), srv.URL); err == nil || !strings.Contains(err.Error(), "1 of the 4") {
		t.Errorf("metrics missing: err = %v", err)
	}
}
