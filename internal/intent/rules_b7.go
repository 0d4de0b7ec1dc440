package intent

import "strings"

// Rules added after blind sets 7 and 8, on the roles of lexicon_b7.go:
// "take in" is an opt-in ("nehmt mich in die Liste auf"); a second
// negation closes the first ("não quero mais não, pode tirar meu número"); a
// stop keyword before "from the list" ("baja de la lista de difusión"); an
// unsubscribe verb at the end of a clause whose object came before it with a
// preposition ("mich für die Fahrstunde abmelden"); a message noun after a
// modifier ("the event alerts"); "notify me here when" as an opt-in; "X yes,
// Y no" as a marketing opt-out ("los recibos sí, las ofertas no").

// prepareB7 runs before the classes of the message are summed up.
func (m *message) prepareB7() {
	for i := range m.toks {
		t := &m.toks[i]
		// "bloqueia envio", "stop sending": a block or stop verb right before a
		// bare "sending" that ends the clause stops the sending itself.
		if t.role&rSendNoun != 0 && i > 0 && m.toks[i-1].clause == t.clause && (i+1 == len(m.toks) || m.toks[i+1].clause != t.clause) {
			if v := &m.toks[i-1]; v.cls&(cStop|cRemove) != 0 && v.cls&cCancel == 0 {
				v.cls |= cStop
				t.cls = t.cls&^cTxn | cMsg
			}
		}
		if t.cls&cTake == 0 {
			continue
		}
		// "nehmt mich in die Liste auf": aufnehmen takes in, it does not take out.
		for j := i + 1; j < len(m.toks) && j <= i+7 && m.toks[j].clause == t.clause; j++ {
			if m.toks[j].text == "auf" && (j+1 == len(m.toks) || m.toks[j+1].clause != t.clause) {
				t.cls = t.cls&^(cTake|cRemove) | cAdd
				m.toks[j].cls &^= cParticle
				break
			}
		}
	}
}

// closingNeg: a negation that repeats one shortly before it after a wish or
// "more" ("não quero mais não"): it closes that sentence and negates nothing
// after it.
func (m *message) closingNeg(s, j int) bool {
	for k := j - 1; k >= s && k >= j-3; k-- {
		if m.toks[k].cls&cNeg != 0 {
			return m.has(k+1, j, cWant|cMore)
		}
	}
	return false
}

// keywordFromList: a stop keyword at the start of a clause, then a
// preposition and a list: "baja de la lista de difusión", "stop from this list".
func (m *message) keywordFromList(s, e, i, o int, prep bool) bool {
	if o < 0 || !prep || m.toks[o].cls&cList == 0 || m.toks[o].cls&cTxn != 0 || m.groupOther(o, e) || m.negated(s, i) {
		return false
	}
	for j := s; j < i; j++ {
		if m.toks[j].cls&cFiller == 0 {
			return false
		}
	}
	return true
}

// prepObjectBefore: a preposition followed by a thing that is not a message
// before a clause-final verb: "ich muss mich für die Fahrstunde abmelden",
// "ik moet me voor de cursus afmelden".
func (m *message) prepObjectBefore(s, i, e int) bool {
	if m.has(s, e, cMsg|cMkt|cList|cNumber) {
		return false
	}
	for j := s; j < i; j++ {
		if m.toks[j].cls&cPrep == 0 {
			continue
		}
		for k := j + 1; k < i && k <= j+3; k++ {
			if m.unknown(k) || m.toks[k].cls&cTxn != 0 {
				return true
			}
			if !skippable(m.toks[k]) {
				break
			}
		}
	}
	return false
}

// stopEmoji: a stop, no-entry or cross emoji next to words.
func (m *message) stopEmoji() bool {
	return strings.ContainsAny(m.text, "🛑⛔🚫❌")
}

// msgHead: the head noun of an object that starts with unknown modifiers:
// "the event alerts", "as vagas de emprego".
func (m *message) msgHead(o, e int) int {
	if !m.unknown(o) {
		return o
	}
	for j := o + 1; j < e && j <= o+3; j++ {
		t := m.toks[j]
		if t.cls&(cMsg|cMkt) != 0 {
			return j
		}
		if !m.unknown(j) && !skippable(t) {
			break
		}
	}
	return o
}

// notifyWhen: "me avisa por aqui quando abrir as vendas", "quero ser avisado
// quando abrir turma nova", "let me know here when": a request for messages.
func (m *message) notifyWhen(s, e int, in func(int, int, string, float64)) bool {
	n := -1
	for j := s; j < e; j++ {
		if m.toks[j].role&rNotify != 0 {
			n = j
			break
		}
	}
	// "cadastra meu número pra avisar quando ...": registering the number is
	// a request to be notified, even about one order.
	reg := n >= 0 && m.has(s, n, cSubscribe|cAdd) && m.has(s, n, cNumber)
	if n < 0 || m.has(s, n, cNeg) || !m.hasRole(n, e, rWhen) || m.has(s, e, cHow|cWhy) || (m.has(s, e, cTxn|cCall) && !reg) {
		return false
	}
	if !m.has(s, n, cWant) && !m.hasRole(n, e, rHere) && !m.has(s, e, cMsg|cMkt) && !reg {
		return false // "me avisa quando chegar": about one event
	}
	in(n, n, "notify-me-when", 0.7)
	return true
}

// yesNo: "los recibos sí, las ofertas no", "rappels oui, pubs non": keep
// some messages and refuse the marketing ones.
func (m *message) yesNo(put func(int, candidate)) {
	if m.allR&rYes == 0 || m.all&cMkt == 0 || m.all&(cTxn|cMsg) == 0 {
		return
	}
	kept := -1
	for j := 0; j+1 < len(m.toks); j++ {
		t := m.toks[j]
		if t.cls&(cTxn|cMsg) != 0 && t.cls&cMkt == 0 && m.toks[j+1].clause == t.clause && m.toks[j+1].role&rYes != 0 {
			kept = j
			break
		}
	}
	if kept < 0 {
		return
	}
	for j, t := range m.toks {
		if j != kept && t.cls&cMkt != 0 && t.cls&cTxn == 0 && m.refused(j) {
			put(prioOptOut, candidate{intent: OptOut, scope: ScopeMarketing, conf: 0.85, rule: "phrase:" + ruleLang(m.lexLangs(j)) + ":yes-no-marketing", t0: min(kept, j), t1: max(kept, j) + 1, langs: m.lexLangs(j)})
			return
		}
	}
}

// refusalClause: a clause that is only "no" before the last one ("lol no.
// stop"): the stop after it is meant, however much the person laughs.
func (m *message) refusalClause() bool {
	if len(m.clauses) < 2 {
		return false
	}
	for _, c := range m.clauses[:len(m.clauses)-1] {
		no := false
		for j := c[0]; j < c[1]; j++ {
			t := m.toks[j]
			if t.cls&(cNeg|cNo) != 0 && t.cls&(cWant|cMore) == 0 {
				no = true
			} else if t.cls&cFiller == 0 {
				no = false
				break
			}
		}
		if no {
			return true
		}
	}
	return false
}

// anyUnknown reports a token without any role in [s,e).
func (m *message) anyUnknown(s, e int) bool {
	for j := s; j < e; j++ {
		if m.unknown(j) {
			return true
		}
	}
	return false
}
