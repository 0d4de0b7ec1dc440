package meta

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// fixtureDir holds Meta's own samples: the repository's copy, or else the
// shared one next to the checkout.
var fixtureDir = func() string {
	for _, d := range []string{"../../testdata/meta", "../../../shared/fixtures/meta"} {
		if _, err := os.Stat(d); err == nil {
			return d
		}
	}
	return "../../../shared/fixtures/meta"
}()

func fixtures(t testing.TB, pattern string) map[string][]byte {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(fixtureDir, pattern))
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) == 0 {
		t.Skipf("no fixtures %s in %s", pattern, fixtureDir)
	}
	out := map[string][]byte{}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out[filepath.Base(p)] = b
	}
	return out
}

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixtureDir, name))
	if os.IsNotExist(err) {
		t.Skipf("fixture %s absent", name)
	}
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// messagesValue checks the common shape of a field "messages" change and returns its value.
func messagesValue(t *testing.T, p *Payload, wabaID, phoneID, display string) Value {
	t.Helper()
	if len(p.Entry) != 1 || len(p.Entry[0].Changes) != 1 {
		t.Fatalf("want 1 entry with 1 change, got %+v", p.Entry)
	}
	e := p.Entry[0]
	if e.ID != wabaID {
		t.Errorf("entry.id = %q, want %q", e.ID, wabaID)
	}
	c := e.Changes[0]
	if c.Field != "messages" {
		t.Errorf("field = %q, want messages", c.Field)
	}
	v := c.Value
	if v.MessagingProduct != "whatsapp" || v.Metadata.PhoneNumberID != phoneID || v.Metadata.DisplayPhoneNumber != display {
		t.Errorf("value header = %q %+v", v.MessagingProduct, v.Metadata)
	}
	return v
}

func oneMessage(t *testing.T, v Value, typ string) Message {
	t.Helper()
	if len(v.Messages) != 1 {
		t.Fatalf("want 1 message, got %d", len(v.Messages))
	}
	m := v.Messages[0]
	if m.Type != typ {
		t.Errorf("type = %q, want %q", m.Type, typ)
	}
	if !strings.HasPrefix(m.ID, "wamid.") {
		t.Errorf("message id = %q", m.ID)
	}
	if _, err := ParseTime(m.Timestamp); err != nil {
		t.Errorf("message timestamp: %v", err)
	}
	return m
}

func oneStatus(t *testing.T, v Value) Status {
	t.Helper()
	if len(v.Statuses) != 1 {
		t.Fatalf("want 1 status, got %d", len(v.Statuses))
	}
	s := v.Statuses[0]
	if _, err := ParseTime(s.Timestamp); err != nil {
		t.Errorf("status timestamp: %v", err)
	}
	return s
}

func sheena(t *testing.T, v Value) {
	t.Helper()
	if len(v.Contacts) != 1 || v.Contacts[0].WAID != "16505551234" || v.Contacts[0].Profile.Name != "Sheena Nelson" {
		t.Errorf("contacts = %+v", v.Contacts)
	}
}

const (
	waba    = "102290129340398"
	phoneID = "106540352242922"
	display = "15550783881"
)

