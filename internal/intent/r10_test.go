package intent

import "testing"

// Cases for the rules added after the tenth review (rules_r10.go), in the
// languages the review did not write, with the near misses each rule must
// leave alone.

// TestNamedEverythingElse: the offers and, joined to them, every other
// message, order updates by name, "all" or "the rest" is an opt-out of
// everything; offers joined to offers, or an "only" that keeps the rest, is
// still an opt-out of marketing.
func TestNamedEverythingElse(t *testing.T) {
	d := newDetector(t)
	check(t, d, []tc{
		{"no me manden más ofertas ni ningún otro mensaje", OptOut, ScopeAll, false},
		{"non voglio più ricevere promozioni né altri messaggi", OptOut, ScopeAll, false},
		{"bitte keine Angebote und keine anderen Nachrichten mehr", OptOut, ScopeAll, false},
		{"arrêtez de m'envoyer des promos et tous les autres messages", OptOut, ScopeAll, false},
		{"ik wil geen aanbiedingen en ook geen andere berichten meer", OptOut, ScopeAll, false},
		{"stop sending me offers and order updates", OptOut, ScopeAll, false},
		{"parem de mandar mensagens e promoções", OptOut, ScopeAll, false},
		{"basta de publicidad y de todo lo demás", OptOut, ScopeAll, false},
		{"para de mandar promoção. na verdade não quero mais receber mensagem nenhuma", OptOut, ScopeAll, false},
		{"keine Nachrichten mehr, überhaupt keine", OptOut, ScopeAll, false},
		// near misses: still marketing only
		{"não quero mais promoções nem mensagens promocionais", OptOut, ScopeMarketing, false},
		{"stop sending me promotional messages and offers", OptOut, ScopeMarketing, false},
		{"no quiero promociones ni mensajes de ofertas", OptOut, ScopeMarketing, false},
		{"não quero mais ofertas e cupons", OptOut, ScopeMarketing, false},
		{"só os avisos do pedido e nenhuma promoção", OptOut, ScopeMarketing, false},
		{"Não tenho mais interesse nas promoções, pode parar", OptOut, ScopeMarketing, false},
		{"geen aanbiedingen meer, de rest mag wel", OptOut, ScopeMarketing, false},
	})
}
