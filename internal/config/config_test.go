package config

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/optgate/optgate/internal/consent"
)

// fullYAML is the example of issue 2, with every key it names.
const fullYAML = `
listen: 127.0.0.1:8080
database: sqlite:./optgate.db          # issue on PostgreSQL adds postgres://...
accounts:
  - id: acme                            # short id used in URLs and logs
    name: Acme Lojas                    # business name, shown to people
    waba_id: "102290129340398"
    phone_numbers: [{id: "106540352242922", display: "15550783881"}]
    app_secret: "app-secret-value-1"    # verifies Meta's X-Hub-Signature-256
    verify_token: "verify-token-value-1"
    upstream: {base_url: "https://graph.facebook.com", access_token: "meta-access-token-1"}
    api_keys: ["key-acme-0123456789abcdef"]
    default_language: pt
    topics:    [{id: order_updates, category: utility}, {id: promotions, category: marketing}]
    templates: [{name: order_shipped, topic: order_updates}, {name: black_friday, topic: promotions}]
`

func noEnv(string) string { return "" }

func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func parseFull(t *testing.T) Config {
	t.Helper()
	cfg := Default()
	if err := Parse([]byte(fullYAML), &cfg); err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return cfg
}

func TestParseFull(t *testing.T) {
	cfg := parseFull(t)
	want := Config{
		Listen:   "127.0.0.1:8080",
		Database: "sqlite:./optgate.db",
		Log:      Log{Level: "info", Format: "text"},
		Webhook:  Webhook{MaxBodyBytes: 4 << 20},
		Accounts: []Account{{
			ID:              "acme",
			Name:            "Acme Lojas",
			WABAID:          "102290129340398",
			PhoneNumbers:    []PhoneNumber{{ID: "106540352242922", Display: "15550783881"}},
			AppSecret:       "app-secret-value-1",
			VerifyToken:     "verify-token-value-1",
			Upstream:        Upstream{BaseURL: "https://graph.facebook.com", AccessToken: "meta-access-token-1"},
			APIKeys:         []Secret{"key-acme-0123456789abcdef"},
			DefaultLanguage: "pt",
			Topics:          []Topic{{ID: "order_updates", Category: "utility"}, {ID: "promotions", Category: "marketing"}},
			Templates:       []Template{{Name: "order_shipped", Topic: "order_updates"}, {Name: "black_friday", Topic: "promotions"}},
		}},
	}
	if !reflect.DeepEqual(cfg, want) {
		t.Fatalf("Parse =\n%#v\nwant\n%#v", cfg, want) // secrets print redacted, compare by hand if this fails
	}
	if err := cfg.Validate(); err != nil {
		t.Fatalf("Validate of the issue's example: %v", err)
	}
	a := cfg.Accounts[0]
	if a.AppSecret.Reveal() != "app-secret-value-1" || a.Upstream.AccessToken.Reveal() != "meta-access-token-1" {
		t.Errorf("secrets not read")
	}
}

