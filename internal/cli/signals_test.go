package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/optgate/optgate/internal/config"
	"github.com/optgate/optgate/internal/store/storetest"
)

// TestMarketingLimitHold: Meta's 131049 (per-user marketing limit) holds
// marketing to that person for 24 hours, and only marketing.
func TestMarketingLimitHold(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		p := fixturePerson
		for _, topic := range []string{"promotions", "order_updates"} {
			e.consent("+"+p, `{"action":"opt_in","topic":"`+topic+`","source":"web_form","evidence":{"text":"sim"}}`)
		}
		e.wantAllowed(e.send(tpl(p, "black_friday")))
		body := strings.Replace(string(e.fixture("webhook-status-failed-131049.json")), `"1751142888"`, fmt.Sprintf(`"%d"`, e.clock.Now().Unix()), 1)
		if r := e.webhook([]byte(body), testAppSecret); r.Status != 200 {
			t.Fatal(r.Status, string(r.Body))
		}
		e.wantRefused(e.send(tpl(p, "black_friday")), "meta_marketing_limit")
		e.wantAllowed(e.send(tpl(p, "order_shipped")))
		e.clock.Advance(24*time.Hour + time.Minute)
		e.wantAllowed(e.send(tpl(p, "black_friday")))
	})
}

// TestTemplatesFromMeta: with unknown_templates: category, a template missing
// from the registry takes the topic of the category Meta reports, learned by
// syncing with GET /{waba_id}/message_templates or from a
// message_template_status_update webhook.
func TestTemplatesFromMeta(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b, func(c *config.Config) {
			c.Accounts[0].UnknownTemplates = "category"
			c.Accounts[0].CategoryTopics = map[string]string{"marketing": "promotions", "utility": "order_updates"}
		})
		p := demoPerson
		e.consent("+"+p, `{"action":"opt_in","topic":"order_updates","source":"web_form","evidence":{"text":"sim"}}`)
		e.wantRefused(e.send(tpl(p, "flash_sale")), "unknown_template")
		if err := e.sim.SetTemplate("flash_sale", "MARKETING"); err != nil {
			t.Fatal(err)
		}
		demo, _ := e.app.Gate.Account("demo")
		if err := e.app.Gate.SyncAccountTemplates(context.Background(), demo); err != nil {
			t.Fatal(err)
		}
		// Known now as marketing → topic promotions, to which the person never opted in.
		e.wantRefused(e.send(tpl(p, "flash_sale")), "no_opt_in")

		// Meta approves a new utility template; its webhook teaches optgate the category.
		e.wantRefused(e.send(tpl(p, "order_confirmation")), "unknown_template")
		if r := e.webhook(e.fixture("webhook-message-template-status-update.json"), testAppSecret); r.Status != 200 {
			t.Fatal(r.Status, string(r.Body))
		}
		if r := e.send(tpl(p, "order_confirmation")); r.Status == 400 && r.Header.Get("Optgate-Reason") != "" {
			t.Fatalf("order_confirmation after its status update: refused %s", r.Header.Get("Optgate-Reason"))
		}

		// Meta moves it to marketing (template_category_update, as Meta
		// documents it): from then on it needs an opt-in to promotions.
		// An announced change to marketing applies at once, a completed one
		// too; an announced change away from marketing waits for Meta.
		var fx struct {
			Entry []struct {
				Changes []struct {
					Value struct {
						Name     string `json:"message_template_name"`
						Language string `json:"message_template_language"`
					} `json:"value"`
				} `json:"changes"`
			} `json:"entry"`
		}
		if err := json.Unmarshal(e.fixture("webhook-message-template-status-update.json"), &fx); err != nil {
			t.Fatal(err)
		}
		tv := fx.Entry[0].Changes[0].Value
		category := func(value string) []byte {
			return []byte(`{"object":"whatsapp_business_account","entry":[{"id":"` + demoWABA + `","time":1751247548,"changes":[{"field":"template_category_update",` +
				`"value":{"message_template_id":1234567890,"message_template_name":"` + tv.Name + `","message_template_language":"` + tv.Language + `",` + value + `}}]}]}`)
		}
		post := func(body []byte) {
			t.Helper()
			if r := e.webhook(body, testAppSecret); r.Status != 200 {
				t.Fatal(r.Status, string(r.Body))
			}
		}
		post(category(`"previous_category":"UTILITY","new_category":"MARKETING"`))
		e.wantRefused(e.send(tpl(p, tv.Name)), "no_opt_in")
		post(category(`"previous_category":"MARKETING","new_category":"UTILITY"`))
		if r := e.send(tpl(p, tv.Name)); r.Status == 400 && r.Header.Get("Optgate-Reason") != "" {
			t.Fatalf("back to utility: refused %s", r.Header.Get("Optgate-Reason"))
		}
		post(category(`"correct_category":"MARKETING","new_category":"UTILITY","category_update_timestamp":1751900000`))
		e.wantRefused(e.send(tpl(p, tv.Name)), "no_opt_in")
	})
}
