package gate

import "github.com/prometheus/client_golang/prometheus"

// Metrics are the counters optgate exports on /metrics.
type Metrics struct {
	Decisions     *prometheus.CounterVec
	Webhooks      *prometheus.CounterVec
	ConsentEvents *prometheus.CounterVec
	Replies       *prometheus.CounterVec
}

// NewMetrics creates the metrics and registers them with reg, if not nil.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		Decisions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "optgate_send_decisions_total", Help: "Send decisions by account, outcome and reason.",
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
	}
	if reg != nil {
		reg.MustRegister(m.Decisions, m.Webhooks, m.ConsentEvents, m.Replies)
	}
	return m
}
