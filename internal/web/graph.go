package web

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"regexp"
	"strings"

	"github.com/optgate/optgate/internal/consent"
	"github.com/optgate/optgate/internal/gate"
	"github.com/optgate/optgate/internal/meta"
)

var graphVersion = regexp.MustCompile(`^v[0-9]{1,3}\.[0-9]{1,2}$`)

// Refusal codes in optgate's Graph-style errors. They are documented in docs/api.md.
var refusalCodes = map[consent.Reason]int{
	consent.ReasonOptedOut:         4601,
	consent.ReasonTopicOptedOut:    4602,
	consent.ReasonNoOptIn:          4603,
	consent.ReasonWindowClosed:     4604,
	consent.ReasonUnknownTemplate:  4605,
	consent.ReasonInvalidRecipient: 4606,
	consent.ReasonMarketingLimit:   4607,
	reasonUnsupported:              4608,
}

// reasonUnsupported refuses a Graph call that could send a message without a
// decision (bypass.go). It is not a send decision, so it is not in consent.
const reasonUnsupported consent.Reason = "unsupported_request"

func writeGraphError(w http.ResponseWriter, status int, e meta.GraphError) {
	if e.ErrorData.MessagingProduct == "" {
		e.ErrorData.MessagingProduct = "whatsapp"
	}
	if e.ErrorData.Reason != "" {
		w.Header().Set("Optgate-Reason", e.ErrorData.Reason)
	}
	writeJSON(w, status, meta.ErrorBody{Error: e})
}

// graphAccount authenticates a Graph-style call by its Bearer key.
func (s *Server) graphAccount(w http.ResponseWriter, r *http.Request) (*gate.Account, bool) {
	a, ok := s.gate.Authenticate(bearer(r))
	if !ok {
		writeGraphError(w, http.StatusUnauthorized, meta.GraphError{Message: "Invalid OAuth access token - Cannot parse access token",
			Type: "OAuthException", Code: 190, ErrorData: meta.ErrorData{Details: "the Bearer key is not an optgate API key of any account"}})
		return nil, false
	}
	return a, true
}

// handleSend decides a send and, if allowed, forwards it upstream unchanged.
func (s *Server) handleSend(w http.ResponseWriter, r *http.Request) {
	version, phoneID := r.PathValue("version"), r.PathValue("phone_number_id")
	if !graphVersion.MatchString(version) {
		s.handlePassThrough(w, r)
		return
	}
	a, ok := s.graphAccount(w, r)
	if !ok {
		return
	}
	if !a.OwnsPhone(phoneID) {
		writeGraphError(w, http.StatusBadRequest, meta.GraphError{Type: "GraphMethodException", Code: 100, ErrorSubcode: 33,
			Message:   "Unsupported post request. Object with ID '" + phoneID + "' does not exist, cannot be loaded due to missing permissions, or does not support this operation.",
			ErrorData: meta.ErrorData{Details: "phone_number_id " + phoneID + " is not one of account " + a.ID + "'s numbers"}})
		return
	}
	body, err := readBody(w, r, s.maxSendBytes)
	if err != nil {
		writeGraphError(w, statusOf(err), meta.GraphError{Type: "OAuthException", Code: 100, Message: "(#100) Invalid parameter",
			ErrorData: meta.ErrorData{Details: consent.ErrorMessage(err)}})
		return
	}
	req, err := meta.ParseSend(body)
	if err != nil {
		writeGraphError(w, http.StatusBadRequest, meta.GraphError{Type: "OAuthException", Code: 100, Message: "(#100) Invalid parameter",
			ErrorData: meta.ErrorData{Details: err.Error()}})
		return
	}
	d, err := s.gate.Decide(r.Context(), a, phoneID, req)
	if err != nil {
		writeGraphError(w, http.StatusServiceUnavailable, meta.GraphError{Type: "OAuthException", Code: 2,
			Message:   "Service temporarily unavailable",
			ErrorData: meta.ErrorData{Details: "optgate cannot check consent right now, so the message was not sent; retry later", Reason: "unavailable"}})
		return
	}
	if !d.Allow {
		writeGraphError(w, http.StatusBadRequest, meta.GraphError{Type: "OptgateConsentException", Code: refusalCodes[d.Reason],
			Message:   "(#" + itoa(refusalCodes[d.Reason]) + ") Message refused by optgate: " + string(d.Reason),
			ErrorData: meta.ErrorData{Details: d.Details, Reason: string(d.Reason)}})
		return
	}
	ctx, cancel := a.Upstream.WithTimeout(r.Context())
	defer cancel()
	edge := "messages"
	if strings.HasSuffix(strings.TrimSuffix(r.URL.Path, "/"), "/marketing_messages") {
		edge = "marketing_messages"
	}
	resp, err := s.client.Forward(ctx, a.Upstream, http.MethodPost, "/"+version+"/"+phoneID+"/"+edge, bytes.NewReader(body), "application/json")
	if err != nil {
		s.log.Error("upstream send failed", "account", a.ID, "err", err)
		writeGraphError(w, http.StatusBadGateway, meta.GraphError{Type: "OAuthException", Code: 2, Message: "Service temporarily unavailable",
			ErrorData: meta.ErrorData{Details: "optgate could not reach the Cloud API upstream"}})
		return
	}
	relay(w, resp)
}

