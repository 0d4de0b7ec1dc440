package intent

import "strings"

// More rules, on the roles of lexicon_more.go: counted requests ("c'est la
// 3e fois"), the sending of messages as a noun ("interrompam o envio de
// mensagens"), a number that now belongs to someone else, "only X, not Y"
// marketing scope, "I unsubscribed and still get them", spaced letters
// ("U N S U B S C R I B E"), jokes with praise ("chega de promoção boa
// assim kkk"), someone else's group ("sair do grupo da família"), a stop
// whose object in the next clause is not a message ("hört auf, mir falsche
// Rechnungen zu schicken"), questions about a keyword ("o que significa
// SAIR?") or about leaving ("se eu sair da lista ainda recebo o boleto?"),
// and help questions about cost, commands and managing the messages.

// mergeLetters joins a run of at least four single letters into one word:
// "U N S U B S C R I B E", "S.A.I.R".
func mergeLetters(raw []rawToken) []rawToken {
	single := func(t rawToken) bool { return len(t.text) == 1 && t.text[0] >= 'a' && t.text[0] <= 'z' }
	n := 0
	for _, t := range raw {
		if single(t) {
			n++
		}
	}
	if n < 4 {
		return raw
	}
	out := raw[:0]
	for i := 0; i < len(raw); {
		j := i
		for j < len(raw) && single(raw[j]) {
			j++
		}
		if j-i >= 4 {
			var b strings.Builder
			for k := i; k < j; k++ {
				b.WriteString(raw[k].text)
			}
			out = append(out, rawToken{text: b.String(), clause: raw[i].clause})
			i = j
			continue
		}
		if j == i {
			j = i + 1
		}
		out = append(out, raw[i:j]...)
		i = j
	}
	return out
}

// prepareMore runs before the classes of the message are summed up.
func (m *message) prepareMore() {
	for i := range m.toks {
		t := &m.toks[i]
		// "cuarta vez", "3e fois", "é o 4º pedido": an earlier request, not an order;
		// "2 vezes por semana" is a frequency.
		if t.role&rTimes != 0 && i > 0 && m.toks[i-1].clause == t.clause && isCount(m.toks[i-1].text) &&
			(i+1 >= len(m.toks) || m.toks[i+1].clause != t.clause || m.toks[i+1].cls&cFreq == 0) {
			m.toks[i-1].role |= rAlready
			t.cls &^= cTxn
		}
		// "o envio de mensagens", "el envío de promociones": the sending, not a shipment.
		if t.role&rSendNoun != 0 {
			for j := i + 1; j < len(m.toks) && j <= i+3 && m.toks[j].clause == t.clause; j++ {
				u := m.toks[j]
				if u.cls&(cMsg|cMkt) != 0 && u.cls&cTxn == 0 {
					t.cls = t.cls&^cTxn | cMsg
					break
				}
				if !skippable(u) {
					break
				}
			}
		}
	}
}

// notMineNumber: "esse número não é mais da Rosângela", "this number was my
// dad's", "número equivocado": the person wants the number off the list.
func (m *message) notMineNumber() bool {
	if m.allR&rNotMine == 0 || m.all&cNumber == 0 {
		return false
	}
	for _, c := range m.clauses {
		if m.hasRole(c[0], c[1], rNotMine) && m.has(c[0], c[1], cNumber) {
			return true
		}
	}
	return false
}

// joke: praise right after the object in a laughing message: "chega de
// promoção boa assim kkkk", "para de mandar oferta boa demais haha".
func (m *message) joke(o int) bool {
	if !m.joy || m.insist() || o < 0 {
		return false
	}
	e := m.clauseEnd(o)
	if m.toks[o].cls&(cMsg|cMkt) == 0 {
		o = m.find(o, e, cMsg|cMkt) // "para de mandar promoção boa assim"
	}
	if o < 0 || o+1 >= e {
		return false
	}
	// Laughter alone after the object is a tone, not praise: "hört auf mit
	// den Sprachnachrichten haha" is meant. It makes a joke only next to
	// praise elsewhere in the message.
	return m.toks[o+1].role&rPraise != 0 || (m.toks[o+1].role&rJoy != 0 && m.allR&rPraise != 0)
}

// groupOther: "o grupo da família", "the group of my school": a group that a
// modifier names as someone else's, not the sender's list.
func (m *message) groupOther(o, e int) bool {
	if m.toks[o].role&rGroup == 0 {
		return false
	}
	for j := o + 1; j < e && j <= o+3; j++ {
		u := m.toks[j]
		if u.cls&cPrep != 0 || (u.cls&cSkip != 0 && u.role&rYou == 0) {
			continue
		}
		// A group of people ("da família", "de la escuela") is someone else's;
		// a group named after a business or a product ("de la lotería") is
		// the sender's list.
		return u.role&rPeople != 0 || u.cls&cTxn != 0
	}
	return false
}

