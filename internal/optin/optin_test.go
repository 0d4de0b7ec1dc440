package optin

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"io"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"github.com/optgate/optgate/internal/config"
	"github.com/optgate/optgate/internal/consent"
)

func testAccount() *config.Account {
	return &config.Account{ID: "acme", Name: "Acme Lojas", DefaultLanguage: "pt", Languages: []string{"pt", "es", "en"},
		PhoneNumbers: []config.PhoneNumber{{ID: "1065", Display: "+55 11 4003-0000"}},
		Topics: []config.Topic{{ID: "promotions", Category: "marketing", Description: "Ofertas"},
			{ID: "order_updates", Category: "utility", Description: "Avisos de pedidos"}}}
}

func testForm() *Form {
	return NewForm(testAccount(), config.Form{ID: "ofertas", Topics: []string{"promotions"}, PrivacyURL: "https://acme.example/p"})
}

func TestLanguage(t *testing.T) {
	f := testForm()
	for _, tc := range []struct{ explicit, accept, want string }{
		{"", "", "pt"},
		{"", "en-US,en;q=0.9", "en"},
		{"", "de-DE,de;q=0.9,es;q=0.5", "es"},
		{"", "fr;q=0.2,en;q=0.8", "en"},
		{"", "en;q=0", "pt"},
		{"es", "en", "es"},
		{"de", "en", "en"}, // not one of the account's languages
	} {
		if got := f.Language(tc.explicit, tc.accept); got != tc.want {
			t.Errorf("Language(%q, %q) = %q, want %q", tc.explicit, tc.accept, got, tc.want)
		}
	}
}

func TestConsentTextVersions(t *testing.T) {
	a := testAccount()
	f := testForm()
	pt, en := f.ConsentText("pt"), f.ConsentText("en")
	if pt == en || TextHash(pt) == TextHash(en) {
		t.Fatal("languages share a version")
	}
	for _, want := range []string{"business: Acme Lojas", "channel: WhatsApp", "topic promotions: Ofertas", "responda SAIR", "https://acme.example/p"} {
		if !strings.Contains(pt, want) {
			t.Errorf("text lacks %q:\n%s", want, pt)
		}
	}
	changed := NewForm(a, config.Form{ID: "ofertas", Topics: []string{"promotions"}, PrivacyURL: "https://acme.example/p",
		Text: map[string]string{"pt": "Quero receber ofertas da {business}."}})
	if TextHash(changed.ConsentText("pt")) == TextHash(pt) || !strings.Contains(changed.ConsentText("pt"), "ofertas da Acme Lojas") {
		t.Fatal("a changed text kept its version")
	}
	if TextHash(testForm().ConsentText("pt")) != TextHash(pt) {
		t.Fatal("the same text gave another version")
	}
}

