package cli

// From a tenth review. Each comment tells what went wrong as the review found
// it, before the commit that adds the test fixed it. (10c: how detected
// intents act on consent; the review's forwarding tests are elsewhere.)

import (
	"testing"
	"time"

	"github.com/optgate/optgate/internal/store/storetest"
)

// TestR10cNoToOffersDoesNotLiftStop: a person says PARAR, then answers the
// business's question by repeating it, "quer receber nossas ofertas? não"
// ("want our offers? no"). The detector reads a clear opt-in, recordOptIn
// records it for every topic after the PARAR, and marketing templates reach
// the person again: a refusal undoes an opt-out (fail open).
func TestR10cNoToOffersDoesNotLiftStop(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		const p = "5511966610002"
		now := e.clock.Now()
		e.post(textWebhook(p, "", "wamid.r10c.stop", now.Add(-2*time.Minute), "PARAR"))
		e.post(textWebhook(p, "", "wamid.r10c.no", now.Add(-time.Minute), "quer receber nossas ofertas? não"))
		e.wantRefused(e.send(tpl("+"+p, "black_friday")), "opted_out")
	})
}

// TestR10cStopPromotionsAndOrderUpdatesStopsOrderUpdates: "não quero
// receber promoções nem avisos de pedido" ("I want neither promotions nor
// order notices") is recorded as an opt-out of marketing only: the order
// notice the person refused by name still goes out (fail open).
func TestR10cStopPromotionsAndOrderUpdatesStopsOrderUpdates(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		const p = "5511966610005"
		e.post(textWebhook(p, "", "wamid.r10c.both", e.clock.Now().Add(-time.Minute), "não quero receber promoções nem avisos de pedido"))
		e.wantRefused(e.send(tpl("+"+p, "order_shipped")), "opted_out")
	})
}
