package cloudapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestSendTextShapesAndErrors(t *testing.T) {
	var got []map[string]any
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer tok" || r.URL.Path != "/"+DefaultVersion+"/123/messages" {
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, `{"error":{"message":"Invalid OAuth access token","type":"OAuthException","code":190}}`)
			return
		}
		var m map[string]any
		json.NewDecoder(r.Body).Decode(&m)
		got = append(got, m)
		if m["to"] == "5511999999999" {
			w.WriteHeader(http.StatusTooManyRequests)
			io.WriteString(w, `{"error":{"message":"(#130429) Rate limit hit","type":"OAuthException","code":130429}}`)
			return
		}
		io.WriteString(w, `{"messaging_product":"whatsapp","contacts":[{"input":"x","wa_id":"x"}],"messages":[{"id":"wamid.OK"}]}`)
	}))
	defer srv.Close()
	c := New(0)
	up := Upstream{BaseURL: srv.URL, AccessToken: "tok"}
	id, err := c.SendText(context.Background(), up, "123", "5511987654321", "Pronto!")
	if err != nil || id != "wamid.OK" {
		t.Fatalf("send: %q %v", id, err)
	}
	if _, err := c.SendText(context.Background(), up, "123", "US.13491208655302741918", "Oi"); err != nil {
		t.Fatal(err)
	}
	if got[0]["to"] != "5511987654321" || got[0]["type"] != "text" || got[1]["recipient"] != "US.13491208655302741918" || got[1]["to"] != nil {
		t.Fatalf("request bodies: %v", got)
	}
	_, err = c.SendText(context.Background(), up, "123", "5511999999999", "Oi")
	var ue *UpstreamError
	if !errors.As(err, &ue) || ue.Code != 130429 || ue.Permanent() {
		t.Fatalf("rate limit must be a retryable upstream error: %v", err)
	}
	_, err = c.SendText(context.Background(), Upstream{BaseURL: srv.URL, AccessToken: "bad"}, "123", "5511987654321", "Oi")
	if !errors.As(err, &ue) || ue.Code != 190 || !ue.Permanent() {
		t.Fatalf("a bad token is permanent: %v", err)
	}
}

func TestListTemplatesFollowsPaging(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		after := r.URL.Query().Get("after")
		page := map[string]any{}
		switch after {
		case "":
			page["data"] = []map[string]string{{"name": "a", "language": "pt_BR", "status": "APPROVED", "category": "MARKETING"}}
			// Meta names its own host in "next"; the client must stay on the configured upstream.
			page["paging"] = map[string]any{"next": "https://graph.facebook.com/" + DefaultVersion + "/999/message_templates?limit=1&after=1"}
		case "1":
			page["data"] = []map[string]string{{"name": "b", "language": "en_US", "status": "PAUSED", "category": "UTILITY"}}
			page["paging"] = map[string]any{}
		default:
			t.Errorf("unexpected cursor %q", after)
		}
		json.NewEncoder(w).Encode(page)
	}))
	defer srv.Close()
	ts, err := New(0).ListTemplates(context.Background(), Upstream{BaseURL: srv.URL, AccessToken: "tok"}, "999")
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(ts); !strings.Contains(got, "a pt_BR APPROVED MARKETING") || !strings.Contains(got, "b en_US PAUSED UTILITY") || len(ts) != 2 {
		t.Fatalf("templates: %v", ts)
	}
}