func TestParseMoreKeys(t *testing.T) {
	cfg := Default()
	err := Parse([]byte(`
listen: ":9090"
database: postgres://optgate@db/optgate
log: {level: debug, format: json}
webhook: {max_body_bytes: 8388608}
accounts:
  - id: acme-br
    name: Acme
    waba_id: "1"
    phone_numbers: [{id: "2"}]
    app_secret_file: /run/secrets/app
    verify_token_file: /run/secrets/verify
    api_keys_file: /run/secrets/keys
    upstream: {base_url: "http://127.0.0.1:9999", access_token_file: /run/secrets/token, timeout: 5s}
    unknown_templates: allow
    uncertain: act
    keyword_opt_in_topics: [promotions]
    topics: [{id: promotions, category: marketing, description: Ofertas}]
    keywords: {opt_out: [CHEGA], opt_in: [QUERO], help: [SOCORRO]}
    phrases: {opt_out: ["me tira da lista"]}
    buttons: {opt_out: ["Parar ofertas"], opt_in: ["Quero ofertas"]}
    replies:
      opt_out: {pt: "Pronto, {business}."}
      help: {en: "Write STOP."}
`), &cfg)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Listen != ":9090" || cfg.Database != "postgres://optgate@db/optgate" || cfg.Log != (Log{"debug", "json"}) || cfg.Webhook.MaxBodyBytes != 8<<20 {
		t.Errorf("top level = %+v", cfg)
	}
	a := cfg.Accounts[0]
	if a.AppSecretFile != "/run/secrets/app" || a.VerifyTokenFile != "/run/secrets/verify" || a.APIKeysFile != "/run/secrets/keys" || a.Upstream.AccessTokenFile != "/run/secrets/token" {
		t.Errorf("file keys = %+v", a)
	}
	if a.Upstream.Timeout != 5*time.Second || a.UnknownTemplates != "allow" || a.Uncertain != "act" {
		t.Errorf("upstream/policies = %+v %q %q", a.Upstream, a.UnknownTemplates, a.Uncertain)
	}
	if !reflect.DeepEqual(a.KeywordOptIn, []string{"promotions"}) || a.Topics[0].Description != "Ofertas" {
		t.Errorf("keyword_opt_in_topics / description = %v %+v", a.KeywordOptIn, a.Topics)
	}
	if !reflect.DeepEqual(a.Keywords, Phrases{OptOut: []string{"CHEGA"}, OptIn: []string{"QUERO"}, Help: []string{"SOCORRO"}}) ||
		!reflect.DeepEqual(a.Phrases.OptOut, []string{"me tira da lista"}) ||
		!reflect.DeepEqual(a.Buttons, Phrases{OptOut: []string{"Parar ofertas"}, OptIn: []string{"Quero ofertas"}}) {
		t.Errorf("keywords/phrases/buttons = %+v %+v %+v", a.Keywords, a.Phrases, a.Buttons)
	}
	if a.Replies.OptOut["pt"] != "Pronto, {business}." || a.Replies.Help["en"] != "Write STOP." {
		t.Errorf("replies = %+v", a.Replies)
	}
}

func TestParseKeepsDefaultsForMissingKeys(t *testing.T) {
	cfg := Default()
	if err := Parse([]byte("listen: ':1'\n"), &cfg); err != nil {
		t.Fatal(err)
	}
	d := Default()
	if cfg.Database != d.Database || cfg.Log != d.Log || cfg.Webhook != d.Webhook || cfg.Listen != ":1" {
		t.Errorf("defaults lost: %+v", cfg)
	}
	cfg = Default()
	if err := Parse(nil, &cfg); err != nil || !reflect.DeepEqual(cfg, Default()) {
		t.Errorf("empty file: %v, %+v", err, cfg)
	}
}

func TestParseRefusesUnknownKeys(t *testing.T) {
	tests := []struct{ yaml, key string }{
		{"listne: 127.0.0.1:8080\n", "listne"},
		{"log: {levle: info}\n", "levle"},
		{"accounts:\n  - id: acme\n    app_secrte: x\n", "app_secrte"},
		{"accounts:\n  - id: acme\n    upstream: {base_url: x, token: y}\n", "token"},
		{"accounts:\n  - id: acme\n    topics: [{id: a, category: marketing, kind: x}]\n", "kind"},
		{"accounts:\n  - id: acme\n    phone_numbers: [{id: '1', number: '2'}]\n", "number"},
	}
	for _, tt := range tests {
		cfg := Default()
		err := Parse([]byte(tt.yaml), &cfg)
		if err == nil {
			t.Errorf("Parse(%q) accepted the unknown key", tt.yaml)
			continue
		}
		if !strings.Contains(err.Error(), tt.key) {
			t.Errorf("Parse(%q) error %q does not name %q", tt.yaml, err, tt.key)
		}
	}
}

func TestParseRefusesBadYAML(t *testing.T) {
	for _, y := range []string{
		"listen: [a, b]\n",
		"webhook: {max_body_bytes: lots}\n",
		"accounts: {id: acme}\n",
		"accounts:\n  - id: acme\n    upstream: {timeout: soon}\n",
		"listen: 'unterminated\n",
		"\tlisten: x\n",
	} {
		cfg := Default()
		if err := Parse([]byte(y), &cfg); err == nil {
			t.Errorf("Parse(%q) accepted bad YAML", y)
		}
	}
}

// validConfig returns a configuration that passes Validate.
func validConfig(t *testing.T) Config {
	t.Helper()
	cfg := parseFull(t)
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	return cfg
}

