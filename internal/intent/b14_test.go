package intent

// From a tenth and a twelfth review. Each comment tells what went wrong as
// the review found it, before the commit that adds the test fixed it.
// (Round b14: rules_b14.go, lexicon_b14.go.)

import "testing"

// TestB14SaidStop: the person's own "I said STOP" was none in six of the
// seven languages (only "j'ai dit stop" was read): a demand repeated in
// anger was missed. It is a certain opt-out, like "I already said STOP".
func TestB14SaidStop(t *testing.T) {
	wantActedOptOut(t, []string{
		"eu disse PARAR", "eu falei PARE", "eu falei PARE, nao entendeu?",
		"I said STOP!!", "i told you STOP",
		"he dicho basta", "dije BAJA",
		"ik zei stop", "ik heb gezegd STOP",
		"ho detto stop", "vi ho detto STOP",
		"ich habe gesagt stopp", "hab gesagt STOPP!!",
		"j'ai dit stop", "je vous ai dit STOP",
	})
	// Someone else's words are not the person's request.
	notActedOn(t, OptOut, []string{
		"ela disse parar", "o entregador disse que ia parar aqui",
		"I said stop by the store tomorrow",
		"eu disse pra ele parar na esquina",
	})
}

// TestB14CallsOnly: calls refused, or moved to messages, are no opt-out of
// messages. ("stop calling and texting me", which is one, is still missed:
// a rule that joined the call to the messages after "and" read "stop
// calling and text me" as one too, and was taken out.)
func TestB14CallsOnly(t *testing.T) {
	// Calls only, or calls moved to messages here: not an opt-out of messages.
	notActedOn(t, OptOut, []string{
		"parem de me ligar",
		"stop calling me",
		"vcs podem parar de ligar e mandar tudo por aqui mesmo? prefiro whatsapp",
	})
}

// notActedOn fails for each text the detector returns as a certain result
// of the intent given: a sentence that optgate would act on without asking.
func notActedOn(t *testing.T, in Intent, texts []string) {
	t.Helper()
	d := newDetector(t)
	for _, s := range texts {
		if r := d.Detect(s); r.Intent == in && !r.Uncertain {
			t.Errorf("Detect(%q) = %s scope=%s (rule %s, %q), acted on at once; it is not a request of that kind",
				s, r.Intent, r.Scope, r.Rule, r.Matched)
		}
	}
}

// TestB14ExplicitAll: an opt-out that names the offers and then every
// other message was read as an opt-out of marketing only (order updates the
// person refused by name kept coming), or missed.
func TestB14ExplicitAll(t *testing.T) {
	d := newDetector(t)
	for _, s := range []string{
		"não quero receber promoções nem nenhuma outra mensagem",
		"nao quero receber promoção nem aviso de pedido",
		"para de mandar promoção e qualquer outra mensagem",
		"no quiero promociones ni ningun otro mensaje",
		"no more promotions or any other messages",
		"I don't want promotions or order updates",
		"stop sending promos and everything else",
		"stop all messages, including promotions",
		"geen reclame en ook geen andere berichten meer",
		"basta promozioni e basta messaggi",
		"keine Werbung und auch keine anderen Nachrichten mehr",
		"je ne veux ni pub ni aucun autre message",
		"no messages at all please",
	} {
		if r := d.Detect(s); r.Intent != OptOut || r.Scope != ScopeAll || r.Uncertain {
			t.Errorf("Detect(%q) = %s scope=%q uncertain=%v (rule %s); want a certain opt_out of all", s, r.Intent, r.Scope, r.Uncertain, r.Rule)
		}
	}
	// Other offers are offers; what is kept is kept.
	for _, s := range []string{
		"não quero mais promoções nem outras ofertas",
		"no more promos or other offers",
		"no more promos and order updates are fine",
		"não quero promoções e as mensagens do pedido eu quero",
		"só quero os avisos do pedido, promoção não",
		"no quiero promociones ni mensajes promocionales",
		"stop sending me promos, order updates are fine",
	} {
		if r := d.Detect(s); r.Intent != OptOut || r.Scope != ScopeMarketing {
			t.Errorf("Detect(%q) = %s scope=%q (rule %s); want opt_out of marketing", s, r.Intent, r.Scope, r.Rule)
		}
	}
}

// TestB14NotAnOptIn: an opt-in acted on lifts an earlier opt-out. A "no"
// to the sender's question and receiving again told as a fact were read as
// opt-ins; a real wish to receive again still is one.
func TestB14NotAnOptIn(t *testing.T) {
	notActedOn(t, OptIn, []string{
		"quer receber nossas ofertas? não",
		"quer receber nossas ofertas? não, obrigado",
		"I started receiving your messages again, thanks",
		"voltei a receber as mensagens de vocês",
		"quero voltar a receber minhas encomendas no endereço antigo",
	})
	d := newDetector(t)
	for _, s := range []string{
		"quer receber nossas ofertas? sim",
		"quero voltar a receber as promoções",
		"I want to start receiving your messages again",
	} {
		if r := d.Detect(s); r.Intent != OptIn {
			t.Errorf("Detect(%q) = %s (rule %s); want opt_in", s, r.Intent, r.Rule)
		}
	}
}

// TestB14Doubt: someone else's words, a quoted instruction, a rhetorical or
// hypothetical question, calls refused while messages are asked for, and an
// order's "it" were acted on as opt-outs. They are asked once now (never
// dropped); the person's own opt-out next to the same words is still acted
// on.
func TestB14Doubt(t *testing.T) {
	wantOptOutAtLeastAsked(t, []string{
		"minha amiga disse que não quer mais receber mensagens de vocês, eu quero continuar",
		"it says reply STOP to unsubscribe, is this legit?",
		"quem disse que eu quero parar de receber?",
		"cancela meu pedido, não quero mais receber ele",
		"não quero mais receber ligação, só mensagem",
	})
	wantActedOptOut(t, []string{
		"who said you could text me?? STOP",
		"who said I wanted these? stop texting me",
		"is this legit? it says reply STOP. STOP",
		"isso é golpe? recebi msg dizendo responda SAIR. nao quero mais receber nada disso",
		"não quero mais receber mensagens, quero continuar sendo cliente",
		"meu marido disse que é golpe. não quero mais receber mensagens",
		"minha mãe não quer mais receber mensagens de vocês, tira o número dela",
		"não quero mais receber ligação nem mensagem, só email",
		"cancelei meu pedido e nao quero mais receber mensagens de vcs",
		"el paquete ya llego, ya no quiero recibir mensajes",
		"cancela tudo, não quero mais receber ela, essa mensagem chata",
	})
}

// TestB14NoList: "keine Werbung und keine Nachrichten" was none in every
// language: "no X" had to stand alone or with "more"; a list of refused
// things is as firm, and names messages, so it reaches everything.
func TestB14NoList(t *testing.T) {
	d := newDetector(t)
	for _, s := range []string{
		"keine Werbung und keine Nachrichten",
		"no promos and no messages",
		"sem propaganda e sem mensagem",
		"geen reclame en geen berichten",
		"pas de pub et pas de messages",
	} {
		if r := d.Detect(s); r.Intent != OptOut || r.Scope != ScopeAll || r.Uncertain {
			t.Errorf("Detect(%q) = %s scope=%q uncertain=%v (rule %s); want a certain opt_out of all", s, r.Intent, r.Scope, r.Uncertain, r.Rule)
		}
	}
	// A complaint about not receiving is not a request.
	notActedOn(t, OptOut, []string{"ich bekomme keine Werbung und keine Nachrichten"})
}
