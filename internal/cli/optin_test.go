package cli

import (
	"bytes"
	"encoding/json"
	"image"
	_ "image/png"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"github.com/optgate/optgate/internal/config"
	"github.com/optgate/optgate/internal/store/storetest"
)

// withForms adds the demo's forms: ofertas (double opt-in) and avisos (single).
func withForms(cfg *config.Config) {
	no := false
	cfg.Accounts[0].Forms = []config.Form{
		{ID: "ofertas", Topics: []string{"promotions"}, PrivacyURL: "https://acme.example/privacidade",
			Frequency: map[string]string{"promotions": "até uma por semana"}},
		{ID: "avisos", Topics: []string{"order_updates", "promotions"}, DoubleOptIn: &no, PrivacyURL: "https://acme.example/privacidade"},
	}
}

func newOptInEnv(t *testing.T, b storetest.Backend) *env {
	e := newEnv(t, b, withForms)
	if err := e.sim.SetTemplate("optin_confirmation", "UTILITY"); err != nil {
		t.Fatal(err)
	}
	return e
}

var versionField = regexp.MustCompile(`name="v" value="([0-9a-f]{64})"`)

// page opens a form page and returns its HTML and text version.
func (e *env) page(path, acceptLanguage string) (string, string) {
	e.t.Helper()
	r := e.do("GET", path, "", nil, map[string]string{"Accept-Language": acceptLanguage})
	if r.Status != http.StatusOK {
		e.t.Fatalf("GET %s: %d %s", path, r.Status, r.Body)
	}
	m := versionField.FindSubmatch(r.Body)
	if m == nil {
		e.t.Fatalf("no text version in the page: %s", r.Body)
	}
	return string(r.Body), string(m[1])
}

