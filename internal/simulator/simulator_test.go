package simulator

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	testSecret  = "app-secret"
	testToken   = "meta-token"
	testWABA    = "102290129340398"
	testPhoneID = "106540352242922"
	testDisplay = "15550783881"
	sheena      = "16505551234"
)

var fixtureDir = filepath.Join("..", "..", "..", "shared", "fixtures", "meta")

// receiver plays optgate's webhook endpoint: it checks the signature itself and records payloads.
type receiver struct {
	t      *testing.T
	secret string

	mu       sync.Mutex
	bodies   [][]byte
	failNext int // answer 500 to this many next requests
	status   int // answer with this status when not 0
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	mac := hmac.New(sha256.New, []byte(rc.secret))
	mac.Write(body)
	want := "sha256=" + hex.EncodeToString(mac.Sum(nil))
	if !hmac.Equal([]byte(r.Header.Get("X-Hub-Signature-256")), []byte(want)) {
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		rc.t.Errorf("webhook Content-Type = %q", ct)
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if rc.failNext > 0 {
		rc.failNext--
		http.Error(w, "try later", http.StatusInternalServerError)
		return
	}
	if rc.status != 0 {
		http.Error(w, "refused", rc.status)
		return
	}
	rc.bodies = append(rc.bodies, body)
	w.WriteHeader(http.StatusOK)
}

func (rc *receiver) payloads() []map[string]any {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	out := make([]map[string]any, 0, len(rc.bodies))
	for _, b := range rc.bodies {
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			rc.t.Fatalf("webhook is not JSON: %v: %s", err, b)
		}
		out = append(out, m)
	}
	return out
}

func (rc *receiver) last() map[string]any {
	rc.t.Helper()
	ps := rc.payloads()
	if len(ps) == 0 {
		rc.t.Fatal("no webhook received")
	}
	return ps[len(ps)-1]
}

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

type harness struct {
	t     *testing.T
	sim   *Simulator
	rc    *receiver
	graph *httptest.Server
	clock *fakeClock
}

func newHarness(t *testing.T, mutate ...func(*Config)) *harness {
	t.Helper()
	rc := &receiver{t: t, secret: testSecret}
	optgate := httptest.NewServer(rc)
	t.Cleanup(optgate.Close)
	clock := &fakeClock{t: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)}
	cfg := Config{
		AppSecret:     testSecret,
		AccessToken:   testToken,
		WABAID:        testWABA,
		PhoneNumberID: testPhoneID,
		DisplayPhone:  testDisplay,
		WebhookURL:    optgate.URL + "/webhooks/whatsapp",
		Templates: map[string]string{
			"welcome_discount_template": "MARKETING",
			"order_confirmation":        "UTILITY",
			"login_code":                "authentication",
		},
		Now: clock.Now,
	}
	for _, m := range mutate {
		m(&cfg)
	}
	sim, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	graph := httptest.NewServer(sim.Handler())
	t.Cleanup(func() {
		graph.Close()
		if err := sim.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	sim.SetName(sheena, "Sheena Nelson")
	return &harness{t: t, sim: sim, rc: rc, graph: graph, clock: clock}
}

// call sends a JSON request and decodes the JSON answer.
func (h *harness) call(method, path, token, body string) (int, map[string]any) {
	h.t.Helper()
	req, err := http.NewRequest(method, h.graph.URL+path, strings.NewReader(body))
	if err != nil {
		h.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		h.t.Fatalf("%s %s answered non-JSON %d: %s", method, path, resp.StatusCode, raw)
	}
	return resp.StatusCode, m
}

func (h *harness) send(body string) (int, map[string]any) {
	h.t.Helper()
	return h.call(http.MethodPost, "/v23.0/"+testPhoneID+"/messages", testToken, body)
}

// sendOK sends and returns the new message id, failing the test unless the answer is 200.
func (h *harness) sendOK(body string) string {
	h.t.Helper()
	code, m := h.send(body)
	if code != http.StatusOK {
		h.t.Fatalf("send answered %d: %v", code, m)
	}
	return dig(m, "messages", 0, "id").(string)
}

func (h *harness) flush() {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := h.sim.Flush(ctx); err != nil {
		h.t.Fatalf("Flush: %v", err)
	}
}

// statuses returns every status the receiver got for message id, in arrival order.
func (h *harness) statuses(id string) []map[string]any {
	var out []map[string]any
	for _, p := range h.rc.payloads() {
		st, ok := dig(p, "entry", 0, "changes", 0, "value", "statuses", 0).(map[string]any)
		if ok && st["id"] == id {
			out = append(out, st)
		}
	}
	return out
}

func statusNames(sts []map[string]any) []string {
	var names []string
	for _, st := range sts {
		names = append(names, st["status"].(string))
	}
	return names
}

func textTo(to, body string) string {
	return fmt.Sprintf(`{"messaging_product":"whatsapp","recipient_type":"individual","to":%q,"type":"text","text":{"body":%q}}`, to, body)
}

func templateTo(to, name string) string {
	return fmt.Sprintf(`{"messaging_product":"whatsapp","to":%q,"type":"template","template":{"name":%q,"language":{"code":"en_US"}}}`, to, name)
}

// dig walks a decoded JSON value by keys and indexes; nil when the path does not exist.
func dig(v any, path ...any) any {
	for _, step := range path {
		switch k := step.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return nil
			}
			v = m[k]
		case int:
			a, ok := v.([]any)
			if !ok || k >= len(a) {
				return nil
			}
			v = a[k]
		}
	}
	return v
}