// relay copies an upstream response to the client unchanged.
func relay(w http.ResponseWriter, resp *http.Response) {
	defer resp.Body.Close()
	for k, vs := range resp.Header {
		switch strings.ToLower(k) {
		case "connection", "keep-alive", "transfer-encoding", "content-length":
			continue
		}
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = io.Copy(w, resp.Body)
}

// handlePassThrough forwards any other Graph call upstream, streaming, with
// the account's Meta token in place of the optgate key.
func (s *Server) handlePassThrough(w http.ResponseWriter, r *http.Request) {
	version := r.PathValue("version")
	if !graphVersion.MatchString(version) {
		http.NotFound(w, r)
		return
	}
	a, ok := s.graphAccount(w, r)
	if !ok {
		return
	}
	path := r.URL.EscapedPath()
	if r.URL.RawQuery != "" {
		path += "?" + r.URL.RawQuery
	}
	body, err := checkPassThrough(r)
	if b, ok := isBypass(err); ok {
		s.refusePassThrough(w, r, a, b)
		return
	}
	if err != nil {
		writeGraphError(w, http.StatusBadRequest, meta.GraphError{Type: "OAuthException", Code: 100, Message: "(#100) Invalid parameter",
			ErrorData: meta.ErrorData{Details: "cannot read the body: " + err.Error()}})
		return
	}
	resp, err := s.client.Forward(r.Context(), a.Upstream, r.Method, path, body, r.Header.Get("Content-Type"))
	if g, ok := body.(*multipartGuard); ok && g.err != nil {
		// Refused on the way: the upstream got part of the body, not the request.
		if resp != nil {
			resp.Body.Close()
		}
		s.refusePassThrough(w, r, a, g.err.(errBypass))
		return
	}
	if err != nil {
		if errors.Is(err, r.Context().Err()) {
			return
		}
		s.log.Error("upstream pass-through failed", "account", a.ID, "err", err)
		writeGraphError(w, http.StatusBadGateway, meta.GraphError{Type: "OAuthException", Code: 2, Message: "Service temporarily unavailable",
			ErrorData: meta.ErrorData{Details: "optgate could not reach the Cloud API upstream"}})
		return
	}
	relay(w, resp)
}

// refusePassThrough answers a Graph call that could send a message without a
// decision (bypass.go).
func (s *Server) refusePassThrough(w http.ResponseWriter, r *http.Request, a *gate.Account, b errBypass) {
	s.log.Warn("graph call refused", "account", a.ID, "method", r.Method, "path", r.URL.Path, "why", b.why)
	writeGraphError(w, http.StatusBadRequest, meta.GraphError{Type: "OptgateConsentException", Code: refusalCodes[reasonUnsupported],
		Message:   "(#" + itoa(refusalCodes[reasonUnsupported]) + ") Request refused by optgate: " + string(reasonUnsupported),
		ErrorData: meta.ErrorData{Details: b.why, Reason: string(reasonUnsupported)}})
}
