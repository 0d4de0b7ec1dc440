package intent

import "strings"

// Rules added in round b14 (lexicon_b14.go), after the twelfth review.
// Recall first: a call verb joined by "and / or / nor" to a send verb or a
// message noun does not end the object of a stop verb ("parem de me ligar
// e de mandar mensagem", "stop calling and texting me").

// A send verb with "here / by WhatsApp" after it moves the calls to
// messages ("podem parar de ligar e mandar tudo por aqui?").

// coordinators join two objects of one verb.
var coordinators = map[string]bool{
	"e": true, "ou": true, "nem": true, // pt
	"y": true, "o": true, "ni": true, // es
	"and": true, "or": true, "nor": true, "n": true, // en
	"en": true, "of": true, // nl
	"ed": true, "ne": true, // it
	"und": true, "oder": true, "noch": true, // de
	"et": true, // fr
}

// callAndMessages returns the send verb or message noun joined by a
// coordinator to the call verb at o, or -1.
func (m *message) callAndMessages(o, e int) int {
	for j := o + 1; j < e && j <= o+3; j++ {
		t := m.toks[j]
		if coordinators[t.text] {
			o2, _ := m.object(j, e)
			if o2 >= 0 && m.toks[o2].cls&(cSend|cMsg) != 0 && m.toks[o2].cls&(cTxn|cCall) == 0 && !m.hasRole(o2, e, rHere) {
				return o2
			}
			return -1
		}
		if !skippable(t) {
			return -1
		}
	}
	return -1
}

// Scope: an opt-out that names the offers and, after a coordinator, other
// messages by name is an opt-out of everything: "any other message"
// ("para de mandar promoção e qualquer outra mensagem", "keine Werbung und
// auch keine anderen Nachrichten mehr"), "everything else", or a message
// noun after "nor / ni / nem" or after "or" in a negated clause ("não quero
// promoções nem avisos de pedido"), or a message noun before "including"
// the offers ("stop all messages including promotions"). "Other offers",
// "and order updates are fine", "and the rest is ok" stay marketing: the
// other thing is an offer too, or it is kept.

// otherWords qualify a noun as "other": "qualquer outra mensagem".
var otherWords = map[string]bool{
	"outra": true, "outras": true, "outro": true, "outros": true,
	"otro": true, "otra": true, "otros": true, "otras": true, "demas": true,
	"other": true, "others": true, "else": true,
	"andere": true, "ander": true, "overige": true,
	"altri": true, "altre": true, "altro": true, "altra": true,
	"anderen": true, "anderer": true, "anderes": true, "sonstige": true, "sonstigen": true, "sonst": true,
	"autre": true, "autres": true,
}

// anyWords may stand between a coordinator and the noun it joins.
var anyWords = map[string]bool{
	"qualquer": true, "nenhuma": true, "nenhum": true, "ningun": true, "ninguna": true, "ningunos": true,
	"any": true, "no": true, "geen": true, "nessun": true, "nessuna": true, "nessuno": true, "alcun": true, "alcuna": true,
	"keine": true, "keinen": true, "kein": true, "aucun": true, "aucune": true, "ook": true, "auch": true, "also": true,
	"tampoco": true, "tambem": true, "anche": true, "aussi": true, "pas": true, "de": true, "d": true,
}

// negCoordinators join two things that are both refused.
var negCoordinators = map[string]bool{"nem": true, "ni": true, "nor": true, "noch": true, "ne": true}

// orWords join two things that are both refused in a negated clause.
var orWords = map[string]bool{"ou": true, "o": true, "or": true, "of": true, "oder": true}

// including joins the offers to the messages they belong to.
var including = map[string]bool{
	"incluindo": true, "inclusive": true, "incluyendo": true, "including": true, "incl": true,
	"inclusief": true, "inclusi": true, "incluse": true, "compresi": true, "comprese": true,
	"einschliesslich": true, "inklusive": true, "inkl": true, "compris": true,
}

// widened reports whether the clause [s,e), which names offers, names
// other messages as unwanted too.
func (m *message) widened(s, e int) bool {
	k := m.find(s, e, cMkt)
	if k < 0 || m.has(s, e, cOnly|cCan|cContinue) || m.hasRole(s, e, rYes|rKeep) {
		return false // "só quero os avisos, promoções não", "promoções não e o resto pode mandar"
	}
	for j := s; j < k; j++ {
		if including[m.toks[j].text] && m.has(s, j, cMsg) && m.plainMessage(m.find(s, j, cMsg)) {
			return true // "stop all messages including promotions"
		}
	}
	negClause := m.has(s, k, cNeg|cNo|cStop|cEnough)
	for a := k + 1; a < e; a++ {
		w := m.toks[a].text
		if !coordinators[w] && !negCoordinators[w] {
			continue
		}
		neg := negCoordinators[w] || (orWords[w] && negClause)
		other := false
		j := a + 1
		for ; j < e && j <= a+6; j++ {
			t := m.toks[j]
			switch {
			case otherWords[t.text]:
				other = true
				continue
			case t.cls&(cNo|cEnough|cStop|cNeg) != 0 && t.cls&(cMsg|cMkt) == 0:
				neg = true // "und auch keine ...", "e basta messaggi"
				continue
			case anyWords[t.text] || t.role&rAlso != 0 || (t.cls&cTxn != 0 && t.cls&cMsg == 0):
				continue // "order updates"
			case skippable(t) && t.cls&cAll == 0:
				continue
			}
			break
		}
		if j >= e || j > a+6 {
			continue
		}
		t := m.toks[j]
		if t.text == "everything else" || (t.cls&cAll != 0 && j+1 < e && (otherWords[m.toks[j+1].text] || m.toks[j+1].role&rRest != 0)) {
			return true // "and everything else"
		}
		if (other || neg) && m.plainMessage(j) && !m.has(j+1, e, cWant) {
			return true
		}
	}
	return false
}

