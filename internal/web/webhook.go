package web

import (
	"net/http"

	"github.com/optgate/optgate/internal/consent"
	"github.com/optgate/optgate/internal/meta"
)

// handleVerify answers Meta's subscription handshake.
func (s *Server) handleVerify(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("hub.mode") != "subscribe" || !s.gate.VerifyToken(q.Get("hub.verify_token")) {
		s.log.Warn("webhook handshake refused", "mode", q.Get("hub.mode"))
		http.Error(w, "verify token does not match", http.StatusForbidden)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(q.Get("hub.challenge")))
}

// handleWebhook takes one delivery from Meta. It answers 200 only once the
// payload and every consent change in it are committed.
func (s *Server) handleWebhook(w http.ResponseWriter, r *http.Request) {
	body, err := readBody(w, r, s.maxWebhook)
	if err != nil {
		s.log.Warn("webhook refused", "err", err)
		s.writeError(w, r, err)
		return
	}
	res, err := s.gate.IngestWebhook(r.Context(), body, r.Header.Get(meta.SignatureHeader))
	if err != nil {
		if consent.ErrorCode(err) != consent.EUnavailable {
			s.log.Warn("webhook refused", "err", err)
		}
		s.writeError(w, r, err)
		return
	}
	s.log.Debug("webhook accepted", "messages", res.Messages, "statuses", res.Statuses, "duplicates", res.Duplicates, "consent_events", res.ConsentEvents)
	w.WriteHeader(http.StatusOK)
}