// submit posts a form as a browser would.
func (e *env) submit(path string, v url.Values, header map[string]string) result {
	e.t.Helper()
	h := map[string]string{"Content-Type": "application/x-www-form-urlencoded", "User-Agent": "Mozilla/5.0 (Linux; Android 14) test"}
	for k, x := range header {
		h[k] = x
	}
	req, _ := http.NewRequest("POST", e.url+path, strings.NewReader(v.Encode()))
	for k, x := range h {
		req.Header.Set(k, x)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return result{Status: resp.StatusCode, Header: resp.Header, Body: b}
}

// confirmPayload finds the confirm button's payload in the last
// confirmation template that reached the person.
func (e *env) confirmPayload(waID string) string {
	e.t.Helper()
	for _, d := range slicesReverse(e.inbox(waID)) {
		if d.Template != "optin_confirmation" {
			continue
		}
		var body struct {
			Template struct {
				Components []struct {
					Parameters []struct {
						Payload string `json:"payload"`
					} `json:"parameters"`
				} `json:"components"`
			} `json:"template"`
		}
		if err := json.Unmarshal(d.Body, &body); err != nil {
			e.t.Fatal(err)
		}
		return body.Template.Components[0].Parameters[0].Payload
	}
	e.t.Fatalf("no confirmation template reached %s: %+v", waID, e.inbox(waID))
	return ""
}

func slicesReverse[T any](s []T) []T {
	out := make([]T, len(s))
	for i, x := range s {
		out[len(s)-1-i] = x
	}
	return out
}

func topicStatus(c map[string]any, topic string) string {
	for _, t := range c["topics"].([]any) {
		m := t.(map[string]any)
		if m["topic"] == topic {
			return m["status"].(string)
		}
	}
	return ""
}

// TestFormDoubleOptIn: the story. A person opens the form, agrees to
// promotions, confirms on the phone, receives a marketing template, and the
// consent record shows exactly what they saw.
func TestFormDoubleOptIn(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := newOptInEnv(t, b)
		ctx := ctxT(t)
		ana := demoPerson

		html, version := e.page("/f/demo/ofertas", "pt-BR,pt;q=0.9,en;q=0.5")
		for _, want := range []string{`lang="pt"`, "Acme Lojas", "WhatsApp", `type="tel"`, `<label for="phone">`, "até uma por semana",
			"responda SAIR", "https://acme.example/privacidade", `value="BR" selected`} {
			if !strings.Contains(html, want) {
				t.Errorf("page lacks %q", want)
			}
		}
		if strings.Contains(html, "checked") {
			t.Error("a topic is pre-ticked")
		}
		if html, _ := e.page("/f/demo/ofertas", "de-DE,de;q=0.9"); !strings.Contains(html, `lang="de"`) || !strings.Contains(html, "antworte STOP") {
			t.Error("German browser did not get the German page")
		}

		r := e.submit("/f/demo/ofertas/submit", url.Values{"country": {"BR"}, "phone": {"(11) 98765-4321"}, "topic": {"promotions"}, "v": {version}, "lang": {"pt"}},
			map[string]string{"X-Forwarded-For": "203.0.113.7"})
		if r.Status != http.StatusOK || !strings.Contains(string(r.Body), "5511987654321") {
			t.Fatalf("submit: %d %s", r.Status, r.Body)
		}
		// Pending is not consent: no marketing until Ana confirms.
		e.wantRefused(e.send(tpl(ana, "black_friday")), "no_opt_in")
		if r := e.do("GET", "/v1/contacts/+"+ana, demoAPIKey, nil, nil); r.Status != http.StatusNotFound {
			t.Fatalf("a pending opt-in made a contact with consent: %d %s", r.Status, r.Body)
		}

		payload := e.confirmPayload(ana)
		before := len(e.inbox(ana))
		if _, err := e.sim.TapButton(ctx, ana, payload, "Confirmar"); err != nil {
			t.Fatal(err)
		}
		got := e.waitInbox(ana, before+1)
		if len(got) != before+1 || !strings.Contains(got[len(got)-1].Text, "Confirmado") {
			t.Fatalf("want the confirmation reply, got %+v", got)
		}
		e.clock.Advance(25 * time.Hour) // outside the service window: only the opt-in allows it
		e.wantAllowed(e.send(tpl(ana, "black_friday")))

		c := e.contact("+" + ana)
		if topicStatus(c, "promotions") != "opted_in" || topicStatus(c, "order_updates") != "none" {
			t.Fatalf("topics after confirmation: %v", c["topics"])
		}
		h := c["history"].([]any)
		ev := h[len(h)-1].(map[string]any)
		evidence := ev["evidence"].(map[string]any)
		if ev["source"] != "web_form" || ev["scope"] != "topic:promotions" || evidence["form"] != "ofertas" || evidence["ip"] != "203.0.113.7" ||
			evidence["language"] != "pt" || !strings.Contains(evidence["user_agent"].(string), "Android") || evidence["text_sha256"] != version {
			t.Fatalf("event lacks the proof: %v", ev)
		}
		if conf := evidence["confirmation"].(map[string]any); conf["method"] != "button" || conf["confirmation_message_id"] == "" {
			t.Fatalf("confirmation evidence: %v", conf)
		}
		// The text the person saw, kept once under its hash.
		tr := e.do("GET", "/v1/optin-texts/"+version, demoAPIKey, nil, nil)
		if tr.Status != 200 {
			t.Fatalf("optin text: %d %s", tr.Status, tr.Body)
		}
		text := tr.json(t)["text"].(string)
		if !strings.Contains(text, "Acme Lojas") || !strings.Contains(text, "topic promotions: Ofertas e promoções (até uma por semana)") {
			t.Fatalf("stored text: %q", text)
		}
		// A second tap changes nothing.
		if _, err := e.sim.TapButton(ctx, ana, payload, "Confirmar"); err != nil {
			t.Fatal(err)
		}
		if n := len(e.contact("+" + ana)["history"].([]any)); n != len(h) {
			t.Fatalf("second tap recorded again: %d events, want %d", n, len(h))
		}
	})
}

