package meta

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func TestParseSendFixtures(t *testing.T) {
	r, err := ParseSend(fixture(t, "send-text-request.json"))
	if err != nil {
		t.Fatal(err)
	}
	if r.MessagingProduct != "whatsapp" || r.RecipientType != "individual" || r.To != "+16505551234" || r.Type != "text" ||
		r.Template != nil || r.IsStatusUpdate() || r.RecipientKey() != "+16505551234" {
		t.Errorf("text request = %+v", r)
	}

	r, err = ParseSend(fixture(t, "send-template-request.json"))
	if err != nil {
		t.Fatal(err)
	}
	if r.Type != "template" || r.To != "16505551234" || r.Template == nil || r.Template.Name != "welcome_discount_template" ||
		r.Template.Language.Code != "en_US" || r.IsStatusUpdate() {
		t.Errorf("template request = %+v template %+v", r, r.Template)
	}

	r, err = ParseSend(fixture(t, "send-interactive-request.json"))
	if err != nil {
		t.Fatal(err)
	}
	if r.Type != "interactive" || r.To != "+16505551234" || r.Template != nil || r.IsStatusUpdate() {
		t.Errorf("interactive request = %+v", r)
	}
}

func TestParseSendStatusUpdates(t *testing.T) {
	for _, body := range []string{
		`{"messaging_product":"whatsapp","status":"read","message_id":"wamid.x"}`,
		`{"messaging_product":"whatsapp","status":"read","message_id":"wamid.x","typing_indicator":{"type":"text"}}`,
	} {
		r, err := ParseSend([]byte(body))
		if err != nil {
			t.Fatalf("%s: %v", body, err)
		}
		if !r.IsStatusUpdate() || r.MessageID != "wamid.x" {
			t.Errorf("%s: not a status update: %+v", body, r)
		}
		if strings.Contains(body, "typing") && (r.TypingIndicator == nil || r.TypingIndicator.Type != "text") {
			t.Errorf("typing indicator = %+v", r.TypingIndicator)
		}
	}
}

// A mark-as-read always passes the gate, so a body that also names a
// recipient or carries a template must not count as one: otherwise a
// template could ride through the gate dressed as a read receipt.
func TestParseSendStatusUpdateCannotCarryAMessage(t *testing.T) {
	for _, body := range []string{
		`{"messaging_product":"whatsapp","status":"read","message_id":"wamid.x","to":"5511987654321","type":"template","template":{"name":"black_friday","language":{"code":"pt_BR"}}}`,
		`{"messaging_product":"whatsapp","status":"read","message_id":"wamid.x","to":"5511987654321","type":"text","text":{"body":"buy now"}}`,
		`{"messaging_product":"whatsapp","status":"read","message_id":"wamid.x","to":"5511987654321","text":{"body":"buy now"}}`,
		`{"messaging_product":"whatsapp","status":"read","message_id":"wamid.x","recipient":"US.13491208655302741918","type":"image"}`,
		`{"messaging_product":"whatsapp","status":"read","message_id":"wamid.x","type":"template","template":{"name":"black_friday"}}`,
	} {
		r, err := ParseSend([]byte(body))
		if err != nil {
			continue // refused outright is fine too
		}
		if r.IsStatusUpdate() {
			t.Errorf("counted as a status update, so it would bypass consent: %s", body)
		}
	}
}