// fromList: "retira meu nome e telefone do mailing": a list named after the
// object, introduced by a preposition.
func (m *message) fromList(o, e int) bool {
	prep := false
	for j := o + 1; j < e && j <= o+5; j++ {
		u := m.toks[j]
		if u.cls&cPrep != 0 {
			prep = true
		}
		if prep && u.cls&cList != 0 && u.cls&cTxn == 0 && !m.groupOther(j, e) {
			return true
		}
	}
	return false
}

// nextNotMessages: a bare stop whose following clause is about sending
// something that is not a message: "hört auf, mir falsche Rechnungen zu schicken".
func (m *message) nextNotMessages(e int) bool {
	if e >= len(m.toks) {
		return false
	}
	f := e
	for f < len(m.toks) && m.toks[f].clause == m.toks[e].clause {
		f++
	}
	return m.has(e, f, cSend) && m.has(e, f, cTxn|cCorrect) && !m.has(e, f, cMsg|cMkt)
}

// txnHead reports an order, booking or invoice that is the topic of the
// clause, not a modifier of a message noun: "quero receber a nota fiscal"
// but not "ativar notificações de pedido".
func (m *message) txnHead(s, e int) bool {
	t := m.find(s, e, cTxn)
	if t < 0 {
		return false
	}
	if m.has(s, e, cOnly) {
		return true // "só quero mensagem quando tiver pedido" narrows, it does not ask for more
	}
	for j := s; j < t; j++ {
		if u := m.toks[j]; u.cls&(cMsg|cMkt|cList) != 0 && u.cls&cTxn == 0 {
			return false
		}
	}
	return true
}

// metaQuestion: "o que significa SAIR e PARAR?", "what does STOP mean": a
// question about a keyword, not a use of it.
func (m *message) metaQuestion(s, e int) bool {
	if m.hasRole(s, e, rQuery) && m.hasRole(s, e, rWhat) && !m.has(s, e, cTxn) && !m.anyUnknown(s, e) {
		return true // "pra que serve essa lista?", not "para qué sirve este producto"
	}
	return m.hasRole(s, e, rMean) && m.hasRole(s, e, rWhat|rWho|rWhere) && !m.insist()
}

// ifIQuestion: "se eu sair da lista ainda recebo o boleto?", "if I
// unsubscribe, will I still get order updates?": what happens if I leave.
func (m *message) ifIQuestion(s, e int) bool {
	k := m.find(s, e, cIf)
	if k < 0 || !strings.Contains(m.text, "?") {
		return false
	}
	for j := k + 1; j < e && j <= k+3; j++ {
		t := m.toks[j]
		if t.cls&cNeg != 0 {
			return false
		}
		if t.cls&(cLeave|cUnsub|cStop|cRemove) != 0 || (t.lex != nil && t.lex.kw == OptOut) {
			if !m.hasRole(k+1, j, rI) && !m.has(k+1, j, cMe) {
				return false
			}
			return m.allR&rStill != 0 || m.has(j+1, len(m.toks), cRecv)
		}
	}
	return false
}

// onlyNot: "só quero as faturas, promoções não", "solo quiero los avisos de
// mi cita, no promociones", "vorrei ricevere solo le fatture, non le
// promozioni", "só os lembretes, o resto dispenso": keep some messages and
// refuse the marketing ones.
func (m *message) onlyNot(put func(int, candidate)) {
	if m.all&cOnly == 0 || m.all&(cTxn|cMsg) == 0 || m.all&(cMkt|cNeg|cNo|cStop) == 0 {
		return
	}
	only, kept := -1, -1
	for i, t := range m.toks {
		if t.cls&cOnly == 0 || m.negated(m.clauseStart(i), i) {
			continue
		}
		for j := i + 1; j < len(m.toks) && j <= i+6 && m.toks[j].clause == t.clause; j++ {
			if u := m.toks[j]; u.cls&(cTxn|cMsg) != 0 && u.cls&cMkt == 0 {
				only, kept = i, j
				break
			}
			if m.toks[j].cls&cMkt != 0 {
				break
			}
		}
		if only >= 0 {
			break
		}
	}
	if only < 0 {
		return
	}
	if m.chooseQuestion(only) {
		put(prioHelp, candidate{intent: Help, conf: 0.7, rule: "phrase:" + ruleLang(m.lexLangs(only)) + ":choose-question", t0: only, t1: kept + 1, langs: m.lexLangs(only)})
		return
	}
	for j := range m.toks {
		if j >= only && j <= kept {
			continue // the refusal is elsewhere: before ("non le promozioni, solo le fatture") or after
		}
		t := m.toks[j]
		if t.cls&cMkt != 0 && t.cls&cTxn == 0 && m.refused(j) {
			put(prioOptOut, candidate{intent: OptOut, scope: ScopeMarketing, conf: 0.86, rule: "phrase:" + ruleLang(m.lexLangs(only)) + ":only-not-marketing", t0: min(only, j), t1: max(kept, j) + 1, langs: m.lexLangs(only)})
			return
		}
		if t.role&rRest != 0 {
			s, e := m.clauseStart(j), m.clauseEnd(j)
			if m.has(s, e, cNeg|cNo|cStop|cUnsub) || m.hasNo(s, e) {
				put(prioOptOut, candidate{intent: OptOut, scope: ScopeMarketing, conf: 0.85, rule: "phrase:" + ruleLang(m.lexLangs(only)) + ":only-not-the-rest", t0: min(only, j), t1: max(kept, j) + 1, langs: m.lexLangs(only)})
				return
			}
		}
	}
}