// shape reduces a JSON value to its structure: objects to their keys' shapes, arrays to the shape of
// their first element, scalars to their JSON type.
func shape(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = shape(e)
		}
		return out
	case []any:
		if len(x) == 0 {
			return []any{}
		}
		return []any{shape(x[0])}
	case string:
		return "string"
	case float64:
		return "number"
	case bool:
		return "bool"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", v)
}

func loadFixture(t *testing.T, name string) map[string]any {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(fixtureDir, name))
	if err != nil {
		t.Fatalf("read fixture: %v", err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("fixture %s: %v", name, err)
	}
	return m
}

func sameShape(t *testing.T, what string, got, want any) {
	t.Helper()
	gs, ws := shape(got), shape(want)
	if !reflect.DeepEqual(gs, ws) {
		g, _ := json.MarshalIndent(gs, "", "  ")
		w, _ := json.MarshalIndent(ws, "", "  ")
		t.Errorf("%s: structure differs from the fixture\n got: %s\nwant: %s", what, g, w)
	}
}

func TestWebhooksMatchMetaFixtures(t *testing.T) {
	if _, err := os.Stat(fixtureDir); err != nil {
		t.Skipf("fixtures not available: %v", err)
	}
	h := newHarness(t)
	ctx := context.Background()

	if _, err := h.sim.SendText(ctx, sheena, "Does it come in another color?"); err != nil {
		t.Fatal(err)
	}
	sameShape(t, "text message", h.rc.last(), loadFixture(t, "webhook-text.json"))

	code, resp := h.send(templateTo(sheena, "welcome_discount_template"))
	if code != http.StatusOK {
		t.Fatalf("template send answered %d: %v", code, resp)
	}
	sameShape(t, "send response", resp, loadFixture(t, "send-success-response.json"))
	h.flush()
	sent := h.rc.payloads()[1]
	sameShape(t, "sent status", sent, loadFixture(t, "webhook-status-sent.json"))

	if _, err := h.sim.TapButton(ctx, sheena, "Unsubscribe", "Unsubscribe"); err != nil {
		t.Fatal(err)
	}
	sameShape(t, "button", h.rc.last(), loadFixture(t, "webhook-button.json"))

	if _, err := h.sim.ReplyButton(ctx, sheena, "cancel-button", "Cancel"); err != nil {
		t.Fatal(err)
	}
	sameShape(t, "interactive button reply", h.rc.last(), loadFixture(t, "webhook-interactive-button-reply.json"))

	if _, err := h.sim.ReplyList(ctx, sheena, "priority_express", "Priority Mail Express", "Next Day to 2 Days"); err != nil {
		t.Fatal(err)
	}
	sameShape(t, "interactive list reply",
		dig(h.rc.last(), "entry", 0, "changes", 0, "value", "messages", 0),
		loadFixture(t, "message-interactive-list-reply.json"))

	if err := h.sim.SetMarketing(ctx, sheena, true); err != nil {
		t.Fatal(err)
	}
	sameShape(t, "user_preferences stop", h.rc.last(), loadFixture(t, "webhook-user-preferences-stop.json"))

	id := h.sendOK(templateTo(sheena, "welcome_discount_template"))
	h.flush()
	failed := h.statuses(id)
	if len(failed) != 1 {
		t.Fatalf("want one failed status, got %v", statusNames(failed))
	}
	fixture131050 := loadFixture(t, "webhook-status-failed-131050.json")
	sameShape(t, "failed 131050 status", failed[0], dig(fixture131050, "entry", 0, "changes", 0, "value", "statuses", 0))
	if got, want := failed[0]["errors"], dig(fixture131050, "entry", 0, "changes", 0, "value", "statuses", 0, "errors"); !reflect.DeepEqual(got, want) {
		t.Errorf("131050 errors = %v, want the fixture's %v", got, want)
	}

	if err := h.sim.SetMarketing(ctx, sheena, false); err != nil {
		t.Fatal(err)
	}
	sameShape(t, "user_preferences resume", h.rc.last(), loadFixture(t, "webhook-user-preferences-resume.json"))

	stranger := "5511987654321"
	id = h.sendOK(textTo(stranger, "hello?"))
	h.flush()
	failed = h.statuses(id)
	if len(failed) != 1 {
		t.Fatalf("want one failed status, got %v", statusNames(failed))
	}
	sameShape(t, "failed 131047 status", h.rc.last(), loadFixture(t, "webhook-status-failed-131049.json"))

	if err := h.sim.ChangeNumber(ctx, sheena, "12195555358"); err != nil {
		t.Fatal(err)
	}
	sameShape(t, "user_changed_number", h.rc.last(), loadFixture(t, "webhook-system-user-changed-number.json"))
	if got := dig(h.rc.last(), "entry", 0, "changes", 0, "value", "messages", 0, "system", "body"); got != "User Sheena Nelson changed from 16505551234 to 12195555358" {
		t.Errorf("system body = %v", got)
	}
}

