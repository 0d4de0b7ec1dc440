package simulator

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
)

// maxSendBody caps a send request body, as Meta caps request sizes.
const maxSendBody = 1 << 20

var graphVersion = regexp.MustCompile(`^v[0-9]{1,2}\.[0-9]$`)

// GraphError is the Graph API's error object, {"error":{...}}.
type GraphError struct {
	Message      string          `json:"message"`
	Type         string          `json:"type"`
	Code         int             `json:"code"`
	ErrorSubcode int             `json:"error_subcode,omitempty"`
	ErrorData    *GraphErrorData `json:"error_data,omitempty"`
	FBTraceID    string          `json:"fbtrace_id"`
}

// GraphErrorData is the error_data of a Cloud API Graph error.
type GraphErrorData struct {
	MessagingProduct string `json:"messaging_product"`
	Details          string `json:"details"`
}

func writeGraphError(w http.ResponseWriter, status int, e GraphError) {
	e.FBTraceID = newTraceID()
	if e.Type == "" {
		e.Type = "OAuthException"
	}
	w.Header().Set("WWW-Authenticate", `OAuth "Facebook Platform" "invalid_request" "`+e.Message+`"`)
	writeJSON(w, status, map[string]GraphError{"error": e})
}

// invalidParameter answers HTTP 400 with Graph error code 100.
func invalidParameter(w http.ResponseWriter, message, details string) {
	writeGraphError(w, http.StatusBadRequest, GraphError{
		Message:   "(#100) " + message,
		Code:      100,
		ErrorData: &GraphErrorData{MessagingProduct: "whatsapp", Details: details},
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// sendRequest is the part of a Cloud API send (or mark-as-read) request the simulator looks at.
type sendRequest struct {
	MessagingProduct string `json:"messaging_product"`
	RecipientType    string `json:"recipient_type"`
	To               string `json:"to"`
	Recipient        string `json:"recipient"` // a business-scoped user id; "to" wins when both are given
	Type             string `json:"type"`
	Text             *struct {
		Body string `json:"body"`
	} `json:"text"`
	Template *struct {
		Name     string `json:"name"`
		Language *struct {
			Code string `json:"code"`
		} `json:"language"`
	} `json:"template"`
	Interactive *struct {
		Type string `json:"type"`
		Body *struct {
			Text string `json:"text"`
		} `json:"body"`
	} `json:"interactive"`

	// mark as read, typing indicator
	Status          string `json:"status"`
	MessageID       string `json:"message_id"`
	TypingIndicator *struct {
		Type string `json:"type"`
	} `json:"typing_indicator"`
}

// messageTypes are the send types the Cloud API knows; each needs an object under its own name.
var messageTypes = map[string]bool{
	"text": true, "template": true, "image": true, "audio": true, "video": true, "document": true,
	"sticker": true, "location": true, "contacts": true, "interactive": true, "reaction": true,
}

type sendResponse struct {
	MessagingProduct string            `json:"messaging_product"`
	Contacts         []sendContact     `json:"contacts"`
	Messages         []sendMessageInfo `json:"messages"`
}

type sendContact struct {
	Input  string `json:"input"`
	WaID   string `json:"wa_id,omitempty"`
	UserID string `json:"user_id,omitempty"`
}

type sendMessageInfo struct {
	ID            string `json:"id"`
	MessageStatus string `json:"message_status,omitempty"`
}

// unsupportedRequest answers as the Graph API does a request for a node that
// does not exist or does not serve it: HTTP 400, code 100, subcode 33.
func unsupportedRequest(w http.ResponseWriter, method, id string) {
	writeGraphError(w, http.StatusBadRequest, GraphError{
		Message:      fmt.Sprintf("Unsupported %s request. Object with ID '%s' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api", strings.ToLower(method), id),
		Type:         "GraphMethodException",
		Code:         100,
		ErrorSubcode: 33,
	})
}

// unauthorized answers a request without the simulator's access token.
func unauthorized(w http.ResponseWriter) {
	writeGraphError(w, http.StatusUnauthorized, GraphError{
		Message: "Invalid OAuth access token - Cannot parse access token",
		Code:    190,
	})
}

// handleUnknown answers a Graph path that the simulator does not serve as
// the Graph API answers one it does not know, never with a bare 404: the
// token is checked first; a path that does not start with a version is
// "Unknown path components" (code 2500); any other names a node that does
// not exist or does not serve the request (code 100, subcode 33).
func (s *Simulator) handleUnknown(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(r) {
		unauthorized(w)
		return
	}
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	if len(parts) < 2 || !graphVersion.MatchString(parts[0]) {
		writeGraphError(w, http.StatusBadRequest, GraphError{Message: "Unknown path components: " + r.URL.Path, Code: 2500})
		return
	}
	unsupportedRequest(w, r.Method, parts[1])
}

// handleSend serves POST /{version}/{phone_number_id}/messages like the Cloud API.
func (s *Simulator) handleSend(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(r) {
		unauthorized(w)
		return
	}
	version, phoneNumberID := r.PathValue("version"), r.PathValue("phone_number_id")
	if !graphVersion.MatchString(version) {
		writeGraphError(w, http.StatusBadRequest, GraphError{
			Message: "Unknown path components: /" + version + "/" + phoneNumberID + "/messages",
			Code:    2500,
		})
		return
	}
	if phoneNumberID != s.cfg.PhoneNumberID {
		unsupportedRequest(w, r.Method, phoneNumberID)
		return
	}

	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxSendBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			invalidParameter(w, "Invalid parameter", "Request body is too large.")
			return
		}
		invalidParameter(w, "Invalid parameter", "Could not read the request body.")
		return
	}
	var req sendRequest
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		invalidParameter(w, "Invalid parameter", "Request body is not a JSON object: "+err.Error())
		return
	}
	if err := json.Unmarshal(raw, &req); err != nil {
		invalidParameter(w, "Invalid parameter", "Request body has a field of the wrong type: "+err.Error())
		return
	}
	if req.MessagingProduct == "" {
		invalidParameter(w, "The parameter messaging_product is required.", "The parameter messaging_product is required.")
		return
	}
	if req.MessagingProduct != "whatsapp" {
		invalidParameter(w, "Invalid parameter", "Param messaging_product must be one of {WHATSAPP} - got \""+req.MessagingProduct+"\".")
		return
	}

	if req.Status != "" {
		s.markRead(w, req)
		return
	}
	s.sendMessage(w, req, fields, raw)
}

