package web

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Handler returns every route of optgate.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()

	// Meta's webhooks.
	mux.HandleFunc("GET /webhooks/whatsapp", s.handleVerify)
	mux.HandleFunc("POST /webhooks/whatsapp", s.handleWebhook)

	// The Graph API, as Meta serves it: sends are decided, the rest passes through.
	mux.HandleFunc("POST /{version}/{phone_number_id}/messages", s.handleSend)
	mux.HandleFunc("POST /{version}/{phone_number_id}/messages/{$}", s.handleSend)
	// Meta's Marketing Messages API sends templates too: decided alike.
	mux.HandleFunc("POST /{version}/{phone_number_id}/marketing_messages", s.handleSend)
	mux.HandleFunc("POST /{version}/{phone_number_id}/marketing_messages/{$}", s.handleSend)
	mux.HandleFunc("/{version}/{rest...}", s.handlePassThrough)

	// The native API.
	mux.HandleFunc("POST /v1/decisions", s.handleDecision)
	mux.HandleFunc("GET /v1/contacts/{id}", s.handleGetContact)
	mux.HandleFunc("POST /v1/contacts/{id}/consent", s.handlePostConsent)

	// Opt-in capture (optin.go): hosted forms, wa.me links and QR codes, text versions.
	mux.HandleFunc("GET /f/{account}/{form}", s.handleFormPage)
	mux.HandleFunc("POST /f/{account}/{form}/submit", s.handleFormSubmit)
	mux.HandleFunc("POST /v1/optin-links", s.handleCreateLink)
	mux.HandleFunc("GET /v1/optin-links", s.handleListLinks)
	mux.HandleFunc("GET /v1/optin-links/{code}", s.handleGetLink)
	mux.HandleFunc("GET /v1/optin-links/{code}/{file}", s.handleLinkQR)
	mux.HandleFunc("GET /v1/optin-texts/{hash}", s.handleGetOptInText)

	// Operations.
	mux.HandleFunc("GET /healthz", s.handleHealth)
	mux.HandleFunc("GET /readyz", s.handleReady)
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.gatherer, promhttp.HandlerOpts{}))

	return s.recoverPanics(mux)
}

func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("panic in handler", "method", r.Method, "path", r.URL.Path, "panic", v)
				http.Error(w, `{"error":{"code":"internal","message":"internal error"}}`, http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}
