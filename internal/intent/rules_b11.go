package intent

import "strings"

// Rules added after blind set 11 (lexicon_b11.go). Precision first: an
// opt-out is dropped when the stop word is a joke about good offers, an
// exclamation of disbelief, or when what is left or cancelled is an app, a
// game or a paid plan rather than the messages; a help word about a product
// that misbehaves is not help about the messages. Recall: a keyword followed
// by a short code ("STOP au 36179"), leaving a list while keeping the paid
// plan, resuming sending ("pode voltar a mandar"), a bare "I want!" after a
// clause naming offers, and the help questions "what happens if I send
// SAIR?" and "which messages will I get?".

// b11Veto reports whether an opt-out or help candidate must be dropped.
func (m *message) b11Veto(c *candidate) bool {
	if m.b12Veto(c) {
		return true
	}
	noTopic := m.all&(cMsg|cMkt|cList|cNumber|cUnsub|cRecv) == 0
	switch c.intent {
	case OptOut:
		if !c.keyword && m.whatHappensIf() >= 0 {
			return true // "o que acontece se eu sair da lista?"
		}
		if m.praiseJoke() {
			return true // "haha 'stop' sending me such good deals 😂"
		}
		if noTopic && m.all&cSend == 0 && m.allR&rDisbelief != 0 && strings.Contains(m.text, "?") && !m.insist() && m.allR&rAnnoy == 0 {
			return true // "arrête, t'es sérieux? 30% sur les casques?"
		}
		if !c.keyword && m.allR&rApp != 0 && m.all&(cMsg|cMkt|cList|cNumber|cSend|cRecv) == 0 && !m.never {
			return true // "como faço pra sair do app do jogo", "disdire l'abbonamento all'app"
		}
	case OptIn:
		if m.whichMessages() >= 0 {
			return true // "which messages will I receive?" asks, it does not accept
		}
	case Help:
		if strings.HasSuffix(c.rule, ":help-word") && m.allR&rApp != 0 && m.all&(cMsg|cMkt|cList|cNumber|cSend|cRecv) == 0 {
			return true // "o jogo fecha quando aperto em sair, ajuda"
		}
		if strings.HasSuffix(c.rule, ":messaging-question") && !c.words && m.toks[c.t0].cls&(cRecv|cSend) == cRecv &&
			m.has(c.t0, m.clauseEnd(c.t0), cNo|cNeg) && m.has(c.t0, m.clauseEnd(c.t0), cMore) {
			// "ich krieg keine Erinnerungen mehr, warum?": a statement that they
			// stopped, unlike "warum schickt ihr keine Nachrichten mehr?"
			return true
		}
	}
	return false
}

// praiseJoke: laughter and praise of what is sent, without annoyance: a
// stop that is a compliment ("stop sending me such good deals 😂").
func (m *message) praiseJoke() bool {
	if !m.joy || m.allR&(rReport|rAlready) != 0 || m.never {
		return false
	}
	stops := 0
	for _, t := range m.toks {
		if t.cls&(cStop|cUnsub) != 0 || (t.lex != nil && t.lex.kw == OptOut) {
			stops++
		}
	}
	if stops > 1 {
		return false // "haha stop sending me good deals, I said stop"
	}
	for i, t := range m.toks {
		if t.role&rPraise == 0 || t.cls&(cNeg|cNo) != 0 {
			continue
		}
		// the praise qualifies an offer or message next to it
		for j := max(0, i-2); j <= min(len(m.toks)-1, i+2); j++ {
			if j != i && m.toks[j].cls&(cMsg|cMkt) != 0 && m.toks[j].clause == t.clause && !m.has(m.clauseStart(i), i, cNeg|cNo) {
				return true
			}
		}
	}
	return false
}

// b11 adds the candidates of the rules above.
func (m *message) b11(put func(int, candidate)) {
	m.keywordShortCode(put)
	if m.all&cLeave != 0 && m.all&cList != 0 && m.allR&rKeep != 0 {
		m.leaveListKeepPlan(put)
	}
	if m.all&cResume != 0 && m.all&cSend != 0 {
		m.resumeSending(put)
	}
	if m.all&cWant != 0 && m.all&(cMsg|cMkt) != 0 && len(m.clauses) > 1 {
		m.wantThose(put)
	}
	if strings.Contains(m.text, "?") {
		m.b11Help(put)
	}
}

