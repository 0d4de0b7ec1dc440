// Package config loads optgate's configuration: defaults, then a YAML file,
// then OPTGATE_* environment variables, then command-line flags, then
// Validate, whose errors name the field. Secrets may come from *_file keys
// and are never logged.
package config

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/optgate/optgate/internal/consent"
	"go.yaml.in/yaml/v3"
)

// Config is the whole of optgate's configuration.
type Config struct {
	Listen   string    `yaml:"listen"`
	Database string    `yaml:"database"`
	Log      Log       `yaml:"log"`
	Webhook  Webhook   `yaml:"webhook"`
	Accounts []Account `yaml:"accounts"`
}

// Log configures log/slog.
type Log struct {
	Level  string `yaml:"level"`  // debug, info, warn, error
	Format string `yaml:"format"` // text or json
}

// Webhook configures the Meta webhook receiver.
type Webhook struct {
	MaxBodyBytes int64 `yaml:"max_body_bytes"`
}

// Account is one WhatsApp Business Account of one business.
type Account struct {
	ID               string            `yaml:"id"`
	Name             string            `yaml:"name"`
	WABAID           string            `yaml:"waba_id"`
	PhoneNumbers     []PhoneNumber     `yaml:"phone_numbers"`
	AppSecret        Secret            `yaml:"app_secret"`
	AppSecretFile    string            `yaml:"app_secret_file"`
	VerifyToken      Secret            `yaml:"verify_token"`
	VerifyTokenFile  string            `yaml:"verify_token_file"`
	Upstream         Upstream          `yaml:"upstream"`
	APIKeys          []Secret          `yaml:"api_keys"`
	APIKeysFile      string            `yaml:"api_keys_file"`
	DefaultLanguage  string            `yaml:"default_language"`
	Languages        []string          `yaml:"languages"` // languages optgate answers in; default: all seven
	Topics           []Topic           `yaml:"topics"`
	Templates        []Template        `yaml:"templates"`
	UnknownTemplates string            `yaml:"unknown_templates"` // refuse (default) or allow
	Keywords         Phrases           `yaml:"keywords"`          // extra whole-message keywords
	Phrases          Phrases           `yaml:"phrases"`           // extra phrases found inside sentences
	Buttons          Phrases           `yaml:"buttons"`           // button payloads or titles that opt out of marketing / opt in
	Replies          Replies           `yaml:"replies"`
	Uncertain        string            `yaml:"uncertain"` // ask (default), act or ignore: what to do with an uncertain opt-out
	KeywordOptIn     []string          `yaml:"keyword_opt_in_topics"`
	Forward          []Forward         `yaml:"forward"`           // the business's own webhooks, fed with what Meta sends
	ForwardConsumed  *bool             `yaml:"forward_consumed"`  // forward messages optgate acted on as keywords (default true)
	DeadLetterAfter  time.Duration     `yaml:"dead_letter_after"` // give up forwarding an event after this long (default 72h)
	CategoryTopics   map[string]string `yaml:"category_topics"`   // with unknown_templates: category, the topic of each Meta category
	Forms            []Form            `yaml:"forms"`             // hosted opt-in pages at /f/{account}/{form}
}

// Form is one hosted opt-in page of an account (docs/optin.md).
type Form struct {
	ID              string            `yaml:"id"`
	Topics          []string          `yaml:"topics"`           // one checkbox each, never pre-ticked
	DoubleOptIn     *bool             `yaml:"double_opt_in"`    // default true: consent starts when the person confirms in WhatsApp
	Title           map[string]string `yaml:"title"`            // per language; default: a built-in title naming the business
	Text            map[string]string `yaml:"text"`             // per language: the consent statement; default: a built-in one
	Frequency       map[string]string `yaml:"frequency"`        // per topic: how often, e.g. "up to one a week"
	LogoURL         string            `yaml:"logo_url"`         // http(s) or a path on this host
	PrivacyURL      string            `yaml:"privacy_url"`      // required: the business's privacy policy
	DefaultCountry  string            `yaml:"default_country"`  // ISO region preselected in the country field, e.g. BR
	PhoneNumberID   string            `yaml:"phone_number_id"`  // the number that sends the confirmation; default the account's first
	ConfirmTemplate string            `yaml:"confirm_template"` // utility template with a quick-reply button; default optin_confirmation
	ConfirmWithin   time.Duration     `yaml:"confirm_within"`   // how long a confirmation stays valid; default 48h
	LinkText        map[string]string `yaml:"link_text"`        // per language: the prefilled text of wa.me links
}

