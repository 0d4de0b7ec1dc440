package simulator

import (
	"net/http"
	"strings"
)

// routes registers the Graph API and the sandbox control API. They live in
// two muxes, split on the /sandbox/ prefix, because Graph paths such as
// /{version}/{waba_id}/message_templates would otherwise overlap the sandbox's.
func (s *Simulator) routes() http.Handler {
	graph := http.NewServeMux()
	// Graph API (Cloud API) as Meta serves it: send, mark as read, typing indicator, templates.
	graph.HandleFunc("POST /{version}/{phone_number_id}/messages", s.handleSend)
	graph.HandleFunc("GET /{version}/{waba_id}/message_templates", s.handleTemplates)
	graph.HandleFunc("/", s.handleUnknown) // a Graph error, as Meta answers, never a bare 404 or 405

	// Sandbox control API: act as the people on the phones.
	sandbox := http.NewServeMux()
	sandbox.HandleFunc("GET /sandbox/people", s.handlePeople)
	sandbox.HandleFunc("GET /sandbox/people/{wa_id}", s.handlePersonGet)
	sandbox.HandleFunc("PATCH /sandbox/people/{wa_id}", s.handlePersonUpdate)
	sandbox.HandleFunc("POST /sandbox/people/{wa_id}/messages", s.handlePersonMessage)
	sandbox.HandleFunc("POST /sandbox/people/{wa_id}/marketing", s.handleMarketing)
	sandbox.HandleFunc("POST /sandbox/people/{wa_id}/number", s.handleNumber)
	sandbox.HandleFunc("GET /sandbox/people/{wa_id}/inbox", s.handleInbox)

	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/sandbox" || strings.HasPrefix(r.URL.Path, "/sandbox/") {
			sandbox.ServeHTTP(w, r)
			return
		}
		graph.ServeHTTP(w, r)
	})
}