func TestValidateNamesTheField(t *testing.T) {
	second := func(c *Config) *Account {
		b := c.Accounts[0]
		b.ID, b.WABAID = "beta", "999"
		b.PhoneNumbers = []PhoneNumber{{ID: "888"}}
		b.APIKeys = []Secret{"key-beta-0123456789abcdef"}
		c.Accounts = append(c.Accounts, b)
		return &c.Accounts[1]
	}
	tests := []struct {
		name   string
		mutate func(c *Config)
		field  string
	}{
		{"listen empty", func(c *Config) { c.Listen = "" }, "listen:"},
		{"database scheme", func(c *Config) { c.Database = "mysql://x" }, "database:"},
		{"database empty", func(c *Config) { c.Database = "" }, "database:"},
		{"log level", func(c *Config) { c.Log.Level = "verbose" }, "log.level:"},
		{"log format", func(c *Config) { c.Log.Format = "xml" }, "log.format:"},
		{"webhook body cap", func(c *Config) { c.Webhook.MaxBodyBytes = 1000 }, "webhook.max_body_bytes:"},
		{"no accounts", func(c *Config) { c.Accounts = nil }, "accounts:"},
		{"account id shape", func(c *Config) { c.Accounts[0].ID = "Acme Lojas" }, "accounts[0].id:"},
		{"account id empty", func(c *Config) { c.Accounts[0].ID = "" }, "accounts[0].id:"},
		{"account id twice", func(c *Config) { second(c).ID = "acme" }, "accounts[1].id:"},
		{"name", func(c *Config) { c.Accounts[0].Name = "  " }, "accounts[acme].name:"},
		{"waba_id shape", func(c *Config) { c.Accounts[0].WABAID = "waba-1" }, "accounts[acme].waba_id:"},
		{"waba_id twice", func(c *Config) { second(c).WABAID = "102290129340398" }, "accounts[beta].waba_id:"},
		{"no phone numbers", func(c *Config) { c.Accounts[0].PhoneNumbers = nil }, "accounts[acme].phone_numbers:"},
		{"phone number id shape", func(c *Config) { c.Accounts[0].PhoneNumbers[0].ID = "+1 555" }, "accounts[acme].phone_numbers[0].id:"},
		{"phone number id in two accounts", func(c *Config) { second(c).PhoneNumbers[0].ID = "106540352242922" }, "accounts[beta].phone_numbers[0].id:"},
		{"phone number id twice", func(c *Config) {
			c.Accounts[0].PhoneNumbers = append(c.Accounts[0].PhoneNumbers, PhoneNumber{ID: "106540352242922"})
		}, "accounts[acme].phone_numbers[1].id:"},
		{"app_secret", func(c *Config) { c.Accounts[0].AppSecret = "" }, "accounts[acme].app_secret:"},
		{"verify_token", func(c *Config) { c.Accounts[0].VerifyToken = "" }, "accounts[acme].verify_token:"},
		{"upstream.base_url empty", func(c *Config) { c.Accounts[0].Upstream.BaseURL = "" }, "accounts[acme].upstream.base_url:"},
		{"upstream.base_url scheme", func(c *Config) { c.Accounts[0].Upstream.BaseURL = "graph.facebook.com" }, "accounts[acme].upstream.base_url:"},
		{"upstream.access_token", func(c *Config) { c.Accounts[0].Upstream.AccessToken = "" }, "accounts[acme].upstream.access_token:"},
		{"upstream.timeout", func(c *Config) { c.Accounts[0].Upstream.Timeout = -time.Second }, "accounts[acme].upstream.timeout:"},
		{"no api keys", func(c *Config) { c.Accounts[0].APIKeys = nil }, "accounts[acme].api_keys:"},
		{"short api key", func(c *Config) { c.Accounts[0].APIKeys = []Secret{"short"} }, "accounts[acme].api_keys[0]:"},
		{"api key shared", func(c *Config) { second(c).APIKeys = []Secret{"key-acme-0123456789abcdef"} }, "accounts[beta].api_keys[0]:"},
		{"default_language", func(c *Config) { c.Accounts[0].DefaultLanguage = "pt-BR" }, "accounts[acme].default_language:"},
		{"unknown_templates", func(c *Config) { c.Accounts[0].UnknownTemplates = "maybe" }, "accounts[acme].unknown_templates:"},
		{"uncertain", func(c *Config) { c.Accounts[0].Uncertain = "guess" }, "accounts[acme].uncertain:"},
		{"topic id shape", func(c *Config) {
			c.Accounts[0].Topics = append(c.Accounts[0].Topics, Topic{ID: "Promotions!", Category: "marketing"})
		}, "accounts[acme].topics[2].id:"},
		{"topic id twice", func(c *Config) {
			c.Accounts[0].Topics = append(c.Accounts[0].Topics, Topic{ID: "promotions", Category: "marketing"})
		}, "accounts[acme].topics[2].id:"},
		{"topic category", func(c *Config) { c.Accounts[0].Topics[0].Category = "service" }, "accounts[acme].topics[0].category:"},
		{"template name empty", func(c *Config) { c.Accounts[0].Templates[0].Name = "" }, "accounts[acme].templates[0].name:"},
		{"template name twice", func(c *Config) { c.Accounts[0].Templates[1].Name = "order_shipped" }, "accounts[acme].templates[1].name:"},
		{"template topic", func(c *Config) { c.Accounts[0].Templates[1].Topic = "spam" }, "accounts[acme].templates[1].topic:"},
		{"keyword_opt_in_topics", func(c *Config) { c.Accounts[0].KeywordOptIn = []string{"promotions", "spam"} }, "accounts[acme].keyword_opt_in_topics[1]:"},
		{"replies language", func(c *Config) { c.Accounts[0].Replies.OptOut = map[string]string{"pt": "ok", "ru": "da"} }, "accounts[acme].replies.opt_out:"},
		{"replies confirm language", func(c *Config) { c.Accounts[0].Replies.Confirm = map[string]string{"xx": "?"} }, "accounts[acme].replies.confirm:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := validConfig(t)
			tt.mutate(&cfg)
			err := cfg.Validate()
			if err == nil {
				t.Fatalf("Validate accepted it")
			}
			msgs := strings.Split(err.Error(), "\n")
			if len(msgs) != 1 {
				t.Errorf("want one problem, got %d: %q", len(msgs), msgs)
			}
			if !strings.HasPrefix(msgs[0], tt.field) {
				t.Errorf("error %q does not start with the field %q", msgs[0], tt.field)
			}
		})
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	cfg := validConfig(t)
	cfg.Listen = ""
	cfg.Accounts[0].AppSecret = ""
	cfg.Accounts[0].Topics[0].Category = "x"
	err := cfg.Validate()
	if err == nil {
		t.Fatal("accepted")
	}
	for _, f := range []string{"listen:", "accounts[acme].app_secret:", "accounts[acme].topics[0].category:"} {
		if !strings.Contains(err.Error(), f) {
			t.Errorf("error %q does not report %s", err, f)
		}
	}
}

