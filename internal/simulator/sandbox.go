package simulator

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// The sandbox control API lets a person (or a demo script with curl) act on the simulated phones.

const maxSandboxBody = 64 << 10

// sandboxError is the sandbox API's error answer.
type sandboxError struct {
	Error         string `json:"error"`
	OptgateStatus int    `json:"optgate_status,omitempty"` // optgate's answer to the webhook, when that failed
}

func writeSandboxError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, sandboxError{Error: msg})
}

// writeActionError reports a failed person action: bad input is 400, optgate refusing or failing to
// take the webhook is 502 with optgate's status.
func writeActionError(w http.ResponseWriter, err error) {
	var we *WebhookError
	switch {
	case errors.As(err, &we):
		writeJSON(w, http.StatusBadGateway, sandboxError{
			Error:         fmt.Sprintf("optgate answered the webhook with %d: %s", we.StatusCode, strings.TrimSpace(we.Body)),
			OptgateStatus: we.StatusCode,
		})
	case errors.Is(err, ErrInvalidWaID):
		writeSandboxError(w, http.StatusBadRequest, err.Error())
	case errors.Is(err, ErrNumberTaken):
		writeSandboxError(w, http.StatusConflict, err.Error())
	default:
		writeSandboxError(w, http.StatusBadGateway, err.Error())
	}
}

// decodeJSON reads a JSON body under a cap, refusing unknown fields and trailing data.
func decodeJSON[T any](w http.ResponseWriter, r *http.Request) (T, bool) {
	var v T
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxSandboxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		writeSandboxError(w, http.StatusBadRequest, "invalid JSON body: "+err.Error())
		return v, false
	}
	if _, err := dec.Token(); err != io.EOF {
		writeSandboxError(w, http.StatusBadRequest, "invalid JSON body: trailing data after the object")
		return v, false
	}
	return v, true
}

// pathWaID reads and checks the {wa_id} path value.
func pathWaID(w http.ResponseWriter, r *http.Request) (string, bool) {
	waID := r.PathValue("wa_id")
	if !validWaID(waID) {
		writeSandboxError(w, http.StatusBadRequest, fmt.Sprintf("wa_id %q must be 7 to 15 digits, no '+'", waID))
		return "", false
	}
	return waID, true
}

// personMessage is the body of POST /sandbox/people/{wa_id}/messages: exactly one of the kinds.
type personMessage struct {
	Name        string         `json:"name,omitempty"` // optional profile name to set first
	Text        *string        `json:"text,omitempty"`
	Button      *inboundButton `json:"button,omitempty"`
	ButtonReply *ButtonReply   `json:"button_reply,omitempty"`
	ListReply   *ListReply     `json:"list_reply,omitempty"`
}

func (s *Simulator) handlePersonMessage(w http.ResponseWriter, r *http.Request) {
	waID, ok := pathWaID(w, r)
	if !ok {
		return
	}
	body, ok := decodeJSON[personMessage](w, r)
	if !ok {
		return
	}
	kinds := 0
	for _, set := range []bool{body.Text != nil, body.Button != nil, body.ButtonReply != nil, body.ListReply != nil} {
		if set {
			kinds++
		}
	}
	if kinds != 1 {
		writeSandboxError(w, http.StatusBadRequest, `give exactly one of "text", "button", "button_reply", "list_reply"`)
		return
	}
	if body.Name != "" {
		s.SetName(waID, body.Name)
	}
	ctx, cancel := context.WithTimeout(r.Context(), 30*time.Second)
	defer cancel()
	var id string
	var err error
	switch {
	case body.Text != nil:
		if *body.Text == "" {
			writeSandboxError(w, http.StatusBadRequest, `"text" must not be empty`)
			return
		}
		id, err = s.SendText(ctx, waID, *body.Text)
	case body.Button != nil:
		if body.Button.Payload == "" && body.Button.Text == "" {
			writeSandboxError(w, http.StatusBadRequest, `"button" needs "payload" or "text"`)
			return
		}
		if body.Button.Text == "" {
			body.Button.Text = body.Button.Payload
		}
		if body.Button.Payload == "" {
			body.Button.Payload = body.Button.Text
		}
		id, err = s.TapButton(ctx, waID, body.Button.Payload, body.Button.Text)
	case body.ButtonReply != nil:
		if body.ButtonReply.ID == "" || body.ButtonReply.Title == "" {
			writeSandboxError(w, http.StatusBadRequest, `"button_reply" needs "id" and "title"`)
			return
		}
		id, err = s.ReplyButton(ctx, waID, body.ButtonReply.ID, body.ButtonReply.Title)
	case body.ListReply != nil:
		if body.ListReply.ID == "" || body.ListReply.Title == "" {
			writeSandboxError(w, http.StatusBadRequest, `"list_reply" needs "id" and "title"`)
			return
		}
		id, err = s.ReplyList(ctx, waID, body.ListReply.ID, body.ListReply.Title, body.ListReply.Description)
	}
	if err != nil {
		writeActionError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"id": id})
}

