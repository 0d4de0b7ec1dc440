package intent

import "strings"

// Rules added after the tenth review (lexicon_r10.go). Scope: an opt-out
// that names the offers and, joined to them by "and / or / nor / including",
// a message that is not an offer, "all", "other" or "the rest" is an opt-out
// of everything ("não quero promoções nem avisos de pedido", "keine Werbung
// und auch keine anderen Nachrichten mehr"), and of two opt-outs in one
// message the wider one counts ("para de mandar promoção. aliás, para de
// mandar tudo"). Precision: an opt-out that is the complement of someone
// else's "say", of a hypothetical "if I say" or of "who said" is reported
// speech, asked first ("minha amiga disse que não quer mais receber", "it
// says reply STOP to unsubscribe, is this legit?"); a refusal to receive
// "it" or nothing named in a message about an order is about the order
// ("cancel my order, I don't want to receive it anymore"); an opt-in
// question answered with a bare "no" is a refusal ("quer receber nossas
// ofertas? não"); "receiving again" told as a fact is not a request ("I
// started receiving your messages again").

// widened reports whether the offers named in [s,e) are joined to a
// message that is not an offer, to "all", "other" or "the rest": the
// person names the offers and then everything else.
func (m *message) widened(s, e int) bool {
	if m.all&cAnd == 0 || m.has(s, e, cOnly) || m.hasRole(s, e, rYes) {
		return false // "só quero os avisos, e promoções não", "promoções não, avisos sim"
	}
	for a := s; a < e; a++ {
		if m.toks[a].cls&cAnd == 0 || m.has(a+1, e, cCan|cContinue) {
			continue // "promoções não e o resto pode mandar"
		}
		l, r := m.conjunct(a, s, -1), m.conjunct(a, e, 1)
		if l < 0 || r < 0 {
			continue
		}
		if (m.toks[l].cls&cMkt != 0 && m.wide(r)) || (m.wide(l) && m.toks[r].cls&cMkt != 0) {
			return true
		}
	}
	return false
}

// conjunct returns the noun next to the coordinator at a in direction dir
// (-1 before, +1 after), skipping articles, "no / any / more", "also" and a
// repeated stop word ("basta promozioni e basta messaggi"); a transaction
// noun before a message noun modifies it ("order updates"). It stops at lim.
func (m *message) conjunct(a, lim, dir int) int {
	for j := a + dir; j != lim && j >= 0 && j < len(m.toks) && (j-a)*dir <= 5; j += dir {
		t := m.toks[j]
		switch {
		case t.cls&(cMsg|cMkt|cAll|cOther) != 0 || t.role&rRest != 0:
			if t.cls&cTxn != 0 && dir > 0 {
				continue // "avisos de pedido" reads on to its head
			}
			return j
		case skippable(t), t.cls&(cNo|cNeg|cEnough|cStop|cMore|cAnd) != 0, t.role&rAlso != 0:
		case t.cls&cTxn != 0 && dir > 0:
		default:
			return -1
		}
	}
	return -1
}

// wide: "all", "other", "the rest", or a message noun that is not itself
// about offers ("mensagens promocionais", "promotional messages",
// "mensagens de promoção" are offers).
func (m *message) wide(j int) bool {
	t := m.toks[j]
	if t.cls&(cAll|cOther) != 0 || t.role&rRest != 0 {
		return true
	}
	if t.cls&cMsg == 0 || t.cls&(cMkt|cSend) != 0 {
		return false
	}
	if j > 0 && m.toks[j-1].clause == t.clause && m.toks[j-1].cls&cMkt != 0 {
		return false
	}
	k := j + 1
	if k < len(m.toks) && m.toks[k].clause == t.clause && m.toks[k].cls&cMkt != 0 {
		return false // "mensagens promocionais"
	}
	if k < len(m.toks) && m.toks[k].clause == t.clause && m.toks[k].cls&cPrep != 0 {
		for k++; k < len(m.toks) && k <= j+4 && m.toks[k].clause == t.clause; k++ {
			if m.toks[k].cls&cMkt != 0 {
				return false // "mensagens de promoção", "messages about your offers"
			}
			if !skippable(m.toks[k]) {
				break
			}
		}
	}
	return true
}

// wider reports whether opt-out candidate c reaches more topics than b and
// its clause names them: "para de mandar promoção. aliás, para de mandar
// tudo", not a bare "pode parar" after "não quero mais promoções".
func (m *message) wider(c, b *candidate) bool {
	if c.intent != OptOut || b.intent != OptOut || c.scope != ScopeAll || b.scope != ScopeMarketing || c.words {
		return false
	}
	t := min(c.t0, len(m.toks)-1)
	for j, e := m.clauseStart(t), m.clauseEnd(t); j < e; j++ {
		if m.wide(j) && m.toks[j].cls&cOther == 0 {
			return true
		}
	}
	return false
}

// reported reports an opt-out that is the complement of a verb of saying
// whose speaker is not the person, or that is hypothetical or rhetorical:
// "minha amiga disse que não quer mais receber", "a mensagem diz \"responda
// SAIR\"", "se eu disser que não quero mais", "quem disse que eu quero
// parar?". "eu disse que não quero mais" (I said) and "volevo dire che"
// (I wanted to say) are the person's own.
func (m *message) reported(c *candidate) bool {
	if m.all&cSay == 0 || c.words || c.keyword {
		return false
	}
	for k := min(c.t0, len(m.toks)) - 1; k >= 0; k-- {
		if m.toks[k].cls&cSay == 0 {
			continue
		}
		s := m.clauseStart(k)
		if m.has(s, k, cIf) || m.hasRole(s, k, rWho) {
			return true
		}
		// "eu disse", "volevo dire che", "tenho uma coisa pra dizer", "I just wanted to say"
		return !m.hasRole(max(s, k-4), k, rI) && !m.has(max(s, k-2), k, cWant|cPurpose) && m.allR&rAlready == 0
	}
	return false
}

// answeredNo: an opt-in clause followed by a clause that is only "no":
// the person repeats the sender's question and refuses ("quer receber
// nossas ofertas? não", "want our offers? nope").
func (m *message) answeredNo(c *candidate) bool {
	if c.words || len(m.clauses) < 2 || !strings.Contains(m.text, "?") {
		return false
	}
	cl := m.toks[min(c.t0, len(m.toks)-1)].clause
	for _, k := range m.clauses {
		if m.toks[k[0]].clause <= cl {
			continue
		}
		no := false
		for j := k[0]; j < k[1]; j++ {
			t := m.toks[j]
			if (t.cls&(cNeg|cNo) != 0 && t.cls&(cWant|cMore) == 0) || t.role&rNever != 0 {
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

// toldReceiving: "receiving again" with no wish, no request and a subject
// or a verb before it is a report: "I started receiving your messages
// again", "ik krijg weer berichten", not "(quero) voltar a receber".
func (m *message) toldReceiving(s, e, first int) bool {
	if m.has(s, e, cWant|cCan) {
		return false
	}
	return m.hasRole(s, first+1, rI) || !m.onlyAround(s, first+1, first, 0)
}

// pronounNear: an object pronoun just before the negation, between it and
// the verb ("je ne veux plus la recevoir") or just after
// the verb: "ik wil het niet meer ontvangen", "não quero mais receber ele".
func (m *message) pronounNear(s, i, head, e int) bool {
	return m.has(max(s, i-2), head, cPron) || (head+1 < e && m.toks[head+1].cls&cPron != 0)
}
