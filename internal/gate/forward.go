package gate

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/optgate/optgate/internal/config"
	"github.com/optgate/optgate/internal/meta"
	"github.com/optgate/optgate/internal/store"
)

// Downstream is one of the business's own webhooks.
type Downstream struct {
	ID          string // what queued deliveries name it by, in its account (config.Account.ForwardID)
	URL         string
	Label       string // the URL without query or credentials, for logs and metrics
	secret      string
	verifyToken string
}

// HasVerifyToken reports whether the downstream can be checked with Meta's GET handshake.
func (d Downstream) HasVerifyToken() bool { return d.verifyToken != "" }

// URLLabel returns s without the credentials, query and fragment it has if
// it is a URL (they may hold a token), for logs, errors and metrics.
func URLLabel(s string) string {
	if !strings.Contains(s, "://") {
		return s
	}
	u, err := url.Parse(s)
	if err != nil {
		return "(a URL that does not parse)"
	}
	u.User, u.RawQuery, u.Fragment = nil, "", ""
	return u.String()
}

func newDownstreams(c *config.Account) []Downstream {
	var out []Downstream
	for j, f := range c.Forward {
		out = append(out, Downstream{ID: c.ForwardID(j), URL: f.URL, Label: URLLabel(f.URL), secret: f.Secret.Reveal(), verifyToken: f.VerifyToken.Reveal()})
	}
	return out
}

// forwardBody is what one account's downstreams receive of one payload.
type forwardBody struct {
	account  *Account
	body     []byte
	digest   string
	raw      bool // the bytes Meta sent, unchanged
	orderKey string
	moreKeys []string // the other people's, when the payload holds several
	intent   string
}

// Digest is the stable id of a body: Optgate-Event-Id.
func Digest(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// outgoing works out, before the transaction, what each account's
// downstreams get: Meta's bytes unchanged when the payload is all theirs and
// nothing is withheld; otherwise a copy with only their entries, without the
// messages they chose not to receive.
func (g *Gate) outgoing(body []byte, p *meta.Payload, steps []step) ([]forwardBody, error) {
	owners := map[*Account]bool{}
	for i := range steps {
		owners[steps[i].account] = true
	}
	var out []forwardBody
	for a := range owners {
		if len(a.downstreams) == 0 {
			continue
		}
		fb := forwardBody{account: a, orderKey: "account:" + a.ID}
		var keys, labels []string
		withheld := map[string]bool{}
		for i := range steps {
			st := &steps[i]
			if st.account != a {
				continue
			}
			if !st.contact.Key.IsZero() && !slices.Contains(keys, st.contact.Key.String()) {
				keys = append(keys, st.contact.Key.String())
			}
			if l := st.intentLabel(); l != "" && !slices.Contains(labels, l) {
				labels = append(labels, l)
			}
			if !a.forwardConsumed && st.consumed() {
				withheld[st.msg.ID] = true
			}
		}
		if len(keys) > 0 {
			fb.orderKey, fb.moreKeys = keys[0], keys[1:]
		}
		if len(labels) == 0 {
			labels = []string{"none"}
		}
		slices.Sort(labels)
		fb.intent = strings.Join(labels, ",")
		if len(owners) == 1 && len(withheld) == 0 {
			fb.body, fb.raw = body, true
		} else {
			b, err := filterPayload(body, func(ei, ci int) bool { return ownerOf(steps, ei, ci) == a }, withheld)
			if err != nil {
				return nil, err
			}
			if b == nil {
				continue // everything for this account was withheld
			}
			fb.body = b
		}
		fb.digest = Digest(fb.body)
		out = append(out, fb)
	}
	return out, nil
}

func ownerOf(steps []step, ei, ci int) *Account {
	for i := range steps {
		if steps[i].kind == stepOwner && steps[i].entry == ei && steps[i].change == ci {
			return steps[i].account
		}
	}
	return nil
}

// filterPayload re-encodes a payload keeping the changes keep accepts and
// dropping the messages whose ids are in drop, without losing fields optgate
// does not know. It returns nil when nothing is left.
func filterPayload(body []byte, keep func(ei, ci int) bool, drop map[string]bool) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var root map[string]any
	if err := dec.Decode(&root); err != nil {
		return nil, err
	}
	entries, _ := root["entry"].([]any)
	var keptEntries []any
	for ei, e := range entries {
		em, _ := e.(map[string]any)
		changes, _ := em["changes"].([]any)
		var keptChanges []any
		for ci, c := range changes {
			if !keep(ei, ci) {
				continue
			}
			cm, _ := c.(map[string]any)
			if v, ok := cm["value"].(map[string]any); ok && len(drop) > 0 {
				if msgs, ok := v["messages"].([]any); ok {
					var keptMsgs []any
					for _, m := range msgs {
						mm, _ := m.(map[string]any)
						if id, _ := mm["id"].(string); drop[id] {
							continue
						}
						keptMsgs = append(keptMsgs, m)
					}
					if len(keptMsgs) == 0 {
						delete(v, "messages")
						if _, hasStatuses := v["statuses"]; !hasStatuses {
							continue // nothing of this change is left
						}
					} else {
						v["messages"] = keptMsgs
					}
				}
			}
			keptChanges = append(keptChanges, c)
		}
		if len(keptChanges) > 0 {
			em["changes"] = keptChanges
			keptEntries = append(keptEntries, em)
		}
	}
	if len(keptEntries) == 0 {
		return nil, nil
	}
	root["entry"] = keptEntries
	return json.Marshal(root)
}

