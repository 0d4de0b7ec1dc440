package cli

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/optgate/optgate/internal/store/storetest"
)

// phoneUA is what the browser says it is: a phone, so the proof records one.
const phoneUA = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36 optgate-browser-test"

// chromium finds the browser: $OPTGATE_CHROMIUM, else chromium on the PATH.
// Without one the test is skipped, except in CI (env CI set), where it fails.
func chromium(t *testing.T) string {
	t.Helper()
	for _, p := range []string{os.Getenv("OPTGATE_CHROMIUM"), "chromium", "chromium-browser", "/usr/bin/chromium"} {
		if p == "" {
			continue
		}
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("chromium is not installed (apt-get install -y chromium), and CI is set: the browser test must run")
	}
	t.Skip("chromium is not installed (apt-get install -y chromium); set OPTGATE_CHROMIUM to use another")
	return ""
}

// artifactsDir is where the test keeps what a person should look at: the
// directory in $OPTGATE_ARTIFACTS, else the test's temporary directory.
func artifactsDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("OPTGATE_ARTIFACTS")
	if dir == "" {
		return t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestBrowserFormOnPhone is the story in a real headless Chromium at
// a phone's size: the person opens the hosted form, sees the business, the
// channel and unticked, labelled boxes, types their number, ticks
// promotions, submits, confirms on the (simulated) phone, and the consent is
// active. The form's screenshot is kept as a test artifact.
func TestBrowserFormOnPhone(t *testing.T) {
	exe := chromium(t)
	e := newOptInEnv(t, storetest.SQLite)
	artifacts := artifactsDir(t)
	ana := demoPerson

	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox, // as root in containers
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.UserAgent(phoneUA),
		chromedp.WindowSize(390, 844),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(actx, chromedp.WithErrorf(t.Logf))
	defer cancelBrowser()
	ctx, cancel := context.WithTimeout(bctx, 90*time.Second)
	defer cancel()

	// An iPhone-sized screen (390 x 844 CSS pixels) at twice the density,
	// touch, and a Brazilian browser.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch)); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	if _, err := chromedp.Call(ctx, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{
		Headers: network.Headers{"Accept-Language": "pt-BR,pt;q=0.9,en;q=0.5"}}); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(e.url+"/f/demo/ofertas"), chromedp.WaitVisible(chromedp.ID("phone"))); err != nil {
		t.Fatalf("open the form: %v", err)
	}
	lang := browse(t, ctx, chromedp.Evaluate[string](`document.documentElement.lang`))
	business := browse(t, ctx, chromedp.Text(chromedp.CSS(".business")))
	title := browse(t, ctx, chromedp.Text(chromedp.CSS("h1")))
	version := browse(t, ctx, chromedp.Value(chromedp.CSS(`input[name="v"]`)))
	country := browse(t, ctx, chromedp.Value(chromedp.ID("country")))
	unticked := browse(t, ctx, chromedp.Evaluate[bool](`[...document.querySelectorAll('input[type=checkbox]')].length > 0 &&
		[...document.querySelectorAll('input[type=checkbox]')].every(c => !c.checked)`))
	// Every field a person uses has a label that names it.
	labelled := browse(t, ctx, chromedp.Evaluate[bool](`[...document.querySelectorAll('input:not([type=hidden]), select')]
		.filter(el => !el.closest('.hp'))
		.every(el => el.labels && el.labels.length > 0 && el.labels[0].textContent.trim() !== '')`))
	// One column: nothing wider than the phone.
	fits := browse(t, ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth <= window.innerWidth`))
	boxSize := browse(t, ctx, chromedp.Evaluate[float64](`document.querySelector('input[type=checkbox]').getBoundingClientRect().width`))
	buttonHeight := browse(t, ctx, chromedp.Evaluate[float64](`document.querySelector('button[type=submit]').getBoundingClientRect().height`))

	save := func(name string, b []byte) {
		p := filepath.Join(artifacts, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot: %s", p)
	}
	save("optin-form-phone.png", browse(t, ctx, chromedp.CaptureScreenshot()))
	save("optin-form-phone-full.png", browse(t, ctx, chromedp.FullScreenshot(100)))

	if lang != "pt" || !strings.Contains(business, "Acme Lojas") || !strings.Contains(business+title, "WhatsApp") {
		t.Errorf("page: lang %q, business %q, title %q: want Portuguese, Acme Lojas and WhatsApp by name", lang, business, title)
	}
	if country != "BR" {
		t.Errorf("country preselected: %q, want BR", country)
	}
	if !unticked {
		t.Error("a topic box is ticked before the person ticks it")
	}
	if !labelled {
		t.Error("a field has no label")
	}
	if !fits {
		t.Error("the page is wider than the phone: it scrolls sideways")
	}
	if boxSize < 20 || buttonHeight < 44 {
		t.Errorf("touch targets too small: checkbox %.0f px, button %.0f px high", boxSize, buttonHeight)
	}

	// Type the number, tick promotions by its label, and send.
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.ID("phone"), "(11) 98765-4321"),
		chromedp.Click(chromedp.CSS(`label[for="topic-promotions"]`)),
	); err != nil {
		t.Fatalf("fill the form: %v", err)
	}
	if !browse(t, ctx, chromedp.Evaluate[bool](`document.getElementById('topic-promotions').checked`)) {
		t.Fatal("tapping the label did not tick the box")
	}
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.ID("done")),
	); err != nil {
		t.Fatalf("submit the form: %v", err)
	}
	done := browse(t, ctx, chromedp.Text(chromedp.ID("done")))
	save("optin-done-phone.png", browse(t, ctx, chromedp.CaptureScreenshot()))
	if !strings.Contains(done, "5511987654321") && !strings.Contains(done, "98765-4321") {
		t.Errorf("the page after submitting does not name the number: %q", done)
	}

	// Nothing is granted until the phone confirms.
	if r := e.do("GET", "/v1/contacts/+"+ana, demoAPIKey, nil, nil); r.Status != 404 {
		t.Fatalf("consent before the confirmation: %d %s", r.Status, r.Body)
	}
	payload := e.confirmPayload(ana)
	before := len(e.inbox(ana))
	if _, err := e.sim.TapButton(ctxT(t), ana, payload, "Confirmar"); err != nil {
		t.Fatal(err)
	}
	if got := e.waitInbox(ana, before+1); len(got) != before+1 || !strings.Contains(got[len(got)-1].Text, "Confirmado") {
		t.Fatalf("want the confirmation reply, got %+v", got)
	}

	c := e.contact("+" + ana)
	if topicStatus(c, "promotions") != "opted_in" {
		t.Fatalf("promotions after confirming: %v", c["topics"])
	}
	h := c["history"].([]any)
	ev := h[len(h)-1].(map[string]any)
	evidence := ev["evidence"].(map[string]any)
	if evidence["text_sha256"] != version || evidence["language"] != "pt" || evidence["user_agent"] != phoneUA || evidence["form"] != "ofertas" {
		t.Fatalf("the proof does not name what this browser showed: %v", evidence)
	}
}

// browse runs one browser action and returns its value, failing the test on error.
func browse[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatalf("browser: %v", err)
	}
	return v
}
