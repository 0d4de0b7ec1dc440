package main

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// writerStats is what optgate's /metrics says of its database writer: the
// group commits so far, the writers they held and the time they took. The
// difference of two readings around a run shows whether the single writer
// was the bound (busy near 100%) and how well concurrent webhooks shared
// its commits.
type writerStats struct {
	commits, writers, seconds float64
	cpu                       float64 // the process's (optgate and generator), seconds
	at                        time.Time
}

var writerMetrics = map[string]func(*writerStats) *float64{
	"optgate_write_batch_duration_seconds_count": func(w *writerStats) *float64 { return &w.commits },
	"optgate_write_batch_duration_seconds_sum":   func(w *writerStats) *float64 { return &w.seconds },
	"optgate_write_batch_writers_sum":            func(w *writerStats) *float64 { return &w.writers },
	"process_cpu_seconds_total":                  func(w *writerStats) *float64 { return &w.cpu },
}

// readWriterStats scrapes optgate's /metrics for the writer's figures.
func readWriterStats(ctx context.Context, client *http.Client, base string) (writerStats, error) {
	w := writerStats{at: time.Now()}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/metrics", nil)
	if err != nil {
		return w, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return w, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return w, fmt.Errorf("GET /metrics: %s", resp.Status)
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	found := 0
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), " ")
		field := writerMetrics[name]
		if !ok || field == nil {
			continue
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
		if err != nil {
			return w, fmt.Errorf("GET /metrics: %s: %w", name, err)
		}
		*field(&w) = v
		found++
	}
	if err := sc.Err(); err != nil {
		return w, err
	}
	if found != len(writerMetrics) {
		return w, fmt.Errorf("GET /metrics: %d of the %d write batch metrics found", found, len(writerMetrics))
	}
	return w, nil
}

// since describes the writer's work between an earlier reading and w.
func (w writerStats) since(before writerStats) string {
	commits := w.commits - before.commits
	if commits <= 0 {
		return "no group commits"
	}
	wall := w.at.Sub(before.at).Seconds()
	return fmt.Sprintf("%.0f group commits, %.1f writers and %.2f ms each, writer busy %.0f%%; process CPU %.0f%% of %d cores",
		commits, (w.writers-before.writers)/commits, 1000*(w.seconds-before.seconds)/commits,
		100*(w.seconds-before.seconds)/wall, 100*(w.cpu-before.cpu)/wall/float64(runtime.NumCPU()), runtime.NumCPU())
}