func (g *Gate) enqueueForwards(ctx context.Context, tx *store.Tx, out []forwardBody) error {
	now := g.now()
	for _, fb := range out {
		if !fb.raw {
			if err := tx.SavePayload(ctx, fb.body, true); err != nil {
				return err
			}
		}
		for _, d := range fb.account.downstreams {
			if err := tx.EnqueueDelivery(ctx, store.Delivery{AccountID: fb.account.ID, Downstream: d.ID, EventID: fb.digest,
				OrderKey: fb.orderKey, MoreKeys: fb.moreKeys, Intent: fb.intent, ExpiresAt: now.Add(fb.account.deadLetterAfter)}); err != nil {
				return err
			}
		}
	}
	return nil
}

// AdoptDeliveries names by id the deliveries queued before ids named
// downstreams (by URL): each goes to the downstream of its URL, or, when
// that URL is no longer configured, to the account's only downstream.
func (g *Gate) AdoptDeliveries(ctx context.Context) error {
	for _, a := range g.accounts {
		if len(a.downstreams) == 0 {
			continue
		}
		byURL := map[string]string{}
		for _, d := range a.downstreams {
			byURL[d.URL] = d.ID
		}
		sole := ""
		if len(a.downstreams) == 1 {
			sole = a.downstreams[0].ID
		}
		if err := g.store.AdoptDeliveries(ctx, a.ID, byURL, sole); err != nil {
			return fmt.Errorf("account %s: adopt queued deliveries: %w", a.ID, err)
		}
	}
	return nil
}

func (g *Gate) wakeForwarder() {
	select {
	case g.fwake <- struct{}{}:
	default:
	}
}

// Forwarding tuning.
const (
	forwardBatch       = 256
	forwardConcurrency = 64
	forwardTimeout     = 15 * time.Second // one attempt, from connecting to the end of the answer
	// forwardLease keeps other instances off the deliveries of a claim. A
	// claimed delivery is posted only if its attempt starts within
	// forwardStartWithin of the claim, so the attempt ends (forwardTimeout)
	// with time left to record its outcome before the lease ends; one that
	// could not start by then is put back in the queue unattempted. After a
	// crash, what the dead instance held is retried when the lease ends.
	forwardLease       = 45 * time.Second
	forwardStartWithin = forwardLease - forwardTimeout - 10*time.Second
	forwardMaxBackoff  = 30 * time.Minute
)