// DoubleOptInOn reports whether the form needs a confirmation in WhatsApp (the default).
func (f *Form) DoubleOptInOn() bool { return f.DoubleOptIn == nil || *f.DoubleOptIn }

// Forward is one downstream webhook of the business.
type Forward struct {
	ID              string `yaml:"id"` // names the downstream in the queue; default: its place in the list, from 1
	URL             string `yaml:"url"`
	Secret          Secret `yaml:"secret"` // signs X-Hub-Signature-256 for the downstream
	SecretFile      string `yaml:"secret_file"`
	VerifyToken     Secret `yaml:"verify_token"` // optional: check the downstream with Meta's GET handshake
	VerifyTokenFile string `yaml:"verify_token_file"`
}

// ForwardID is the id of the account's forward[j]: its id, or its place in
// the list ("1" for the first). Queued deliveries name their downstream by
// it, so a changed URL keeps what is queued for it.
func (a *Account) ForwardID(j int) string {
	if id := a.Forward[j].ID; id != "" {
		return id
	}
	return strconv.Itoa(j + 1)
}

// PhoneNumber is one business phone number of the account.
type PhoneNumber struct {
	ID      string `yaml:"id"`
	Display string `yaml:"display"`
}

// Upstream is where allowed sends go: Meta's Graph API, or the sandbox.
type Upstream struct {
	BaseURL         string        `yaml:"base_url"`
	AccessToken     Secret        `yaml:"access_token"`
	AccessTokenFile string        `yaml:"access_token_file"`
	Timeout         time.Duration `yaml:"timeout"`
}

// Topic is what a person agrees to receive.
type Topic struct {
	ID          string `yaml:"id"`
	Category    string `yaml:"category"`
	Description string `yaml:"description"`
}

// Template maps a Meta template name to a topic.
type Template struct {
	Name  string `yaml:"name"`
	Topic string `yaml:"topic"`
}

// Phrases lists extra words per intent.
type Phrases struct {
	OptOut []string `yaml:"opt_out"`
	OptIn  []string `yaml:"opt_in"`
	Help   []string `yaml:"help"`
}

// Replies are the texts optgate sends back, per language (pt, es, en, nl, it,
// de, fr). {business} is replaced by the account's name. Missing languages
// and missing texts fall back to optgate's defaults.
type Replies struct {
	OptOutMarketing map[string]string `yaml:"opt_out_marketing"` // after an opt-out of marketing only
	OptOut          map[string]string `yaml:"opt_out"`
	OptIn           map[string]string `yaml:"opt_in"`
	Help            map[string]string `yaml:"help"`
	Confirm         map[string]string `yaml:"confirm"`
}

// Secret is a string that never prints.
type Secret string

// String hides the secret.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return "[redacted]"
}

// GoString hides the secret from %#v too.
func (s Secret) GoString() string { return s.String() }

// MarshalYAML hides the secret.
func (s Secret) MarshalYAML() (any, error) { return s.String(), nil }

// MarshalJSON hides the secret, from slog's JSON handler too.
func (s Secret) MarshalJSON() ([]byte, error) { return json.Marshal(s.String()) }

// Format hides the secret from every fmt verb, including the ones that do not
// call String (such as %d, which would print the value in its error text).
func (s Secret) Format(f fmt.State, verb rune) { io.WriteString(f, s.String()) }