func TestWebhookEnvelopeValues(t *testing.T) {
	h := newHarness(t)
	before := h.clock.Now()
	id, err := h.sim.SendText(context.Background(), sheena, "Oi")
	if err != nil {
		t.Fatal(err)
	}
	p := h.rc.last()
	checks := map[string]struct {
		got, want any
	}{
		"object":        {p["object"], "whatsapp_business_account"},
		"entry id":      {dig(p, "entry", 0, "id"), testWABA},
		"field":         {dig(p, "entry", 0, "changes", 0, "field"), "messages"},
		"product":       {dig(p, "entry", 0, "changes", 0, "value", "messaging_product"), "whatsapp"},
		"phone id":      {dig(p, "entry", 0, "changes", 0, "value", "metadata", "phone_number_id"), testPhoneID},
		"display":       {dig(p, "entry", 0, "changes", 0, "value", "metadata", "display_phone_number"), testDisplay},
		"contact wa_id": {dig(p, "entry", 0, "changes", 0, "value", "contacts", 0, "wa_id"), sheena},
		"name":          {dig(p, "entry", 0, "changes", 0, "value", "contacts", 0, "profile", "name"), "Sheena Nelson"},
		"from":          {dig(p, "entry", 0, "changes", 0, "value", "messages", 0, "from"), sheena},
		"id":            {dig(p, "entry", 0, "changes", 0, "value", "messages", 0, "id"), id},
		"timestamp":     {dig(p, "entry", 0, "changes", 0, "value", "messages", 0, "timestamp"), fmt.Sprint(before.Unix())},
		"text":          {dig(p, "entry", 0, "changes", 0, "value", "messages", 0, "text", "body"), "Oi"},
	}
	for name, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", name, c.got, c.want)
		}
	}
	if !strings.HasPrefix(id, "wamid.") {
		t.Errorf("id %q is not a wamid", id)
	}
}

func TestSignatureIsCheckedByReceiver(t *testing.T) {
	// A receiver holding another secret refuses every webhook, and the person action reports it.
	h := newHarness(t)
	h.rc.secret = "another-secret"
	_, err := h.sim.SendText(context.Background(), sheena, "hi")
	var we *WebhookError
	if !errors.As(err, &we) || we.StatusCode != http.StatusUnauthorized {
		t.Fatalf("SendText with a mismatched secret: err = %v, want a WebhookError with 401", err)
	}
	mac := hmac.New(sha256.New, []byte("k"))
	mac.Write([]byte("body"))
	if got, want := Sign("k", []byte("body")), "sha256="+hex.EncodeToString(mac.Sum(nil)); got != want {
		t.Errorf("Sign = %s, want %s", got, want)
	}
}

func TestSendAPIErrors(t *testing.T) {
	h := newHarness(t)
	path := "/v23.0/" + testPhoneID + "/messages"
	tests := []struct {
		name    string
		path    string
		token   string
		body    string
		status  int
		code    float64
		errType string
	}{
		{"no token", path, "", textTo(sheena, "x"), 401, 190, "OAuthException"},
		{"wrong token", path, "nope", textTo(sheena, "x"), 401, 190, "OAuthException"},
		{"bad json", path, testToken, `{"messaging_product":`, 400, 100, "OAuthException"},
		{"not an object", path, testToken, `[1,2]`, 400, 100, "OAuthException"},
		{"no messaging_product", path, testToken, `{"to":"16505551234","type":"text","text":{"body":"x"}}`, 400, 100, "OAuthException"},
		{"no to", path, testToken, `{"messaging_product":"whatsapp","type":"text","text":{"body":"x"}}`, 400, 100, "OAuthException"},
		{"bad to", path, testToken, textTo("call me", "x"), 400, 100, "OAuthException"},
		{"no text body", path, testToken, `{"messaging_product":"whatsapp","to":"16505551234","type":"text","text":{}}`, 400, 100, "OAuthException"},
		{"type without object", path, testToken, `{"messaging_product":"whatsapp","to":"16505551234","type":"image"}`, 400, 100, "OAuthException"},
		{"unknown type", path, testToken, `{"messaging_product":"whatsapp","to":"16505551234","type":"hologram","hologram":{}}`, 400, 100, "OAuthException"},
		{"template without language", path, testToken, `{"messaging_product":"whatsapp","to":"16505551234","type":"template","template":{"name":"order_confirmation"}}`, 400, 100, "OAuthException"},
		{"unknown template", path, testToken, templateTo(sheena, "no_such_template"), 404, 132001, "OAuthException"},
		{"other phone number id", "/v23.0/999999999/messages", testToken, textTo(sheena, "x"), 400, 100, "GraphMethodException"},
		{"bad version", "/latest/" + testPhoneID + "/messages", testToken, textTo(sheena, "x"), 400, 2500, "OAuthException"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, m := h.call(http.MethodPost, tc.path, tc.token, tc.body)
			if status != tc.status {
				t.Errorf("status = %d, want %d (%v)", status, tc.status, m)
			}
			if got := dig(m, "error", "code"); got != tc.code {
				t.Errorf("error.code = %v, want %v", got, tc.code)
			}
			if got := dig(m, "error", "type"); got != tc.errType {
				t.Errorf("error.type = %v, want %v", got, tc.errType)
			}
			if msg, _ := dig(m, "error", "message").(string); msg == "" {
				t.Error("error.message is empty")
			}
			if tr, _ := dig(m, "error", "fbtrace_id").(string); tr == "" {
				t.Error("error.fbtrace_id is empty")
			}
			if tc.code == 100 && tc.errType == "OAuthException" {
				if got := dig(m, "error", "error_data", "messaging_product"); got != "whatsapp" {
					t.Errorf("error_data.messaging_product = %v", got)
				}
				if msg, _ := dig(m, "error", "message").(string); !strings.HasPrefix(msg, "(#100) ") {
					t.Errorf("message %q does not start with (#100)", msg)
				}
			}
		})
	}
	h.flush()
	if n := len(h.rc.payloads()); n != 0 {
		t.Errorf("refused sends produced %d webhooks", n)
	}
	if n := len(h.sim.Inbox(sheena)); n != 0 {
		t.Errorf("refused sends reached the inbox: %d", n)
	}
}