func TestRenderForm(t *testing.T) {
	f := testForm()
	var b bytes.Buffer
	d := NewPage(f, "es", "/f/acme/ofertas")
	d.Phone = `"><script>x</script>`
	if err := RenderForm(&b, d); err != nil {
		t.Fatal(err)
	}
	html := b.String()
	for _, want := range []string{`<html lang="es">`, `action="/f/acme/ofertas/submit"`, `<label for="phone">`, `<legend>`, `name="v" value="` + d.Version + `"`,
		`<option value="ES" selected>`, `href="https://acme.example/p"`, "responde BAJA"} {
		if !strings.Contains(html, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Contains(html, "<script>") || strings.Contains(html, " checked") {
		t.Error("page is not escaped, or a box is pre-ticked")
	}
}

func TestParsePhone(t *testing.T) {
	for _, tc := range []struct{ raw, region, want string }{
		{"(11) 98765-4321", "BR", "+5511987654321"},
		{"11 8765-4321", "BR", "+5511987654321"}, // without the ninth digit
		{"+351 912 345 678", "BR", "+351912345678"},
		{"0031 6 12345678", "BR", "+31612345678"},
		{"06 12345678", "NL", "+31612345678"},
	} {
		got, err := ParsePhone(tc.raw, tc.region)
		if err != nil || got != tc.want {
			t.Errorf("ParsePhone(%q, %q) = %q, %v; want %q", tc.raw, tc.region, got, err, tc.want)
		}
	}
	for _, bad := range []string{"", "12345", "abc", strings.Repeat("9", 40)} {
		if _, err := ParsePhone(bad, "BR"); consent.ErrorCode(err) != consent.EInvalid {
			t.Errorf("ParsePhone(%q) = %v, want an invalid error", bad, err)
		}
	}
}

func TestLinks(t *testing.T) {
	f := testForm()
	code := LinkCode("acme", "ofertas", "promotions", "poster", "pt")
	if len(code) != 8 || code != LinkCode("acme", "ofertas", "promotions", "poster", "pt") || code == LinkCode("acme", "ofertas", "promotions", "ad", "pt") {
		t.Fatalf("codes: %s", code)
	}
	text := f.LinkText("pt", code)
	if got, ok := FindCode(text); !ok || got != code {
		t.Fatalf("FindCode(%q) = %q, %v", text, got, ok)
	}
	if got, ok := FindCode("oi! ref: " + strings.ToLower(code) + " obrigado"); !ok || got != code {
		t.Fatalf("lower-case code: %q %v", got, ok)
	}
	if _, ok := FindCode("I would like a reference for my order"); ok {
		t.Fatal("found a code in plain words")
	}
	u := WaMeURL("+55 11 4003-0000", text)
	if !strings.HasPrefix(u, "https://wa.me/551140030000?text=Quero+receber") {
		t.Fatalf("url: %s", u)
	}
}

// TestQR: both formats decode back to the link.
func TestQR(t *testing.T) {
	link := WaMeURL("15550783881", "Quero receber ofertas da Acme (ref ABCDEFGH)")
	png, err := QRPNG(link, 256)
	if err != nil {
		t.Fatal(err)
	}
	img, _, err := image.Decode(bytes.NewReader(png))
	if err != nil {
		t.Fatal(err)
	}
	if got := decode(t, img); got != link {
		t.Fatalf("PNG decodes to %q", got)
	}
	svg, err := QRSVG(link)
	if err != nil {
		t.Fatal(err)
	}
	if got := decode(t, rasterize(t, string(svg), 8)); got != link {
		t.Fatalf("SVG decodes to %q", got)
	}
	if _, err := QRPNG(link, 10); err == nil {
		t.Fatal("a 10-pixel QR code was made")
	}
}

func decode(t *testing.T, img image.Image) string {
	t.Helper()
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

var svgRun = regexp.MustCompile(`M(\d+) (\d+)h(\d+)v1h-\d+z`)
var svgBox = regexp.MustCompile(`viewBox="0 0 (\d+) (\d+)"`)

// rasterize draws QRSVG's path (unit squares in runs) at scale pixels a module.
func rasterize(t *testing.T, svg string, scale int) image.Image {
	m := svgBox.FindStringSubmatch(svg)
	if m == nil {
		t.Fatalf("no viewBox: %s", svg)
	}
	n, _ := strconv.Atoi(m[1])
	img := image.NewGray(image.Rect(0, 0, n*scale, n*scale))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	for _, r := range svgRun.FindAllStringSubmatch(svg, -1) {
		x, _ := strconv.Atoi(r[1])
		y, _ := strconv.Atoi(r[2])
		w, _ := strconv.Atoi(r[3])
		for px := x * scale; px < (x+w)*scale; px++ {
			for py := y * scale; py < (y+1)*scale; py++ {
				img.SetGray(px, py, color.Gray{})
			}
		}
	}
	return img
}

func TestLimiter(t *testing.T) {
	now := time.Unix(0, 0)
	l := NewLimiter(2, time.Minute, func() time.Time { return now })
	for i, want := range []bool{true, true, false} {
		if ok, _ := l.Allow("a"); ok != want {
			t.Fatalf("request %d: %v", i, ok)
		}
	}
	if ok, _ := l.Allow("b"); !ok {
		t.Fatal("keys share a bucket")
	}
	_, wait := l.Allow("a")
	if wait <= 0 || wait > time.Minute {
		t.Fatalf("wait %s", wait)
	}
	now = now.Add(time.Minute)
	if ok, _ := l.Allow("a"); !ok {
		t.Fatal("no token after the interval")
	}
}

func rulesOf(a *config.Account) *consent.Rules { return a.Rules() }

func TestReader(t *testing.T) {
	in := "Phone,Scope,Action,Date,Source,Evidence,Reason\n" +
		"+5511987654321,promotions,opt_in,2025-11-20T14:03:00Z,web_form,\"{\"\"text\"\":\"\"sim\"\"}\",\n" +
		"+5511987654321,category:marketing,opt-out,2025-11-21,,,asked by phone\n" +
		"+5511987654321,all,in,2025-11-21,crm,ok,\n" +
		"bad,promotions,opt_in,2025-11-20,web_form,x,\n" +
		"+5511987654321,promotions,opt_in,2025-11-20,web_form\n"
	rd, err := NewReader(strings.NewReader(in), "base.csv", rulesOf(testAccount()), nil)
	if err != nil {
		t.Fatal(err)
	}
	var rows []Row
	var bad []string
	for {
		r, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		var re *RowError
		if errors.As(err, &re) {
			bad = append(bad, re.Error())
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		rows = append(rows, r)
	}
	if len(rows) != 3 || len(bad) != 2 {
		t.Fatalf("rows %d, bad %v", len(rows), bad)
	}
	if r := rows[0]; r.WAID != "5511987654321" || r.Scope != "topic:promotions" || r.Action != consent.OptIn || r.Evidence["text"] != "sim" || r.Line != 2 {
		t.Fatalf("row 1: %+v", r)
	}
	if r := rows[1]; r.Scope != "category:marketing" || r.Source != "import" || r.Reason != "asked by phone" || !r.OccurredAt.Equal(time.Date(2025, 11, 21, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("row 2: %+v", r)
	}
	if rows[0].Key == rows[1].Key || rows[0].Key == "" {
		t.Fatal("keys")
	}
	if !strings.HasPrefix(bad[0], "line 5: number") || !strings.HasPrefix(bad[1], "line 6: ") {
		t.Fatalf("bad: %v", bad)
	}
	for _, head := range []string{"", "number,topic,time\n", "number,action,time,colour\n", "topic,action,time\n"} {
		if _, err := NewReader(strings.NewReader(head), "x.csv", rulesOf(testAccount()), nil); err == nil {
			t.Errorf("header %q accepted", head)
		}
	}
}

// FuzzReader: no input makes the reader panic or loop, and every row it
// accepts is complete.
// TestReaderKeylessRows: a row with neither number nor user id is a bad row
// in a file of the business's, and a previous owner's event (ErrKeyless,
// not imported, no error) in an optgate export, which has the ledger's
// hash column.
func TestReaderKeylessRows(t *testing.T) {
	rules := rulesOf(testAccount())
	for _, tc := range []struct {
		head string
		want func(error) bool
	}{
		{"number,user_id,topic,action,time,source,evidence", func(err error) bool { var re *RowError; return errors.As(err, &re) }},
		{strings.Join(ExportColumns, ","), func(err error) bool { return errors.Is(err, ErrKeyless) }},
	} {
		in := tc.head + "\n,,all,opt_out,2025-11-20T14:03:00Z,api,{}" + strings.Repeat(",", strings.Count(tc.head, ",")-6) +
			"\n+5511987654321,,all,opt_out,2025-11-21T14:03:00Z,api,{}" + strings.Repeat(",", strings.Count(tc.head, ",")-6) + "\n"
		rd, err := NewReader(strings.NewReader(in), "f.csv", rules, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := rd.Next(); !tc.want(err) {
			t.Errorf("%s: keyless row: %v", tc.head, err)
		}
		if r, err := rd.Next(); err != nil || r.WAID != "5511987654321" {
			t.Errorf("%s: the row after it: %+v %v", tc.head, r, err)
		}
	}
}

func FuzzReader(f *testing.F) {
	f.Add("number,topic,action,time,source,evidence\n+5511987654321,promotions,opt_in,2025-11-20,web_form,x\n")
	f.Add("number,action,time\n\"+55119876\n54321\",opt_out,2025-11-20\n")
	f.Add("number,action,time,evidence\n+5511987654321,opt_in,2025-11-20,{\"a\":\n")
	f.Add("\ufeffwa_id,action,timestamp\n5511987654321,out,2025-11-20T14:03:00+03:00\n,,\n")
	rules := rulesOf(testAccount())
	f.Fuzz(func(t *testing.T, in string) {
		rd, err := NewReader(strings.NewReader(in), "f.csv", rules, nil)
		if err != nil {
			return
		}
		for range 10_000 {
			r, err := rd.Next()
			var re *RowError
			if errors.As(err, &re) || errors.Is(err, ErrKeyless) {
				continue
			}
			if err != nil {
				return
			}
			if (r.WAID == "" && r.UserID == "") || r.Key == "" || r.OccurredAt.IsZero() || (r.Action != consent.OptIn && r.Action != consent.OptOut && r.Action != consent.Resume) {
				t.Fatalf("incomplete row: %+v", r)
			}
		}
	})
}