// Reveal returns the secret's value, for the few places that need it.
func (s Secret) Reveal() string { return string(s) }

// Default returns the configuration with every default set.
func Default() Config {
	return Config{
		Listen:   "127.0.0.1:8080",
		Database: "sqlite:./optgate.db",
		Log:      Log{Level: "info", Format: "text"},
		Webhook:  Webhook{MaxBodyBytes: 4 << 20},
	}
}

// Languages optgate speaks.
var Languages = []string{"pt", "es", "en", "nl", "it", "de", "fr"}

// Load reads the YAML file at path (if path is not empty) over the defaults,
// then applies environment overrides and resolves *_file secrets. It does not
// validate; call Validate.
func Load(path string, getenv func(string) string) (Config, error) {
	cfg := Default()
	if path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			return cfg, fmt.Errorf("config: %w", err)
		}
		if err := Parse(b, &cfg); err != nil {
			return cfg, fmt.Errorf("config %s: %w", path, err)
		}
	}
	// Secrets from *_file keys belong to the file layer: the environment,
	// read next, overrides them.
	if err := cfg.resolveFiles(); err != nil {
		return cfg, err
	}
	if err := cfg.applyEnv(getenv); err != nil {
		return cfg, err
	}
	return cfg, nil
}

// Parse decodes YAML into cfg, refusing unknown keys. A value of the wrong
// kind is reported by its key (accounts[acme].api_keys), and never quoted:
// it may be a secret.
func Parse(b []byte, cfg *Config) error {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	err := dec.Decode(cfg)
	if err == nil || errors.Is(err, io.EOF) {
		return nil
	}
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		return err
	}
	var root yaml.Node
	_ = yaml.Unmarshal(b, &root) // it decoded once: it parses
	var errs []error
	for _, msg := range te.Errors {
		errs = append(errs, typeError(&root, msg))
	}
	return errors.Join(errs...)
}

// yamlTypeError is how the YAML decoder words a value of the wrong kind:
// "line 11: cannot unmarshal !!str `5f0c2a9...` into []config.Secret".
var yamlTypeError = regexp.MustCompile("(?s)^line ([0-9]+): cannot unmarshal !!([a-z]+)(?: `.*`)? into ([^`]+)$")

// yamlValue is a value the decoder quotes in a message.
var yamlValue = regexp.MustCompile("(?s)`.*`")

// typeError rewords one of the decoder's messages: the key it is about
// and the kinds, without the value.
func typeError(root *yaml.Node, msg string) error {
	m := yamlTypeError.FindStringSubmatch(msg)
	if m == nil {
		return errors.New(yamlValue.ReplaceAllString(msg, "(value not shown)"))
	}
	line, _ := strconv.Atoi(m[1])
	got := map[string]string{"str": "a string", "int": "a number", "float": "a number", "bool": "true or false",
		"seq": "a list", "map": "a mapping (key: value lines)", "null": "empty"}[m[2]]
	if got == "" {
		got = "!!" + m[2]
	}
	want := "a string"
	switch into := m[3]; {
	case strings.HasPrefix(into, "[]"):
		want = "a list ([a, b] or one \"- item\" line each)"
	case strings.HasPrefix(into, "map["):
		want = "a mapping (key: value lines)"
	case into == "bool":
		want = "true or false"
	case strings.HasPrefix(into, "int"), strings.HasPrefix(into, "uint"), strings.HasPrefix(into, "float"):
		want = "a number"
	case into == "time.Duration":
		want = "a duration such as 30s or 48h"
	case strings.HasPrefix(into, "config.") && into != "config.Secret":
		want = "a mapping (key: value lines)"
	}
	key := keyAt(root, line, "!!"+m[2])
	if key == "" {
		key = "line " + m[1]
	} else {
		key += " (line " + m[1] + ")"
	}
	return fmt.Errorf("%s: must be %s, not %s", key, want, got)
}

