package intent

// From a twelfth review. Each comment tells what went wrong as the review
// found it, before the commit that adds the test fixed it. (12b, of three
// commits made after the tenth review and since reverted, rules_r10.go and
// lexicon_r10.go: the comments say what the detector did before those
// commits (77b1ffe) and what it did with them.) Fail-open regressions first:
// explicit opt-outs now missed, demoted to uncertain, or narrowed; then
// sentences now acted on that are not opt-outs (or not of everything).

import "testing"

// wantActedOptOut fails unless the text is a certain opt-out (of any scope).
func wantActedOptOut(t *testing.T, texts []string) {
	t.Helper()
	d := newDetector(t)
	for _, s := range texts {
		if r := d.Detect(s); r.Intent != OptOut || r.Uncertain {
			t.Errorf("Detect(%q) = %s scope=%q uncertain=%v (rule %s, %q); want a certain opt_out",
				s, r.Intent, r.Scope, r.Uncertain, r.Rule, r.Matched)
		}
	}
}

// wantOptOutAtLeastAsked fails when the text is not an opt-out at all;
// uncertain (asked once) is acceptable.
func wantOptOutAtLeastAsked(t *testing.T, texts []string) {
	t.Helper()
	d := newDetector(t)
	for _, s := range texts {
		if r := d.Detect(s); r.Intent != OptOut {
			t.Errorf("Detect(%q) = %s (rule %s, %q); want opt_out (asking is acceptable)",
				s, r.Intent, r.Rule, r.Matched)
		}
	}
}

// TestReview12bSayDemotesOwnOptOut: reported() makes an opt-out uncertain
// when ANY verb of saying appears anywhere before it, in any earlier
// sentence, unless "eu/I/ich/ik/io/je/yo" is within four words before it.
// So pro-drop "disse que" / "ho detto" / "hab gesagt", the set phrases
// "wie gesagt", "ehrlich gesagt", "eerlijk gezegd", "à vrai dire", "detto
// questo", "that said", Brazilian "falou" (= ok/bye), Dutch "staat" (= is,
// stands) and German "steht", and a third person's words in an EARLIER
// sentence followed by the person's own opt-out are all asked instead of
// acted on. Every one was a certain opt-out before today.
func TestReview12bSayDemotesOwnOptOut(t *testing.T) {
	wantActedOptOut(t, []string{
		// the person's own "I said", subject dropped
		"Disse que não quero mais receber mensagens",
		"ho detto basta messaggi",
		"ho detto che non voglio più ricevere messaggi",
		"hab gesagt, keine Nachrichten mehr",
		// set phrases: "as said", "honestly", "to tell the truth", "that said"
		"wie gesagt, ich will keine Nachrichten mehr",
		"Ehrlich gesagt will ich keine Nachrichten mehr bekommen",
		"eerlijk gezegd wil ik geen berichten meer ontvangen",
		"zoals gezegd, ik wil geen berichten meer ontvangen",
		"à vrai dire je ne veux plus recevoir vos messages",
		"comme dit, je ne veux plus recevoir de messages",
		"a dire il vero non voglio più ricevere messaggi",
		"detto questo, non voglio più ricevere messaggi",
		"That said, please stop sending me messages",
		"falou, valeu, mas não quero mais receber mensagens",
		// "staat" / "steht" are not verbs of saying here
		"Het staat me tegen. Ik wil geen berichten meer ontvangen",
		"mijn nummer staat nog in jullie lijst, ik wil geen berichten meer",
		// someone else's words in an earlier sentence, then the person's own opt-out
		"A atendente disse que ia resolver e nada. Não quero mais receber mensagens de vocês",
		"o atendente falou que ia me tirar da lista e continuo recebendo, não quero mais receber mensagens",
		"vocês falaram que iam parar. parem de mandar mensagem",
		"meu filho disse que é golpe, parem de me mandar mensagem",
		"Falei com a atendente e ela disse pra mandar SAIR aqui. SAIR",
		"se eu disse que não quero, é NÃO! parem de mandar mensagem",
		"my son said this is a scam, stop messaging me",
		"My account page says I'm unsubscribed but you keep texting. Stop texting me",
		"your agent told me to write here. stop sending me messages",
		"you said I could unsubscribe anytime, so please stop sending me messages",
		"el asesor dijo que escribiera aquí, no quiero recibir más mensajes",
		"mi hijo dice que es estafa, dejen de mandarme mensajes",
		"aquí dice que responda BAJA. no quiero recibir más mensajes",
		"mein Sohn sagt, das ist Betrug. Hört auf mir zu schreiben",
		"Ihr Kollege sagte, ich soll hier schreiben. Ich will keine Nachrichten mehr",
		"jullie collega zei dat ik hier moest schrijven, ik wil geen berichten meer",
		"le conseiller a dit de répondre STOP, je ne veux plus recevoir vos messages",
		"votre collègue m'a dit d'écrire ici, je ne veux plus recevoir de messages",
		"l'operatore ha detto di scrivere qui, non voglio più ricevere messaggi",
	})
}

// TestReview12bSaidStopFrench: "dit" is now a word of the lexicon, so
// "j'ai dit stop" no longer matches the bare-stop phrase: it was a certain
// opt-out, it is now none (not even asked).
func TestReview12bSaidStopFrench(t *testing.T) {
	wantActedOptOut(t, []string{
		"j'ai dit stop",
		"J'AI DIT STOP !!!",
		"je vous ai dit STOP",
	})
}

