package meta

import (
	"encoding/json"
	"fmt"
	"strings"
)

// SendRequest is the part of a Cloud API send request that optgate reads.
// The raw body is forwarded unchanged.
type SendRequest struct {
	MessagingProduct string `json:"messaging_product"`
	RecipientType    string `json:"recipient_type,omitempty"`
	To               string `json:"to,omitempty"`
	Recipient        string `json:"recipient,omitempty"` // a business-scoped user id, where Meta accepts one
	Type             string `json:"type,omitempty"`
	Status           string `json:"status,omitempty"` // "read" for mark-as-read
	MessageID        string `json:"message_id,omitempty"`
	Template         *struct {
		Name     string `json:"name"`
		Language struct {
			Code string `json:"code"`
		} `json:"language"`
	} `json:"template,omitempty"`
	TypingIndicator *struct {
		Type string `json:"type"`
	} `json:"typing_indicator,omitempty"`
}

// IsStatusUpdate reports whether the request is a mark-as-read, with or
// without a typing indicator. One that also names a recipient, a type or a
// template is not: status updates pass the gate unchecked.
func (r *SendRequest) IsStatusUpdate() bool {
	return r.Status == "read" && r.MessageID != "" && r.RecipientKey() == "" && r.Type == "" && r.Template == nil
}

// RecipientKey returns the recipient as written: "to" or "recipient".
func (r *SendRequest) RecipientKey() string {
	if r.To != "" {
		return r.To
	}
	return r.Recipient
}

// ParseSend decodes a send request and checks the fields every request needs.
func ParseSend(body []byte) (*SendRequest, error) {
	var r SendRequest
	if err := json.Unmarshal(body, &r); err != nil {
		return nil, fmt.Errorf("body is not valid JSON: %v", err)
	}
	if k, dup := duplicateKey(body); dup {
		return nil, fmt.Errorf("key %q is given twice in one object (keys that differ only in case count as one): Meta and optgate could read different values", k)
	}
	if r.MessagingProduct != "whatsapp" {
		return nil, fmt.Errorf("messaging_product must be \"whatsapp\", got %q", r.MessagingProduct)
	}
	if r.IsStatusUpdate() {
		return &r, nil
	}
	if r.RecipientKey() == "" {
		return nil, fmt.Errorf("to is required")
	}
	// Meta documents its types in lower case and may read them in any: a
	// "TEMPLATE" is decided as the template it may well be, never as text.
	r.Type = strings.ToLower(strings.TrimSpace(r.Type))
	if r.Type == "" {
		r.Type = "text" // Meta's default
	}
	if r.Type == "template" && (r.Template == nil || r.Template.Name == "") {
		return nil, fmt.Errorf("template.name is required for a template message")
	}
	return &r, nil
}

// GraphError is the error object the Graph API answers with.
type GraphError struct {
	Message      string    `json:"message"`
	Type         string    `json:"type"`
	Code         int       `json:"code"`
	ErrorSubcode int       `json:"error_subcode,omitempty"`
	ErrorData    ErrorData `json:"error_data"`
	FBTraceID    string    `json:"fbtrace_id,omitempty"`
}

// ErrorData carries the details of a Graph error; optgate adds Reason.
type ErrorData struct {
	MessagingProduct string `json:"messaging_product"`
	Details          string `json:"details"`
	Reason           string `json:"reason,omitempty"`
}

// ErrorBody wraps a GraphError as the Graph API does: {"error": {...}}.
type ErrorBody struct {
	Error GraphError `json:"error"`
}
