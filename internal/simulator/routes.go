package simulator

import "net/http"

// routes registers the Graph send API and the sandbox control API.
func (s *Simulator) routes() *http.ServeMux {
	mux := http.NewServeMux()

	// Graph API (Cloud API) as Meta serves it: send, mark as read, typing indicator.
	mux.HandleFunc("POST /{version}/{phone_number_id}/messages", s.handleSend)

	// Sandbox control API: act as the people on the phones.
	mux.HandleFunc("GET /sandbox/people", s.handlePeople)
	mux.HandleFunc("GET /sandbox/people/{wa_id}", s.handlePersonGet)
	mux.HandleFunc("PATCH /sandbox/people/{wa_id}", s.handlePersonUpdate)
	mux.HandleFunc("POST /sandbox/people/{wa_id}/messages", s.handlePersonMessage)
	mux.HandleFunc("POST /sandbox/people/{wa_id}/marketing", s.handleMarketing)
	mux.HandleFunc("POST /sandbox/people/{wa_id}/number", s.handleNumber)
	mux.HandleFunc("GET /sandbox/people/{wa_id}/inbox", s.handleInbox)

	return mux
}
