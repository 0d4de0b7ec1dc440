package config

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

const (
	appSecret   = "app-secret-value-1"
	verifyToken = "verify-token-value-1"
	accessToken = "meta-access-token-1"
	apiKey      = "key-acme-0123456789abcdef"
)

var allSecrets = []string{appSecret, verifyToken, accessToken, apiKey}

func TestSecretNeverPrints(t *testing.T) {
	cfg := parseFull(t)
	a := cfg.Accounts[0]
	values := map[string]any{
		"Secret":          a.AppSecret,
		"*Secret":         &a.AppSecret,
		"[]Secret":        a.APIKeys,
		"Upstream":        a.Upstream,
		"Account":         a,
		"*Account":        &a,
		"Config":          cfg,
		"*Config":         &cfg,
		"[]Account":       cfg.Accounts,
		"map of accounts": map[string]Account{"acme": a},
	}
	for name, v := range values {
		for _, verb := range []string{"%v", "%s", "%+v", "%#v", "%q", "%x", "%X", "%d", "%T %[1]v"} {
			out := fmt.Sprintf(verb, v)
			for _, s := range allSecrets {
				if strings.Contains(out, s) || strings.Contains(out, fmt.Sprintf("%x", s)) {
					t.Errorf("fmt %s of %s shows secret %q: %s", verb, name, s, out)
				}
			}
		}
	}
	if got := fmt.Sprint(a.AppSecret); got != "[redacted]" {
		t.Errorf("Sprint(secret) = %q, want [redacted]", got)
	}
	if got := fmt.Sprintf("%#v", a.AppSecret); got != "[redacted]" {
		t.Errorf("%%#v of secret = %q", got)
	}
	if got := Secret("").String(); got != "" {
		t.Errorf("empty secret prints %q, want empty (so a missing secret is visible)", got)
	}
	if a.AppSecret.Reveal() != appSecret {
		t.Errorf("Reveal = %q", a.AppSecret.Reveal())
	}
}

func TestSecretNeverMarshalsToYAML(t *testing.T) {
	cfg := parseFull(t)
	for name, v := range map[string]any{"Config": cfg, "*Config": &cfg, "Secret": cfg.Accounts[0].AppSecret, "Account": cfg.Accounts[0]} {
		b, err := yaml.Marshal(v)
		if err != nil {
			t.Fatalf("yaml.Marshal(%s): %v", name, err)
		}
		for _, s := range allSecrets {
			if strings.Contains(string(b), s) {
				t.Errorf("yaml of %s shows secret %q:\n%s", name, s, b)
			}
		}
		if !strings.Contains(string(b), "[redacted]") {
			t.Errorf("yaml of %s has no [redacted] placeholder:\n%s", name, b)
		}
	}
	// The rest survives, so `config check` output stays useful.
	b, _ := yaml.Marshal(cfg)
	for _, s := range []string{"102290129340398", "Acme Lojas", "https://graph.facebook.com", "black_friday"} {
		if !strings.Contains(string(b), s) {
			t.Errorf("yaml lost %q:\n%s", s, b)
		}
	}
}

func TestSecretNeverMarshalsToJSON(t *testing.T) {
	cfg := parseFull(t)
	b, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range allSecrets {
		if strings.Contains(string(b), s) {
			t.Errorf("json shows secret %q: %s", s, b)
		}
	}
	if b, _ := json.Marshal(Secret("x")); string(b) != `"[redacted]"` {
		t.Errorf("json of a secret = %s", b)
	}
	if b, _ := json.Marshal(Secret("")); string(b) != `""` {
		t.Errorf("json of an empty secret = %s", b)
	}
}

func TestSecretNeverLogs(t *testing.T) {
	cfg := parseFull(t)
	var out strings.Builder
	for _, h := range []slog.Handler{slog.NewTextHandler(&out, nil), slog.NewJSONHandler(&out, nil)} {
		l := slog.New(h)
		l.Info("config", "secret", cfg.Accounts[0].AppSecret, "keys", cfg.Accounts[0].APIKeys, "upstream", cfg.Accounts[0].Upstream, "account", cfg.Accounts[0])
	}
	for _, s := range allSecrets {
		if strings.Contains(out.String(), s) {
			t.Errorf("slog shows secret %q:\n%s", s, out.String())
		}
	}
}