// RunForwarder delivers queued webhooks to the downstreams until ctx ends.
// Deliveries are claimed with a lease that outlasts every attempt started
// under it, so several instances share the queue without delivering one
// event twice at once, and a crash only delays.
func (g *Gate) RunForwarder(ctx context.Context) {
	log := g.log.With("worker", "forwarder")
	client := &http.Client{Timeout: forwardTimeout, Transport: &http.Transport{
		MaxIdleConns: 256, MaxIdleConnsPerHost: forwardConcurrency, IdleConnTimeout: 90 * time.Second, Proxy: nil}}
	var known []store.DownstreamRef
	for _, a := range g.accounts {
		for _, d := range a.downstreams {
			known = append(known, store.DownstreamRef{AccountID: a.ID, ID: d.ID})
		}
	}
	tick := time.NewTicker(500 * time.Millisecond)
	defer tick.Stop()
	lastDepth := time.Time{}
	for {
		for ctx.Err() == nil {
			claimedAt := g.now()
			ds, err := g.store.ClaimDeliveries(ctx, forwardBatch, forwardLease, known)
			if err != nil {
				if ctx.Err() == nil {
					log.Warn("cannot claim deliveries", "err", err)
				}
				break
			}
			if len(ds) == 0 {
				break
			}
			outcomes := g.deliverAll(ctx, log, client, ds, claimedAt.Add(forwardStartWithin))
			if err := g.store.RecordDeliveries(context.WithoutCancel(ctx), outcomes); err != nil {
				log.Warn("cannot record deliveries (they will be retried after the lease)", "err", err)
			}
		}
		if time.Since(lastDepth) > 5*time.Second {
			if depth, err := g.store.QueueDepth(ctx); err == nil {
				// An endpoint several accounts forward to has one
				// label: its depth is the sum of theirs.
				byLabel := map[string]int64{}
				for _, a := range g.accounts {
					for _, d := range a.downstreams {
						byLabel[d.Label] += depth[store.DownstreamRef{AccountID: a.ID, ID: d.ID}]
					}
				}
				g.metrics.ForwardQueue.Reset()
				for l, n := range byLabel {
					g.metrics.ForwardQueue.WithLabelValues(l).Set(float64(n))
				}
			}
			lastDepth = time.Now()
		}
		select {
		case <-ctx.Done():
			return
		case <-g.fwake:
		case <-tick.C:
		}
	}
}

// deliverAll attempts the deliveries of a claim, forwardConcurrency at a
// time. One whose attempt cannot start by startBy is put back in the queue
// unattempted: the lease might end before its attempt does.
func (g *Gate) deliverAll(ctx context.Context, log *slog.Logger, client *http.Client, ds []store.Delivery, startBy time.Time) []store.DeliveryOutcome {
	outcomes := make([]store.DeliveryOutcome, len(ds))
	sem := make(chan struct{}, forwardConcurrency)
	var wg sync.WaitGroup
	for i := range ds {
		sem <- struct{}{}
		if ctx.Err() != nil || g.now().After(startBy) {
			outcomes[i] = store.DeliveryOutcome{ID: ds[i].ID, Release: true}
			<-sem
			continue
		}
		wg.Go(func() {
			defer func() { <-sem }()
			outcomes[i] = g.deliver(ctx, log, client, &ds[i])
		})
	}
	wg.Wait()
	return outcomes
}

