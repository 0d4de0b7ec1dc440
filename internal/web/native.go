package web

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/optgate/optgate/internal/consent"
	"github.com/optgate/optgate/internal/gate"
	"github.com/optgate/optgate/internal/meta"
)

func itoa(n int) string { return strconv.Itoa(n) }

// apiAccount authenticates a native API call by its Bearer key.
func (s *Server) apiAccount(w http.ResponseWriter, r *http.Request) (*gate.Account, bool) {
	a, ok := s.gate.Authenticate(bearer(r))
	if !ok {
		s.writeError(w, r, consent.Errorf(consent.EUnauthorized, "Authorization: Bearer <api key> is missing or not a key of any account"))
		return nil, false
	}
	return a, true
}

type decisionResponse struct {
	Allow   bool   `json:"allow"`
	Reason  string `json:"reason"`
	Topic   string `json:"topic,omitempty"`
	Details string `json:"details"`
}

// handleDecision is a dry run of the send decision: Meta's send body plus phone_number_id.
func (s *Server) handleDecision(w http.ResponseWriter, r *http.Request) {
	a, ok := s.apiAccount(w, r)
	if !ok {
		return
	}
	body, err := readBody(w, r, s.maxSendBytes)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var target struct {
		PhoneNumberID string `json:"phone_number_id"`
	}
	if err := json.Unmarshal(body, &target); err != nil {
		s.writeError(w, r, consent.Errorf(consent.EInvalid, "%s", jsonMessage(err)))
		return
	}
	if !a.OwnsPhone(target.PhoneNumberID) {
		s.writeError(w, r, consent.Errorf(consent.EInvalid, "phone_number_id %q is not one of account %s's numbers", target.PhoneNumberID, a.ID))
		return
	}
	req, err := meta.ParseSend(body)
	if err != nil {
		s.writeError(w, r, consent.Errorf(consent.EInvalid, "%v", err))
		return
	}
	d, err := s.gate.Check(r.Context(), a, target.PhoneNumberID, req)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, decisionResponse{Allow: d.Allow, Reason: string(d.Reason), Topic: d.Topic, Details: d.Details})
}

type eventJSON struct {
	ID         int64          `json:"id"`
	Seq        int64          `json:"seq"`
	Action     string         `json:"action"`
	Scope      string         `json:"scope"`
	Source     string         `json:"source"`
	Evidence   map[string]any `json:"evidence"`
	Reason     string         `json:"reason,omitempty"`
	Actor      string         `json:"actor"`
	OccurredAt time.Time      `json:"occurred_at"`
	RecordedAt time.Time      `json:"recorded_at"`
	PrevHash   string         `json:"prev_hash"`
	Hash       string         `json:"hash"`
}

func toEventJSON(e consent.Event) eventJSON {
	if e.Evidence == nil {
		e.Evidence = map[string]any{}
	}
	return eventJSON{ID: e.ID, Seq: e.Seq, Action: string(e.Action), Scope: string(e.Scope), Source: e.Source, Evidence: e.Evidence,
		Reason: e.Reason, Actor: e.Actor, OccurredAt: e.OccurredAt, RecordedAt: e.RecordedAt, PrevHash: e.PrevHash, Hash: e.Hash}
}

type contactJSON struct {
	ID            int64               `json:"id"`
	WAID          string              `json:"wa_id,omitempty"`
	Phone         string              `json:"phone,omitempty"`
	UserID        string              `json:"user_id,omitempty"`
	Name          string              `json:"name,omitempty"`
	Language      string              `json:"language,omitempty"`
	CreatedAt     time.Time           `json:"created_at"`
	OptedOutOfAll bool                `json:"opted_out_of_all"`
	Topics        []gate.TopicConsent `json:"topics"`
	Windows       []gate.WindowView   `json:"windows"`
	History       []eventJSON         `json:"history"`
}

func (s *Server) handleGetContact(w http.ResponseWriter, r *http.Request) {
	a, ok := s.apiAccount(w, r)
	if !ok {
		return
	}
	v, err := s.gate.Contact(r.Context(), a, r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := contactJSON{ID: v.Contact.ID, WAID: v.Contact.WAID, UserID: v.Contact.UserID, Name: v.Contact.Name, Language: v.Contact.Language,
		CreatedAt: v.Contact.CreatedAt, OptedOutOfAll: v.OptedOutOfAll, Topics: v.Topics, Windows: v.Windows, History: []eventJSON{}}
	if out.WAID != "" {
		out.Phone = "+" + out.WAID
	}
	for _, e := range v.History {
		out.History = append(out.History, toEventJSON(e))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) handlePostConsent(w http.ResponseWriter, r *http.Request) {
	a, ok := s.apiAccount(w, r)
	if !ok {
		return
	}
	in, err := decodeJSON[gate.ConsentInput](w, r, 64<<10)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	ev, err := s.gate.RecordConsent(r.Context(), a, r.PathValue("id"), in)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, toEventJSON(ev))
}

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// handleReady says whether optgate can decide sends now, and if not, why.
func (s *Server) handleReady(w http.ResponseWriter, r *http.Request) {
	if err := s.store.Ping(r.Context()); err != nil {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "reason": "database: " + err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready", "database": s.store.Dialect()})
}
