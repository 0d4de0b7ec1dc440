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
		{"no quiero más llamadas ni mensajes", OptOut, ScopeAll, false},
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

// TestOrderReferent: not wanting to receive "it" in a message about an
// order or a parcel is about the order; a message noun keeps the opt-out.
func TestOrderReferent(t *testing.T) {
	d := newDetector(t)
	notActedOn(t, OptOut, []string{
		"annullate il mio ordine, non voglio più riceverlo",
		"annulez ma commande, je ne veux plus la recevoir",
		"storniert das Paket bitte, ich will es nicht mehr bekommen",
		"cancel the parcel, I don't want to get it anymore",
		"cancelen mi pedido, ya no lo quiero recibir",
		"não quero mais receber o pacote",
	})
	check(t, d, []tc{
		{"cancela meu pedido e não quero mais receber mensagens de vocês", OptOut, ScopeAll, false},
		{"annuleer mijn bestelling en stuur me geen berichten meer", OptOut, ScopeAll, false},
		{"ya no quiero recibir mensajes del pedido", OptOut, ScopeAll, false},
		{"Oi! Adorei o evento, mas não quero mais receber os convites da galeria, obrigada", OptOut, ScopeAll, false},
	})
}

// TestReportedSpeech: someone else's words, a hypothesis or "who said" are
// asked about; the person's own "I said" is acted on.
func TestReportedSpeech(t *testing.T) {
	d := newDetector(t)
	check(t, d, []tc{
		{"mi hermana dice que no le manden más mensajes", OptOut, "", true},
		{"my husband said he doesn't want these messages anymore", OptOut, "", true},
		{"il dit qu'il ne veut plus recevoir de messages", OptOut, "", true},
		{"mijn vrouw zegt dat ze geen berichten meer wil", OptOut, "", true},
		{"wer hat gesagt, dass ich keine Nachrichten mehr will?", OptOut, "", true},
		{"chi ha detto che voglio smettere di ricevere messaggi?", OptOut, "", true},
		{"if I say stop will you stop sending me messages?", OptOut, "", true},
		// near misses: the person's own words
		{"eu já disse que não quero mais receber mensagens", OptOut, ScopeAll, false},
		{"I said stop sending me messages", OptOut, ScopeAll, false},
		{"te dije que no me manden más mensajes", OptOut, ScopeAll, false},
		{"ich habe gesagt, keine Nachrichten mehr!", OptOut, ScopeAll, false},
		{"je vous ai dit d'arrêter de m'envoyer des messages", OptOut, ScopeAll, false},
		{"volevo dire che non voglio più ricevere messaggi", OptOut, ScopeAll, false},
		{"olha so tenho uma coisa pra dizer: chega de mensagem", OptOut, ScopeAll, false},
	})
}

// TestCallsNotMessages: refusing calls while asking for messages is not an
// opt-out of messages.
func TestCallsNotMessages(t *testing.T) {
	notActedOn(t, OptOut, []string{
		"no quiero más llamadas, solo mensajes",
		"I don't want to receive calls anymore, only messages",
		"keine Anrufe mehr bitte, Nachrichten sind ok",
	})
}

// TestOptInAnsweredNo: the sender's question repeated and answered "no" is
// a refusal, asked about; answered "yes" it is an opt-in. "Receiving again"
// told as a fact is not an opt-in.
func TestOptInAnsweredNo(t *testing.T) {
	d := newDetector(t)
	notActedOn(t, OptIn, []string{
		"want to receive our offers? nope",
		"¿quieres recibir nuestras ofertas? no",
		"volví a recibir sus mensajes, gracias",
		"ik krijg weer berichten van jullie",
		"comecei a receber as mensagens de novo, obrigado",
	})
	check(t, d, []tc{
		{"quer receber nossas ofertas? não", OptOut, ScopeMarketing, true},
		{"quer receber nossas ofertas? sim", OptIn, ScopeMarketing, false},
		{"quiero volver a recibir los mensajes", OptIn, ScopeAll, false},
		{"ich möchte wieder Nachrichten bekommen", OptIn, ScopeAll, false},
		{"voltar a receber", OptIn, ScopeAll, false},
	})
}