var webhookChecks = map[string]func(t *testing.T, p *Payload){
	"webhook-text.json": func(t *testing.T, p *Payload) {
		v := messagesValue(t, p, waba, phoneID, display)
		sheena(t, v)
		m := oneMessage(t, v, "text")
		if m.From != "16505551234" || m.Text == nil || m.Text.Body != "Does it come in another color?" {
			t.Errorf("message = %+v text %+v", m, m.Text)
		}
		if m.ID != "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=" || m.Timestamp != "1749416383" {
			t.Errorf("id/timestamp = %q %q", m.ID, m.Timestamp)
		}
		if m.Button != nil || m.Interactive != nil || m.System != nil || m.Context != nil {
			t.Errorf("text message has other parts: %+v", m)
		}
	},
	"webhook-button.json": func(t *testing.T, p *Payload) {
		v := messagesValue(t, p, waba, phoneID, display)
		sheena(t, v)
		m := oneMessage(t, v, "button")
		if m.From != "16505551234" || m.Button == nil || m.Button.Payload != "Unsubscribe" || m.Button.Text != "Unsubscribe" {
			t.Errorf("button = %+v", m.Button)
		}
		if m.Context == nil || m.Context.From != display || !strings.HasPrefix(m.Context.ID, "wamid.") {
			t.Errorf("context = %+v", m.Context)
		}
	},
	"webhook-interactive-button-reply.json": func(t *testing.T, p *Payload) {
		v := messagesValue(t, p, waba, phoneID, display)
		sheena(t, v)
		m := oneMessage(t, v, "interactive")
		if m.Interactive == nil || m.Interactive.Type != "button_reply" || m.Interactive.ButtonReply == nil || m.Interactive.ListReply != nil {
			t.Fatalf("interactive = %+v", m.Interactive)
		}
		if r := m.Interactive.ButtonReply; r.ID != "cancel-button" || r.Title != "Cancel" {
			t.Errorf("button_reply = %+v", r)
		}
	},
	"webhook-status-sent.json": func(t *testing.T, p *Payload) {
		v := messagesValue(t, p, waba, phoneID, display)
		s := oneStatus(t, v)
		if s.Status != "sent" || s.RecipientID != "16505551234" || s.ID != "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=" || len(s.Errors) != 0 {
			t.Errorf("status = %+v", s)
		}
		if len(v.Messages) != 0 {
			t.Errorf("a status payload has messages")
		}
	},
	"webhook-status-failed-131050.json": func(t *testing.T, p *Payload) {
		v := messagesValue(t, p, "112799291857759", "183815411472659", "6289680060088")
		s := oneStatus(t, v)
		if s.Status != "failed" || s.RecipientID != "6283180783170" || s.Timestamp != "1750224806" {
			t.Errorf("status = %+v", s)
		}
		if len(s.Errors) != 1 || s.Errors[0].Code != 131050 || !strings.Contains(s.Errors[0].Title, "stop receiving marketing messages") ||
			!strings.Contains(s.Errors[0].ErrorData.Details, "marketing") {
			t.Errorf("errors = %+v", s.Errors)
		}
	},
	"webhook-status-failed-131049.json": func(t *testing.T, p *Payload) {
		v := messagesValue(t, p, waba, phoneID, display)
		s := oneStatus(t, v)
		if s.Status != "failed" || s.RecipientID != "16505551234" {
			t.Errorf("status = %+v", s)
		}
		if len(s.Errors) != 1 || s.Errors[0].Code != 131049 || s.Errors[0].Message == "" {
			t.Errorf("errors = %+v", s.Errors)
		}
	},
	"webhook-errors-130429.json": func(t *testing.T, p *Payload) {
		v := messagesValue(t, p, waba, phoneID, display)
		if len(v.Errors) != 1 || v.Errors[0].Code != 130429 || v.Errors[0].Title != "Rate limit hit" || v.Errors[0].ErrorData.Details == "" {
			t.Errorf("errors = %+v", v.Errors)
		}
		if len(v.Messages)+len(v.Statuses) != 0 {
			t.Errorf("error payload has messages or statuses")
		}
	},
	"webhook-system-user-changed-number.json": func(t *testing.T, p *Payload) {
		v := messagesValue(t, p, waba, phoneID, display)
		m := oneMessage(t, v, "system")
		if m.From != "16505551234" || m.System == nil {
			t.Fatalf("message = %+v", m)
		}
		if m.System.Type != "user_changed_number" || m.System.WAID != "12195555358" || !strings.Contains(m.System.Body, "12195555358") {
			t.Errorf("system = %+v", m.System)
		}
		if len(v.Contacts) != 0 {
			t.Errorf("contacts = %+v", v.Contacts)
		}
	},
	"webhook-user-preferences-stop.json": func(t *testing.T, p *Payload) {
		checkPreference(t, p, "stop", "User requested to stop marketing messages")
	},
	"webhook-user-preferences-resume.json": func(t *testing.T, p *Payload) {
		checkPreference(t, p, "resume", "User requested to resume marketing messages")
	},
	"webhook-message-template-status-update.json": func(t *testing.T, p *Payload) {
		v := templateValue(t, p, "message_template_status_update", 1751247548)
		if v.Event != "APPROVED" || v.MessageTemplateID.String() != "1689556908129832" || v.MessageTemplateName != "order_confirmation" ||
			v.MessageTemplateLanguage != "en-US" || v.Reason != "NONE" || v.MessageTemplateCategory != "UTILITY" {
			t.Errorf("value = %+v", v)
		}
		if id, err := v.MessageTemplateID.Int64(); err != nil || id != 1689556908129832 {
			t.Errorf("template id = %d, %v", id, err)
		}
	},
	"webhook-message-template-quality-update.json": func(t *testing.T, p *Payload) {
		v := templateValue(t, p, "message_template_quality_update", 1674864290)
		if v.PreviousQualityScore != "GREEN" || v.NewQualityScore != "YELLOW" || v.MessageTemplateID.String() != "806312974732579" ||
			v.MessageTemplateName != "welcome_template" || v.MessageTemplateLanguage != "en-US" {
			t.Errorf("value = %+v", v)
		}
	},
	"webhook-phone-number-quality-update.json": func(t *testing.T, p *Payload) {
		v := templateValue(t, p, "phone_number_quality_update", 1748454394)
		if v.DisplayPhoneNumber != display || v.Event != "THROUGHPUT_UPGRADE" || v.CurrentLimit != "TIER_UNLIMITED" {
			t.Errorf("value = %+v", v)
		}
	},
}

