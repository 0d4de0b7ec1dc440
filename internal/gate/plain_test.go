package gate_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/optgate/optgate/internal/cli"
	"github.com/optgate/optgate/internal/cloudapi"
	"github.com/optgate/optgate/internal/gate"
	"github.com/optgate/optgate/internal/meta"
	"github.com/optgate/optgate/internal/optin"
	"github.com/optgate/optgate/internal/simulator"
)

// TestPlainMessagesNeedNothingMore: a message that the gate queues as plain
// (recorded with the group commit's others, nothing done after) is one on
// which acting would have done nothing. Every labelled message of the intent
// sets, buttons, yes-words from people with a double opt-in pending, and a
// wa.me link's text go to two gates on stores of their own, one as optgate
// runs and one that writes every message at once and acts on it; each
// message comes from a person of its own, so order does not matter. What
// each gate made of each message (new messages, consent events, replies)
// must be the same.
func TestPlainMessagesNeedNothingMore(t *testing.T) {
	type msg struct{ kind, text string }
	var msgs []msg
	files, _ := filepath.Glob("../intent/testdata/*.tsv")
	if len(files) == 0 {
		t.Fatal("no labelled messages in ../intent/testdata")
	}
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(fh)
		for sc.Scan() {
			cols := strings.Split(sc.Text(), "\t")
			if len(cols) >= 3 && cols[0] != "id" {
				msgs = append(msgs, msg{"text", cols[2]})
			}
		}
		fh.Close()
	}
	for _, b := range []string{"Stop promotions", "Parar promoções", "STOP", "Sim", "Quero receber", "ajuda", "Ver pedido",
		"optgate_confirm:abc", "Talvez depois"} {
		msgs = append(msgs, msg{"button", b}, msg{"button_reply", b})
	}
	// Yes-words confirm a pending double opt-in: every 10th person, and
	// everyone from here on, submits the form first (below).
	withForm := len(msgs)
	for _, w := range []string{"sim", "Sim!", "ok", "SIM QUERO", "confirmo", "yes", "ja", "oui", "Obrigado!", "👍"} {
		msgs = append(msgs, msg{"text", w})
	}
	// A wa.me link's prefilled text, and the link's text edited.
	withLink := len(msgs)
	msgs = append(msgs, msg{"link", ""}, msg{"link", "Olá! "}, msg{"text", "Quero receber ofertas da Acme"})

	// Meta, for the double opt-in confirmations: the simulator, whose status
	// webhooks go nowhere that matters here.
	sink := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer sink.Close()
	sim, err := simulator.New(simulator.Config{AppSecret: benchSecret, AccessToken: "bench-token", WABAID: "102290129340398",
		PhoneNumberID: benchPhoneID, DisplayPhone: "15550783881", WebhookURL: sink.URL,
		Templates: map[string]string{optin.DefaultConfirmTemplate: simulator.CategoryUtility}})
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	upstream := httptest.NewServer(sim.Handler())
	defer upstream.Close()

	run := func(atOnce bool) []gate.IngestResult {
		t.Helper()
		ctx := context.Background()
		dsn := "sqlite:" + filepath.Join(t.TempDir(), "optgate.db")
		cfg := cli.DemoConfig("127.0.0.1:0", dsn, upstream.URL, benchSecret, "bench-verify", "bench-token")
		g, st := openGate(t, &cfg, dsn, gate.Options{Client: cloudapi.New(10 * time.Second)})
		defer st.Close()
		if atOnce {
			gate.WriteMessagesAtOnce(g)
		}
		a, ok := g.Account("demo")
		if !ok {
			t.Fatal("no demo account")
		}
		f, _ := a.Form("ofertas")
		for i := range msgs {
			if i%10 != 0 && i < withForm {
				continue
			}
			_, err := g.SubmitForm(ctx, a, gate.FormSubmission{FormID: f.ID, Phone: fmt.Sprintf("+55219%08d", i), Topics: []string{"promotions"},
				Language: "pt", TextVersion: optin.TextHash(f.ConsentText(f.Language("pt", ""))), IP: fmt.Sprintf("10.0.%d.%d", i/250, i%250)})
			if err != nil {
				t.Fatalf("form for person %d: %v", i, err)
			}
		}
		link, err := g.CreateLink(ctx, a, f.ID, "promotions", "poster", "pt")
		if err != nil {
			t.Fatal(err)
		}
		for i := withLink; i < withLink+2; i++ {
			msgs[i] = msg{"text", msgs[i].text + link.Text}
		}
		out := make([]gate.IngestResult, len(msgs))
		var wg sync.WaitGroup
		sem := make(chan struct{}, 32)
		for i, m := range msgs {
			sem <- struct{}{}
			wg.Go(func() {
				defer func() { <-sem }()
				body := messageBody(t, i, m.kind, m.text)
				res, err := g.IngestWebhook(context.Background(), body, meta.Sign(body, benchSecret))
				if err != nil {
					t.Errorf("message %d %q: %v", i, m.text, err)
				}
				out[i] = res
			})
		}
		wg.Wait()
		return out
	}
	queued, atOnce := run(false), run(true)
	plain := 0
	for i := range msgs {
		if queued[i] != atOnce[i] {
			t.Errorf("%s %q: queued as optgate runs %+v, acted on at once %+v", msgs[i].kind, msgs[i].text, queued[i], atOnce[i])
		}
		if atOnce[i] == (gate.IngestResult{Messages: 1}) {
			plain++
		}
	}
	// Most messages of the sets are opt-outs, opt-ins or help by design;
	// the rest, and the chit-chat, are plain.
	if plain < len(msgs)/10 {
		t.Errorf("only %d of %d messages were plain", plain, len(msgs))
	}
}

// messageBody is a signed-ready webhook with one message from person i: a
// text, or a tap on a quick-reply button or a reply button titled text.
func messageBody(t testing.TB, i int, kind, text string) []byte {
	t.Helper()
	m := map[string]any{"from": fmt.Sprintf("55219%08d", i), "id": fmt.Sprintf("wamid.plain%d", i),
		"timestamp": fmt.Sprint(time.Now().Unix()), "type": kind}
	switch kind {
	case "text":
		m["text"] = map[string]any{"body": text}
	case "button":
		m["button"] = map[string]any{"payload": text, "text": text}
	case "button_reply":
		m["type"] = "interactive"
		m["interactive"] = map[string]any{"type": "button_reply", "button_reply": map[string]any{"id": text, "title": text}}
	}
	body, err := json.Marshal(map[string]any{"object": "whatsapp_business_account", "entry": []any{map[string]any{
		"id": "102290129340398", "changes": []any{map[string]any{"field": "messages", "value": map[string]any{
			"messaging_product": "whatsapp",
			"metadata":          map[string]any{"display_phone_number": "15550783881", "phone_number_id": benchPhoneID},
			"contacts":          []any{map[string]any{"profile": map[string]any{"name": "Pessoa"}, "wa_id": fmt.Sprintf("55219%08d", i)}},
			"messages":          []any{m},
		}}}}}})
	if err != nil {
		t.Fatal(err)
	}
	return body
}