func TestTemplateSendSuccess(t *testing.T) {
	h := newHarness(t)
	code, m := h.send(templateTo("+1 650-555-1234", "order_confirmation"))
	if code != http.StatusOK {
		t.Fatalf("status %d: %v", code, m)
	}
	if m["messaging_product"] != "whatsapp" ||
		dig(m, "contacts", 0, "input") != "+1 650-555-1234" ||
		dig(m, "contacts", 0, "wa_id") != sheena ||
		dig(m, "messages", 0, "message_status") != "accepted" {
		t.Errorf("unexpected response %v", m)
	}
	id := dig(m, "messages", 0, "id").(string)
	h.flush()
	sts := h.statuses(id)
	if got := statusNames(sts); !reflect.DeepEqual(got, []string{"sent", "delivered"}) {
		t.Fatalf("statuses = %v, want sent, delivered", got)
	}
	for _, st := range sts {
		if st["recipient_id"] != sheena || dig(st, "pricing", "category") != "utility" ||
			dig(st, "pricing", "pricing_model") != "PMP" || dig(st, "conversation", "origin", "type") != "utility" {
			t.Errorf("status %v lacks recipient, pricing or conversation", st)
		}
		if _, ok := st["timestamp"].(string); !ok {
			t.Errorf("status timestamp is not a string: %v", st["timestamp"])
		}
	}
	inbox := h.sim.Inbox(sheena)
	if len(inbox) != 1 || inbox[0].ID != id || inbox[0].Type != "template" || inbox[0].Template != "order_confirmation" {
		t.Errorf("inbox = %+v", inbox)
	}
	// Free-form text in the same request must not carry message_status.
	if _, err := h.sim.SendText(context.Background(), sheena, "thanks"); err != nil {
		t.Fatal(err)
	}
	_, m = h.send(textTo(sheena, "you're welcome"))
	if _, has := dig(m, "messages", 0).(map[string]any)["message_status"]; has {
		t.Errorf("text send response has message_status: %v", m)
	}
}

func TestFreeFormOutsideWindowFails131047(t *testing.T) {
	h := newHarness(t)
	id := h.sendOK(textTo(sheena, "Hello there"))
	h.flush()
	sts := h.statuses(id)
	if got := statusNames(sts); !reflect.DeepEqual(got, []string{"failed"}) {
		t.Fatalf("statuses = %v, want failed", got)
	}
	e := dig(sts[0], "errors", 0).(map[string]any)
	if e["code"] != float64(131047) || e["title"] != "Re-engagement message" ||
		dig(e, "error_data", "details") != "Message failed to send because more than 24 hours have passed since the customer last replied to this number." {
		t.Errorf("error = %v", e)
	}
	if sts[0]["conversation"] != nil || sts[0]["pricing"] != nil {
		t.Errorf("failed status carries conversation or pricing: %v", sts[0])
	}
	if n := len(h.sim.Inbox(sheena)); n != 0 {
		t.Errorf("inbox has %d messages, want 0", n)
	}
}

