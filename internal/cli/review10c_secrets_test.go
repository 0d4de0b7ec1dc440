package cli

// From a tenth review: secrets of a downstream in errors. Each comment tells
// what went wrong as the review found it, before the commit that adds the
// test fixed it.

import (
	"bytes"
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/optgate/optgate/internal/config"
	"github.com/optgate/optgate/internal/store/storetest"
)

// TestR10cForwardVerifyKeepsTheVerifyTokenOut: configuration.md lists
// forward[].verify_token among the secrets that "never print". When the
// downstream cannot be reached, `optgate forward verify` prints the HTTP
// client's error, whose URL carries hub.verify_token=<the token>.
func TestR10cForwardVerifyKeepsTheVerifyTokenOut(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there: the connection is refused
	cfg := DemoConfig("127.0.0.1:0", "sqlite:"+t.TempDir()+"/x.db", "http://127.0.0.1:1", testAppSecret, testVerify, testAccess)
	cfg.Accounts[0].Forward = []config.Forward{{URL: "http://" + addr + "/webhook", Secret: "bot-secret", VerifyToken: "r10c-downstream-verify-token"}}
	var out bytes.Buffer
	_ = forwardVerify(context.Background(), &cfg, &out)
	if strings.Contains(out.String(), "r10c-downstream-verify-token") {
		t.Fatalf("forward verify printed the verify token:\n%s", out.String())
	}
}

// TestR10cFailedDeliveryLogKeepsTheURLQueryOut: a downstream's Label is
// "the URL without query or credentials, for logs and metrics", but a
// failed attempt logs (and stores as last_error, shown by `forward list`)
// the HTTP client's error, which carries the whole URL: a token in the
// query string (https://hooks.example/wa?token=...) is written to the log
// at every failed attempt.
func TestR10cFailedDeliveryLogKeepsTheURLQueryOut(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	e := newEnv(t, storetest.SQLite, withForward("http://"+addr+"/webhook?token=r10c-query-token", "bot-secret", true, 0))
	e.post(e.fixture("webhook-text.json"))
	waitFor(t, 15*time.Second, func() bool { return strings.Contains(e.logText(), "delivery failed") })
	if strings.Contains(e.logText(), "r10c-query-token") {
		t.Fatalf("the downstream URL's query token is in the log:\n%s", e.logText())
	}
}