// plainMessage reports a message noun that is not itself about offers
// ("mensagens promocionais", "messages about your offers" are offers).
func (m *message) plainMessage(j int) bool {
	t := m.toks[j]
	if t.cls&cMsg == 0 || t.cls&(cMkt|cSend|cTxn) != 0 {
		return false
	}
	if j > 0 && m.toks[j-1].clause == t.clause && m.toks[j-1].cls&cMkt != 0 {
		return false // "marketing messages"
	}
	for k := j + 1; k < len(m.toks) && k <= j+3 && m.toks[k].clause == t.clause; k++ {
		if m.toks[k].cls&cMkt != 0 {
			return false // "mensagens promocionais", "mensagens de promoção"
		}
		if !skippable(m.toks[k]) {
			break
		}
	}
	return true
}

// wider reports whether opt-out c stops more than b, which it would replace
// at the same priority: c reaches every topic and names what it stops, "all"
// or a message that is not an offer, where b stops the offers only ("para
// de mandar promoção. aliás, para de mandar tudo").
func (m *message) wider(c, b *candidate) bool {
	if c.intent != OptOut || b.intent != OptOut || c.scope != ScopeAll || b.scope != ScopeMarketing || c.words || c.uncertain || b.uncertain {
		return false
	}
	t := min(c.t0, len(m.toks)-1)
	for j, e := m.clauseStart(t), m.clauseEnd(t); j < e; j++ {
		if m.toks[j].cls&cAll != 0 || m.plainMessage(j) {
			return true
		}
	}
	return false
}

// Opt-in: an opt-in acted on lifts an earlier opt-out, so two statements
// are not opt-ins: the sender's question repeated and answered "no" ("quer
// receber nossas ofertas? não"), and receiving again told as a fact ("I
// started receiving your messages again, thanks").

// startedWords tell that receiving started (again): a fact, not a wish.
var startedWords = map[string]bool{
	"comecei": true, "voltei": true, "empece": true, "volvi": true,
	"started": true, "began": true, "begon": true, "begonnen": true, "angefangen": true,
	"iniziato": true, "ricominciato": true, "commence": true, "recommence": true,
}

// b14Veto drops an opt-in of those two kinds.
func (m *message) b14Veto(c *candidate) bool {
	if c.intent != OptIn || c.keyword || c.words || len(m.toks) == 0 {
		return false
	}
	t := min(c.t0, len(m.toks)-1)
	s, e := m.clauseStart(t), m.clauseEnd(t)
	if e < len(m.toks) && strings.Contains(m.text, "?") && m.refusalTail(e) {
		return true // "quer receber nossas ofertas? não"
	}
	if !m.has(s, e, cWant|cCan) {
		for j := s; j < e; j++ {
			if startedWords[m.toks[j].text] {
				return true // "I started receiving your messages again"
			}
		}
	}
	return false
}

// refusalTail reports that the message from token e on is only a "no"
// ("não", "no thanks", "nee, dank je").
func (m *message) refusalTail(e int) bool {
	no := false
	for _, t := range m.toks[e:] {
		switch {
		case t.cls&(cNeg|cNo) != 0 && t.cls&(cMsg|cMkt|cWant|cRecv|cSend) == 0:
			no = true
		case t.cls&cFiller != 0:
		default:
			return false
		}
	}
	return no
}

// Doubt: opt-outs that may be someone else's words or about something
// else are asked once, never dropped: an instruction quoted from a message
// the person asks about ("it says reply STOP to unsubscribe, is this
// legit?"); "who said I want to stop?" and "if I say I don't want ...?";
// someone else's wish followed by the person's own wish to continue
// ("minha amiga disse que não quer mais receber mensagens, eu quero
// continuar"); calls refused and messages asked for ("não quero mais
// receber ligação, só mensagem"); an order cancelled and "it" not wanted
// ("cancela meu pedido, não quero mais receber ele"), a parcel not wanted.

// sayWords are past forms of saying: "quem disse que ...?".
var sayWords = map[string]bool{
	"disse": true, "falou": true, "said": true, "dijo": true, "zei": true, "gezegd": true,
	"detto": true, "gesagt": true, "sagt": true, "dit": true,
}