func TestFreeFormInsideWindowDelivered(t *testing.T) {
	h := newHarness(t)
	if _, err := h.sim.SendText(context.Background(), sheena, "Oi, tudo bem?"); err != nil {
		t.Fatal(err)
	}
	h.clock.Advance(23 * time.Hour)
	id := h.sendOK(textTo("+"+sheena, "Tudo ótimo!"))
	interactive := h.sendOK(`{"messaging_product":"whatsapp","to":"16505551234","type":"interactive","interactive":{"type":"button","body":{"text":"Pick one"},"action":{"buttons":[{"type":"reply","reply":{"id":"a","title":"A"}}]}}}`)
	h.flush()
	sts := h.statuses(id)
	if got := statusNames(sts); !reflect.DeepEqual(got, []string{"sent", "delivered"}) {
		t.Fatalf("statuses = %v, want sent, delivered", got)
	}
	if dig(sts[0], "pricing", "category") != "service" || dig(sts[0], "pricing", "billable") != false {
		t.Errorf("service pricing = %v", sts[0]["pricing"])
	}
	inbox := h.sim.Inbox(sheena)
	if len(inbox) != 2 || inbox[0].ID != id || inbox[0].Text != "Tudo ótimo!" || inbox[1].ID != interactive || inbox[1].Text != "Pick one" {
		t.Fatalf("inbox = %+v", inbox)
	}
	var body map[string]any
	if err := json.Unmarshal(inbox[0].Body, &body); err != nil || body["to"] != "+"+sheena {
		t.Errorf("inbox body = %s (%v)", inbox[0].Body, err)
	}

	// The person's message opened the window for 24 hours; after that, free-form fails again.
	h.clock.Advance(2 * time.Hour)
	late := h.sendOK(textTo(sheena, "Still there?"))
	h.flush()
	if got := statusNames(h.statuses(late)); !reflect.DeepEqual(got, []string{"failed"}) {
		t.Fatalf("after the window: statuses = %v, want failed", got)
	}
	if n := len(h.sim.Inbox(sheena)); n != 2 {
		t.Errorf("inbox has %d messages after a failed send, want 2", n)
	}
}

func TestMarketingStopAndResume(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	if err := h.sim.SetMarketing(ctx, sheena, true); err != nil {
		t.Fatal(err)
	}
	pref := dig(h.rc.last(), "entry", 0, "changes", 0, "value", "user_preferences", 0).(map[string]any)
	if pref["value"] != "stop" || pref["category"] != "marketing_messages" || pref["timestamp"] != float64(h.clock.Now().Unix()) {
		t.Errorf("user_preferences = %v", pref)
	}

	promo := h.sendOK(templateTo(sheena, "welcome_discount_template"))
	receipt := h.sendOK(templateTo(sheena, "order_confirmation"))
	h.flush()
	sts := h.statuses(promo)
	if got := statusNames(sts); !reflect.DeepEqual(got, []string{"failed"}) {
		t.Fatalf("marketing to a stopped person: statuses = %v, want failed", got)
	}
	if code := dig(sts[0], "errors", 0, "code"); code != float64(131050) {
		t.Errorf("error code = %v, want 131050", code)
	}
	if got := statusNames(h.statuses(receipt)); !reflect.DeepEqual(got, []string{"sent", "delivered"}) {
		t.Errorf("utility to a stopped person: statuses = %v, want sent, delivered", got)
	}

	if err := h.sim.SetMarketing(ctx, sheena, false); err != nil {
		t.Fatal(err)
	}
	again := h.sendOK(templateTo(sheena, "welcome_discount_template"))
	h.flush()
	if got := statusNames(h.statuses(again)); !reflect.DeepEqual(got, []string{"sent", "delivered"}) {
		t.Errorf("marketing after resume: statuses = %v, want sent, delivered", got)
	}
	var ids []string
	for _, d := range h.sim.Inbox(sheena) {
		ids = append(ids, d.ID)
	}
	if !reflect.DeepEqual(ids, []string{receipt, again}) {
		t.Errorf("inbox ids = %v, want [%s %s]", ids, receipt, again)
	}
}

func TestMarkAsReadAndTyping(t *testing.T) {
	h := newHarness(t)
	in, err := h.sim.SendText(context.Background(), sheena, "hello")
	if err != nil {
		t.Fatal(err)
	}
	for _, body := range []string{
		fmt.Sprintf(`{"messaging_product":"whatsapp","status":"read","message_id":%q}`, in),
		fmt.Sprintf(`{"messaging_product":"whatsapp","status":"read","message_id":%q,"typing_indicator":{"type":"text"}}`, in),
	} {
		code, m := h.send(body)
		if code != http.StatusOK || m["success"] != true || len(m) != 1 {
			t.Errorf("%s: %d %v, want 200 {\"success\":true}", body, code, m)
		}
	}
	if code, m := h.send(`{"messaging_product":"whatsapp","status":"deleted","message_id":"wamid.x"}`); code != 400 || dig(m, "error", "code") != float64(100) {
		t.Errorf("bad status: %d %v", code, m)
	}
	if code, _ := h.send(`{"messaging_product":"whatsapp","status":"read"}`); code != 400 {
		t.Errorf("read without message_id: %d", code)
	}
	h.flush()
	if n := len(h.rc.payloads()); n != 1 { // only the person's text
		t.Errorf("got %d webhooks, want 1", n)
	}
	if n := len(h.sim.Inbox(sheena)); n != 0 {
		t.Errorf("read receipts reached the inbox: %d", n)
	}
}