func (s *Simulator) authorized(r *http.Request) bool {
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		token = r.URL.Query().Get("access_token") // the Graph API accepts it here too
	}
	token = strings.TrimSpace(token)
	return token != "" && subtle.ConstantTimeCompare([]byte(token), []byte(s.cfg.AccessToken)) == 1
}

// markRead answers a mark-as-read request, with or without a typing indicator.
func (s *Simulator) markRead(w http.ResponseWriter, req sendRequest) {
	if req.Status != "read" {
		invalidParameter(w, "Invalid parameter", "Param status must be one of {READ} - got \""+req.Status+"\".")
		return
	}
	if req.MessageID == "" {
		invalidParameter(w, "The parameter message_id is required.", "The parameter message_id is required.")
		return
	}
	if req.TypingIndicator != nil && req.TypingIndicator.Type != "text" {
		invalidParameter(w, "Invalid parameter", "Param typing_indicator[type] must be one of {TEXT} - got \""+req.TypingIndicator.Type+"\".")
		return
	}
	s.log.Info("business marked message as read", "message_id", req.MessageID, "typing", req.TypingIndicator != nil)
	writeJSON(w, http.StatusOK, map[string]bool{"success": true})
}

// sendMessage accepts a message and queues the status webhooks Meta would send for it.
func (s *Simulator) sendMessage(w http.ResponseWriter, req sendRequest, fields map[string]json.RawMessage, raw []byte) {
	if req.RecipientType != "" && req.RecipientType != "individual" {
		invalidParameter(w, "Invalid parameter", "Param recipient_type must be one of {INDIVIDUAL} - got \""+req.RecipientType+"\".")
		return
	}
	input := req.To
	if strings.TrimSpace(input) == "" {
		input = req.Recipient
	}
	if strings.TrimSpace(input) == "" {
		invalidParameter(w, "The parameter to is required.", "The parameter to is required.")
		return
	}
	msgType := req.Type
	if msgType == "" {
		msgType = "text" // the Cloud API's default
	}
	if !messageTypes[msgType] {
		invalidParameter(w, "Invalid parameter", "Param type must be one of {AUDIO, CONTACTS, DOCUMENT, IMAGE, INTERACTIVE, LOCATION, REACTION, STICKER, TEMPLATE, TEXT, VIDEO} - got \""+msgType+"\".")
		return
	}
	if obj, ok := fields[msgType]; !ok || bytes.Equal(bytes.TrimSpace(obj), []byte("null")) {
		invalidParameter(w, "The parameter "+msgType+" is required.", "The parameter "+msgType+" is required.")
		return
	}
	var category, templateName, text string
	switch msgType {
	case "text":
		if req.Text == nil || req.Text.Body == "" {
			invalidParameter(w, "The parameter text['body'] is required.", "The parameter text['body'] is required.")
			return
		}
		text = req.Text.Body
	case "template":
		t := req.Template
		if t == nil || t.Name == "" {
			invalidParameter(w, "The parameter template['name'] is required.", "The parameter template['name'] is required.")
			return
		}
		if t.Language == nil || t.Language.Code == "" {
			invalidParameter(w, "The parameter template['language'] is required.", "The parameter template['language']['code'] is required.")
			return
		}
		s.mu.Lock()
		c, ok := s.templates[t.Name]
		s.mu.Unlock()
		if !ok {
			writeGraphError(w, http.StatusNotFound, GraphError{
				Message:   "(#132001) Template name does not exist in the translation",
				Code:      132001,
				ErrorData: &GraphErrorData{MessagingProduct: "whatsapp", Details: fmt.Sprintf("template name (%s) does not exist in %s", t.Name, t.Language.Code)},
			})
			return
		}
		category, templateName = c, t.Name
	case "interactive":
		if req.Interactive == nil || req.Interactive.Type == "" {
			invalidParameter(w, "The parameter interactive['type'] is required.", "The parameter interactive['type'] is required.")
			return
		}
		if req.Interactive.Body != nil {
			text = req.Interactive.Body.Text
		}
	}

	now := s.now()
	s.mu.Lock()
	var p *person
	waID, ok := digitsOnly(input)
	byUserID := !ok
	if ok {
		p = s.personLocked(waID)
	} else if p = s.personByUserIDLocked(strings.TrimSpace(input)); p != nil {
		waID = p.waID
	} else {
		s.mu.Unlock()
		field := "to"
		if req.To == "" {
			field = "recipient"
		}
		invalidParameter(w, "Invalid parameter", "Invalid parameter value for '"+field+"': "+input)
		return
	}
	id := newWAMID(waID, false)
	st := messageStatus{ID: id, Timestamp: unixString(now), RecipientID: waID, RecipientUserID: p.userID}
	var failure *webhookErrorDetails
	switch {
	case msgType == "template" && category == CategoryMarketing && p.marketingStopped:
		failure = &errMarketingStopped
	case msgType != "template" && !p.windowOpen(now):
		failure = &errReEngagement
	}
	var statuses []messageStatus
	if failure != nil {
		st.Status = "failed"
		st.Errors = []webhookErrorDetails{*failure}
		statuses = append(statuses, st)
	} else {
		pricingCategory, pricingType, billable := "service", "free_customer_service", false
		if msgType == "template" {
			pricingCategory, pricingType, billable = strings.ToLower(category), "regular", true
			if category == CategoryUtility && p.windowOpen(now) {
				pricingType, billable = "free_customer_service", false // utility templates are free inside the window
			}
		}
		conv := p.conversationLocked(pricingCategory, now)
		st.Conversation = &statusConversation{
			ID:                  conv.id,
			ExpirationTimestamp: unixString(conv.expires),
			Origin:              conversationOrigin{Type: pricingCategory},
		}
		st.Pricing = &statusPricing{Billable: billable, PricingModel: "PMP", Type: pricingType, Category: pricingCategory}
		for _, name := range s.statusSequence() {
			st.Status = name
			statuses = append(statuses, st)
		}
		p.inbox = append(p.inbox, Delivered{
			ID: id, Type: msgType, Template: templateName, Text: text, At: now,
			Body: json.RawMessage(append([]byte(nil), raw...)),
		})
		p.lastReceivedID = id
	}
	s.mu.Unlock()

	resp := sendResponse{
		MessagingProduct: "whatsapp",
		Contacts:         []sendContact{{Input: input, WaID: waID}},
		Messages:         []sendMessageInfo{{ID: id}},
	}
	if byUserID { // Meta answers a send to a user id with the user id, not the number
		resp.Contacts[0] = sendContact{Input: input, UserID: p.userID}
	}
	if msgType == "template" {
		resp.Messages[0].MessageStatus = "accepted"
	}
	writeJSON(w, http.StatusOK, resp)
	if f, ok := w.(http.Flusher); ok {
		f.Flush() // let the business see its answer before the first status webhook
	}

	for _, st := range statuses {
		s.enqueue(s.envelope("messages", webhookValue{Statuses: []messageStatus{st}}))
	}
	attrs := []any{"to", waID, "type", msgType, "id", id}
	if templateName != "" {
		attrs = append(attrs, "template", templateName)
	}
	if failure != nil {
		s.log.Info("message accepted, will fail", append(attrs, "code", failure.Code)...)
	} else {
		s.log.Info("message accepted", attrs...)
	}
}

func (s *Simulator) statusSequence() []string {
	if s.cfg.ReadReceipts {
		return []string{"sent", "delivered", "read"}
	}
	return []string{"sent", "delivered"}
}
