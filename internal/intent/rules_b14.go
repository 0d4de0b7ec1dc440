package intent

import "strings"

// Rules added in round b14 (lexicon_b14.go), after the twelfth review.

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
