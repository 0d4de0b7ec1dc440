package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// TestRawClient: the lean client sends what net/http's server reads as the
// request (method, path, headers, body), reads the status, keeps the
// connection for the next request, and opens a new one after the server
// closes it.
func TestRawClient(t *testing.T) {
	var conns atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if r.Method != http.MethodPost || r.URL.Path != "/webhooks/whatsapp" || r.Header.Get("X-Test") != "yes" || string(body) != `{"n":1}` {
			http.Error(w, "bad request: "+r.Method+" "+r.URL.Path+" "+string(body), http.StatusBadRequest)
			return
		}
		if r.URL.Query().Get("close") != "" {
			w.Header().Set("Connection", "close")
		}
		w.WriteHeader(http.StatusOK)
		io.WriteString(w, strings.Repeat("x", 5000)) // longer than the reader's buffer
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	rc := newRawClient(strings.TrimPrefix(srv.URL, "http://"), 4)
	post := func(path, body string) int {
		t.Helper()
		code, err := rc.post(context.Background(), path, [][2]string{{"X-Test", "yes"}, {"Content-Type", "application/json"}}, []byte(body))
		if err != nil {
			t.Fatal(err)
		}
		return code
	}
	for range 3 {
		if code := post("/webhooks/whatsapp", `{"n":1}`); code != http.StatusOK {
			t.Fatalf("status %d", code)
		}
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("%d connections for three requests in turn, want 1", n)
	}
	if code := post("/webhooks/whatsapp", `{"n":2}`); code != http.StatusBadRequest {
		t.Errorf("a bad body: status %d, want 400", code)
	}
	if code := post("/webhooks/whatsapp?close=1", `{"n":1}`); code != http.StatusOK {
		t.Errorf("status %d", code)
	}
	if code := post("/webhooks/whatsapp", `{"n":1}`); code != http.StatusOK {
		t.Errorf("status %d", code)
	}
	if n := conns.Load(); n != 2 {
		t.Errorf("%d connections, want 2 (a new one after the server closed the first)", n)
	}
}