func TestParseSendDefaults(t *testing.T) {
	r, err := ParseSend([]byte(`{"messaging_product":"whatsapp","to":"5511987654321","text":{"body":"hi"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if r.Type != "text" {
		t.Errorf("default type = %q, want text (Meta's default)", r.Type)
	}
	// The same key in different objects is no duplicate.
	if _, err := ParseSend([]byte(`{"messaging_product":"whatsapp","to":"5511987654321","type":"template","template":{"name":"order_shipped",` +
		`"language":{"code":"pt_BR"},"components":[{"type":"body","parameters":[{"type":"text","text":"Ana"},{"type":"text","text":"#1"}]},` +
		`{"type":"button","sub_type":"url","index":"0","parameters":[{"type":"text","text":"1"}]}]}}`)); err != nil {
		t.Errorf("components: %v", err)
	}
	for _, typ := range []string{"TEMPLATE", "Template", " template "} {
		r, err = ParseSend([]byte(`{"messaging_product":"whatsapp","to":"5511987654321","type":"` + typ + `","template":{"name":"black_friday","language":{"code":"pt_BR"}}}`))
		if err != nil || r.Type != "template" {
			t.Errorf("type %q: %+v, %v; want it decided as a template", typ, r, err)
		}
	}
	r, err = ParseSend([]byte(`{"messaging_product":"whatsapp","recipient":"US.13491208655302741918","type":"text","text":{"body":"hi"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if r.RecipientKey() != "US.13491208655302741918" {
		t.Errorf("RecipientKey = %q", r.RecipientKey())
	}
	r, _ = ParseSend([]byte(`{"messaging_product":"whatsapp","to":"5511987654321","recipient":"US.13491208655302741918"}`))
	if r.RecipientKey() != "5511987654321" {
		t.Errorf("RecipientKey prefers %q, want to", r.RecipientKey())
	}
}

func TestParseSendRefuses(t *testing.T) {
	tests := []struct{ name, body, mention string }{
		{"empty", ``, "not valid JSON"},
		{"not JSON", `messaging_product=whatsapp`, "not valid JSON"},
		{"array", `[{"messaging_product":"whatsapp"}]`, "not valid JSON"},
		{"trailing data", `{"messaging_product":"whatsapp","to":"1","type":"text"} {}`, "not valid JSON"},
		{"wrong type", `{"messaging_product":"whatsapp","to":5511987654321}`, "not valid JSON"},
		{"null", `null`, "messaging_product"},
		{"no product", `{"to":"5511987654321","type":"text"}`, "messaging_product"},
		{"other product", `{"messaging_product":"sms","to":"5511987654321","type":"text"}`, "messaging_product"},
		{"product case", `{"messaging_product":"WhatsApp","to":"5511987654321","type":"text"}`, "messaging_product"},
		{"no recipient", `{"messaging_product":"whatsapp","type":"text","text":{"body":"hi"}}`, "to is required"},
		{"read without message id", `{"messaging_product":"whatsapp","status":"read"}`, "to is required"},
		{"template without template", `{"messaging_product":"whatsapp","to":"5511987654321","type":"template"}`, "template.name"},
		{"template without name", `{"messaging_product":"whatsapp","to":"5511987654321","type":"template","template":{"language":{"code":"pt_BR"}}}`, "template.name"},
		{"template null", `{"messaging_product":"whatsapp","to":"5511987654321","type":"template","template":null}`, "template.name"},
		// Two values for one key: optgate would decide on the last, Meta may send the first.
		{"key twice", `{"messaging_product":"whatsapp","to":"5511987654321","to":"5511900000000","type":"text"}`, `key "to" is given twice`},
		{"key in another case", `{"messaging_product":"whatsapp","to":"5511987654321","type":"template","template":{"name":"black_friday"},"Template":{"name":"order_shipped"}}`, `key "Template" is given twice`},
		{"nested key twice", `{"messaging_product":"whatsapp","to":"5511987654321","type":"template","template":{"name":"black_friday","NAME":"order_shipped"}}`, `key "NAME" is given twice`},
		{"escaped key", `{"messaging_product":"whatsapp","to":"5511987654321","type":"template","template":{"name":"a"},"\u0074emplate":{"name":"b"}}`, `key "template" is given twice`},
		{"key with a folding letter", `{"messaging_product":"whatsapp","meſſaging_product":"whatsapp","to":"5511987654321","type":"text"}`, "is given twice"},
	}
	for _, tt := range tests {
		r, err := ParseSend([]byte(tt.body))
		if err == nil {
			t.Errorf("%s: accepted: %+v", tt.name, r)
			continue
		}
		if !strings.Contains(err.Error(), tt.mention) {
			t.Errorf("%s: error %q does not say %q", tt.name, err, tt.mention)
		}
	}
}

func TestGraphErrorFixture(t *testing.T) {
	raw := fixture(t, "graph-error-130429.json")
	var body ErrorBody
	if err := json.Unmarshal(raw, &body); err != nil {
		t.Fatal(err)
	}
	want := GraphError{Message: "(#130429) Rate limit hit", Type: "OAuthException", Code: 130429, ErrorSubcode: 2494055,
		ErrorData: ErrorData{MessagingProduct: "whatsapp", Details: "Cloud API message throughput has been reached."}, FBTraceID: "Az8or2yhqkZfEZ-_4Qn_Bam"}
	if body.Error != want {
		t.Errorf("error = %+v, want %+v", body.Error, want)
	}
	// Our own refusals have the same shape, plus the reason.
	b, err := json.Marshal(ErrorBody{Error: GraphError{Message: "refused", Type: "OAuthException", Code: 131050,
		ErrorData: ErrorData{MessagingProduct: "whatsapp", Details: "opted out", Reason: "opted_out"}}})
	if err != nil {
		t.Fatal(err)
	}
	var generic map[string]map[string]any
	if err := json.Unmarshal(b, &generic); err != nil {
		t.Fatal(err)
	}
	e := generic["error"]
	if e["message"] != "refused" || e["type"] != "OAuthException" || e["code"] != float64(131050) {
		t.Errorf("marshalled error = %s", b)
	}
	if _, ok := e["error_subcode"]; ok {
		t.Errorf("zero error_subcode should be omitted: %s", b)
	}
	if !reflect.DeepEqual(e["error_data"], map[string]any{"messaging_product": "whatsapp", "details": "opted out", "reason": "opted_out"}) {
		t.Errorf("error_data = %v", e["error_data"])
	}
}

// BenchmarkParseSend decodes a template send with components, the commonest
// business send.
func BenchmarkParseSend(b *testing.B) {
	body := []byte(`{"messaging_product":"whatsapp","recipient_type":"individual","to":"5511987654321","type":"template",` +
		`"template":{"name":"order_shipped","language":{"code":"pt_BR"},"components":[{"type":"body","parameters":` +
		`[{"type":"text","text":"Ana"},{"type":"text","text":"#12345"}]},{"type":"button","sub_type":"url","index":"0","parameters":[{"type":"text","text":"12345"}]}]}}`)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseSend(body); err != nil {
			b.Fatal(err)
		}
	}
}
