package intent

// From a tenth review. Each comment tells what went wrong as the review
// found it, before the commit that adds the test fixed it. (10c: sentences
// that are not opt-outs, or not opt-ins, which the detector read as clear
// ones, so that optgate acted on them at once without asking; uncertain,
// asked once, is acceptable. And opt-outs of everything read as marketing
// only, or missed.)

import "testing"

// TestNotAnOptIn: an opt-in acted on lifts an earlier opt-out (recordOptIn
// records it for every topic). A "no" to the business's question, a
// delivery address, and a complaint that messages came again, each read as
// a clear opt-in.
func TestNotAnOptIn(t *testing.T) {
	notActedOn(t, OptIn, []string{
		// The business's question, repeated, answered "no".
		"quer receber nossas ofertas? não",
		// "I want to get my parcels at the old address again."
		"quero voltar a receber minhas encomendas no endereço antigo",
		// A statement, not a request.
		"I started receiving your messages again, thanks",
	})
}

// TestExplicitOptOutOfEverything: a person names promotions and then every
// other message (or order updates by name). The detector stops at the
// promotions and reads an opt-out of marketing only, so order updates and
// every utility template still reach someone who said, in so many words,
// not those either (fail open); or it misses the opt-out altogether.
// Asking would be acceptable; marketing only, or nothing, is not.
func TestExplicitOptOutOfEverything(t *testing.T) {
	d := newDetector(t)
	for _, s := range []string{
		// read as none
		"stop all messages including promotions",
		"no messages at all please",
		"je ne veux ni pub ni aucun autre message",
		// read as marketing only
		"não quero receber promoções nem avisos de pedido",
		"I don't want promotions or order updates, nothing",
		"para de mandar promoção e qualquer outra mensagem",
		"não quero mais receber ofertas nem nenhuma outra mensagem",
		"para de mandar promoção. aliás, para de mandar tudo",
		"stop sending promos and everything else",
		"no more promotions or any other messages",
		"no quiero promociones ni ningún otro mensaje",
		"keine Werbung und auch keine anderen Nachrichten mehr",
		"basta promozioni e basta messaggi",
		"geen reclame en ook geen andere berichten meer",
	} {
		if r := d.Detect(s); r.Intent != OptOut || r.Scope != ScopeAll {
			t.Errorf("Detect(%q) = %s scope=%q uncertain=%v (rule %s, %q); want opt_out of all",
				s, r.Intent, r.Scope, r.Uncertain, r.Rule, r.Matched)
		}
	}
}
