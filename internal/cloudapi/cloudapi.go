// Package cloudapi is optgate's client of the upstream WhatsApp Cloud API
// (Meta's Graph API, or the sandbox simulator): it forwards allowed sends
// unchanged and sends optgate's own replies.
package cloudapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/optgate/optgate/internal/consent"
	"github.com/optgate/optgate/internal/meta"
)

// DefaultVersion is the Graph API version optgate uses for its own replies.
const DefaultVersion = "v23.0"

// Client talks to one or more Cloud API base URLs.
type Client struct {
	http *http.Client
}

// New returns a client with connection reuse tuned for a high send rate.
func New(timeout time.Duration) *Client {
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	tr := &http.Transport{
		Proxy:                 nil,
		DialContext:           (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:          512,
		MaxIdleConnsPerHost:   256,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
		ForceAttemptHTTP2:     true,
	}
	return &Client{http: &http.Client{Transport: tr, Timeout: timeout}}
}

// Upstream is one account's Cloud API endpoint and token.
type Upstream struct {
	BaseURL     string
	AccessToken string
	Timeout     time.Duration // for a whole send; zero means the client's default
}

// WithTimeout bounds ctx by the upstream's timeout, if it has one.
func (u Upstream) WithTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	if u.Timeout <= 0 {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, u.Timeout)
}

// Forward sends a request to upstream at path with the account's token and
// returns upstream's response for the caller to relay and close.
func (c *Client) Forward(ctx context.Context, up Upstream, method, path string, body io.Reader, contentType string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimRight(up.BaseURL, "/")+path, body)
	if err != nil {
		return nil, fmt.Errorf("build upstream request: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+up.AccessToken)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("upstream %s: %w", redactURL(up.BaseURL), err)
	}
	return resp, nil
}

// SendText sends a free-form text from phoneNumberID to a person and returns
// Meta's message id. A non-2xx answer is an error carrying Meta's message.
func (c *Client) SendText(ctx context.Context, up Upstream, phoneNumberID, to, text string) (string, error) {
	msg := map[string]any{
		"messaging_product": "whatsapp",
		"recipient_type":    "individual",
		"type":              "text",
		"text":              map[string]any{"preview_url": false, "body": text},
	}
	// A person who hides their number is reached by their business-scoped user id.
	if consent.IsUserID(to) {
		msg["recipient"] = to
	} else {
		msg["to"] = to
	}
	body, _ := json.Marshal(msg)
	return c.Send(ctx, up, phoneNumberID, body)
}

// Send posts a send request (Meta's JSON) from phoneNumberID and returns
// Meta's message id. A non-2xx answer is an *UpstreamError carrying Meta's
// message and code.
func (c *Client) Send(ctx context.Context, up Upstream, phoneNumberID string, body []byte) (string, error) {
	ctx, cancel := up.WithTimeout(ctx)
	defer cancel()
	resp, err := c.Forward(ctx, up, http.MethodPost, "/"+DefaultVersion+"/"+phoneNumberID+"/messages", bytes.NewReader(body), "application/json")
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode/100 != 2 {
		var e meta.ErrorBody
		if json.Unmarshal(b, &e) == nil && e.Error.Message != "" {
			return "", &UpstreamError{Status: resp.StatusCode, Code: e.Error.Code, Message: e.Error.Message}
		}
		return "", &UpstreamError{Status: resp.StatusCode, Message: http.StatusText(resp.StatusCode)}
	}
	var ok struct {
		Messages []struct {
			ID string `json:"id"`
		} `json:"messages"`
	}
	if err := json.Unmarshal(b, &ok); err != nil || len(ok.Messages) == 0 {
		return "", fmt.Errorf("upstream answered %d without a message id", resp.StatusCode)
	}
	return ok.Messages[0].ID, nil
}

// UpstreamError is a refusal from the Cloud API.
type UpstreamError struct {
	Status  int
	Code    int
	Message string
}

func (e *UpstreamError) Error() string {
	return fmt.Sprintf("upstream answered %d: %s (code %d)", e.Status, e.Message, e.Code)
}

// Permanent reports whether retrying cannot help (a 4xx other than rate limits).
func (e *UpstreamError) Permanent() bool {
	return e.Status >= 400 && e.Status < 500 && e.Status != http.StatusTooManyRequests && e.Code != 130429 && e.Code != 131056
}

func redactURL(u string) string {
	if i := strings.Index(u, "?"); i >= 0 {
		return u[:i]
	}
	return u
}

// Template is one message template as the Graph API lists it.
type Template struct {
	Name     string `json:"name"`
	Language string `json:"language"`
	Status   string `json:"status"`
	Category string `json:"category"`
}

// ListTemplates reads every message template of a WhatsApp Business Account,
// following the Graph API's paging.
func (c *Client) ListTemplates(ctx context.Context, up Upstream, wabaID string) ([]Template, error) {
	var all []Template
	path := "/" + DefaultVersion + "/" + wabaID + "/message_templates?fields=name,language,status,category&limit=250"
	for page := 0; path != "" && page < 1000; page++ {
		resp, err := c.Forward(ctx, up, http.MethodGet, path, nil, "")
		if err != nil {
			return nil, err
		}
		b, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
		resp.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("read templates: %w", err)
		}
		if resp.StatusCode != http.StatusOK {
			var e meta.ErrorBody
			_ = json.Unmarshal(b, &e)
			return nil, &UpstreamError{Status: resp.StatusCode, Code: e.Error.Code, Message: e.Error.Message}
		}
		var p struct {
			Data   []Template `json:"data"`
			Paging struct {
				Next string `json:"next"`
			} `json:"paging"`
		}
		if err := json.Unmarshal(b, &p); err != nil {
			return nil, fmt.Errorf("templates page is not JSON: %w", err)
		}
		all = append(all, p.Data...)
		path = ""
		if p.Paging.Next != "" {
			// Follow the cursor on the configured upstream, whatever host Meta names.
			if i := strings.Index(p.Paging.Next, "/"+DefaultVersion+"/"); i >= 0 {
				path = p.Paging.Next[i:]
			} else if u, err := url.Parse(p.Paging.Next); err == nil {
				path = u.RequestURI()
			}
		}
	}
	return all, nil
}