func (s *Simulator) handleMarketing(w http.ResponseWriter, r *http.Request) {
	waID, ok := pathWaID(w, r)
	if !ok {
		return
	}
	body, ok := decodeJSON[struct {
		Value string `json:"value"`
	}](w, r)
	if !ok {
		return
	}
	var stop bool
	switch body.Value {
	case "stop":
		stop = true
	case "resume":
	default:
		writeSandboxError(w, http.StatusBadRequest, fmt.Sprintf(`"value" must be "stop" or "resume", got %q`, body.Value))
		return
	}
	if err := s.SetMarketing(r.Context(), waID, stop); err != nil {
		writeActionError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"wa_id": waID, "marketing": body.Value})
}

func (s *Simulator) handleNumber(w http.ResponseWriter, r *http.Request) {
	waID, ok := pathWaID(w, r)
	if !ok {
		return
	}
	body, ok := decodeJSON[struct {
		NewWaID string `json:"new_wa_id"`
	}](w, r)
	if !ok {
		return
	}
	if !validWaID(body.NewWaID) {
		writeSandboxError(w, http.StatusBadRequest, fmt.Sprintf(`"new_wa_id" %q must be 7 to 15 digits, no '+'`, body.NewWaID))
		return
	}
	if body.NewWaID == waID {
		writeSandboxError(w, http.StatusBadRequest, `"new_wa_id" is the current wa_id`)
		return
	}
	if err := s.ChangeNumber(r.Context(), waID, body.NewWaID); err != nil {
		writeActionError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"old_wa_id": waID, "wa_id": body.NewWaID})
}

// handlePersonUpdate sets a person's profile name and business-scoped user id.
func (s *Simulator) handlePersonUpdate(w http.ResponseWriter, r *http.Request) {
	waID, ok := pathWaID(w, r)
	if !ok {
		return
	}
	body, ok := decodeJSON[struct {
		Name   *string `json:"name"`
		UserID *string `json:"user_id"`
	}](w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	p := s.personLocked(waID)
	if body.Name != nil {
		p.name = *body.Name
	}
	if body.UserID != nil {
		p.userID = *body.UserID
	}
	s.mu.Unlock()
	s.handlePersonGet(w, r)
}

func (s *Simulator) handlePersonGet(w http.ResponseWriter, r *http.Request) {
	waID, ok := pathWaID(w, r)
	if !ok {
		return
	}
	for _, p := range s.People() {
		if p.WaID == waID {
			writeJSON(w, http.StatusOK, p)
			return
		}
	}
	writeSandboxError(w, http.StatusNotFound, fmt.Sprintf("no person with wa_id %s yet", waID))
}

func (s *Simulator) handleInbox(w http.ResponseWriter, r *http.Request) {
	waID, ok := pathWaID(w, r)
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, map[string][]Delivered{"messages": s.Inbox(waID)})
}

func (s *Simulator) handlePeople(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string][]Person{"people": s.People()})
}
