package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/optgate/optgate/internal/loadgen"
)

// downstream is the business's own webhook server in the forwarding runs: it
// answers 200 at once and notes when each message arrived.
type downstream struct {
	*http.Server
	URL string

	mu      sync.Mutex
	arrived map[int64]time.Time // message number (wamid.LOAD<n>) -> arrival
	count   atomic.Int64
	held    chan struct{} // while not nil, requests wait for it to close before they are read
}

// hold makes the downstream keep every request waiting, unanswered, until
// release: the forwarder's queue fills as in an outage, without the retry
// backoff that error answers would start.
func (d *downstream) hold() {
	d.mu.Lock()
	d.held = make(chan struct{})
	d.mu.Unlock()
}

func (d *downstream) release() {
	d.mu.Lock()
	close(d.held)
	d.held = nil
	d.mu.Unlock()
}

func startDownstream() (*downstream, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	d := &downstream{URL: "http://" + ln.Addr().String() + "/webhook", arrived: map[int64]time.Time{}}
	d.Server = &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d.mu.Lock()
		held := d.held
		d.mu.Unlock()
		if held != nil {
			<-held
		}
		body, _ := io.ReadAll(r.Body)
		now := time.Now()
		d.mu.Lock()
		for rest := body; ; {
			i := bytes.Index(rest, []byte(loadgen.OrderMarker))
			if i < 0 {
				break
			}
			rest = rest[i+len(loadgen.OrderMarker):]
			j := bytes.IndexByte(rest, ' ')
			if j < 0 {
				break
			}
			if n, err := strconv.ParseInt(string(rest[:j]), 10, 64); err == nil {
				if _, seen := d.arrived[n]; !seen {
					d.arrived[n] = now
					d.count.Add(1)
				}
			}
		}
		d.mu.Unlock()
		w.WriteHeader(http.StatusOK)
	})}
	go d.Serve(ln)
	return d, nil
}

func (d *downstream) arrival(n int64) (time.Time, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	t, ok := d.arrived[n]
	return t, ok
}

// forwarding measures (1) the time from Meta's webhook to the downstream's
// 200 at a fixed rate, and (2) how many events per second forwarding
// delivers when a burst arrives as fast as optgate ingests it.
func (l *loader) forwarding(ctx context.Context, d *downstream, add addFunc) error {
	o := l.o
	// Earlier runs forward too: let their backlog drain first. A request
	// cut off as its run ended got no 200, and its messages may never come.
	if err := waitFor(ctx, func() bool { return d.count.Load() >= l.acked.Load() }, 5*time.Minute); err != nil {
		return fmt.Errorf("earlier runs not forwarded: %d of %d messages reached the downstream: %w", d.count.Load(), l.acked.Load(), err)
	}
	// (1) fixed rate, one message per delivery: record when each was sent.
	var mu sync.Mutex
	sentAt := map[int64]time.Time{}
	first := l.seq.Load()
	post := func(ctx context.Context) error {
		n := l.seq.Add(1) - 1
		mu.Lock()
		sentAt[n] = time.Now()
		mu.Unlock()
		return l.postWebhook(ctx, n, 1)
	}
	r, err := l.openLoop(ctx, fmt.Sprintf("webhooks at %.0f/s (ingest)", o.forwardRate), o.forwardRate, o.rateDuration, 1, o.workers, post)
	if err := add(r, err); err != nil {
		return err
	}
	last := l.seq.Load()
	if err := waitFor(ctx, func() bool { return d.count.Load() >= last-first }, 2*time.Minute); err != nil {
		return fmt.Errorf("forwarding at %.0f/s: %d of %d reached the downstream: %w", o.forwardRate, d.count.Load(), last-first, err)
	}
	lat := result{name: fmt.Sprintf("webhook → downstream 200, %.0f/s", o.forwardRate), elapsed: o.rateDuration}
	for n := first; n < last; n++ {
		at, ok := d.arrival(n)
		if ok {
			lat.latencies = append(lat.latencies, at.Sub(sentAt[n]))
		}
	}
	lat.requests, lat.events = len(lat.latencies), len(lat.latencies)
	slices.Sort(lat.latencies)
	if err := add(lat, nil); err != nil {
		return err
	}

	// (2) a burst: ingest as fast as possible, and time until the
	// downstream has all of it; with one message per delivery, then with
	// -batch messages per delivery (the events are messages; the requests,
	// deliveries, each forwarded as one event).
	sizes := []int{1}
	if o.batch > 1 {
		sizes = append(sizes, o.batch)
	}
	for _, per := range sizes {
		if err := l.forwardBurst(ctx, d, add, per, false); err != nil {
			return err
		}
	}
	// (3) forwarding alone: a backlog queued while the downstream held its
	// answers (as the forwarder sees an outage, without retries to wait
	// for), then delivered with nothing else running.
	return l.forwardBurst(ctx, d, add, 1, true)
}

// forwardBurst ingests webhooks of per messages as fast as optgate takes
// them, then times until the downstream has every message: from the start
// of the burst, or, with backlog, from when the downstream, which held every
// request during the burst, starts answering.
func (l *loader) forwardBurst(ctx context.Context, d *downstream, add addFunc, per int, backlog bool) error {
	name := fmt.Sprintf("burst ingest, %d msg/delivery (forwarded)", per)
	if backlog {
		name = "backlog ingest (downstream holding)"
		d.hold()
	}
	dur := l.o.webhookDuration
	if backlog && dur > 10*time.Second {
		// The forwarder gives up on a request after 15 s: held longer, the
		// requests it sent first would fail and wait for their retry.
		dur = 10 * time.Second
	}
	before := d.count.Load()
	start := time.Now()
	burst, err := l.closedLoop(ctx, name, dur, per, func(ctx context.Context) error {
		n := l.seq.Add(int64(per)) - int64(per)
		return l.postWebhook(ctx, n, per)
	})
	if backlog {
		start = time.Now()
		d.release()
	}
	if err := add(burst, err); err != nil {
		return err
	}
	want := before + int64(burst.events)
	if err := waitFor(ctx, func() bool { return d.count.Load() >= want }, 5*time.Minute); err != nil {
		return fmt.Errorf("%s: %d of %d forwarded: %w", name, d.count.Load()-before, burst.events, err)
	}
	fw := fmt.Sprintf("forwarding of that burst, to the last 200")
	if backlog {
		fw = "forwarding the backlog alone, to the last 200"
	}
	return add(result{name: fw, requests: burst.requests - burst.errors, events: burst.events, elapsed: time.Since(start)}, nil)
}

func waitFor(ctx context.Context, done func() bool, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for !done() {
		if time.Now().After(deadline) {
			return fmt.Errorf("timed out after %s", limit)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
	return nil
}
