package gate

import "github.com/prometheus/client_golang/prometheus"

// Metrics are the counters optgate exports on /metrics.
type Metrics struct {
	Decisions     *prometheus.CounterVec
	Checks        *prometheus.CounterVec // dry runs, apart from real sends
	Webhooks      *prometheus.CounterVec
	ConsentEvents *prometheus.CounterVec
	Replies       *prometheus.CounterVec

	ForwardQueue    *prometheus.GaugeVec
	ForwardLag      *prometheus.HistogramVec
	ForwardAttempts *prometheus.CounterVec
	ForwardDead     *prometheus.CounterVec
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
	}
	if reg != nil {
		reg.MustRegister(m.Decisions, m.Checks, m.Webhooks, m.ConsentEvents, m.Replies, m.ForwardQueue, m.ForwardLag, m.ForwardAttempts, m.ForwardDead)
	}
	return m
}