func TestSetTemplate(t *testing.T) {
	h := newHarness(t)
	if code, _ := h.send(templateTo(sheena, "flash_sale")); code != http.StatusNotFound {
		t.Fatalf("unregistered template answered %d, want 404", code)
	}
	if err := h.sim.SetTemplate("flash_sale", "marketing"); err != nil {
		t.Fatal(err)
	}
	if err := h.sim.SetTemplate("bad", "PROMO"); err == nil {
		t.Error("SetTemplate accepted an unknown category")
	}
	id := h.sendOK(templateTo(sheena, "flash_sale"))
	h.flush()
	if got := dig(h.statuses(id)[0], "pricing", "category"); got != "marketing" {
		t.Errorf("pricing category = %v", got)
	}
}

func TestReadReceiptsOption(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.ReadReceipts = true })
	id := h.sendOK(templateTo(sheena, "order_confirmation"))
	h.flush()
	if got := statusNames(h.statuses(id)); !reflect.DeepEqual(got, []string{"sent", "delivered", "read"}) {
		t.Errorf("statuses = %v", got)
	}
}

func TestDeliveryRetriesInOrder(t *testing.T) {
	h := newHarness(t)
	h.rc.mu.Lock()
	h.rc.failNext = 2
	h.rc.mu.Unlock()
	first := h.sendOK(templateTo(sheena, "order_confirmation"))
	second := h.sendOK(templateTo(sheena, "order_confirmation"))
	h.flush()
	var got []string
	for _, p := range h.rc.payloads() {
		st := dig(p, "entry", 0, "changes", 0, "value", "statuses", 0).(map[string]any)
		got = append(got, st["id"].(string)+" "+st["status"].(string))
	}
	want := []string{first + " sent", first + " delivered", second + " sent", second + " delivered"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("deliveries = %v, want %v", got, want)
	}
}

func TestContextOnReplies(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	if _, err := h.sim.TapButton(ctx, sheena, "Stop promotions", "Stop promotions"); err != nil {
		t.Fatal(err)
	}
	if c := dig(h.rc.last(), "entry", 0, "changes", 0, "value", "messages", 0, "context"); c != nil {
		t.Errorf("button with nothing received carries context %v", c)
	}
	id := h.sendOK(templateTo(sheena, "welcome_discount_template"))
	h.flush() // its status webhooks come first
	if _, err := h.sim.TapButton(ctx, sheena, "Stop promotions", "Stop promotions"); err != nil {
		t.Fatal(err)
	}
	msg := dig(h.rc.last(), "entry", 0, "changes", 0, "value", "messages", 0)
	if dig(msg, "context", "id") != id || dig(msg, "context", "from") != testDisplay {
		t.Errorf("button context = %v, want id %s from %s", dig(msg, "context"), id, testDisplay)
	}
	if dig(msg, "button", "payload") != "Stop promotions" || dig(msg, "type") != "button" {
		t.Errorf("button message = %v", msg)
	}
}

func TestBusinessScopedUserID(t *testing.T) {
	h := newHarness(t)
	const bsuid = "US.13491208655302741918"
	h.sim.SetUserID(sheena, bsuid)
	ctx := context.Background()
	if _, err := h.sim.SendText(ctx, sheena, "hi"); err != nil {
		t.Fatal(err)
	}
	v := dig(h.rc.last(), "entry", 0, "changes", 0, "value")
	if dig(v, "contacts", 0, "user_id") != bsuid || dig(v, "messages", 0, "from_user_id") != bsuid {
		t.Errorf("message webhook lacks user ids: %v", v)
	}
	// Meta's field for a user id is "recipient"; the answer names the
	// user id, not the number.
	code, m := h.send(fmt.Sprintf(`{"messaging_product":"whatsapp","recipient_type":"individual","recipient":%q,"type":"text","text":{"body":"hello by user id"}}`, bsuid))
	if code != http.StatusOK || dig(m, "contacts", 0, "user_id") != bsuid || dig(m, "contacts", 0, "input") != bsuid || dig(m, "contacts", 0, "wa_id") != nil {
		t.Fatalf("send to a user id: %d %v", code, m)
	}
	// "to" wins over "recipient".
	if code, m2 := h.send(fmt.Sprintf(`{"messaging_product":"whatsapp","to":%q,"recipient":"US.999999999","type":"text","text":{"body":"by number"}}`, sheena)); code != http.StatusOK || dig(m2, "contacts", 0, "wa_id") != sheena {
		t.Fatalf("send with to and recipient: %d %v", code, m2)
	}
	h.flush()
	sts := h.statuses(dig(m, "messages", 0, "id").(string))
	if len(sts) != 2 || sts[0]["recipient_user_id"] != bsuid || sts[0]["recipient_id"] != sheena {
		t.Errorf("statuses = %v", sts)
	}
	if err := h.sim.SetMarketing(ctx, sheena, true); err != nil {
		t.Fatal(err)
	}
	if got := dig(h.rc.last(), "entry", 0, "changes", 0, "value", "contacts", 0, "user_id"); got != bsuid {
		t.Errorf("user_preferences contact user_id = %v", got)
	}
}