func (g *Gate) deliver(ctx context.Context, log *slog.Logger, client *http.Client, d *store.Delivery) store.DeliveryOutcome {
	o := store.DeliveryOutcome{ID: d.ID}
	a, ok := g.byID[d.AccountID]
	var ds *Downstream
	if ok {
		for i := range a.downstreams {
			if a.downstreams[i].ID == d.Downstream {
				ds = &a.downstreams[i]
			}
		}
	}
	label := URLLabel(d.Downstream) // a delivery queued before 0017 names a URL
	if ds == nil {
		// Claimed only once expired: it waited for an instance that knows
		// its downstream.
		o.Error = fmt.Sprintf("downstream %q is not configured", label)
	} else {
		label = ds.Label
		o.Status, o.Error = g.post(ctx, client, ds, d)
	}
	now := g.now()
	if o.Error == "" {
		o.Delivered = true
		g.metrics.ForwardAttempts.WithLabelValues(label, "delivered").Inc()
		g.metrics.ForwardLag.WithLabelValues(label).Observe(now.Sub(d.CreatedAt).Seconds())
		return o
	}
	if !now.Before(d.ExpiresAt) || ds == nil {
		o.Dead = true
		g.metrics.ForwardAttempts.WithLabelValues(label, "dead").Inc()
		g.metrics.ForwardDead.WithLabelValues(label).Inc()
		log.Warn("delivery is now a dead letter", "delivery", d.ID, "downstream", label, "attempts", d.Attempts, "status", o.Status, "err", o.Error)
		return o
	}
	g.metrics.ForwardAttempts.WithLabelValues(label, "failed").Inc()
	backoff := min(time.Second<<min(d.Attempts-1, 20), forwardMaxBackoff)
	backoff = backoff/2 + rand.N(backoff/2+1) // jitter, so a recovering downstream is not hit by everything at once
	o.RetryAt = now.Add(backoff)
	log.Info("delivery failed, will retry", "delivery", d.ID, "downstream", label, "attempt", d.Attempts, "in", backoff.Round(time.Millisecond), "status", o.Status, "err", o.Error)
	return o
}

// post sends one payload, signed with the downstream's secret as Meta signs
// with the app secret, so the business's existing check passes.
func (g *Gate) post(ctx context.Context, client *http.Client, ds *Downstream, d *store.Delivery) (int, string) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ds.URL, bytes.NewReader(d.Body))
	if err != nil {
		return 0, withoutURL(err, ds.Label).Error()
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "optgate")
	req.Header.Set(meta.SignatureHeader, meta.Sign(d.Body, ds.secret))
	req.Header.Set("Optgate-Event-Id", d.EventID)
	req.Header.Set("Optgate-Intent", d.Intent)
	resp, err := client.Do(req)
	if err != nil {
		return 0, withoutURL(err, ds.Label).Error()
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode/100 != 2 {
		return resp.StatusCode, fmt.Sprintf("downstream answered %d", resp.StatusCode)
	}
	return resp.StatusCode, ""
}

// VerifyDownstream performs Meta's GET handshake against a downstream that
// has a verify token: it must echo the challenge.
func (g *Gate) VerifyDownstream(ctx context.Context, d Downstream) error {
	if d.verifyToken == "" {
		return fmt.Errorf("%s has no verify_token", d.Label)
	}
	challenge := fmt.Sprint(rand.Int64())
	u, err := url.Parse(d.URL)
	if err != nil {
		return withoutURL(err, d.Label)
	}
	q := u.Query()
	q.Set("hub.mode", "subscribe")
	q.Set("hub.verify_token", d.verifyToken)
	q.Set("hub.challenge", challenge)
	u.RawQuery = q.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return withoutURL(err, d.Label)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return withoutURL(err, d.Label)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1024))
	if resp.StatusCode != http.StatusOK || strings.TrimSpace(string(b)) != challenge {
		return fmt.Errorf("%s answered %d without echoing the challenge", d.Label, resp.StatusCode)
	}
	return nil
}

// withoutURL returns err with the URL it names (a *url.Error's, as the HTTP
// client and url.Parse give them) replaced by label: a downstream's URL may
// carry a token in its query or credentials, and the verify handshake's
// carries the verify token. Errors end up in logs, in `forward list` and on
// the terminal.
func withoutURL(err error, label string) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s %s: %w", ue.Op, label, ue.Err)
	}
	return err
}