// keywordShortCode: a strong opt-out keyword followed by a preposition and a
// number, the short code it is sent to: "STOP au 36179", "SAIR para 28000".
func (m *message) keywordShortCode(put func(int, candidate)) {
	n := len(m.toks)
	for n > 0 && m.toks[n-1].lex != nil && m.toks[n-1].cls&cFiller != 0 && m.toks[n-1].lex.kw == "" {
		n-- // "STOP au 36179 merci"
	}
	if n < 3 || n > 5 || !isDigits(m.toks[n-1].text) {
		return
	}
	t := m.toks[0]
	if t.lex == nil || t.lex.kw != OptOut || t.lex.kwWeak || t.cls&(cPrep|cPurpose) != 0 {
		return
	}
	for _, u := range m.toks[1 : n-1] {
		if u.lex == nil || u.cls&(cPrep|cPurpose|cSkip|cFiller) == 0 {
			return
		}
	}
	if m.toks[n-2].cls&(cPrep|cPurpose) == 0 {
		return // "STOP au 36179": the number is where the keyword is sent
	}
	put(prioKeyword, candidate{intent: OptOut, scope: ScopeAll, conf: 0.92, keyword: true, t0: 0, t1: 1, langs: t.lex.langs,
		rule: "keyword-short-code:" + ruleLang(t.lex.langs) + ":" + strings.ReplaceAll(t.lex.key, " ", "-")})
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// leaveListKeepPlan: "quero sair da lista do clube, a assinatura eu
// mantenho": the list is left, the paid plan named in another clause is kept.
func (m *message) leaveListKeepPlan(put func(int, candidate)) {
	for i, t := range m.toks {
		if t.cls&cLeave == 0 || m.negated(m.clauseStart(i), i) {
			continue
		}
		e := m.clauseEnd(i)
		o, _ := m.object(i, e)
		if o < 0 || m.toks[o].cls&cList == 0 || m.groupOther(o, e) {
			continue
		}
		for j, u := range m.toks {
			if u.clause != t.clause && u.role&rKeep != 0 && m.has(m.clauseStart(j), m.clauseEnd(j), cSubNoun|cTxn) {
				put(prioOptOut, candidate{intent: OptOut, scope: ScopeMarketing, conf: 0.88, rule: "phrase:" + ruleLang(m.lexLangs(i)) + ":leave-list-keep-plan", t0: i, t1: o + 1, langs: m.lexLangs(i)})
				return
			}
		}
	}
}

// resumeSending: "pode voltar a mandar", "vuelvan a mandarme los avisos":
// resume followed by a send verb, not negated, not a question why.
func (m *message) resumeSending(put func(int, candidate)) {
	if m.all&(cStop|cUnsub|cWhy|cTxn|cRemove) != 0 || m.allR&(rAnnoy|rReport|rStopped) != 0 {
		return
	}
	for i, t := range m.toks {
		if t.cls&cResume == 0 || !strings.HasSuffix(t.lex.key, " a") || i+1 >= len(m.toks) {
			continue
		}
		n := m.toks[i+1]
		if n.cls&cSend != 0 && n.clause == t.clause && !m.negated(m.clauseStart(i), i) {
			put(prioOptIn, candidate{intent: OptIn, scope: ScopeAll, conf: 0.8, rule: "phrase:" + ruleLang(m.lexLangs(i)) + ":resume-sending", t0: i, t1: i + 2, langs: m.lexLangs(i)})
			return
		}
	}
}

// wantThose: a clause that is only "I want (it)!" after a clause naming
// offers or messages the sender sends: "vi que vcs mandam cupom, quero!".
func (m *message) wantThose(put func(int, candidate)) {
	if m.all&(cNeg|cNo|cStop|cUnsub|cRemove|cCancel|cLeave|cTxn|cEnough|cWhy) != 0 || m.allR&(rAnnoy|rReport) != 0 {
		return
	}
	for _, cl := range m.clauses {
		s, e := cl[0], cl[1]
		w := m.find(s, e, cWant)
		if w < 0 || !m.onlyAround(s, e, w, 0) {
			continue
		}
		for _, c2 := range m.clauses {
			if c2 != cl && c2[1] <= s && m.has(c2[0], c2[1], cMsg|cMkt) && m.has(c2[0], c2[1], cSend) {
				put(prioOptIn, candidate{intent: OptIn, scope: m.scope(c2[0], c2[1]), conf: 0.7, rule: "phrase:" + ruleLang(m.lexLangs(w)) + ":want-those", t0: w, t1: w + 1, langs: m.lexLangs(w)})
				return
			}
		}
	}
}

// b11Help: "o que acontece se eu mandar SAIR?" (what a keyword does) and
// "quais mensagens eu vou receber?" (which messages will come).
func (m *message) b11Help(put func(int, candidate)) {
	help := func(i int, rule string) {
		put(prioHelp, candidate{intent: Help, conf: 0.7, rule: "phrase:" + ruleLang(m.lexLangs(i)) + ":" + rule, t0: i, t1: i + 1, langs: m.lexLangs(i)})
	}
	if i := m.whichMessages(); i >= 0 {
		help(i, "which-messages")
	}
	if i := m.whatHappensIf(); i >= 0 {
		help(i, "what-happens-if")
	}
}

// whatHappensIf: "o que acontece se eu mandar SAIR?", "what happens if I
// unsubscribe?": a question about the consequence of opting out.
func (m *message) whatHappensIf() int {
	if m.allR&rHappen == 0 || m.all&cIf == 0 || !strings.Contains(m.text, "?") {
		return -1
	}
	for i, t := range m.toks {
		if t.role&rHappen == 0 {
			continue
		}
		for j := i + 1; j < len(m.toks) && j <= i+4; j++ { // "was passiert, wenn ich STOP schicke?"
			if m.toks[j].cls&cIf == 0 {
				continue
			}
			for _, u := range m.toks[j+1 : m.clauseEnd(j)] {
				if (u.lex != nil && u.lex.kw == OptOut) || u.cls&(cStop|cUnsub|cLeave|cCancel) != 0 {
					return i
				}
			}
		}
	}
	return -1
}

// whichMessages finds "which / what kind of" before a message noun in a
// question with a send or receive verb: "quais mensagens vou receber?".
func (m *message) whichMessages() int {
	if m.allR&rWhich == 0 || m.all&(cNeg|cStop|cUnsub) != 0 || !strings.Contains(m.text, "?") {
		return -1
	}
	for i, t := range m.toks {
		if t.role&rWhich == 0 {
			continue
		}
		e := m.clauseEnd(i)
		if i+1 < e && m.toks[i+1].cls&(cMsg|cMkt) != 0 && m.toks[i+1].cls&cTxn == 0 && m.has(i+1, e, cRecv|cSend) {
			return i
		}
	}
	return -1
}