func TestValidateAcceptsVariants(t *testing.T) {
	for name, mutate := range map[string]func(c *Config){
		"postgres":            func(c *Config) { c.Database = "postgres://u:p@h/db" },
		"postgresql":          func(c *Config) { c.Database = "postgresql://u@h/db" },
		"no default language": func(c *Config) { c.Accounts[0].DefaultLanguage = "" },
		"every language": func(c *Config) {
			c.Accounts[0].Replies.Help = map[string]string{"pt": "", "es": "", "en": "", "nl": "", "it": "", "de": "", "fr": ""}
		},
		"http upstream":        func(c *Config) { c.Accounts[0].Upstream.BaseURL = "http://127.0.0.1:9000" },
		"allow unknown":        func(c *Config) { c.Accounts[0].UnknownTemplates = "allow" },
		"exactly 1 MiB":        func(c *Config) { c.Webhook.MaxBodyBytes = 1 << 20 },
		"authentication topic": func(c *Config) { c.Accounts[0].Topics[0].Category = "authentication" },
		"no topics, no templates": func(c *Config) {
			c.Accounts[0].Topics, c.Accounts[0].Templates = nil, nil
		},
	} {
		cfg := validConfig(t)
		mutate(&cfg)
		if err := cfg.Validate(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestValidateHidesDatabasePassword(t *testing.T) {
	cfg := validConfig(t)
	cfg.Database = "mysql://optgate:hunter2hunter2@db:3306/optgate"
	err := cfg.Validate()
	if err == nil {
		t.Fatal("accepted mysql")
	}
	if strings.Contains(err.Error(), "hunter2") {
		t.Errorf("error shows the database password: %v", err)
	}
}

func TestValidateHidesSecrets(t *testing.T) {
	cfg := validConfig(t)
	cfg.Accounts[0].APIKeys = []Secret{"tooshortsecret"}
	second := cfg.Accounts[0]
	second.ID, second.WABAID, second.PhoneNumbers = "beta", "5", []PhoneNumber{{ID: "6"}}
	second.APIKeys = []Secret{"key-acme-0123456789abcdef"}
	cfg.Accounts = append(cfg.Accounts, second)
	cfg.Accounts[0].APIKeys = append(cfg.Accounts[0].APIKeys, "key-acme-0123456789abcdef")
	err := cfg.Validate()
	if err == nil {
		t.Fatal("accepted")
	}
	for _, s := range []string{"tooshortsecret", "key-acme-0123456789abcdef", "app-secret-value-1", "meta-access-token-1"} {
		if strings.Contains(err.Error(), s) {
			t.Errorf("Validate error shows a secret %q: %v", s, err)
		}
	}
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadFileThenEnv(t *testing.T) {
	dir := t.TempDir()
	path := writeFile(t, dir, "optgate.yaml", strings.Replace(fullYAML, "id: acme ", "id: acme-br ", 1))
	env := map[string]string{
		"OPTGATE_LISTEN":                              "0.0.0.0:9000",
		"OPTGATE_DATABASE":                            "postgres://optgate@db/optgate",
		"OPTGATE_LOG_LEVEL":                           "debug",
		"OPTGATE_LOG_FORMAT":                          "json",
		"OPTGATE_WEBHOOK_MAX_BODY_BYTES":              "5242880",
		"OPTGATE_ACCOUNT_ACME_BR_APP_SECRET":          "env-app-secret",
		"OPTGATE_ACCOUNT_ACME_BR_VERIFY_TOKEN":        "env-verify",
		"OPTGATE_ACCOUNT_ACME_BR_ACCESS_TOKEN":        "env-access",
		"OPTGATE_ACCOUNT_ACME_BR_UPSTREAM_BASE_URL":   "http://127.0.0.1:7000",
		"OPTGATE_ACCOUNT_ACME_BR_API_KEYS":            " env-key-aaaaaaaaaaaaaaaa, env-key-bbbbbbbbbbbbbbbb ,,",
		"OPTGATE_ACCOUNT_ACME_APP_SECRET":             "wrong account",
		"OPTGATE_ACCOUNT_acme-br_APP_SECRET":          "not upper-cased",
		"OPTGATE_ACCOUNT_ACME_BR_UNKNOWN_TEMPLATES_X": "ignored",
	}
	cfg, err := Load(path, envOf(env))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Listen != "0.0.0.0:9000" || cfg.Database != "postgres://optgate@db/optgate" || cfg.Log != (Log{"debug", "json"}) || cfg.Webhook.MaxBodyBytes != 5<<20 {
		t.Errorf("top-level env not applied: %+v", cfg)
	}
	a := cfg.Accounts[0]
	if a.ID != "acme-br" {
		t.Fatalf("account id = %q", a.ID)
	}
	if a.AppSecret.Reveal() != "env-app-secret" || a.VerifyToken.Reveal() != "env-verify" || a.Upstream.AccessToken.Reveal() != "env-access" {
		t.Errorf("account secrets from env: %q %q %q", a.AppSecret.Reveal(), a.VerifyToken.Reveal(), a.Upstream.AccessToken.Reveal())
	}
	if a.Upstream.BaseURL != "http://127.0.0.1:7000" {
		t.Errorf("base url = %q", a.Upstream.BaseURL)
	}
	if !reflect.DeepEqual(a.APIKeys, []Secret{"env-key-aaaaaaaaaaaaaaaa", "env-key-bbbbbbbbbbbbbbbb"}) {
		t.Errorf("api keys = %q", reveal(a.APIKeys))
	}
	if a.Name != "Acme Lojas" || a.DefaultLanguage != "pt" {
		t.Errorf("file values lost: %+v", a)
	}
	if err := cfg.Validate(); err != nil {
		t.Errorf("Validate: %v", err)
	}
}

func TestLoadWithoutEnvKeepsFile(t *testing.T) {
	path := writeFile(t, t.TempDir(), "c.yaml", fullYAML)
	cfg, err := Load(path, noEnv)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(cfg, parseFull(t)) {
		t.Errorf("Load without env differs from Parse")
	}
}

func TestLoadNoFile(t *testing.T) {
	cfg, err := Load("", envOf(map[string]string{"OPTGATE_LISTEN": ":1"}))
	if err != nil {
		t.Fatal(err)
	}
	want := Default()
	want.Listen = ":1"
	if !reflect.DeepEqual(cfg, want) {
		t.Errorf("Load(\"\") = %+v", cfg)
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := Load(filepath.Join(dir, "missing.yaml"), noEnv); err == nil || !strings.Contains(err.Error(), "missing.yaml") {
		t.Errorf("missing config file: %v", err)
	}
	bad := writeFile(t, dir, "bad.yaml", "listne: x\n")
	if _, err := Load(bad, noEnv); err == nil || !strings.Contains(err.Error(), "bad.yaml") || !strings.Contains(err.Error(), "listne") {
		t.Errorf("unknown key error should name the file and the key: %v", err)
	}
	_, err := Load("", envOf(map[string]string{"OPTGATE_WEBHOOK_MAX_BODY_BYTES": "3MB"}))
	if err == nil || !strings.Contains(err.Error(), "OPTGATE_WEBHOOK_MAX_BODY_BYTES") {
		t.Errorf("bad number in env: %v", err)
	}
}

func TestLoadSecretFiles(t *testing.T) {
	dir := t.TempDir()
	app := writeFile(t, dir, "app", "file-app-secret\n")
	verify := writeFile(t, dir, "verify", "  file-verify \n")
	token := writeFile(t, dir, "token", "file-access-token\r\n")
	keys := writeFile(t, dir, "keys", "file-key-aaaaaaaaaaaaaaaa\nfile-key-bbbbbbbbbbbbbbbb\r\n\n")
	y := `
accounts:
  - id: acme
    name: Acme
    waba_id: "1"
    phone_numbers: [{id: "2"}]
    app_secret_file: ` + app + `
    verify_token_file: ` + verify + `
    api_keys: ["yaml-key-cccccccccccccccc"]
    api_keys_file: ` + keys + `
    upstream: {base_url: "https://graph.facebook.com", access_token_file: ` + token + `}
`
	path := writeFile(t, dir, "c.yaml", y)
	cfg, err := Load(path, noEnv)
	if err != nil {
		t.Fatal(err)
	}
	a := cfg.Accounts[0]
	if a.AppSecret.Reveal() != "file-app-secret" || a.VerifyToken.Reveal() != "file-verify" || a.Upstream.AccessToken.Reveal() != "file-access-token" {
		t.Errorf("secrets from files: %q %q %q", a.AppSecret.Reveal(), a.VerifyToken.Reveal(), a.Upstream.AccessToken.Reveal())
	}
	if want := []string{"yaml-key-cccccccccccccccc", "file-key-aaaaaaaaaaaaaaaa", "file-key-bbbbbbbbbbbbbbbb"}; !reflect.DeepEqual(reveal(a.APIKeys), want) {
		t.Errorf("api keys = %q, want %q", reveal(a.APIKeys), want)
	}
	if err := cfg.Validate(); err != nil {
		t.Errorf("Validate: %v", err)
	}
}

func TestLoadMissingSecretFileNamesField(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range []struct{ key, field string }{
		{"app_secret_file", "accounts[0].app_secret_file"},
		{"verify_token_file", "accounts[0].verify_token_file"},
		{"api_keys_file", "accounts[0].api_keys_file"},
		{"upstream: {access_token_file", "accounts[0].upstream.access_token_file"},
	} {
		missing := filepath.Join(dir, "no-such-"+strings.Fields(tt.key)[0])
		line := "    " + tt.key + ": " + missing
		if strings.HasPrefix(tt.key, "upstream") {
			line += "}"
		}
		path := writeFile(t, dir, "c.yaml", "accounts:\n  - id: acme\n"+line+"\n")
		_, err := Load(path, noEnv)
		if err == nil {
			t.Errorf("%s: missing file accepted", tt.key)
			continue
		}
		if !strings.Contains(err.Error(), tt.field) || !strings.Contains(err.Error(), missing) {
			t.Errorf("%s: error %q should name %s and the path", tt.key, err, tt.field)
		}
	}
}

func reveal(s []Secret) []string {
	var out []string
	for _, k := range s {
		out = append(out, k.Reveal())
	}
	return out
}

func TestAccountRules(t *testing.T) {
	cfg := validConfig(t)
	r := cfg.Accounts[0].Rules()
	if r.UnknownTemplates != consent.RefuseUnknownTemplates {
		t.Errorf("default policy = %q, want refuse", r.UnknownTemplates)
	}
	if topic, ok := r.TopicOfTemplate("black_friday"); !ok || topic != (consent.Topic{ID: "promotions", Category: consent.Marketing}) {
		t.Errorf("black_friday -> %+v %v", topic, ok)
	}
	if topic, ok := r.TopicOfTemplate("order_shipped"); !ok || topic.Category != consent.Utility {
		t.Errorf("order_shipped -> %+v %v", topic, ok)
	}
	if _, ok := r.TopicOfTemplate("nope"); ok {
		t.Errorf("unknown template found")
	}
	cfg.Accounts[0].UnknownTemplates = "allow"
	if r := cfg.Accounts[0].Rules(); r.UnknownTemplates != consent.AllowUnknownTemplates {
		t.Errorf("allow policy = %q", r.UnknownTemplates)
	}
}

// TestParseWrongKindNamesTheKey: a value of the wrong kind is reported by
// its key, as Validate names fields, with the kinds, and never quoted (it
// may be a secret).
func TestParseWrongKindNamesTheKey(t *testing.T) {
	for _, tc := range []struct{ yaml, want string }{
		{"accounts:\n  - id: acme\n    api_keys: \"s3cr3t-key-value\"\n", "accounts[acme].api_keys (line 3): must be a list"},
		{"accounts:\n  - id: acme\n    dead_letter_after: [1]\n", "accounts[acme].dead_letter_after (line 3): must be a duration such as 30s or 48h, not a list"},
		{"webhook:\n  max_body_bytes: lots\n", "webhook.max_body_bytes (line 2): must be a number, not a string"},
		{"accounts:\n  - id: acme\n    upstream: \"https://graph.facebook.com\"\n", "accounts[acme].upstream (line 3): must be a mapping (key: value lines), not a string"},
		{"accounts:\n  - name: x\n    phone_numbers: [{id: 1, display: [2]}]\n", "accounts[0].phone_numbers[0].display (line 3): must be a string, not a list"},
	} {
		var cfg Config
		err := Parse([]byte(tc.yaml), &cfg)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: %v, want %q", tc.yaml, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), "s3cr3t") {
			t.Errorf("%q: the error quotes the value: %v", tc.yaml, err)
		}
	}
}

// TestEmptySecretFile: an empty *_file is named by Validate, unless a
// variable gives the secret (the variable overrides the file layer).
func TestEmptySecretFile(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty")
	if err := os.WriteFile(empty, []byte("\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfgPath := filepath.Join(dir, "c.yaml")
	yaml := "listen: 127.0.0.1:8080\ndatabase: sqlite:./x.db\naccounts:\n  - id: acme\n    name: Acme\n    waba_id: \"1\"\n" +
		"    phone_numbers: [{id: \"2\", display: \"15550000000\"}]\n    app_secret_file: " + empty + "\n    verify_token: v\n" +
		"    upstream: {base_url: \"https://graph.facebook.com\", access_token: t}\n    api_keys: [\"0123456789abcdef0123\"]\n" +
		"    topics: [{id: promotions, category: marketing}]\n"
	if err := os.WriteFile(cfgPath, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := Load(cfgPath, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), "accounts[acme].app_secret_file: "+empty+" is empty") {
		t.Errorf("empty app_secret_file: %v", err)
	}
	cfg, err = Load(cfgPath, func(k string) string {
		if k == "OPTGATE_ACCOUNT_ACME_APP_SECRET" {
			return "from-the-environment"
		}
		return ""
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := cfg.Validate(); err != nil {
		t.Errorf("empty app_secret_file with the variable set: %v", err)
	}
}
