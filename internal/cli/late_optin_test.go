package cli

import (
	"fmt"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/optgate/optgate/internal/store/storetest"
)

// buttonHook is a quick-reply button tap (Meta's "button" message).
func buttonHook(waID, id string, at time.Time, text string) []byte {
	return []byte(`{"object":"whatsapp_business_account","entry":[{"id":"` + demoWABA + `","changes":[{"field":"messages","value":{"messaging_product":"whatsapp",` +
		`"metadata":{"display_phone_number":"15550783881","phone_number_id":"` + demoPhoneID + `"},"contacts":[{"profile":{"name":"Ana"},"wa_id":"` + waID + `"}],` +
		`"messages":[{"from":"` + waID + `","id":"` + id + `","timestamp":"` + strconv.FormatInt(at.Unix(), 10) + `","type":"button",` +
		`"button":{"payload":"` + text + `","text":"` + text + `"}}]}}]}]}`)
}

// TestLateStartAfterStopPromotions: a person writes START (an opt-in of
// everything), then taps "Stop promotions" (an opt-out of marketing), and
// Meta delivers the tap first. The START still counts for what the stop does
// not cover (order updates), and not for promotions. Before, the START was
// dropped whole, and the person's order updates refused as no_opt_in.
func TestLateStartAfterStopPromotions(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		for _, oneWebhook := range []bool{false, true} {
			t.Run(fmt.Sprint("one webhook ", oneWebhook), func(t *testing.T) {
				e := newEnv(t, b)
				p := "5511987650011"
				now := e.clock.Now().Truncate(time.Second)
				start := textWebhook(p, "", "wamid.late.start", now.Add(-2*time.Minute), "START")
				stop := buttonHook(p, "wamid.late.stop", now.Add(-time.Minute), "Stop promotions")
				if oneWebhook {
					// Both in one delivery, the tap first.
					stop = []byte(fmt.Sprintf(`%s,%s`, stop[:len(stop)-len(`]}}]}]}`)], start[bytesIndex(start, `{"from"`):]))
					if r := e.webhook(stop, testAppSecret); r.Status != http.StatusOK {
						t.Fatalf("webhook: %d %s", r.Status, r.Body)
					}
				} else {
					for _, body := range [][]byte{stop, start} {
						if r := e.webhook(body, testAppSecret); r.Status != http.StatusOK {
							t.Fatalf("webhook: %d %s", r.Status, r.Body)
						}
					}
				}
				// Outside the service window, so that only consent decides.
				e.clock.Advance(25 * time.Hour)
				e.wantAllowed(e.send(tpl("+"+p, "order_shipped")))
				e.wantRefused(e.send(tpl("+"+p, "black_friday")), "topic_opted_out")
				// Both are on record, and the contact's view agrees with the decisions.
				c := e.contact("+" + p)
				if h := c["history"].([]any); len(h) != 2 {
					t.Fatalf("want the START and the stop on record, got %d: %v", len(h), h)
				}
				status := map[string]string{}
				for _, tc := range c["topics"].([]any) {
					m := tc.(map[string]any)
					status[m["topic"].(string)] = m["status"].(string)
				}
				if status["order_updates"] != "opted_in" || status["promotions"] != "opted_out" {
					t.Fatalf("topics: %v", status)
				}
			})
		}
	})
}

// TestBackdatedOptInAllAfterMarketingStop: through the API, an opt-in of
// everything dated before the person's marketing opt-out is recorded (201):
// it counts for utility topics, and the marketing opt-out stays in force. One
// dated before an opt-out of everything is still refused (409).
func TestBackdatedOptInAllAfterMarketingStop(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		p := "+5511987650012"
		if r := e.consent(p, `{"action":"opt_out","category":"marketing","reason":"asked by phone"}`); r.Status != http.StatusCreated {
			t.Fatalf("opt-out: %d %s", r.Status, r.Body)
		}
		old := e.clock.Now().Add(-365 * 24 * time.Hour).Format(time.RFC3339)
		if r := e.consent(p, `{"action":"opt_in","source":"csv","evidence":{"text":"old form: all messages"},"occurred_at":"`+old+`"}`); r.Status != http.StatusCreated {
			t.Fatalf("backdated opt-in of all: %d %s, want 201", r.Status, r.Body)
		}
		e.wantAllowed(e.send(tpl(p, "order_shipped")))
		e.wantRefused(e.send(tpl(p, "black_friday")), "topic_opted_out")

		q := "+5511987650013"
		if r := e.consent(q, `{"action":"opt_out","reason":"asked by phone"}`); r.Status != http.StatusCreated {
			t.Fatalf("opt-out: %d %s", r.Status, r.Body)
		}
		if r := e.consent(q, `{"action":"opt_in","source":"csv","evidence":{"text":"old form"},"occurred_at":"`+old+`"}`); r.Status != http.StatusConflict {
			t.Fatalf("backdated opt-in of all after an opt-out of all: %d %s, want 409", r.Status, r.Body)
		}
		e.wantRefused(e.send(tpl(q, "order_shipped")), "opted_out")
	})
}

func bytesIndex(b []byte, s string) int {
	for i := 0; i+len(s) <= len(b); i++ {
		if string(b[i:i+len(s)]) == s {
			return i
		}
	}
	return -1
}
