package gate

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the counters optgate exports on /metrics.
type Metrics struct {
	Decisions *prometheus.CounterVec
	Checks    *prometheus.CounterVec // dry runs, apart from real sends
	Webhooks  *prometheus.CounterVec
	// WebhookDuration is the time from a delivery's body read to its
	// answer: Meta wants a median under 250 ms, and slows or stops
	// deliveries to a receiver that answers late.
	WebhookDuration *prometheus.HistogramVec
	ConsentEvents   *prometheus.CounterVec
	Replies         *prometheus.CounterVec

	ForwardQueue    *prometheus.GaugeVec
	ForwardLag      *prometheus.HistogramVec
	ForwardAttempts *prometheus.CounterVec
	ForwardDead     *prometheus.CounterVec

	// The database's group commits (ObserveWriteBatch).
	WriteBatchSeconds prometheus.Histogram
	WriteBatchWriters prometheus.Histogram
}

// NewMetrics creates the metrics and registers them with reg, if not nil.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		Decisions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "optgate_send_decisions_total", Help: "Send decisions by account, outcome and reason.",
		}, []string{"account", "outcome", "reason"}),
		Checks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "optgate_decision_checks_total", Help: "Dry-run decisions (POST /v1/decisions) by account, outcome and reason.",
		}, []string{"account", "outcome", "reason"}),
		Webhooks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "optgate_webhooks_total", Help: "Webhook deliveries from Meta by result.",
		}, []string{"result"}),
		WebhookDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "optgate_webhook_duration_seconds", Help: "Time from a webhook delivery's body read to optgate's answer, by result.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"result"}),
		ConsentEvents: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "optgate_consent_events_total", Help: "Consent events recorded by account, action and source.",
		}, []string{"account", "action", "source"}),
		Replies: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "optgate_replies_total", Help: "optgate's own replies to people, by result.",
		}, []string{"result"}),
		ForwardQueue: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "optgate_forward_queue_depth", Help: "Webhook deliveries waiting for each downstream.",
		}, []string{"downstream"}),
		ForwardLag: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "optgate_forward_delivery_lag_seconds", Help: "Time from Meta's webhook to the downstream's 2xx.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 10, 60, 600, 3600, 6 * 3600},
		}, []string{"downstream"}),
		ForwardAttempts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "optgate_forward_attempts_total", Help: "Delivery attempts to downstreams by result (delivered, failed, dead).",
		}, []string{"downstream", "result"}),
		ForwardDead: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "optgate_forward_dead_letters_total", Help: "Deliveries given up as dead letters.",
		}, []string{"downstream"}),
		WriteBatchSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "optgate_write_batch_duration_seconds", Help: "Time a group commit took: its writers run, the commit synced to disk, and any reruns.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}),
		WriteBatchWriters: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "optgate_write_batch_writers", Help: "Writers (webhooks, API calls, replies) per group commit.",
			Buckets: prometheus.ExponentialBuckets(1, 2, 10),
		}),
	}
	if reg != nil {
		reg.MustRegister(m.Decisions, m.Checks, m.Webhooks, m.WebhookDuration, m.ConsentEvents, m.Replies,
			m.ForwardQueue, m.ForwardLag, m.ForwardAttempts, m.ForwardDead, m.WriteBatchSeconds, m.WriteBatchWriters)
	}
	return m
}

// ObserveWriteBatch records one group commit of the database: how many
// writers shared it and how long it took. It is store.Options.OnWriteBatch.
func (m *Metrics) ObserveWriteBatch(writers int, took time.Duration) {
	m.WriteBatchWriters.Observe(float64(writers))
	m.WriteBatchSeconds.Observe(took.Seconds())
}