// TestFormConfirmByReplyAndExpiry: "SIM" confirms; a confirmation that
// expired grants nothing and says so.
func TestFormConfirmByReplyAndExpiry(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := newOptInEnv(t, b)
		ctx := ctxT(t)
		bob := demoNewPerson
		_, version := e.page("/f/demo/ofertas", "pt")
		post := func() {
			t.Helper()
			r := e.submit("/f/demo/ofertas/submit", url.Values{"country": {"BR"}, "phone": {"+" + bob}, "topic": {"promotions"}, "v": {version}}, nil)
			if r.Status != 200 {
				t.Fatalf("submit: %d %s", r.Status, r.Body)
			}
		}
		post()
		payload := e.confirmPayload(bob)
		e.clock.Advance(49 * time.Hour)
		if _, err := e.sim.SendText(ctx, bob, "SIM"); err != nil {
			t.Fatal(err)
		}
		if _, err := e.sim.TapButton(ctx, bob, payload, "Confirmar"); err != nil {
			t.Fatal(err)
		}
		got := e.waitInbox(bob, 2)
		if !strings.Contains(got[len(got)-1].Text, "expirou") {
			t.Fatalf("want the expiry reply, got %+v", got)
		}
		if c := e.contact("+" + bob); topicStatus(c, "promotions") != "none" {
			t.Fatalf("an expired confirmation granted consent: %v", c["topics"])
		}

		post()
		if _, err := e.sim.SendText(ctx, bob, "Sim!"); err != nil {
			t.Fatal(err)
		}
		c := e.contact("+" + bob)
		if topicStatus(c, "promotions") != "opted_in" {
			t.Fatalf("SIM did not confirm: %v", c["topics"])
		}
		h := c["history"].([]any)
		conf := h[len(h)-1].(map[string]any)["evidence"].(map[string]any)["confirmation"].(map[string]any)
		if conf["method"] != "reply" || conf["text"] != "Sim!" {
			t.Fatalf("confirmation evidence: %v", conf)
		}
	})
}

// TestFormInput: what a bad post gets, and the abuse limits.
func TestFormInput(t *testing.T) {
	e := newOptInEnv(t, storetest.SQLite)
	_, version := e.page("/f/demo/ofertas", "en")
	ok := url.Values{"country": {"BR"}, "phone": {"11 98765-4321"}, "topic": {"promotions"}, "v": {version}, "lang": {"en"}}
	with := func(k, v string) url.Values {
		out := url.Values{}
		for key, vals := range ok {
			out[key] = vals
		}
		out.Set(k, v)
		return out
	}
	for _, tc := range []struct {
		name   string
		form   url.Values
		status int
		want   string
	}{
		{"bad number", with("phone", "12345"), 400, "does not look valid"},
		{"no topic", with("topic", ""), 400, "Tick at least one"},
		{"unknown topic", with("topic", "secret"), 400, "Tick at least one"},
		{"changed text", with("v", strings.Repeat("0", 64)), 409, "has changed"},
	} {
		r := e.submit("/f/demo/ofertas/submit", tc.form, nil)
		if r.Status != tc.status || !strings.Contains(string(r.Body), tc.want) || !strings.Contains(string(r.Body), `value="`+tc.form.Get("phone")+`"`) {
			t.Errorf("%s: %d, want %d with %q and the number kept: %s", tc.name, r.Status, tc.status, tc.want, r.Body)
		}
	}
	if r := e.do("GET", "/f/demo/nope", "", nil, nil); r.Status != 404 {
		t.Errorf("unknown form: %d", r.Status)
	}
	if r := e.do("GET", "/f/nope/ofertas", "", nil, nil); r.Status != 404 {
		t.Errorf("unknown account: %d", r.Status)
	}
	// A bot fills the hidden field: it sees success, and nothing is sent.
	if r := e.submit("/f/demo/ofertas/submit", with("website", "http://spam"), nil); r.Status != 200 || len(e.inbox(demoPerson)) != 0 {
		t.Errorf("honeypot: %d, inbox %d", r.Status, len(e.inbox(demoPerson)))
	}
	// Three confirmations to one number, then 429: nobody floods a stranger's WhatsApp.
	for i := range 4 {
		r := e.submit("/f/demo/ofertas/submit", ok, nil)
		want := 200
		if i == 3 {
			want = 429
		}
		if r.Status != want {
			t.Fatalf("submission %d: %d, want %d: %s", i+1, r.Status, want, r.Body)
		}
		if want == 429 && r.Header.Get("Retry-After") == "" {
			t.Fatal("429 without Retry-After")
		}
	}
	// Per IP: ten posts, then 429.
	var last int
	for i := range 12 {
		r := e.submit("/f/demo/ofertas/submit", with("phone", "+3161234567"+string(rune('0'+i%10))), map[string]string{"X-Forwarded-For": "198.51.100.9"})
		last = r.Status
	}
	if last != 429 {
		t.Fatalf("12th post from one address: %d, want 429", last)
	}
}