// keyAt returns the path of the key whose value starts at line, as
// Validate names fields (accounts[acme].api_keys, accounts[acme].topics[0]), or "". Several keys can
// share a line (flow style: {id: 1, display: [2]}): the last whose value
// has the tag wanted, else the first.
func keyAt(root *yaml.Node, line int, tag string) string {
	var first, match string
	var walk func(n *yaml.Node, path string)
	walk = func(n *yaml.Node, path string) {
		switch n.Kind {
		case yaml.DocumentNode:
			for _, c := range n.Content {
				walk(c, path)
			}
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				p := k.Value
				if path != "" {
					p = path + "." + k.Value
				}
				if v.Line == line {
					if first == "" {
						first = p
					}
					if v.Tag == tag {
						match = p
					}
				}
				walk(v, p)
			}
		case yaml.SequenceNode:
			for i, c := range n.Content {
				p := fmt.Sprintf("%s[%d]", path, i)
				if path == "accounts" && c.Kind == yaml.MappingNode { // as Validate names them
					for j := 0; j+1 < len(c.Content); j += 2 {
						if c.Content[j].Value == "id" && c.Content[j+1].Value != "" {
							p = fmt.Sprintf("%s[%s]", path, c.Content[j+1].Value)
						}
					}
				}
				if c.Line == line && c.Tag == tag {
					match = p
				}
				walk(c, p)
			}
		}
	}
	walk(root, "")
	return cmp.Or(match, first)
}

// applyEnv applies OPTGATE_* variables. Top-level keys are OPTGATE_LISTEN,
// OPTGATE_DATABASE, OPTGATE_LOG_LEVEL, OPTGATE_LOG_FORMAT and
// OPTGATE_WEBHOOK_MAX_BODY_BYTES; account secrets and upstream are
// OPTGATE_ACCOUNT_<ID>_APP_SECRET, _VERIFY_TOKEN, _ACCESS_TOKEN,
// _UPSTREAM_BASE_URL and _API_KEYS (comma-separated), with <ID> upper-cased
// and '-' as '_'.
func (c *Config) applyEnv(getenv func(string) string) error {
	set := func(key string, dst *string) {
		if v := getenv(key); v != "" {
			*dst = v
		}
	}
	set("OPTGATE_LISTEN", &c.Listen)
	set("OPTGATE_DATABASE", &c.Database)
	set("OPTGATE_LOG_LEVEL", &c.Log.Level)
	set("OPTGATE_LOG_FORMAT", &c.Log.Format)
	if v := getenv("OPTGATE_WEBHOOK_MAX_BODY_BYTES"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return fmt.Errorf("OPTGATE_WEBHOOK_MAX_BODY_BYTES: %q is not a whole number", v)
		}
		c.Webhook.MaxBodyBytes = n
	}
	for i := range c.Accounts {
		a := &c.Accounts[i]
		p := "OPTGATE_ACCOUNT_" + strings.ToUpper(strings.ReplaceAll(a.ID, "-", "_")) + "_"
		setSecret := func(key string, dst *Secret) {
			if v := getenv(p + key); v != "" {
				*dst = Secret(v)
			}
		}
		setSecret("APP_SECRET", &a.AppSecret)
		setSecret("VERIFY_TOKEN", &a.VerifyToken)
		setSecret("ACCESS_TOKEN", &a.Upstream.AccessToken)
		set(p+"UPSTREAM_BASE_URL", &a.Upstream.BaseURL)
		if v := getenv(p + "API_KEYS"); v != "" {
			a.APIKeys = splitSecrets(v)
		}
	}
	return nil
}

func splitSecrets(v string) []Secret {
	var out []Secret
	for _, f := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == '\n' || r == '\r' }) {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, Secret(f))
		}
	}
	return out
}

