package intent

// From a fourteenth review, of round b14 (20b3dab..7c2dc70) against
// 4e89d22. Every sentence here was read correctly by 4e89d22 and misread by
// b14, before the commit that adds the test fixed it. Fail-open
// regressions first (the person's own opt-out asked instead of acted on),
// then sentences b14 acts on as an opt-out of everything that are not one.

import "testing"

// r14Acted fails unless the text is a certain opt-out of everything.
func r14Acted(t *testing.T, texts []string) {
	t.Helper()
	d := newDetector(t)
	for _, s := range texts {
		if r := d.Detect(s); r.Intent != OptOut || r.Uncertain || r.Scope != ScopeAll {
			t.Errorf("Detect(%q) = %s scope=%q uncertain=%v (rule %s, %q); want a certain opt_out of all",
				s, r.Intent, r.Scope, r.Uncertain, r.Rule, r.Matched)
		}
	}
}

// r14NotActed fails when the text is a certain opt-out.
func r14NotActed(t *testing.T, texts []string) {
	t.Helper()
	d := newDetector(t)
	for _, s := range texts {
		if r := d.Detect(s); r.Intent == OptOut && !r.Uncertain {
			t.Errorf("Detect(%q) = certain opt_out scope=%q (rule %s, %q); want it not acted on",
				s, r.Scope, r.Rule, r.Matched)
		}
	}
}

// TestReview14WhoSaidNoComma: "who said you could text me" followed by the
// person's own stop in the same clause (no comma, as typed on WhatsApp) and
// a final "?" is asked: b14Doubt only looks for who + say before the
// opt-out in the clause, not whether the opt-out is the thing "said".
func TestReview14WhoSaidNoComma(t *testing.T) {
	r14Acted(t, []string{
		"who said u could text me stop texting me?",
		"WHO SAID YOU COULD MESSAGE ME STOP MESSAGING ME?",
		"quem disse que vcs podem me mandar msg para de mandar?",
		"quem falou que eu quero isso nao quero mais receber mensagem?",
		"quien dijo que me pueden escribir deja de escribirme?",
		"wie zei dat jullie mij mogen appen stop met appen?",
		"wie zei dat jullie mogen appen ik wil geen berichten meer?",
		"chi detto che potete scrivermi smettete di scrivermi?",
		"wer sagt dass ihr mir schreiben dürft ich will keine Nachrichten mehr?",
		"wer sagt dass ihr mir schreiben dürft hört auf mir zu schreiben?",
		"qui dit que vous pouvez m'écrire arretez de m'envoyer des messages?",
	})
}

// TestReview14IfISayInsisting: "if I say stop it means stop, got it?" is the
// person insisting, not a hypothetical; any message ending in "?" with
// if + say before the opt-out is asked.
func TestReview14IfISayInsisting(t *testing.T) {
	r14Acted(t, []string{
		"if i say stop texting me you have to stop texting me, right?",
		"se eu disser pare é pra parar de mandar, entendeu?",
		"si digo que no quiero mas mensajes es que no quiero, entiendes?",
		"se dico basta scrivermi vuol dire smettete di scrivermi, capito?",
		"se vi dico smettete di scrivermi è smettete di scrivermi, ok?",
		"wenn ich sage keine Nachrichten mehr, dann meine ich das, klar?",
	})
}

// TestReview14ReplyWordAfterScamQuestion: "responde / answer / antwoord /
// antworte" as the person's own imperative ("answer me and stop texting")
// after a scam/official question is read as a quoted "reply STOP"
// instruction, so the person's own opt-out is asked.
func TestReview14ReplyWordAfterScamQuestion(t *testing.T) {
	r14Acted(t, []string{
		"is this a scam? answer me and stop texting",
		"is this legit? answer me and stop sending me messages",
		"é golpe? responde aí e para de me mandar mensagem",
		"é oficial isso? responde e para de me mandar mensagem",
		"is dit officieel? antwoord en stop met appen",
		"is dit oplichting? antwoord en hou op met appen",
		"ist das seriös? antworte und hört auf mir zu schreiben",
	})
}

// TestReview14ParcelNamedInOwnOptOut: a parcel named in a stop-texting
// request ("stop texting me about a parcel, this is a scam") is asked as if
// the parcel itself were refused; the send verb (texting, escrever,
// escribir, appen, écrire) is not a message noun so the guard misses it.
func TestReview14ParcelNamedInOwnOptOut(t *testing.T) {
	r14Acted(t, []string{
		"stop texting me about some package, I never ordered anything",
		"stop texting me about a parcel, this is a scam",
		"para de me escrever sobre pacote, é golpe",
		"dejen de escribirme por un paquete que no pedi",
		"no quiero que me escriban mas sobre ningun paquete",
		"hou op met appen over een pakketje, ik heb niks besteld",
		"arrêtez de m'écrire à propos d'un colis",
	})
}

// TestReview14CallsThenNoMessagesEither: calls refused, then "só ... sem
// mensagem também" is read as "calls no, only messages".
func TestReview14CallsThenNoMessagesEither(t *testing.T) {
	r14Acted(t, []string{
		"não quero mais receber ligação, só quero paz, sem mensagem também",
	})
}

// TestReview14StopCallingAndTextMe: callAndMessages joins an IMPERATIVE
// send verb after "and" ("and text me", "e mande mensagem") to the stop
// verb, so a person asking to be messaged instead of called is acted on as
// an opt-out of every message. 4e89d22 read all of these as none.
func TestReview14StopCallingAndTextMe(t *testing.T) {
	r14NotActed(t, []string{
		"stop calling and text me instead",
		"stop calling me and just text me",
		"stop calling and send me a text instead pls",
		"stop calling and message me, i cant pick up at work",
		"parem de ligar e mandem mensagem",
		"pare de ligar e mande mensagem",
		"para de me ligar e me manda msg",
		"para de ligar e manda mensagem que eu respondo",
		"deja de llamarme y mandame un mensaje",
		"deja de llamar y mandame whatsapp",
		"stop met bellen en stuur een bericht",
		"hou op met bellen en stuur me een appje",
		"smettete di chiamare e mandatemi un messaggio",
		"hört auf anzurufen und schickt mir eine Nachricht",
		"arretez d'appeler et envoyez moi un message",
		"arrêtez de m'appeler et envoyez moi un sms",
	})
}

// TestReview14NoListQuestion: noList acts on a question remarking that no
// promos or messages came.
func TestReview14NoListQuestion(t *testing.T) {
	r14NotActed(t, []string{
		"no promos and no messages today? weird",
	})
}
