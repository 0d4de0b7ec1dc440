package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// shellWords splits a command line as a POSIX shell would for the demo's
// lines: words separated by blanks, '...' taken as written, "..." and bare
// words with $NAME expanded from vars.
func shellWords(line string, vars map[string]string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord := false
	expand := func(s string) string {
		for name, v := range vars {
			s = strings.ReplaceAll(s, "$"+name, v)
		}
		return s
	}
	for i := 0; i < len(line); i++ {
		switch c := line[i]; c {
		case ' ', '\t':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		case '\'':
			j := strings.IndexByte(line[i+1:], '\'')
			if j < 0 {
				return nil, fmt.Errorf("unterminated ' in %q", line)
			}
			cur.WriteString(line[i+1 : i+1+j])
			i += j + 1
			inWord = true
		case '"':
			j := strings.IndexByte(line[i+1:], '"')
			if j < 0 {
				return nil, fmt.Errorf("unterminated \" in %q", line)
			}
			cur.WriteString(expand(line[i+1 : i+1+j]))
			i += j + 1
			inWord = true
		default:
			j := strings.IndexAny(line[i:], " \t'\"")
			if j < 0 {
				j = len(line) - i
			}
			cur.WriteString(expand(line[i : i+j]))
			i += j - 1
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}

// curlResult is what one of the demo's curl lines got.
type curlResult struct {
	line   string
	status int
	header http.Header
	body   string
}

// runCurl does what curl would with the flags the demo uses: -s, -si, -X,
// -H, -d (a POST unless -X says otherwise) and -o.
func runCurl(t *testing.T, words []string, dir string) curlResult {
	t.Helper()
	method, url, out := "GET", "", ""
	var body io.Reader
	hdr := http.Header{}
	for i := 1; i < len(words); i++ {
		switch w := words[i]; w {
		case "-s", "-si":
		case "-X":
			i++
			method = words[i]
		case "-H":
			i++
			k, v, _ := strings.Cut(words[i], ":")
			hdr.Add(strings.TrimSpace(k), strings.TrimSpace(v))
		case "-d":
			i++
			body = strings.NewReader(words[i])
			if method == "GET" {
				method = "POST"
			}
		case "-o":
			i++
			out = filepath.Join(dir, words[i])
		default:
			if strings.HasPrefix(w, "-") {
				t.Fatalf("curl flag %q is not one the test knows", w)
			}
			url = w
		}
	}
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatalf("%v: %v", words, err)
	}
	req.Header = hdr
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%v: %v", words, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if out != "" {
		if err := os.WriteFile(out, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return curlResult{status: resp.StatusCode, header: resp.Header, body: string(b)}
}

// TestDemoAsPrinted runs `optgate demo` and every curl line it prints, in
// order, as a new user pasting them would, and checks that each does what
// the text around it says.
func TestDemoAsPrinted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out, errOut := &lockedWriter{w: new(bytes.Buffer)}, &lockedWriter{w: new(bytes.Buffer)}
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, []string{"demo", "--listen", "127.0.0.1:0", "--sandbox-listen", "127.0.0.1:0", "--log-level", "warn"},
			func(string) string { return "" }, strings.NewReader(""), out, errOut)
	}()
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(out.String(), "Ctrl-C stops both.") {
		select {
		case err := <-done:
			t.Fatalf("demo stopped: %v\n%s\n%s", err, out, errOut)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("the demo printed no instructions:\n%s\n%s", out, errOut)
		}
		time.Sleep(20 * time.Millisecond)
	}
	text := out.String()
	if !strings.Contains(text, "removed when the demo stops") {
		t.Errorf("the demo does not say its database is temporary:\n%s", text)
	}

	// The variables of the line that sets them.
	vars := map[string]string{}
	var steps []curlResult
	dir := t.TempDir()
	for _, line := range strings.Split(text, "\n") {
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "K=") {
			for _, assign := range strings.Split(trimmed, "; ") {
				w, err := shellWords(assign, vars)
				if err != nil || len(w) != 1 {
					t.Fatalf("%q: %v", assign, err)
				}
				k, v, _ := strings.Cut(w[0], "=")
				vars[k] = v
			}
			continue
		}
		if k := strings.Index(trimmed, "curl "); k < 0 {
			continue
		} else {
			trimmed, _, _ = strings.Cut(trimmed[k:], " | ") // "curl ... | grep optgate_": the curl
		}
		w, err := shellWords(trimmed, vars)
		if err != nil {
			t.Fatal(err)
		}
		r := runCurl(t, w, dir)
		r.line = trimmed
		steps = append(steps, r)
		if strings.Contains(trimmed, `"to":"`+demoBruno+`","type":"template","template":{"name":"black_friday"`) && strings.HasPrefix(trimmed, "curl -si $O/v23.0/") {
			// Meta's failed status (131050) comes as a webhook after the
			// answer, as a person pasting the next line would wait for.
			waitFor(t, 10*time.Second, func() bool {
				c := runCurl(t, []string{"curl", vars["O"] + "/v1/contacts/+" + demoBruno, "-H", vars["K"]}, dir)
				return strings.Contains(c.body, "meta_error_131050")
			})
		}
	}
	if len(vars) != 4 || len(steps) < 25 {
		t.Fatalf("read %d variables and %d curl lines from:\n%s", len(vars), len(steps), text)
	}

	// What the text says each line does, by the order the lines come in.
	reason := func(r curlResult) string {
		if v := r.header.Get("Optgate-Reason"); v != "" {
			return v
		}
		for _, k := range []string{`"reason":"`} {
			if _, rest, ok := strings.Cut(r.body, k); ok {
				v, _, _ := strings.Cut(rest, `"`)
				return v
			}
		}
		return ""
	}
	find := func(from int, needle string) int {
		for i := from; i < len(steps); i++ {
			if strings.Contains(steps[i].line, needle) {
				return i
			}
		}
		t.Fatalf("no curl line with %q after line %d", needle, from)
		return -1
	}
	expect := func(i, status int, why string) {
		t.Helper()
		r := steps[i]
		if r.status != status || why != "" && reason(r) != why {
			t.Errorf("line %d: %s\n  got %d %q (%s), want %d %q", i, r.line, r.status, reason(r), strings.TrimSpace(r.body), status, why)
		}
	}
	i := find(0, `"to":"`+demoPerson+`","type":"template"`)
	expect(i, 400, "no_opt_in") // 1.
	i = find(i+1, "/consent")
	expect(i, 201, "")
	expect(i+1, 200, "") // 2. the send reaches her
	if !strings.Contains(steps[i+2].body, "black_friday") {
		t.Errorf("Ana's inbox lacks the template: %s", steps[i+2].body)
	}
	i = find(i+3, `{"text":"PARAR"}`)
	expect(i+1, 400, "opted_out")              // 3.
	expect(i+2, 200, "")                       // mark-as-read passes
	i = find(i+3, "/v1/contacts/+"+demoPerson) // 4.
	if !strings.Contains(steps[i].body, `"opted_out_of_all":true`) {
		t.Errorf("Ana's record: %s", steps[i].body)
	}
	i = find(i+1, `"to":"`+demoNewPerson+`","type":"text"`)
	expect(i, 400, "window_closed") // 5.
	expect(i+2, 200, "")
	i = find(i+3, "/v1/contacts/+"+demoBruno+"/consent")
	expect(i, 201, "")
	expect(i+1, 200, "opted_in") // 6. utility, outside the window, with the opt-in
	expect(i+3, 200, "topic_opted_out")
	expect(i+4, 200, "opted_in")
	expect(i+5, 201, "") // the later API opt-in to promotions
	expect(i+6, 200, "") // forwarded; Meta fails it with 131050
	expect(i+7, 200, "topic_opted_out")
	i = find(i+8, `{"text":"SIM"}`) // 7.
	expect(i, 200, "")
	i = find(i+1, "/v1/optin-links")
	expect(i, 201, "")
	expect(i+1, 200, "")
	i = find(i+2, "/v1/contacts/+5541988776655")
	if !strings.Contains(steps[i].body, `"status":"opted_in"`) || !strings.Contains(steps[i].body, "poster") {
		t.Errorf("the poster's opt-in: %s", steps[i].body)
	}
	i = find(i+1, "Parar promoções")
	expect(i, 200, "")
	if !strings.Contains(steps[i+1].body, `"topic":"promotions","category":"marketing","status":"opted_out"`) {
		t.Errorf("the button's marketing opt-out: %s", steps[i+1].body)
	}
	i = find(i+2, "hub.challenge=42")
	if steps[i].status != 200 || steps[i].body != "42" {
		t.Errorf("handshake: %d %q", steps[i].status, steps[i].body)
	}
	if i = find(i+1, "/metrics"); !strings.Contains(steps[i].body, "optgate_") {
		t.Errorf("metrics: %.200s", steps[i].body)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("demo: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Error("the demo did not stop")
	}
}

// waitFor polls cond until it holds or d passes.
func waitFor(t *testing.T, d time.Duration, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(d); !cond(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(end) {
			t.Fatalf("still not so after %v", d)
		}
	}
}