func checkPreference(t *testing.T, p *Payload, value, detail string) {
	t.Helper()
	if len(p.Entry) != 1 || len(p.Entry[0].Changes) != 1 {
		t.Fatalf("entries = %+v", p.Entry)
	}
	c := p.Entry[0].Changes[0]
	if c.Field != "user_preferences" || c.Value.Metadata.PhoneNumberID != phoneID {
		t.Errorf("change = %q %+v", c.Field, c.Value.Metadata)
	}
	if len(c.Value.Contacts) != 1 || c.Value.Contacts[0].WAID != "16505551234" {
		t.Errorf("contacts = %+v", c.Value.Contacts)
	}
	if len(c.Value.UserPreferences) != 1 {
		t.Fatalf("user_preferences = %+v", c.Value.UserPreferences)
	}
	up := c.Value.UserPreferences[0]
	want := UserPreference{WAID: "16505551234", Detail: detail, Category: "marketing_messages", Value: value, Timestamp: 1731705721}
	if up != want {
		t.Errorf("user_preferences[0] = %+v, want %+v", up, want)
	}
	if got := time.Unix(up.Timestamp, 0).UTC(); got.Year() != 2024 {
		t.Errorf("timestamp reads as %v", got)
	}
}

func templateValue(t *testing.T, p *Payload, field string, at int64) Value {
	t.Helper()
	if len(p.Entry) != 1 || len(p.Entry[0].Changes) != 1 {
		t.Fatalf("entries = %+v", p.Entry)
	}
	e := p.Entry[0]
	if e.ID != waba || e.Time != at {
		t.Errorf("entry = %q time %d, want %q %d", e.ID, e.Time, waba, at)
	}
	c := e.Changes[0]
	if c.Field != field {
		t.Errorf("field = %q, want %q", c.Field, field)
	}
	if c.Value.MessagingProduct != "" || c.Value.Metadata != (Metadata{}) {
		t.Errorf("template/quality change has messages metadata: %+v", c.Value.Metadata)
	}
	return c.Value
}

func TestParseFixtures(t *testing.T) {
	files := fixtures(t, "webhook-*.json")
	for name, body := range files {
		t.Run(name, func(t *testing.T) {
			p, err := Parse(body)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if p.Object != "whatsapp_business_account" {
				t.Errorf("object = %q", p.Object)
			}
			check, ok := webhookChecks[name]
			if !ok {
				t.Logf("no field checks for %s yet; it parses", name)
				return
			}
			check(t, p)
		})
	}
	for name := range webhookChecks {
		if _, ok := files[name]; !ok {
			t.Errorf("fixture %s is checked but missing from %s", name, fixtureDir)
		}
	}
}

