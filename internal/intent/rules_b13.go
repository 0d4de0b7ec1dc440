package intent

import "strings"

// Rules added after blind set 13 (lexicon_b13.go). Precision: a keyword
// asked back as a question and answered with "never" is a refusal to leave
// ("Sair? Jamais, amo as promo"). Recall: "no interest (any more) in X" with
// messages or offers after it is an opt-out ("geen interesse meer in de
// aanbiedingen"). Help: "what do I reply to leave / to change my
// preferences?" asks for the keyword; "is this an official number?" asks who
// writes. Opt-in: "let me know when there are new X / when X reopen" asks
// for the sender's announcements, and "send the reminders here" asks for
// messages on this channel. In the tokenizer, "my no." is my number, not the
// end of a clause; voice messages are messages, so "pode parar com os
// audios de promoção kkkk" keeps its marketing object through the laughter.

// b13Veto reports whether an opt-out candidate must be dropped.
func (m *message) b13Veto(c *candidate) bool {
	return m.keywordAnsweredNever(c)
}

// keywordAnsweredNever: the first clause is only a keyword and a question
// mark, and the next one opens with "never" and asks nothing else:
// "Sair? Jamais kkkk", "Stop? Never, love your deals".
func (m *message) keywordAnsweredNever(c *candidate) bool {
	if m.allR&rNever == 0 || len(m.clauses) < 2 || !strings.HasPrefix(c.rule, "clause-keyword:") || m.insist() || m.allR&rAnnoy != 0 {
		return false
	}
	s, e := m.clauses[0][0], m.clauses[0][1]
	if c.t0 < s || c.t0 >= e || !m.onlyAround(s, e, c.t0, 0) {
		return false
	}
	// the first clause break in the text is a question mark
	if i := strings.IndexAny(m.text, ".,;!?\n"); i < 0 || m.text[i] != '?' {
		return false
	}
	n := m.clauses[1][0]
	if n >= len(m.toks) || m.toks[n].role&rNever == 0 {
		return false
	}
	return !m.has(n+1, len(m.toks), cStop|cUnsub|cRemove|cLeave|cCancel|cEnough|cNo|cMore|cSend|cRecv)
}

// b13 adds the candidates of the rules above.
func (m *message) b13(put func(int, candidate)) {
	if m.all&cInterest != 0 && m.all&(cMsg|cMkt) != 0 {
		m.noInterestIn(put)
	}
	if m.allR&rReply != 0 {
		m.whatToReply(put)
	}
	if m.allR&rOfficial != 0 && strings.Contains(m.text, "?") {
		m.officialQuestion(put)
	}
	if m.allR&rNotify != 0 && m.allR&rNew != 0 {
		m.notifyNew(put)
	}
	if m.allR&rHere != 0 && m.all&cSend != 0 {
		m.sendHere(put)
	}
}

// noInterestIn: "geen interesse meer in de aanbiedingen", "não tenho mais
// interesse nas promoções", "kein Interesse mehr an Werbung".
func (m *message) noInterestIn(put func(int, candidate)) {
	for i, t := range m.toks {
		if t.cls&cInterest == 0 {
			continue
		}
		s, e := m.clauseStart(i), m.clauseEnd(i)
		neg := false
		for j := max(s, i-3); j < i; j++ {
			if m.toks[j].cls&(cNeg|cNo) != 0 {
				neg = true
			}
		}
		if !neg || m.conditional(s, i) || m.has(s, e, cWhy|cIf|cMiss) || m.hasRole(s, e, rStopped) {
			continue
		}
		j := i + 1
		for j < e && (skippable(m.toks[j]) || m.toks[j].cls&cMore != 0 || m.toks[j].role&rPartIn != 0) {
			j++
		}
		if j >= e || m.toks[j].cls&(cMsg|cMkt) == 0 || m.toks[j].cls&(cTxn|cCall) != 0 {
			continue
		}
		put(prioOptOut, candidate{intent: OptOut, scope: m.scope(s, e), conf: 0.85,
			rule: "phrase:" + ruleLang(m.lexLangs(i)) + ":no-interest-in", t0: i, t1: j + 1, langs: m.lexLangs(i)})
		return
	}
}