func (c *Config) resolveFiles() error {
	read := func(field, path string) (string, error) {
		b, err := os.ReadFile(path)
		if err != nil {
			return "", fmt.Errorf("%s: cannot read %s: %w", field, path, errors.Unwrap(err))
		}
		// Empty (a secret mount never filled): Validate says so, unless
		// a variable gives the secret.
		return strings.TrimSpace(string(b)), nil
	}
	// load fills dst from the file at path, when a *_file key names one.
	load := func(field, path string, dst *Secret) error {
		if path == "" {
			return nil
		}
		v, err := read(field, path)
		*dst = Secret(v)
		return err
	}
	for i := range c.Accounts {
		a := &c.Accounts[i]
		f := fmt.Sprintf("accounts[%d]", i)
		if err := errors.Join(
			load(f+".app_secret_file", a.AppSecretFile, &a.AppSecret),
			load(f+".verify_token_file", a.VerifyTokenFile, &a.VerifyToken),
			load(f+".upstream.access_token_file", a.Upstream.AccessTokenFile, &a.Upstream.AccessToken),
		); err != nil {
			return err
		}
		for j := range a.Forward {
			fw := &a.Forward[j]
			ff := fmt.Sprintf("%s.forward[%d]", f, j)
			if err := errors.Join(
				load(ff+".secret_file", fw.SecretFile, &fw.Secret),
				load(ff+".verify_token_file", fw.VerifyTokenFile, &fw.VerifyToken),
			); err != nil {
				return err
			}
		}
		if a.APIKeysFile != "" {
			v, err := read(f+".api_keys_file", a.APIKeysFile)
			if err != nil {
				return err
			}
			a.APIKeys = append(a.APIKeys, splitSecrets(v)...)
		}
	}
	return nil
}

var idPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,62}$`)
var digitsPattern = regexp.MustCompile(`^[0-9]{1,32}$`)

// Validate checks the whole configuration and returns every problem found,
// each naming its field.
func (c *Config) Validate() error {
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", field, fmt.Sprintf(format, args...)))
	}
	if c.Listen == "" {
		bad("listen", "is required (host:port)")
	}
	if c.Database == "sqlite:" {
		bad("database", "sqlite: needs a file path, e.g. sqlite:./optgate.db")
	} else if !strings.HasPrefix(c.Database, "sqlite:") && !strings.HasPrefix(c.Database, "postgres://") && !strings.HasPrefix(c.Database, "postgresql://") {
		bad("database", "must start with sqlite: or postgres://, got %q", redactDSN(c.Database))
	}
	if !slices.Contains([]string{"debug", "info", "warn", "error"}, c.Log.Level) {
		bad("log.level", "must be debug, info, warn or error, got %q", c.Log.Level)
	}
	if c.Log.Format != "text" && c.Log.Format != "json" {
		bad("log.format", "must be text or json, got %q", c.Log.Format)
	}
	if c.Webhook.MaxBodyBytes < 1<<20 {
		bad("webhook.max_body_bytes", "must be at least 1048576 (Meta sends up to 3 MB), got %d", c.Webhook.MaxBodyBytes)
	}
	if len(c.Accounts) == 0 {
		bad("accounts", "at least one account is required")
	}
	ids := map[string]bool{}
	phones := map[string]string{}
	wabas := map[string]string{}
	keys := map[Secret]string{}
	for i := range c.Accounts {
		a := &c.Accounts[i]
		f := fmt.Sprintf("accounts[%d]", i)
		if !idPattern.MatchString(a.ID) {
			bad(f+".id", "must be 1-63 lower-case letters, digits, '-' or '_', got %q", a.ID)
		} else if ids[a.ID] {
			bad(f+".id", "%q is used by another account", a.ID)
		}
		ids[a.ID] = true
		if a.ID != "" {
			f = fmt.Sprintf("accounts[%s]", a.ID)
		}
		if strings.TrimSpace(a.Name) == "" {
			bad(f+".name", "is required: the business name shown to people")
		}
		if !digitsPattern.MatchString(a.WABAID) {
			bad(f+".waba_id", "must be Meta's numeric WhatsApp Business Account id, got %q", a.WABAID)
		} else if other, ok := wabas[a.WABAID]; ok {
			bad(f+".waba_id", "%s is also account %s's", a.WABAID, other)
		}
		wabas[a.WABAID] = a.ID
		if len(a.PhoneNumbers) == 0 {
			bad(f+".phone_numbers", "at least one phone number is required")
		}
		for j, p := range a.PhoneNumbers {
			pf := fmt.Sprintf("%s.phone_numbers[%d]", f, j)
			if !digitsPattern.MatchString(p.ID) {
				bad(pf+".id", "must be Meta's numeric phone number id, got %q", p.ID)
			} else if other, ok := phones[p.ID]; ok {
				bad(pf+".id", "%s is also used by account %s", p.ID, other)
			}
			phones[p.ID] = a.ID
		}
		// A secret whose *_file is set but empty (a secret mount never
		// filled), and that no variable gave, is named by its file.
		emptyFile := func(field, path string) bool {
			if path != "" {
				bad(field, "%s is empty", path)
			}
			return path != ""
		}
		if a.AppSecret == "" && !emptyFile(f+".app_secret_file", a.AppSecretFile) {
			bad(f+".app_secret", "is required (or app_secret_file): it verifies Meta's X-Hub-Signature-256")
		}
		if a.VerifyToken == "" && !emptyFile(f+".verify_token_file", a.VerifyTokenFile) {
			bad(f+".verify_token", "is required (or verify_token_file): Meta's webhook handshake sends it")
		}
		if a.Upstream.BaseURL == "" || !(strings.HasPrefix(a.Upstream.BaseURL, "https://") || strings.HasPrefix(a.Upstream.BaseURL, "http://")) {
			bad(f+".upstream.base_url", "must be an http(s) URL such as https://graph.facebook.com, got %q", a.Upstream.BaseURL)
		}
		if a.Upstream.AccessToken == "" && !emptyFile(f+".upstream.access_token_file", a.Upstream.AccessTokenFile) {
			bad(f+".upstream.access_token", "is required (or access_token_file): the Meta token optgate sends with allowed messages")
		}
		if a.Upstream.Timeout < 0 {
			bad(f+".upstream.timeout", "must not be negative")
		}
		if len(a.APIKeys) == 0 && !emptyFile(f+".api_keys_file", a.APIKeysFile) {
			bad(f+".api_keys", "at least one key is required: the Bearer keys the business's tools use to call optgate")
		}
		for j, k := range a.APIKeys {
			if len(k) < 16 {
				bad(fmt.Sprintf("%s.api_keys[%d]", f, j), "must be at least 16 characters")
			} else if other, ok := keys[k]; ok {
				bad(fmt.Sprintf("%s.api_keys[%d]", f, j), "is also a key of account %s", other)
			}
			keys[k] = a.ID
		}
		if a.DefaultLanguage != "" && !slices.Contains(Languages, a.DefaultLanguage) {
			bad(f+".default_language", "must be one of %s, got %q", strings.Join(Languages, ", "), a.DefaultLanguage)
		}
		for j, l := range a.Languages {
			if !slices.Contains(Languages, l) {
				bad(fmt.Sprintf("%s.languages[%d]", f, j), "must be one of %s, got %q", strings.Join(Languages, ", "), l)
			}
		}
		if a.DefaultLanguage != "" && len(a.Languages) > 0 && !slices.Contains(a.Languages, a.DefaultLanguage) {
			bad(f+".default_language", "%q is not in languages", a.DefaultLanguage)
		}
		switch a.UnknownTemplates {
		case "", "refuse", "allow", "category":
		default:
			bad(f+".unknown_templates", "must be refuse, allow or category, got %q", a.UnknownTemplates)
		}
		seenURL, seenID := map[string]bool{}, map[string]bool{}
		for j, fw := range a.Forward {
			ff := fmt.Sprintf("%s.forward[%d]", f, j)
			if fw.ID != "" && !idPattern.MatchString(fw.ID) {
				bad(ff+".id", "must be lower-case letters, digits, '-' or '_', got %q", fw.ID)
			} else if id := a.ForwardID(j); seenID[id] {
				bad(ff+".id", "%q names two downstreams (a forward without an id is named by its place in the list)", id)
			}
			seenID[a.ForwardID(j)] = true
			u, err := url.Parse(fw.URL)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				bad(ff+".url", "must be an http(s) URL, got %q", fw.URL)
			} else if seenURL[fw.URL] {
				bad(ff+".url", "%s is listed twice", fw.URL)
			}
			seenURL[fw.URL] = true
			if fw.Secret == "" && !emptyFile(ff+".secret_file", fw.SecretFile) {
				bad(ff+".secret", "is required (or secret_file): the downstream checks X-Hub-Signature-256 with it")
			}
		}
		if a.DeadLetterAfter < 0 {
			bad(f+".dead_letter_after", "must not be negative")
		}
		switch a.Uncertain {
		case "", "ask", "act", "ignore":
		default:
			bad(f+".uncertain", "must be ask, act or ignore, got %q", a.Uncertain)
		}
		topics := map[string]bool{}
		for j, t := range a.Topics {
			tf := fmt.Sprintf("%s.topics[%d]", f, j)
			if !idPattern.MatchString(t.ID) {
				bad(tf+".id", "must be lower-case letters, digits, '-' or '_', got %q", t.ID)
			} else if topics[t.ID] {
				bad(tf+".id", "topic %q is defined twice", t.ID)
			}
			topics[t.ID] = true
			if !consent.Category(t.Category).Valid() {
				bad(tf+".category", "must be marketing, utility or authentication, got %q", t.Category)
			}
		}
		names := map[string]bool{}
		for j, t := range a.Templates {
			tf := fmt.Sprintf("%s.templates[%d]", f, j)
			if t.Name == "" {
				bad(tf+".name", "is required")
			} else if names[t.Name] {
				bad(tf+".name", "template %q is listed twice", t.Name)
			}
			names[t.Name] = true
			if !topics[t.Topic] {
				bad(tf+".topic", "%q is not one of the account's topics", t.Topic)
			}
		}
		for cat, topic := range a.CategoryTopics {
			if !consent.Category(cat).Valid() {
				bad(f+".category_topics", "%q is not marketing, utility or authentication", cat)
			} else if !topics[topic] {
				bad(f+".category_topics."+cat, "%q is not one of the account's topics", topic)
			}
		}
		if a.UnknownTemplates == "category" && len(a.CategoryTopics) == 0 {
			bad(f+".category_topics", "is required with unknown_templates: category (e.g. {marketing: promotions, utility: order_updates})")
		}
		validateForms(a, f, topics, bad)
		for j, t := range a.KeywordOptIn {
			if !topics[t] {
				bad(fmt.Sprintf("%s.keyword_opt_in_topics[%d]", f, j), "%q is not one of the account's topics", t)
			}
		}
		for _, r := range []struct {
			name string
			m    map[string]string
		}{{"opt_out", a.Replies.OptOut}, {"opt_out_marketing", a.Replies.OptOutMarketing}, {"opt_in", a.Replies.OptIn}, {"help", a.Replies.Help}, {"confirm", a.Replies.Confirm}} {
			for lang := range r.m {
				if !slices.Contains(Languages, lang) {
					bad(f+".replies."+r.name, "language %q is not one of %s", lang, strings.Join(Languages, ", "))
				}
			}
		}
	}
	return errors.Join(errs...)
}

var regionPattern = regexp.MustCompile(`^[A-Z]{2}$`)

// validateForms checks an account's opt-in forms.
func validateForms(a *Account, f string, topics map[string]bool, bad func(field, format string, args ...any)) {
	seen := map[string]bool{}
	for j, fm := range a.Forms {
		ff := fmt.Sprintf("%s.forms[%d]", f, j)
		if !idPattern.MatchString(fm.ID) {
			bad(ff+".id", "must be 1-63 lower-case letters, digits, '-' or '_', got %q", fm.ID)
		} else if seen[fm.ID] {
			bad(ff+".id", "form %q is defined twice", fm.ID)
		}
		seen[fm.ID] = true
		if fm.ID != "" {
			ff = fmt.Sprintf("%s.forms[%s]", f, fm.ID)
		}
		if len(fm.Topics) == 0 {
			bad(ff+".topics", "at least one topic is required")
		}
		for k, t := range fm.Topics {
			if !topics[t] {
				bad(fmt.Sprintf("%s.topics[%d]", ff, k), "%q is not one of the account's topics", t)
			}
		}
		for t := range fm.Frequency {
			if !slices.Contains(fm.Topics, t) {
				bad(ff+".frequency", "%q is not one of the form's topics", t)
			}
		}
		if u, err := url.Parse(fm.PrivacyURL); fm.PrivacyURL == "" || err != nil || !(u.Scheme == "https" || u.Scheme == "http") || u.Host == "" {
			bad(ff+".privacy_url", "must be the http(s) URL of the privacy policy, got %q", fm.PrivacyURL)
		}
		if fm.LogoURL != "" && !strings.HasPrefix(fm.LogoURL, "https://") && !strings.HasPrefix(fm.LogoURL, "http://") && !strings.HasPrefix(fm.LogoURL, "/") {
			bad(ff+".logo_url", "must be an http(s) URL or a path, got %q", fm.LogoURL)
		}
		if fm.DefaultCountry != "" && !regionPattern.MatchString(fm.DefaultCountry) {
			bad(ff+".default_country", "must be a two-letter upper-case region such as BR, got %q", fm.DefaultCountry)
		}
		if fm.PhoneNumberID != "" && !slices.ContainsFunc(a.PhoneNumbers, func(p PhoneNumber) bool { return p.ID == fm.PhoneNumberID }) {
			bad(ff+".phone_number_id", "%q is not one of the account's phone numbers", fm.PhoneNumberID)
		}
		if fm.ConfirmWithin < 0 {
			bad(ff+".confirm_within", "must not be negative")
		}
		for _, m := range []struct {
			name string
			m    map[string]string
		}{{"title", fm.Title}, {"text", fm.Text}, {"link_text", fm.LinkText}} {
			for lang := range m.m {
				if !slices.Contains(Languages, lang) {
					bad(ff+"."+m.name, "language %q is not one of %s", lang, strings.Join(Languages, ", "))
				}
			}
		}
	}
}

// Rules returns the account's send rules for the domain.
func (a *Account) Rules() *consent.Rules {
	r := &consent.Rules{
		Topics:           map[string]consent.Topic{},
		Templates:        map[string]string{},
		UnknownTemplates: consent.RefuseUnknownTemplates,
	}
	switch a.UnknownTemplates {
	case "allow":
		r.UnknownTemplates = consent.AllowUnknownTemplates
	case "category":
		r.UnknownTemplates = consent.CategoryUnknownTemplates
	}
	r.CategoryTopics = map[consent.Category]string{}
	for c, t := range a.CategoryTopics {
		r.CategoryTopics[consent.Category(c)] = t
	}
	for _, t := range a.Topics {
		r.Topics[t.ID] = consent.Topic{ID: t.ID, Category: consent.Category(t.Category), Description: t.Description}
	}
	for _, t := range a.Templates {
		r.Templates[t.Name] = t.Topic
	}
	return r
}

// redactDSN hides a password in a database URL.
func redactDSN(dsn string) string {
	if i := strings.Index(dsn, "://"); i >= 0 {
		if j := strings.Index(dsn[i+3:], "@"); j >= 0 {
			return dsn[:i+3] + "[redacted]" + dsn[i+3+j:]
		}
	}
	return dsn
}
