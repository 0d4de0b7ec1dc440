package intent

import "strings"

// pastQuestion reports "did you" right before the verb at i: "why did you
// stop sending me the boarding pass", "did you remove me?" ask about what
// happened, they do not ask for it. Only pronouns may stand between the
// auxiliary and the verb, so "I did ask you to stop" still asks to stop.
func (m *message) pastQuestion(s, i int) bool {
	for j := i - 1; j >= s && j >= i-3; j-- {
		t := m.toks[j]
		if t.role&rPastAux != 0 {
			return !m.negated(s, j+1) || m.has(s, j, cWhy)
		}
		if t.cls&(cSkip|cMe) == 0 && t.role&rYou == 0 {
			return false
		}
	}
	return false
}

// errandStop reports a "stop everything" interjection in a message whose
// other clauses are about an errand and never about messages: "Parem tudo!
// achei o documento, não precisa mais mandar o motoboy".
func (m *message) errandStop(o int) bool {
	return m.toks[o].cls&cAll != 0 && m.toks[o].cls&(cMsg|cMkt) == 0 && m.errand()
}

func (m *message) errand() bool {
	return len(m.clauses) > 1 &&
		m.all&cTxn != 0 && m.all&(cMsg|cMkt|cList|cRecv|cUnsub) == 0
}

// thingCancelled reports a weak keyword ("cancela") whose message names a
// product or service in another clause and nothing about messages: "não
// quero mais o seguro do celular, cancela" cancels the insurance.
func (m *message) thingCancelled(k int) bool {
	if m.all&(cMsg|cMkt|cList|cSend|cRecv|cUnsub) != 0 {
		return false
	}
	for j := range m.toks {
		if m.toks[j].clause == m.toks[k].clause || j == 0 {
			continue
		}
		p := m.toks[j-1]
		if (m.unknown(j) || m.toks[j].cls&cTxn != 0) && p.clause == m.toks[j].clause && (p.role&(rSing|rDet) != 0 || p.cls&cSkip != 0) {
			return true
		}
	}
	return false
}

// finalNeg handles the Brazilian clause-final negation, where the only "não"
// closes the clause: "manda mais não", "num quero mais essas msg não sô",
// and an elliptical refusal of marketing: "mensagens de marketing não, obg".
func (m *message) finalNeg(s, e int, out func(int, int, string, float64, bool)) {
	n := -1
	for j := e - 1; j >= s && j >= e-2; j-- {
		if t := m.toks[j]; t.cls&cNeg != 0 && t.cls&cWant == 0 {
			n = j
			break
		}
		if t := m.toks[j]; t.lex == nil || t.cls&(cFiller|cOnly) == 0 {
			return // "o desconto não entrou": the verb follows the negation
		}
	}
	if n <= s || m.has(s, n, cNeg|cNo|cTxn|cCall|cWhy|cHow|cIf) || m.hasRole(s, e, rYou) {
		return
	}
	// "manda mais não", "quero mais essas msg não": a wish or a send verb at
	// the start of the clause, then "mais".
	v := -1
	for j := s; j < n && j <= s+1; j++ {
		if m.toks[j].cls&(cWant|cSend) != 0 {
			v = j
			break
		}
		if !m.unknown(j) && m.toks[j].cls&(cMe|cFiller) == 0 {
			break
		}
	}
	if v >= 0 && m.has(v+1, n, cMore) {
		for j := v + 1; j < n; j++ {
			if t := m.toks[j]; !skippable(t) && t.cls&(cMsg|cMkt|cMore) == 0 {
				return
			}
		}
		if (m.toks[v].cls&cSend != 0 || m.has(v+1, n, cMsg|cMkt)) && !strings.Contains(m.text, "?") {
			out(v, n+1, "final-neg", 0.85, false)
		} else {
			out(v, n+1, "final-neg", 0.55, true)
		}
		return
	}
	// "mensagens de marketing não": only a marketing noun phrase before it.
	if !m.has(s, n, cMkt) || m.toks[s].role&rSing != 0 || strings.Contains(m.text, "?") {
		return // "o desconto não (entrou)": one offer, the verb is missing; "desconto não?" asks
	}
	for j := s; j < n; j++ {
		if t := m.toks[j]; !skippable(t) && t.cls&(cMsg|cMkt) == 0 {
			return
		}
	}
	out(s, n+1, "object-not-wanted", 0.85, false)
}

// chooseQuestion reports "can I choose to receive only X and not Y?": a
// question about the options, not a refusal.
func (m *message) chooseQuestion(only int) bool {
	if !strings.Contains(m.text, "?") {
		return false
	}
	s := m.clauseStart(only)
	return m.has(s, only, cCan|cHow) || m.hasRole(s, only, rManage)
}
