package cli

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"text/template"
	"time"

	"github.com/optgate/optgate/internal/config"
	"github.com/optgate/optgate/internal/optin"
	"github.com/optgate/optgate/internal/simulator"
)

// The demo account mirrors Meta's documentation samples.
const (
	demoWABA      = "102290129340398"
	demoPhoneID   = "106540352242922"
	demoDisplay   = "15550783881"
	demoAPIKey    = "optgate-demo-key-0001"
	demoPerson    = "5511987654321"
	demoNewPerson = "5521998765432"
	demoBruno     = "5531987651234" // opted in by API, then stops marketing in WhatsApp
)

// DemoConfig returns the configuration of the demo account, with optgate's
// upstream pointing at the sandbox.
func DemoConfig(listen, database, sandboxURL, appSecret, verifyToken, accessToken string) config.Config {
	cfg := config.Default()
	cfg.Listen = listen
	cfg.Database = database
	cfg.Accounts = []config.Account{{
		ID:              "demo",
		Name:            "Acme Lojas",
		WABAID:          demoWABA,
		PhoneNumbers:    []config.PhoneNumber{{ID: demoPhoneID, Display: demoDisplay}},
		AppSecret:       config.Secret(appSecret),
		VerifyToken:     config.Secret(verifyToken),
		Upstream:        config.Upstream{BaseURL: sandboxURL, AccessToken: config.Secret(accessToken)},
		APIKeys:         []config.Secret{demoAPIKey},
		DefaultLanguage: "pt",
		Topics: []config.Topic{
			{ID: "order_updates", Category: "utility", Description: "Avisos sobre seus pedidos"},
			{ID: "promotions", Category: "marketing", Description: "Ofertas e promoções"},
		},
		Templates: []config.Template{
			{Name: "order_shipped", Topic: "order_updates"},
			{Name: "black_friday", Topic: "promotions"},
		},
		Forms: []config.Form{{ID: "ofertas", Topics: []string{"promotions"}, PrivacyURL: "https://acme.example/privacidade",
			Frequency: map[string]string{"promotions": "até uma por semana"}}},
	}}
	return cfg
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func runDemo(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	listen := fs.String("listen", "127.0.0.1:8080", "optgate's address")
	sandboxListen := fs.String("sandbox-listen", "127.0.0.1:8081", "the Cloud API sandbox's address")
	database := fs.String("database", "", "database to use (default: a fresh SQLite file, removed at exit)")
	logLevel := fs.String("log-level", "info", "debug, info, warn or error")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	for _, a := range []string{*listen, *sandboxListen} {
		if host, _, err := net.SplitHostPort(a); err != nil || (host != "127.0.0.1" && host != "localhost" && host != "::1") {
			return &usageError{fmt.Sprintf("demo addresses must be on 127.0.0.1, got %q", a)}
		}
	}
	dsn := *database
	if dsn == "" {
		dir, err := os.MkdirTemp("", "optgate-demo-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		dsn = "sqlite:" + filepath.Join(dir, "optgate.db")
	}
	optLn, err := net.Listen("tcp", *listen)
	if err != nil {
		return fmt.Errorf("optgate cannot listen on %s (is it in use? try --listen 127.0.0.1:0): %w", *listen, err)
	}
	simLn, err := net.Listen("tcp", *sandboxListen)
	if err != nil {
		optLn.Close()
		return fmt.Errorf("the sandbox cannot listen on %s (is it in use? try --sandbox-listen 127.0.0.1:0): %w", *sandboxListen, err)
	}
	appSecret, verifyToken, accessToken := randomHex(16), randomHex(8), "sandbox-token-"+randomHex(8)
	optURL, simURL := "http://"+optLn.Addr().String(), "http://"+simLn.Addr().String()
	cfg := DemoConfig(optLn.Addr().String(), dsn, simURL, appSecret, verifyToken, accessToken)
	cfg.Log.Level = *logLevel
	if err := cfg.Validate(); err != nil {
		return err
	}
	log := newLogger(stderr, cfg.Log)

	sim, err := simulator.New(simulator.Config{
		AppSecret: appSecret, AccessToken: accessToken, WABAID: demoWABA, PhoneNumberID: demoPhoneID, DisplayPhone: demoDisplay,
		WebhookURL: optURL + "/webhooks/whatsapp",
		Templates:  map[string]string{"order_shipped": "UTILITY", "black_friday": "MARKETING", optin.DefaultConfirmTemplate: "UTILITY"},
		Logger:     log,
	})
	if err != nil {
		return err
	}
	sim.SetName(demoPerson, "Ana Souza")
	simSrv := &http.Server{Handler: sim.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := simSrv.Serve(simLn); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("sandbox stopped", "err", err)
		}
	}()
	app, err := Start(ctx, &cfg, log, AppOptions{Migrate: true, Listener: optLn})
	if err != nil {
		simSrv.Close()
		return err
	}
	printDemo(stdout, demoGuide{Optgate: optURL, Sandbox: simURL, Key: demoAPIKey, Phone: demoPhoneID, Person: demoPerson,
		NewPerson: demoNewPerson, Bruno: demoBruno, Verify: verifyToken, Database: dsn, Temporary: *database == "", LinkCode: optin.LinkCode("demo", "ofertas", "promotions", "poster", "pt")})

	select {
	case <-ctx.Done():
	case err = <-app.Err():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_ = sim.Close()
	_ = simSrv.Shutdown(sctx)
	return errors.Join(err, app.Close(sctx))
}

type demoGuide struct {
	Optgate, Sandbox, Key, Phone, Person, NewPerson, Bruno, Verify, Database string
	LinkCode                                                                 string // of the demo's poster link
	Temporary                                                                bool   // the database is removed at exit
}

var demoText = template.Must(template.New("demo").Parse(`
optgate demo is running.
  optgate:          {{.Optgate}}   (Graph API drop-in, webhooks, /v1 API, /metrics)
  Cloud API sandbox: {{.Sandbox}}   (plays Meta and the people on their phones)
  database:         {{.Database}}{{if .Temporary}}
                    (removed when the demo stops; to keep it across restarts: --database sqlite:./optgate-demo.db){{end}}
  API key:          {{.Key}}         phone_number_id: {{.Phone}}

Try it (copy and paste into another terminal):

  K='Authorization: Bearer {{.Key}}'; J='Content-Type: application/json'; O={{.Optgate}}; S={{.Sandbox}}

1. A marketing template to Ana, who never opted in: refused, reason no_opt_in.
  curl -si $O/v23.0/{{.Phone}}/messages -H "$K" -H "$J" -d '{"messaging_product":"whatsapp","to":"{{.Person}}","type":"template","template":{"name":"black_friday","language":{"code":"pt_BR"}}}'

2. Record Ana's opt-in to promotions, with proof, then send again: it reaches her phone.
  curl -s $O/v1/contacts/+{{.Person}}/consent -H "$K" -H "$J" -d '{"action":"opt_in","topic":"promotions","source":"web_form","evidence":{"text":"Quero receber ofertas da Acme Lojas pelo WhatsApp","form":"ofertas-v1"}}'
  curl -si $O/v23.0/{{.Phone}}/messages -H "$K" -H "$J" -d '{"messaging_product":"whatsapp","to":"{{.Person}}","type":"template","template":{"name":"black_friday","language":{"code":"pt_BR"}}}'
  curl -s $S/sandbox/people/{{.Person}}/inbox

3. Ana writes PARAR on her phone. optgate records the opt-out before Meta hears OK, and confirms in Portuguese.
  curl -s $S/sandbox/people/{{.Person}}/messages -H "$J" -d '{"text":"PARAR"}'
  curl -si $O/v23.0/{{.Phone}}/messages -H "$K" -H "$J" -d '{"messaging_product":"whatsapp","to":"{{.Person}}","type":"template","template":{"name":"black_friday","language":{"code":"pt_BR"}}}'
  curl -si $O/v23.0/{{.Phone}}/messages -H "$K" -H "$J" -d '{"messaging_product":"whatsapp","status":"read","message_id":"wamid.demo"}'

4. Ana's consent record: state per topic, service window, and the hash-chained history with evidence.
  curl -s $O/v1/contacts/+{{.Person}} -H "$K"

5. A fresh contact gets window_closed for a free-form text until they write.
  curl -si $O/v23.0/{{.Phone}}/messages -H "$K" -H "$J" -d '{"messaging_product":"whatsapp","to":"{{.NewPerson}}","type":"text","text":{"body":"Oi!"}}'
  curl -s $S/sandbox/people/{{.NewPerson}}/messages -H "$J" -d '{"text":"Oi, meu pedido chegou?"}'
  curl -si $O/v23.0/{{.Phone}}/messages -H "$K" -H "$J" -d '{"messaging_product":"whatsapp","to":"{{.NewPerson}}","type":"text","text":{"body":"Chegou sim!"}}'

6. Bruno, who never wrote (no window), opted in to every topic at checkout. A utility template to him is
   allowed (opted_in). Then he turns on WhatsApp's own "stop marketing": marketing is refused
   (topic_opted_out), utility still allowed.
  curl -s $O/v1/contacts/+{{.Bruno}}/consent -H "$K" -H "$J" -d '{"action":"opt_in","source":"web_form","evidence":{"text":"Aceito receber mensagens da Acme Lojas","form":"checkout-v2"}}'
  curl -s -X POST $O/v1/decisions -H "$K" -H "$J" -d '{"phone_number_id":"{{.Phone}}","messaging_product":"whatsapp","to":"{{.Bruno}}","type":"template","template":{"name":"order_shipped","language":{"code":"pt_BR"}}}'
  curl -s $S/sandbox/people/{{.Bruno}}/marketing -H "$J" -d '{"value":"stop"}'
  curl -s -X POST $O/v1/decisions -H "$K" -H "$J" -d '{"phone_number_id":"{{.Phone}}","messaging_product":"whatsapp","to":"{{.Bruno}}","type":"template","template":{"name":"black_friday","language":{"code":"pt_BR"}}}'
  curl -s -X POST $O/v1/decisions -H "$K" -H "$J" -d '{"phone_number_id":"{{.Phone}}","messaging_product":"whatsapp","to":"{{.Bruno}}","type":"template","template":{"name":"order_shipped","language":{"code":"pt_BR"}}}'
   An opt-in to promotions recorded later by API does not change the setting on his phone: the send goes to
   Meta, which fails it with 131050, and optgate records that as a marketing opt-out too (meta_error_131050).
  curl -s $O/v1/contacts/+{{.Bruno}}/consent -H "$K" -H "$J" -d '{"action":"opt_in","topic":"promotions","source":"web_form","evidence":{"text":"Quero ofertas","form":"ofertas-v1"}}'
  curl -si $O/v23.0/{{.Phone}}/messages -H "$K" -H "$J" -d '{"messaging_product":"whatsapp","to":"{{.Bruno}}","type":"template","template":{"name":"black_friday","language":{"code":"pt_BR"}}}'
  curl -s -X POST $O/v1/decisions -H "$K" -H "$J" -d '{"phone_number_id":"{{.Phone}}","messaging_product":"whatsapp","to":"{{.Bruno}}","type":"template","template":{"name":"black_friday","language":{"code":"pt_BR"}}}'

7. Opt-in capture (docs/optin.md): open $O/f/demo/ofertas in a browser, enter +55 31 99123-4567 and tick
   promotions; the sandbox phone gets a confirmation, and "SIM" confirms it. A wa.me link and its QR code
   for posters; the person who sends its text is opted in, attributed to "poster".
  curl -s $S/sandbox/people/5531991234567/messages -H "$J" -d '{"text":"SIM"}'
  curl -s $O/v1/optin-links -H "$K" -H "$J" -d '{"form":"ofertas","source":"poster"}'
  curl -s $O/v1/optin-links/{{.LinkCode}}/qr.png -H "$K" -o poster-qr.png
  curl -s $S/sandbox/people/5541988776655/messages -H "$J" -d '{"text":"Quero receber mensagens de Acme Lojas no WhatsApp (ref {{.LinkCode}})"}'
  curl -s $O/v1/contacts/+5541988776655 -H "$K"

Also: other languages ("STOP", "afmelden", "basta", "me tira dessa lista"), a "Parar promoções" button (a
marketing opt-out: promotions refused, order updates not), the ledger's check (while the demo runs)
  curl -s $S/sandbox/people/{{.NewPerson}}/messages -H "$J" -d '{"button":{"payload":"Stop promotions","text":"Parar promoções"}}'
  curl -s $O/v1/contacts/+{{.NewPerson}} -H "$K"
  go run ./cmd/optgate ledger verify --database {{.Database}}
the webhook handshake  curl -s "$O/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token={{.Verify}}&hub.challenge=42"
and metrics            curl -s $O/metrics | grep optgate_

Ctrl-C stops both.
`))

func printDemo(w io.Writer, g demoGuide) {
	var b strings.Builder
	_ = demoText.Execute(&b, g)
	fmt.Fprint(w, b.String())
}