// TestSingleOptInForm: without double opt-in the opt-ins are recorded at once.
func TestSingleOptInForm(t *testing.T) {
	e := newOptInEnv(t, storetest.SQLite)
	_, version := e.page("/f/demo/avisos", "pt")
	r := e.submit("/f/demo/avisos/submit", url.Values{"country": {"PT"}, "phone": {"912 345 678"}, "topic": {"order_updates", "promotions"}, "v": {version}}, nil)
	if r.Status != 200 {
		t.Fatalf("submit: %d %s", r.Status, r.Body)
	}
	c := e.contact("+351912345678")
	if topicStatus(c, "order_updates") != "opted_in" || topicStatus(c, "promotions") != "opted_in" || len(c["history"].([]any)) != 2 {
		t.Fatalf("single opt-in: %v", c)
	}
	if len(e.inbox("351912345678")) != 0 {
		t.Fatal("a single opt-in form sent a confirmation")
	}
}

// TestOptInLinks: a wa.me link and its QR codes decode to the same link,
// and the person who sends its text is opted in with the link's source.
func TestOptInLinks(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := newOptInEnv(t, b)
		ctx := ctxT(t)
		r := e.do("POST", "/v1/optin-links", demoAPIKey, []byte(`{"form":"ofertas","source":"poster"}`), nil)
		if r.Status != 201 {
			t.Fatalf("create link: %d %s", r.Status, r.Body)
		}
		l := r.json(t)
		link := l["url"].(string)
		if !strings.HasPrefix(link, "https://wa.me/"+demoDisplay+"?text=") || l["topic"] != "promotions" || l["source"] != "poster" {
			t.Fatalf("link: %v", l)
		}
		if again := e.do("POST", "/v1/optin-links", demoAPIKey, []byte(`{"form":"ofertas","source":"poster"}`), nil).json(t); again["code"] != l["code"] {
			t.Fatalf("the same link twice gave two codes: %v %v", l["code"], again["code"])
		}
		png := e.do("GET", l["qr_png"].(string)+"?size=300", demoAPIKey, nil, nil)
		if png.Status != 200 || png.Header.Get("Content-Type") != "image/png" {
			t.Fatalf("png: %d %s", png.Status, png.Header)
		}
		if got := decodeQR(t, png.Body); got != link {
			t.Fatalf("PNG QR decodes to %q, want %q", got, link)
		}
		svg := e.do("GET", l["qr_svg"].(string), demoAPIKey, nil, nil)
		if svg.Status != 200 || !bytes.HasPrefix(svg.Body, []byte("<svg")) {
			t.Fatalf("svg: %d %s", svg.Status, svg.Body)
		}
		if e.do("GET", l["qr_png"].(string), "", nil, nil).Status != 401 {
			t.Fatal("QR without API key")
		}
		for _, bad := range []string{`{"form":"nope","source":"poster"}`, `{"form":"ofertas","source":"Poster Wall"}`, `{"form":"avisos","source":"ad"}`} {
			if r := e.do("POST", "/v1/optin-links", demoAPIKey, []byte(bad), nil); r.Status != 400 {
				t.Errorf("%s: %d %s", bad, r.Status, r.Body)
			}
		}

		// The person scans the poster and sends the prefilled text.
		u, _ := url.Parse(link)
		person := "5531991234567"
		if _, err := e.sim.SendText(ctx, person, u.Query().Get("text")); err != nil {
			t.Fatal(err)
		}
		c := e.contact("+" + person)
		if topicStatus(c, "promotions") != "opted_in" || topicStatus(c, "order_updates") != "none" {
			t.Fatalf("link opt-in: %v", c["topics"])
		}
		ev := c["history"].([]any)[0].(map[string]any)
		evidence := ev["evidence"].(map[string]any)
		if ev["source"] != "qr_link" || evidence["link_source"] != "poster" || evidence["link_code"] != l["code"] {
			t.Fatalf("attribution: %v", ev)
		}
		list := e.do("GET", "/v1/optin-links", demoAPIKey, nil, nil).json(t)
		if n := len(list["links"].([]any)); n != 1 {
			t.Fatalf("links: %d", n)
		}
	})
}

func decodeQR(t *testing.T, png []byte) string {
	t.Helper()
	img, _, err := image.Decode(bytes.NewReader(png))
	if err != nil {
		t.Fatal(err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatal(err)
	}
	return res.GetText()
}