func TestParseListReplyMessage(t *testing.T) {
	var m Message
	if err := json.Unmarshal(fixture(t, "message-interactive-list-reply.json"), &m); err != nil {
		t.Fatal(err)
	}
	if m.Type != "interactive" || m.Interactive == nil || m.Interactive.Type != "list_reply" || m.Interactive.ListReply == nil {
		t.Fatalf("message = %+v", m)
	}
	if r := m.Interactive.ListReply; *r != (Reply{ID: "priority_express", Title: "Priority Mail Express", Description: "Next Day to 2 Days"}) {
		t.Errorf("list_reply = %+v", r)
	}
	if m.Context == nil || m.Context.From != display {
		t.Errorf("context = %+v", m.Context)
	}
}

// TestParseBatch checks that one payload may carry many entries, changes, messages and statuses.
func TestParseBatch(t *testing.T) {
	body := `{"object":"whatsapp_business_account","entry":[
	 {"id":"1","changes":[
	  {"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"1","phone_number_id":"11"},
	   "contacts":[{"profile":{"name":"A"},"wa_id":"5511987654321","user_id":"BR.abcdef123"},{"profile":{"name":"B"},"user_id":"US.13491208655302741918"}],
	   "messages":[{"from":"5511987654321","from_user_id":"BR.abcdef123","id":"wamid.a","timestamp":"1","type":"text","text":{"body":"PARAR"}},
	               {"from_user_id":"US.13491208655302741918","id":"wamid.b","timestamp":"2","type":"interactive","interactive":{"type":"list_reply","list_reply":{"id":"stop_promos","title":"Parar promoções"}}}],
	   "statuses":[{"id":"wamid.c","status":"failed","timestamp":"3","recipient_user_id":"US.13491208655302741918","errors":[{"code":131047,"title":"Re-engagement message"}]}]}},
	  {"field":"user_preferences","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"1","phone_number_id":"11"},
	   "user_preferences":[{"user_id":"US.13491208655302741918","detail":"d","category":"marketing_messages","value":"stop","timestamp":1731705721}]}}]},
	 {"id":"2","changes":[{"field":"messages","value":{"metadata":{"phone_number_id":"22"},"statuses":[{"id":"wamid.d","status":"read","timestamp":"4","recipient_id":"16505551234"}]}}]}
	]}`
	p, err := Parse([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Entry) != 2 || len(p.Entry[0].Changes) != 2 || len(p.Entry[1].Changes) != 1 {
		t.Fatalf("shape = %+v", p)
	}
	v := p.Entry[0].Changes[0].Value
	if len(v.Contacts) != 2 || v.Contacts[0].UserID != "BR.abcdef123" || v.Contacts[1].WAID != "" || v.Contacts[1].UserID != "US.13491208655302741918" {
		t.Errorf("contacts = %+v", v.Contacts)
	}
	if len(v.Messages) != 2 || v.Messages[0].FromUserID != "BR.abcdef123" || v.Messages[1].From != "" || v.Messages[1].FromUserID != "US.13491208655302741918" {
		t.Errorf("messages = %+v", v.Messages)
	}
	if lr := v.Messages[1].Interactive.ListReply; lr == nil || lr.ID != "stop_promos" || lr.Title != "Parar promoções" {
		t.Errorf("list reply = %+v", lr)
	}
	if s := v.Statuses[0]; s.RecipientUserID != "US.13491208655302741918" || s.RecipientID != "" || s.Errors[0].Code != 131047 {
		t.Errorf("status = %+v", s)
	}
	if up := p.Entry[0].Changes[1].Value.UserPreferences[0]; up.UserID != "US.13491208655302741918" || up.WAID != "" || up.Value != "stop" {
		t.Errorf("preference = %+v", up)
	}
	if p.Entry[1].Changes[0].Value.Metadata.PhoneNumberID != "22" || p.Entry[1].Changes[0].Value.Statuses[0].Status != "read" {
		t.Errorf("second entry = %+v", p.Entry[1])
	}
}

func TestParseRefuses(t *testing.T) {
	const ok = `{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[]}]}`
	if _, err := Parse([]byte(ok)); err != nil {
		t.Fatalf("minimal payload refused: %v", err)
	}
	if _, err := Parse([]byte("\n  " + ok + " \r\n\t")); err != nil {
		t.Fatalf("surrounding whitespace refused: %v", err)
	}
	tests := []struct{ name, body, mention string }{
		{"empty", "", "not a valid webhook payload"},
		{"spaces", "   ", "not a valid webhook payload"},
		{"not JSON", "hello", "not a valid webhook payload"},
		{"truncated", ok[:len(ok)-3], "not a valid webhook payload"},
		{"array", "[" + ok + "]", "not a valid webhook payload"},
		{"string", `"whatsapp_business_account"`, "not a valid webhook payload"},
		{"wrong type for entry", `{"object":"whatsapp_business_account","entry":{"id":"1"}}`, "not a valid webhook payload"},
		{"wrong type for timestamp", `{"object":"whatsapp_business_account","entry":[{"changes":[{"value":{"user_preferences":[{"timestamp":"x"}]}}]}]}`, "not a valid webhook payload"},
		{"second object", ok + ok, "after the JSON object"},
		{"second object after space", ok + "\n" + ok, "after the JSON object"},
		{"trailing garbage", ok + "x", "after the JSON object"},
		{"trailing number", ok + " 1", "after the JSON object"},
		{"trailing brace", ok + "}", "after the JSON object"},
		{"trailing bracket", ok + "]", "after the JSON object"},
		{"trailing comma", ok + ",", "after the JSON object"},
		{"null", "null", "object"},
		{"no object", `{"entry":[{"id":"1"}]}`, "object"},
		{"wrong object", `{"object":"page","entry":[{"id":"1"}]}`, `"page"`},
		{"instagram", `{"object":"instagram","entry":[{"id":"1"}]}`, `"instagram"`},
		{"object case", `{"object":"WhatsApp_Business_Account","entry":[{"id":"1"}]}`, "object"},
		{"no entry", `{"object":"whatsapp_business_account"}`, "no entry"},
		{"empty entry", `{"object":"whatsapp_business_account","entry":[]}`, "no entry"},
		{"null entry", `{"object":"whatsapp_business_account","entry":null}`, "no entry"},
	}
	for _, tt := range tests {
		p, err := Parse([]byte(tt.body))
		if err == nil {
			t.Errorf("%s: Parse accepted %q: %+v", tt.name, tt.body, p)
			continue
		}
		if p != nil {
			t.Errorf("%s: Parse returned a payload with its error", tt.name)
		}
		if !strings.Contains(err.Error(), tt.mention) {
			t.Errorf("%s: error %q does not say %q", tt.name, err, tt.mention)
		}
	}
}

func TestParseTime(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want time.Time
	}{
		{"1749416383", time.Date(2025, 6, 8, 20, 59, 43, 0, time.UTC)},
		{"0", time.Unix(0, 0).UTC()},
		{"1750224806", time.Unix(1750224806, 0).UTC()},
	} {
		got, err := ParseTime(tt.in)
		if err != nil || !got.Equal(tt.want) || got.Location() != time.UTC {
			t.Errorf("ParseTime(%q) = %v, %v; want %v UTC", tt.in, got, err, tt.want)
		}
	}
	for _, in := range []string{"", " 1749416383", "1749416383 ", "-1", "1.5", "1e9", "abc", "0x10", "99999999999999999999"} {
		if got, err := ParseTime(in); err == nil {
			t.Errorf("ParseTime(%q) = %v, want an error", in, got)
		} else if !strings.Contains(err.Error(), "timestamp") {
			t.Errorf("ParseTime(%q) error %q does not name the timestamp", in, err)
		}
	}
}

// BenchmarkParse decodes Meta's one-message text webhook, the commonest
// delivery.
func BenchmarkParse(b *testing.B) {
	body := fixtures(b, "webhook-text.json")["webhook-text.json"]
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(body); err != nil {
			b.Fatal(err)
		}
	}
}