// refused: a negation right before or after a marketing noun, with only
// articles between: "no promociones", "non le promozioni", "promoções não".
func (m *message) refused(j int) bool {
	s, e := m.clauseStart(j), m.clauseEnd(j)
	for k := j - 1; k >= s && k >= j-3; k-- {
		if m.toks[k].cls&(cNeg|cNo) != 0 {
			return true
		}
		if m.toks[k].cls&cSkip == 0 {
			break
		}
	}
	return j+1 < e && m.toks[j+1].cls&cNeg != 0 && m.toks[j+1].cls&cWant == 0
}

// hasNo reports a bare "no" that is not a verb negation in its language:
// "il resto no", "le reste non merci".
func (m *message) hasNo(s, e int) bool {
	for j := s; j < e; j++ {
		switch m.toks[j].text {
		case "no", "non", "nee", "nein":
			return true
		}
	}
	return false
}

func (m *message) clauseStart(i int) int {
	for i > 0 && m.toks[i-1].clause == m.toks[i].clause {
		i--
	}
	return i
}

func (m *message) clauseEnd(i int) int {
	c := m.toks[i].clause
	for i < len(m.toks) && m.toks[i].clause == c {
		i++
	}
	return i
}

// stillReceiving: "ik heb me al 3 keer afgemeld en krijg nog steeds
// berichten", "me di de baja y siguen llegando mensajes".
func (m *message) stillReceiving(put func(int, candidate)) {
	if m.allR&rUnsubbed == 0 || m.all&(cAccident|cResume|cSubscribe) != 0 {
		return
	}
	if m.allR&(rStill|rAlready|rAnnoy) == 0 || m.all&(cMsg|cMkt|cRecv|cSend) == 0 || m.txnOnly() {
		return
	}
	for i, t := range m.toks {
		if t.role&rUnsubbed == 0 || m.negated(m.clauseStart(i), i) {
			continue
		}
		put(prioOptOut, candidate{intent: OptOut, scope: ScopeAll, conf: 0.88, rule: "phrase:" + ruleLang(m.lexLangs(i)) + ":unsubscribed-still-receiving", t0: i, t1: i + 1, langs: m.lexLangs(i)})
		return
	}
}

// helpMore: "tem custo receber essas mensagens?", "Kost dit geld?",
// "dúvida sobre as mensagens", "how do I manage what you send me?",
// "quais são os comandos?".
func (m *message) helpMore(put func(int, candidate)) {
	const roles = rCost | rDoubt | rManage | rCommand
	if m.allR&roles == 0 || m.txnOnly() {
		return
	}
	help := func(i int, rule string, conf float64) {
		put(prioHelp, candidate{intent: Help, conf: conf, rule: "phrase:" + ruleLang(m.lexLangs(i)) + ":" + rule, t0: i, t1: i + 1, langs: m.lexLangs(i)})
	}
	msgs := m.all&(cMsg|cRecv|cSend|cMkt) != 0
	question := strings.Contains(m.text, "?") || m.all&cHow != 0 || m.allR&rWhat != 0
	for _, c := range m.clauses {
		s, e := c[0], c[1]
		if m.has(s, e, cTxn|cCall) && !m.has(s, e, cMsg|cMkt) {
			continue
		}
		for i := s; i < e; i++ {
			t := m.toks[i]
			switch {
			case t.role&rCost != 0 && question && !m.hasRole(s, e, rHowMuch) && (msgs || m.plainDemo(s, e)):
				help(i, "cost-question", 0.7)
				return
			case t.role&rDoubt != 0 && msgs:
				help(i, "question-about-messages", 0.65)
				return
			case t.role&rManage != 0 && msgs && question:
				help(i, "manage-messages", 0.7)
				return
			case t.role&rCommand != 0 && (question || m.onlyAround(s, e, i, 0)):
				help(i, "commands", 0.7)
				return
			}
		}
	}
}

// plainDemo: a short clause about "this" with no unknown word: "isto tem
// algum custo para mim?", not "quanto custa esse tênis".
func (m *message) plainDemo(s, e int) bool {
	if !m.hasRole(s, e, rDemo) {
		return false
	}
	for j := s; j < e; j++ {
		if m.unknown(j) {
			return false
		}
	}
	return true
}