// TestReview12bThisIsNotTheOrder: in a message that mentions an order (or a
// purchase, a parcel, a boleto) and names no message, "isso / this / esto /
// questo / ça" not wanted is now dropped to none, and "nada / anything" to
// uncertain, even when the person says they never ordered, that the order
// already arrived, or that they keep receiving. All were certain opt-outs.
func TestReview12bThisIsNotTheOrder(t *testing.T) {
	wantActedOptOut(t, []string{
		// never ordered: "this" cannot be the order (now none)
		"nunca fiz pedido nenhum com vocês, não quero mais receber isso",
		"nunca fiz compra com vcs!!! nao quero receber isso mais",
		"nunca hice un pedido, no quiero recibir esto más",
		"non ho mai fatto un ordine, non voglio più ricevere questo",
		"je n'ai jamais commandé, je ne veux plus recevoir ça",
		"jamais fait de commande, je veux plus recevoir ça",
		// keeps receiving after an old purchase (now none)
		"fiz uma compra uma vez e agora não param, não quero mais receber isso",
		"já cancelei meu pedido faz tempo e continuo recebendo, não quero mais receber isso",
		// "nothing more from you" (now uncertain)
		"nem sou cliente, nunca fiz pedido, não quero receber mais nada de vocês",
		"recebi meu pedido, agora não quero receber mais nada de vocês",
		"got my order, i don't want to receive anything else from you",
	})
	// The order already arrived or is not theirs: asking is acceptable,
	// none (now) is not.
	wantOptOutAtLeastAsked(t, []string{
		"já recebi meu pedido, obrigado. não quero mais receber isso",
		"pedido entregue. não quero receber mais isso",
		"got my order thanks, i don't want to receive this anymore",
		"ya me llegó el paquete, gracias. ya no quiero recibir esto",
		"esse pedido não é meu, não quero receber isso",
		"this order isn't mine, i don't want to receive this anymore",
		"ese pedido no es mío, no quiero recibir esto",
		"cette commande n'est pas à moi, je ne veux plus recevoir ça",
	})
}

// TestReview12bCallsAndMessages: "calls are not messages" now drops an
// opt-out that names calls AND messages: the object found is the call noun
// and the rule stops there. Before today these were opt-outs (the first
// four certain, the rest asked); now all are none.
func TestReview12bCallsAndMessages(t *testing.T) {
	wantOptOutAtLeastAsked(t, []string{
		"não quero mais receber ligações nem mensagens",
		"I don't want to receive calls or messages anymore",
		"non voglio più ricevere chiamate né messaggi",
		"ya no quiero recibir llamadas ni whatsapp",
		"no quiero recibir llamadas ni mensajes",
		"je ne veux plus recevoir d'appels ni de messages",
		"não quero receber ligações e mensagens",
		"nao quero receber ligacao nem mensagem de vcs",
		"não quero receber ligação nem whats",
	})
}

// TestReview12bOffersStayOffers: widened() treats "other" as everything
// without looking at the noun it qualifies ("nor other offers", "and other
// ads"), and "and the rest is fine" / "and order updates are fine" as
// naming the rest as unwanted. Each was an opt-out of marketing before
// today and is now a certain opt-out of everything: order updates stop for
// people who asked to keep them.
func TestReview12bOffersStayOffers(t *testing.T) {
	d := newDetector(t)
	for _, s := range []string{
		"não quero mais promoções nem outras ofertas",
		"não quero promoções e outras propagandas",
		"no more promos or other offers",
		"stop sending me promos and other ads",
		"no quiero promociones ni otras ofertas",
		"ya no quiero promociones y demás publicidad",
		"keine Werbung und keine anderen Angebote mehr",
		"plus de pub ni d'autres promos",
		"geen reclame of andere aanbiedingen meer",
		// the rest is explicitly kept
		"não quero promoções e as mensagens do pedido eu quero",
		"no more promos and order updates are fine",
		"I don't want promos and order messages are fine",
		"no more promotions and the rest is ok",
		"no quiero promociones y el resto está bien",
		"basta promozioni e il resto va bene",
		"plus de pub et le reste c'est bon",
		"geen reclame meer en de rest mag wel",
	} {
		if r := d.Detect(s); r.Intent != OptOut || r.Scope != ScopeMarketing {
			t.Errorf("Detect(%q) = %s scope=%q uncertain=%v (rule %s, %q); want opt_out of marketing",
				s, r.Intent, r.Scope, r.Uncertain, r.Rule, r.Matched)
		}
	}
}

// TestReview12bNewFalseOptOuts: sentences that are not opt-outs, now
// certain opt-outs. "no / non" followed by "and / y / et" is skipped to
// reach "I want to receive" (the cAnd skip in negatedDesire, meant for
// "ni ... ni"); a feminine/masculine pronoun object ("ela", "ele") is now
// a message word outside order messages, so a paper invoice or a visitor
// not wanted is an opt-out of everything.
func TestReview12bNewFalseOptOuts(t *testing.T) {
	notActedOn(t, OptOut, []string{
		"no and i want to get your promos",                           // was none
		"no y quiero recibir las ofertas",                            // was none
		"non et je veux recevoir les offres",                         // was none
		"cancelar? no y quiero recibir las ofertas igual",            // was uncertain
		"quero a fatura por email, não quero receber ela em papel",   // was uncertain
		"quero a fatura só por email, não quero receber ela em casa", // was none
		"meu sogro vem visitar, não quero receber ele aqui kkk",      // was uncertain
	})
}

// TestReview12bSaidStopPreexisting: NOT caused by today's commits (none
// before and after), found while probing the "say" rule: "I said STOP" was
// missed in every language. ("stop calling and texting me", missed too,
// is still open: see TestB14CallsOnly.)
func TestReview12bSaidStopPreexisting(t *testing.T) {
	wantOptOutAtLeastAsked(t, []string{
		"eu disse PARAR",
		"eu falei PARE",
		"I said STOP!!",
		"ich habe gesagt stopp",
		"ik zei stop",
		"ho detto stop",
		"he dicho basta",
	})
}