func TestChangeNumberMovesThePerson(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	if err := h.sim.SetMarketing(ctx, sheena, true); err != nil {
		t.Fatal(err)
	}
	const newNumber = "12195555358"
	if err := h.sim.ChangeNumber(ctx, sheena, newNumber); err != nil {
		t.Fatal(err)
	}
	people := h.sim.People()
	if len(people) != 1 || people[0].WaID != newNumber || !people[0].MarketingStopped || people[0].Name != "Sheena Nelson" {
		t.Errorf("people = %+v", people)
	}
	h.sim.SetName("5511999990000", "Other")
	if err := h.sim.ChangeNumber(ctx, newNumber, "5511999990000"); !errors.Is(err, ErrNumberTaken) {
		t.Errorf("change to a taken number: %v", err)
	}
}

func TestPersonActionReportsOptgateStatus(t *testing.T) {
	h := newHarness(t)
	h.rc.mu.Lock()
	h.rc.status = http.StatusServiceUnavailable
	h.rc.mu.Unlock()
	_, err := h.sim.SendText(context.Background(), sheena, "hi")
	var we *WebhookError
	if !errors.As(err, &we) || we.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("err = %v, want WebhookError 503", err)
	}
	if _, err := h.sim.SendText(context.Background(), "+123", "hi"); !errors.Is(err, ErrInvalidWaID) {
		t.Errorf("invalid wa_id: %v", err)
	}
}

func TestSandboxAPI(t *testing.T) {
	h := newHarness(t)
	sb := func(method, path, body string) (int, map[string]any) {
		t.Helper()
		return h.call(method, path, "", body)
	}

	code, m := sb("POST", "/sandbox/people/"+sheena+"/messages", `{"text":"PARAR"}`)
	if code != 200 || !strings.HasPrefix(fmt.Sprint(m["id"]), "wamid.") {
		t.Fatalf("text: %d %v", code, m)
	}
	if got := dig(h.rc.last(), "entry", 0, "changes", 0, "value", "messages", 0, "text", "body"); got != "PARAR" {
		t.Errorf("webhook text = %v", got)
	}
	for body, wantType := range map[string]string{
		`{"button":{"payload":"Stop promotions","text":"Stop promotions"}}`: "button",
		`{"button_reply":{"id":"yes","title":"Yes"}}`:                       "interactive",
		`{"list_reply":{"id":"a","title":"A","description":"first"}}`:       "interactive",
	} {
		code, m := sb("POST", "/sandbox/people/"+sheena+"/messages", body)
		if code != 200 {
			t.Errorf("%s: %d %v", body, code, m)
			continue
		}
		if got := dig(h.rc.last(), "entry", 0, "changes", 0, "value", "messages", 0, "type"); got != wantType {
			t.Errorf("%s: type %v, want %s", body, got, wantType)
		}
	}
	for _, bad := range []struct{ path, body string }{
		{"/sandbox/people/" + sheena + "/messages", `{}`},
		{"/sandbox/people/" + sheena + "/messages", `{"text":"a","button_reply":{"id":"x","title":"y"}}`},
		{"/sandbox/people/" + sheena + "/messages", `{"txt":"a"}`},
		{"/sandbox/people/" + sheena + "/messages", `not json`},
		{"/sandbox/people/+1650/messages", `{"text":"a"}`},
		{"/sandbox/people/" + sheena + "/marketing", `{"value":"pause"}`},
		{"/sandbox/people/" + sheena + "/number", `{"new_wa_id":"abc"}`},
	} {
		if code, m := sb("POST", bad.path, bad.body); code != 400 || m["error"] == "" {
			t.Errorf("POST %s %s: %d %v, want 400 with error", bad.path, bad.body, code, m)
		}
	}

	if code, m := sb("POST", "/sandbox/people/"+sheena+"/marketing", `{"value":"stop"}`); code != 200 || m["marketing"] != "stop" {
		t.Errorf("marketing: %d %v", code, m)
	}
	h.sendOK(textTo(sheena, "Recebido!"))
	code, m = sb("GET", "/sandbox/people/"+sheena+"/inbox", "")
	if code != 200 || dig(m, "messages", 0, "text") != "Recebido!" || dig(m, "messages", 0, "type") != "text" {
		t.Errorf("inbox: %d %v", code, m)
	}
	code, m = sb("GET", "/sandbox/people", "")
	p := dig(m, "people", 0)
	if code != 200 || dig(p, "wa_id") != sheena || dig(p, "marketing_stopped") != true || dig(p, "window_open_until") == nil {
		t.Errorf("people: %d %v", code, m)
	}
	if code, m := sb("PATCH", "/sandbox/people/"+sheena, `{"user_id":"BR.1234567890"}`); code != 200 || m["user_id"] != "BR.1234567890" {
		t.Errorf("patch person: %d %v", code, m)
	}
	if code, m := sb("POST", "/sandbox/people/"+sheena+"/number", `{"new_wa_id":"12195555358"}`); code != 200 || m["wa_id"] != "12195555358" {
		t.Errorf("number: %d %v", code, m)
	}
	if code, _ := sb("GET", "/sandbox/people/"+sheena, ""); code != 404 {
		t.Errorf("old number still known: %d", code)
	}

	h.rc.mu.Lock()
	h.rc.status = http.StatusServiceUnavailable
	h.rc.mu.Unlock()
	code, m = sb("POST", "/sandbox/people/12195555358/messages", `{"text":"hi"}`)
	if code != http.StatusBadGateway || m["optgate_status"] != float64(503) {
		t.Errorf("optgate down: %d %v", code, m)
	}
}