// whatToReply: "o que eu respondo pra sair?", "what do I reply to change my
// preferences?", "was muss ich antworten, um mich abzumelden?".
func (m *message) whatToReply(put func(int, candidate)) {
	for i, t := range m.toks {
		if t.role&rReply == 0 {
			continue
		}
		s, e := m.clauseStart(i), m.clauseEnd(i)
		if !m.has(s, i, cHow) && !m.hasRole(s, i, rWhat|rWhich) || m.negated(s, i) {
			continue
		}
		if e < len(m.toks) && m.toks[e].cls&cPurpose != 0 {
			e = m.clauseEnd(e) // "was muss ich antworten, um ..."
		}
		if !m.has(i+1, e, cLeave|cStop|cUnsub|cSubscribe|cCancel|cRecv|cMore|cActivate) && !m.hasRole(i+1, e, rManage|rCommand) {
			continue
		}
		put(prioHelp, candidate{intent: Help, conf: 0.75, rule: "phrase:" + ruleLang(m.lexLangs(i)) + ":what-to-reply", t0: i, t1: i + 1, langs: m.lexLangs(i)})
		return
	}
}

// officialQuestion: "is this an official number?", "esse número é
// oficial?", "ist das die offizielle Nummer?": who is writing.
func (m *message) officialQuestion(put func(int, candidate)) {
	for i, t := range m.toks {
		if t.role&rOfficial == 0 {
			continue
		}
		s, e := m.clauseStart(i), m.clauseEnd(i)
		if !m.has(s, e, cNumber|cMsg) || m.has(s, e, cTxn|cStop|cUnsub|cRemove) || m.negated(s, i) {
			continue
		}
		put(prioHelp, candidate{intent: Help, conf: 0.7, rule: "phrase:" + ruleLang(m.lexLangs(i)) + ":official-number", t0: i, t1: i + 1, langs: m.lexLangs(i)})
		return
	}
}

// notifyNew: "avísenme cuando haya conciertos nuevos", "avvisatemi quando
// riaprono le iscrizioni", "sagt mir Bescheid, wenn neue Konzerte kommen".
func (m *message) notifyNew(put func(int, candidate)) {
	for n, t := range m.toks {
		if t.role&rNotify == 0 {
			continue
		}
		s, e := m.clauseStart(n), m.clauseEnd(n)
		w := -1
		for j := n + 1; j < e; j++ {
			if m.toks[j].role&rWhen != 0 {
				w = j
				break
			}
		}
		if w < 0 || m.has(s, n, cNeg) || m.has(s, e, cHow|cWhy|cCall|cNumber) || !m.hasRole(w, e, rNew) || m.hasRole(w, e, rMy) || strings.Contains(m.text, "?") {
			continue
		}
		put(prioOptIn, candidate{intent: OptIn, scope: m.scope(s, e), conf: 0.7,
			rule: "phrase:" + ruleLang(m.lexLangs(n)) + ":notify-me-when-new", t0: n, t1: n + 1, langs: m.lexLangs(n)})
		return
	}
}

// sendHere: "manda os lembretes por aqui", "send the reminders here": an
// imperative send opening the clause, plural messages and "here".
func (m *message) sendHere(put func(int, candidate)) {
	if strings.Contains(m.text, "?") || m.all&(cNeg|cNo|cStop|cUnsub|cWhy|cIf) != 0 {
		return
	}
	for i, t := range m.toks {
		if t.cls&cSend == 0 || t.cls&cMsg != 0 {
			continue
		}
		s, e := m.clauseStart(i), m.clauseEnd(i)
		if !m.onlyAround(s, i+1, i, 0) || m.hasRole(s, i, rYou|rI) {
			continue
		}
		o, _ := m.object(i, e)
		if o < 0 || m.toks[o].cls&cMsg == 0 || m.toks[o].cls&(cTxn|cCall) != 0 || m.singular(o) || o+1 >= e || m.toks[o+1].role&rHere == 0 {
			continue
		}
		put(prioOptIn, candidate{intent: OptIn, scope: m.scope(s, e), conf: 0.7,
			rule: "phrase:" + ruleLang(m.lexLangs(i)) + ":send-them-here", t0: i, t1: o + 2, langs: m.lexLangs(i)})
		return
	}
}