// ifSayWords are a hypothetical saying after "if": "se eu disser".
var ifSayWords = map[string]bool{
	"disser": true, "falar": true, "say": true, "digo": true, "dijera": true, "zeg": true,
	"dico": true, "dicessi": true, "sage": true, "dis": true,
}

// callNouns are phone calls, not messages.
var callNouns = map[string]bool{
	"ligacao": true, "ligacoes": true, "chamada": true, "chamadas": true, "llamada": true, "llamadas": true,
	"call": true, "calls": true, "telefoontjes": true, "chiamata": true, "chiamate": true,
	"anruf": true, "anrufe": true, "appel": true, "appels": true,
}

// itWords are object pronouns that may stand for an order or a parcel.
var itWords = map[string]bool{"ele": true, "ela": true, "it": true, "lo": true, "la": true, "het": true, "ihn": true, "le": true, "lui": true}

// parcelNouns are parcels: receiving one is a delivery.
var parcelNouns = map[string]bool{
	"pacote": true, "paquete": true, "package": true, "parcel": true, "pakket": true, "pakketje": true,
	"pacco": true, "paket": true, "colis": true,
}

func (m *message) b14Doubt(c *candidate) bool {
	if len(m.toks) == 0 {
		return false
	}
	t0 := min(c.t0, len(m.toks)-1)
	s, e := m.clauseStart(t0), m.clauseEnd(t0)
	question := strings.HasSuffix(strings.TrimSpace(m.text), "?")
	if question {
		for j := s; j+1 < e && j < t0; j++ {
			if m.toks[j].role&rWho != 0 && sayWords[m.toks[j+1].text] {
				return true // "quem disse que eu quero parar de receber?"
			}
			if m.toks[j].cls&cIf != 0 && (ifSayWords[m.toks[j+1].text] || (j+2 < len(m.toks) && ifSayWords[m.toks[j+2].text])) {
				return true // "se eu disser que não quero mais receber ... eu perco o desconto?"
			}
		}
	}
	if strings.Contains(m.text, "?") && m.allR&(rScam|rOfficial) != 0 && m.hasRole(s, t0, rReply) {
		return true // "it says reply STOP to unsubscribe, is this legit?"
	}
	if c.scope == ScopeAll && m.saidBefore(s, t0) {
		for _, cl := range m.clauses {
			if cl[0] > t0 && m.bareContinue(cl[0], cl[1]) {
				return true // "minha amiga disse que não quer mais receber, eu quero continuar"
			}
		}
	}
	last := min(c.t1, len(m.toks)) - 1
	for j := s; j < e; j++ {
		t := m.toks[j].text
		if callNouns[t] && !m.has(s, e, cMsg|cMkt) && m.has(j+1, len(m.toks), cOnly) && m.has(m.find(j+1, len(m.toks), cOnly), len(m.toks), cMsg) {
			return true // "não quero mais receber ligação, só mensagem"
		}
		if parcelNouns[t] && !m.has(s, e, cMsg|cMkt|cAll) {
			return true // "ya no quiero recibir el paquete"
		}
		if itWords[t] && m.all&cCancel != 0 && m.all&cTxn != 0 && !m.has(s, e, cMsg|cMkt|cAll) &&
			(j == last || (j+1 < e && m.toks[j+1].cls&(cNeg|cMore) != 0)) {
			return true // "cancela meu pedido, não quero mais receber ele"
		}
	}
	return false
}

// saidBefore reports a past form of saying in [s,i): "minha amiga disse que".
func (m *message) saidBefore(s, i int) bool {
	for j := s; j < i; j++ {
		if sayWords[m.toks[j].text] {
			return true
		}
	}
	return false
}

// bareContinue reports a clause that is only "(I) want to continue": "eu
// quero continuar", "I want to keep getting them", "ik wil blijven".
func (m *message) bareContinue(s, e int) bool {
	want, cont := false, false
	for _, t := range m.toks[s:e] {
		switch {
		case t.cls&cWant != 0:
			want = true
		case t.cls&cContinue != 0:
			cont = true
		case t.cls&cRecv != 0, t.role&rI != 0, skippable(t), t.cls&cFiller != 0:
		default:
			return false
		}
	}
	return want && cont
}

// noList reports a clause that only lists what the person refuses: "keine
// Werbung und keine Nachrichten", "no promos and no messages", "sem
// propaganda e sem mensagem".
func (m *message) noList(s, e int) bool {
	nouns := 0
	for _, t := range m.toks[s:e] {
		switch {
		case t.cls&(cMsg|cMkt) != 0 && t.cls&(cTxn|cCall) == 0:
			nouns++
		case coordinators[t.text], negCoordinators[t.text], anyWords[t.text], t.role&rAlso != 0:
		case t.lex != nil && t.cls&(cNo|cFiller|cSkip|cMore) != 0 && t.cls&(cNeg|cTxn|cCall) == 0:
		default:
			return false
		}
	}
	return nouns >= 2
}