func TestNewValidatesConfig(t *testing.T) {
	_, err := New(Config{})
	if err == nil {
		t.Fatal("New accepted an empty config")
	}
	for _, field := range []string{"AppSecret", "AccessToken", "WABAID", "PhoneNumberID", "DisplayPhone", "WebhookURL"} {
		if !strings.Contains(err.Error(), field) {
			t.Errorf("error %q does not name %s", err, field)
		}
	}
	_, err = New(Config{AppSecret: "s", AccessToken: "t", WABAID: "w", PhoneNumberID: "p", DisplayPhone: "d",
		WebhookURL: "http://127.0.0.1/webhooks/whatsapp", Templates: map[string]string{"x": "PROMO"}})
	if err == nil || !strings.Contains(err.Error(), `Templates["x"]`) {
		t.Errorf("bad template category: %v", err)
	}
}

func TestWAMIDsAreUniqueAndDecodable(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		id := newWAMID(sheena, false)
		if seen[id] {
			t.Fatalf("duplicate %s", id)
		}
		seen[id] = true
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(newWAMID(sheena, true), "wamid."))
	if err != nil || !bytes.Contains(raw, []byte(sheena)) {
		t.Errorf("wamid does not carry the wa_id: %q %v", raw, err)
	}
}

func TestCloseDrainsQueue(t *testing.T) {
	h := newHarness(t)
	id := h.sendOK(templateTo(sheena, "order_confirmation"))
	if err := h.sim.Close(); err != nil {
		t.Fatal(err)
	}
	if got := statusNames(h.statuses(id)); !reflect.DeepEqual(got, []string{"sent", "delivered"}) {
		t.Errorf("after Close: statuses = %v", got)
	}
}

// TestUnknownGraphPaths: whatever the path or method, the simulator answers
// with a Graph error object, as Meta does, never a bare 404 or 405, so
// optgate's pass-through relays the same shape in the sandbox as in
// production.
func TestUnknownGraphPaths(t *testing.T) {
	h := newHarness(t)
	tests := []struct {
		name, method, path, token string
		status                    int
		code, subcode             float64
		errType, message          string
	}{
		{"no phone number id", "POST", "/v23.0/messages", testToken, 400, 100, 33, "GraphMethodException",
			"Unsupported post request. Object with ID 'messages' does not exist"},
		{"an edge the simulator does not serve", "GET", "/v23.0/" + testPhoneID + "/whatsapp_commerce_settings", testToken, 400, 100, 33, "GraphMethodException",
			"Unsupported get request. Object with ID '" + testPhoneID + "'"},
		{"another method on messages", "GET", "/v23.0/" + testPhoneID + "/messages", testToken, 400, 100, 33, "GraphMethodException",
			"Unsupported get request. Object with ID '" + testPhoneID + "'"},
		{"templates of another WABA", "GET", "/v23.0/999999999/message_templates", testToken, 400, 100, 33, "GraphMethodException",
			"Unsupported get request. Object with ID '999999999'"},
		{"no version", "GET", "/" + testPhoneID, testToken, 400, 2500, 0, "OAuthException", "Unknown path components: /" + testPhoneID},
		{"root", "GET", "/", testToken, 400, 2500, 0, "OAuthException", "Unknown path components: /"},
		{"no token", "POST", "/v23.0/messages", "", 401, 190, 0, "OAuthException", "Invalid OAuth access token"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, m := h.call(tc.method, tc.path, tc.token, "{}")
			if status != tc.status {
				t.Errorf("status = %d, want %d (%v)", status, tc.status, m)
			}
			if got := dig(m, "error", "code"); got != tc.code {
				t.Errorf("error.code = %v, want %v", got, tc.code)
			}
			if got, _ := dig(m, "error", "error_subcode").(float64); got != tc.subcode {
				t.Errorf("error.error_subcode = %v, want %v", got, tc.subcode)
			}
			if got := dig(m, "error", "type"); got != tc.errType {
				t.Errorf("error.type = %v, want %v", got, tc.errType)
			}
			if msg, _ := dig(m, "error", "message").(string); !strings.HasPrefix(msg, tc.message) {
				t.Errorf("error.message = %q, want it to start with %q", msg, tc.message)
			}
			if tr, _ := dig(m, "error", "fbtrace_id").(string); tr == "" {
				t.Error("error.fbtrace_id is empty")
			}
		})
	}
}
