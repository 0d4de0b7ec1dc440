package intent

import (
	"strings"
)

// message is the analysis state of one Detect call.
type message struct {
	d          *Detector
	words      []word
	toks       []tok
	clauses    [][2]int // token ranges
	all        class    // union of the classes of all tokens
	allR       role     // union of the roles of all tokens
	text       string   // the raw message
	joy        bool     // laughter or a happy emoji: a bare "para" is an interjection
	never      bool     // "I never signed up / não autorizei": stop words need no object
	notMine    bool     // "esse número não é mais da X": the number changed hands
	firedLangs uint8
}

// candidate is one rule that fired.
type candidate struct {
	intent    Intent
	scope     Scope
	conf      float64
	uncertain bool
	keyword   bool
	rule      string
	t0, t1    int  // token span
	words     bool // t0,t1 are word indexes (custom phrases)
	langs     uint8
}

const (
	objMsg  = cMsg | cMkt | cSend | cRecv | cAll | cThis // what a stop verb may stop
	objKeep = cMsg | cMkt | cList | cNumber | cAll | cThis
)

func (m *message) prepare() {
	start := 0
	for i := 1; i <= len(m.toks); i++ {
		if i == len(m.toks) || m.toks[i].clause != m.toks[start].clause {
			m.clauses = append(m.clauses, [2]int{start, i})
			start = i
		}
	}
	// Separable verbs: "hou (nou eens) op", "hört (endlich) auf" act as one stop verb at the particle.
	for _, c := range m.clauses {
		for i := c[0]; i < c[1]; i++ {
			if m.toks[i].cls&cHouPre == 0 {
				continue
			}
			for j := i + 1; j < c[1] && j <= i+5; j++ {
				if m.toks[j].cls&cParticle != 0 {
					m.toks[j].cls |= cStop
					break
				}
			}
		}
	}
	// Separable verbs: "meld (ik) me af", "trage mich aus" unsubscribe; "meld me aan", "melde mich an" subscribe.
	for _, c := range m.clauses {
		for i := c[0]; i < c[1]; i++ {
			if m.toks[i].role&rSep == 0 {
				continue
			}
			for j := i + 1; j < c[1] && j <= i+4; j++ {
				if r := m.toks[j].role; r&rPartOut != 0 {
					m.toks[j].cls |= cUnsub
					break
				} else if r&rPartIn != 0 {
					m.toks[j].cls |= cSubscribe
					break
				}
			}
		}
	}
	m.prepareMore()
	m.prepareB7()
	for _, t := range m.toks {
		m.all |= t.cls
		m.allR |= t.role
	}
	m.notMine = m.notMineNumber()
	m.prepareSignals()
}

// skippable tokens sit between a verb and its object: articles, pronouns,
// prepositions, "please", "more".
func skippable(t tok) bool {
	if t.lex == nil {
		return false
	}
	if t.cls&(cMsg|cMkt|cSend|cRecv|cAll|cList|cNumber|cTxn|cCall|cStop|cUnsub|cNeg) != 0 {
		return false
	}
	return t.cls&(cSkip|cFiller|cMe|cMore|cPrep|cThis|cOff|cCan|cParticle|cResume|cAux) != 0
}

// object returns the first content token after i in the clause ending at e,
// whether a preposition came before it, and -1 at the end of the clause. A
// demonstrative with nothing after it ("stop this") is the object.
func (m *message) object(i, e int) (int, bool) {
	prep, this := false, -1
	for j := i + 1; j < e; j++ {
		t := m.toks[j]
		if skippable(t) {
			if t.cls&cPrep != 0 {
				prep = true
			}
			if t.cls&cThis != 0 && this < 0 {
				this = j
			}
			continue
		}
		return j, prep
	}
	return this, false
}

func (m *message) has(s, e int, c class) bool {
	for j := s; j < e; j++ {
		if m.toks[j].cls&c != 0 {
			return true
		}
	}
	return false
}

func (m *message) find(s, e int, c class) int {
	for j := s; j < e; j++ {
		if m.toks[j].cls&c != 0 {
			return j
		}
	}
	return -1
}

// negated reports a negation shortly before i in the clause starting at s.
func (m *message) negated(s, i int) bool {
	for j := i - 1; j >= s && j >= i-4; j-- {
		if m.toks[j].cls&cNeg != 0 {
			if m.closingNeg(s, j) {
				continue // "não quero mais não, pode tirar": the second "não" closes the first
			}
			return true
		}
	}
	return false
}

// conditional reports a negation shortly before i that is itself introduced
// by "if" / "unless": "if you don't stop messaging me I'll report you" is a
// threat that asks to stop, not a negated stop.
func (m *message) conditional(s, i int) bool {
	for j := i - 1; j >= s && j >= i-4; j-- {
		if m.toks[j].cls&cNeg != 0 {
			return m.has(max(s, j-3), j, cIf)
		}
	}
	return false
}

// correction reports a self-correction elsewhere in the message with nothing
// about messages, lists or numbers: "stop! I meant the blue one".
func (m *message) correction() bool {
	return m.all&cCorrect != 0 && m.all&(cMsg|cMkt|cNumber|cList|cSend|cUnsub|cRecv) == 0
}

// onlyAround reports whether every token of the clause other than i is
// filler-like, so the verb stands alone ("ok, pode parar", "STOP NOU").
func (m *message) onlyAround(s, e, i int, extra class) bool {
	for j := s; j < e; j++ {
		if j == i {
			continue
		}
		t := m.toks[j]
		if t.lex == nil {
			return false
		}
		if t.cls&(cFiller|cCan|cWant|cMe|cMore|cSkip|cHouPre|extra) == 0 {
			return false
		}
		if t.cls&(cNeg|cTxn|cCall) != 0 && t.cls&cFiller == 0 {
			return false
		}
	}
	return true
}

func (m *message) scope(s, e int) Scope {
	if m.has(s, e, cMkt) && !m.has(s, e, cAll) && !m.widened(s, e) {
		return ScopeMarketing
	}
	if m.all&cOnly != 0 && m.all&cTxn != 0 && m.all&cAll == 0 {
		return ScopeMarketing
	}
	return ScopeAll
}

func (m *message) lexLangs(i int) uint8 {
	if m.toks[i].lex == nil {
		return 0
	}
	return m.toks[i].lex.langs
}

func ruleLang(l uint8) string {
	var out []string
	for li, name := range langs {
		if l&(1<<li) != 0 {
			out = append(out, name)
		}
	}
	if len(out) != 1 {
		return "*"
	}
	return out[0]
}

func (m *message) span(c candidate) string {
	if c.words {
		parts := make([]string, 0, c.t1-c.t0)
		for _, w := range m.words[c.t0:c.t1] {
			parts = append(parts, w.text)
		}
		return strings.Join(parts, " ")
	}
	if c.t0 < 0 || c.t1 > len(m.toks) || c.t0 >= c.t1 {
		return ""
	}
	parts := make([]string, 0, c.t1-c.t0)
	for _, t := range m.toks[c.t0:c.t1] {
		parts = append(parts, t.text)
	}
	return strings.Join(parts, " ")
}

// Priorities when several rules fire: lower wins.
const (
	prioCustomKeyword = iota
	prioKeyword
	prioUndo
	prioOptOut
	prioUncertainOut
	prioOptIn
	prioHelp
	prioNegated
	prioCount
)

func (m *message) decide() Result {
	var best [prioCount]*candidate
	put := func(p int, c candidate) {
		if best[p] == nil || c.conf > best[p].conf || m.wider(&c, best[p]) {
			cc := c
			best[p] = &cc
		}
	}

	// Whole-message keywords: the account's first, then the built-in ones.
	if ck, ok := m.customKeyword(); ok {
		c := candidate{intent: ck.intent, conf: 1, keyword: true, rule: "custom-keyword:" + ck.text, t0: 0, t1: len(m.words), words: true}
		if ck.intent == OptOut || ck.intent == OptIn {
			c.scope = ScopeAll
		}
		put(prioCustomKeyword, c)
	}
	if c, ok := m.keyword(0, len(m.toks), true); ok && !m.interjection(c.t0) {
		if c.uncertain {
			put(prioUncertainOut, c)
		} else {
			put(prioKeyword, c)
		}
	}
	if len(m.d.phrases) > 0 {
		m.customPhrases(put)
	}
	for _, cl := range m.clauses {
		m.clauseRules(cl[0], cl[1], put)
	}
	m.threat(put)
	m.alreadyAsked(put)
	m.onlyNot(put)
	m.yesNo(put)
	m.stillReceiving(put)
	m.helpMore(put)
	m.helpRules(put)
	m.helpSignals(put)
	m.b11(put)
	m.b12(put)
	m.b13(put)

	for p := range prioCount {
		c := best[p]
		if c == nil || m.b11Veto(c) || m.b14Veto(c) {
			continue
		}
		r := Result{Intent: c.intent, Scope: c.scope, Confidence: c.conf, Uncertain: c.uncertain, Keyword: c.keyword, Rule: c.rule, Matched: m.span(*c)}
		if p == prioUncertainOut && best[prioOptIn] != nil && !c.keyword {
			// "quero voltar a receber" outranks a vague "how do I stop" reading.
			continue
		}
		if r.Intent != OptOut && r.Intent != OptIn {
			r.Scope = ""
		}
		m.firedLangs = c.langs
		return r
	}
	return Result{Intent: None, Confidence: 0.9}
}

func (m *message) customKeyword() (customKeyword, bool) {
	if len(m.d.keywords) == 0 {
		return customKeyword{}, false
	}
	var b strings.Builder
	for i, w := range m.words {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(w.key)
	}
	ck, ok := m.d.keywords[b.String()]
	return ck, ok
}

// keyword matches a span made only of keywords of one intent plus fillers and
// topic words ("STOP pubblicità", "Baja por favor 🙏", "descadastra eu ai").
func (m *message) keyword(s, e int, whole bool) (candidate, bool) {
	var in Intent
	kw, weak := -1, false
	for j := s; j < e; j++ {
		t := m.toks[j]
		if t.lex == nil {
			return candidate{}, false
		}
		if t.lex.kw != "" {
			if in != "" && in != t.lex.kw {
				return candidate{}, false
			}
			in = t.lex.kw
			if kw < 0 || (weak && !t.lex.kwWeak) {
				kw, weak = j, t.lex.kwWeak
			}
			continue
		}
		if t.cls&cFiller != 0 || (t.cls == 0 && t.lex.cls&cFiller != 0) {
			continue // "unsubscribe porfavor ya": a filler of another language
		}
		if t.cls&(cMe|cMkt|cMsg|cAll|cMore|cResume) != 0 && t.cls&(cNeg|cNo) == 0 {
			continue
		}
		return candidate{}, false
	}
	if kw < 0 {
		return candidate{}, false
	}
	lx := m.toks[kw].lex
	c := candidate{intent: in, keyword: whole, t0: kw, t1: kw + 1, langs: lx.langs,
		rule: "keyword:" + ruleLang(lx.langs) + ":" + strings.ReplaceAll(lx.key, " ", "-")}
	switch {
	case weak:
		c.conf, c.uncertain = 0.6, true
	case whole:
		c.conf = 0.97
	default:
		c.conf = 0.88
		c.rule = "clause-" + c.rule
	}
	if in == OptOut || in == OptIn {
		c.scope = m.scope(s, e)
	}
	if in != OptOut && !whole {
		return candidate{}, false
	}
	if in == OptIn && weak {
		c.conf = 0.55
	}
	return c, true
}

func (m *message) customPhrases(put func(int, candidate)) {
	for i, w := range m.words {
		if !m.d.firstWord[w.key] {
			continue
		}
	next:
		for _, p := range m.d.phrases {
			if p.keys[0] != w.key || i+len(p.keys) > len(m.words) {
				continue
			}
			for j, k := range p.keys {
				if m.words[i+j].key != k {
					continue next
				}
			}
			c := candidate{intent: p.intent, conf: 0.9, rule: "custom-phrase:" + p.text, t0: i, t1: i + len(p.keys), words: true}
			neg := false
			for j := i - 1; j >= 0 && j >= i-3 && m.words[j].clause == w.clause; j-- {
				if lx := m.d.uni[m.words[j].key]; lx != nil && lx.cls&cNeg != 0 {
					neg = true
				}
			}
			switch {
			case neg && p.intent == OptOut:
				put(prioNegated, candidate{intent: None, conf: 0.8, rule: "negated", t0: c.t0, t1: c.t1, words: true})
			case p.intent == OptOut:
				c.scope = ScopeAll
				put(prioOptOut, c)
			case p.intent == OptIn:
				c.scope = ScopeAll
				put(prioOptIn, c)
			default:
				put(prioHelp, c)
			}
		}
	}
}

func (m *message) clauseRules(s, e int, put func(int, candidate)) {
	out := func(i, j int, rule string, conf float64, uncertain bool) {
		if j <= i {
			j = i + 1
		}
		c := candidate{intent: OptOut, scope: m.scope(s, e), conf: conf, rule: "phrase:" + ruleLang(m.lexLangs(i)) + ":" + rule, t0: i, t1: j, langs: m.lexLangs(i)}
		if uncertain || m.has(s, i, cHow) {
			c.uncertain = true
			c.conf = min(c.conf, 0.6)
			put(prioUncertainOut, c)
			return
		}
		put(prioOptOut, c)
	}
	negd := func(i, j int) {
		put(prioNegated, candidate{intent: None, conf: 0.85, rule: "negated", t0: max(s, i-1), t1: j + 1})
	}
	in := func(i, j int, rule string, conf float64) {
		put(prioOptIn, candidate{intent: OptIn, scope: m.scope(s, e), conf: conf, rule: "phrase:" + ruleLang(m.lexLangs(i)) + ":" + rule, t0: i, t1: max(j, i) + 1, langs: m.lexLangs(i)})
	}

	if m.metaQuestion(s, e) {
		put(prioHelp, candidate{intent: Help, conf: 0.75, rule: "phrase:" + ruleLang(m.lexLangs(s)) + ":what-does-it-mean", t0: s, t1: e})
		return
	}
	if m.ifIQuestion(s, e) {
		put(prioHelp, candidate{intent: Help, conf: 0.7, rule: "phrase:" + ruleLang(m.lexLangs(s)) + ":if-i-leave", t0: s, t1: e})
		return
	}

	// A clause that is only a stop keyword: "..., STOP NOU", "para!".
	if len(m.clauses) > 1 && !m.correction() {
		if c, ok := m.keyword(s, e, false); ok && c.intent == OptOut && !m.interjection(c.t0) && !(m.has(s, e, cAll) && m.errand()) {
			if m.negated(s, c.t0) {
				negd(c.t0, c.t0)
			} else if c.uncertain {
				if !m.thingCancelled(c.t0) {
					put(prioUncertainOut, c)
				}
			} else {
				put(prioOptOut, c)
			}
		}
	}

	accident := m.has(s, e, cAccident)
	if accident && !m.has(s, e, cSubscribe) {
		for j := s; j < e; j++ {
			t := m.toks[j]
			if (t.lex != nil && t.lex.kw == OptOut) || t.cls&(cUnsub|cStop) != 0 {
				in(j, j, "undo-by-mistake", 0.85)
				put(prioUndo, candidate{intent: OptIn, scope: ScopeAll, conf: 0.85, rule: "phrase:" + ruleLang(m.lexLangs(j)) + ":undo-by-mistake", t0: j, t1: m.find(s, e, cAccident) + 1, langs: m.lexLangs(j)})
				break
			}
		}
	}

	for i := s; i < e; i++ {
		t := m.toks[i]
		if t.lex == nil {
			continue
		}
		if t.lex.kw == OptOut && t.cls&(cStop|cUnsub|cLeave|cRemove) == 0 {
			if o, prep := m.object(i, e); o >= 0 && m.stopPlease(s, i, o, prep) {
				out(i, o, "stop-please", 0.85, false) // "PARA PELO AMOR DE DEUS JA SÃO 5 MSG"
			} else if m.keywordFromList(s, e, i, o, prep) {
				out(i, o+1, "keyword-from-list", 0.88, false) // "baja de la lista de difusión"
			}
		}
		switch {
		case t.cls&cStop != 0:
			o, prep := m.object(i, e)
			if o >= 0 && m.toks[o].role&rBreak != 0 {
				continue // "deja de funcionar la app": a malfunction
			}
			if m.pastQuestion(s, i) {
				continue // "why did you stop sending me the boarding pass"
			}
			if o >= 0 && prep && m.hasRole(i+1, o, rMeans) {
				continue // "Kan ik mijn parkeersessie stoppen via de app?"
			}
			if o >= 0 && m.toks[o].cls&cOnly != 0 {
				if o2, _ := m.object(o, e); o2 >= 0 {
					o = o2 // "como eu paro só as promoções?"
				}
			}
			if o < 0 {
				if m.onlyAround(s, e, i, cEnough) && !(len(m.clauses) > 1 && m.correction()) && !m.interjection(i) && !m.nextNotMessages(e) {
					if m.negated(s, i) {
						negd(i, i)
					} else {
						out(i, i+1, "stop", 0.85, false)
					}
				}
				continue
			}
			ot := m.toks[o]
			if m.errandStop(o) {
				continue // "Parem tudo! ... não precisa mais mandar o motoboy"
			}
			if i == s && (ot.cls&cWant != 0 || (ot.cls&cNeg != 0 && m.has(o+1, e, cWant|cInterest))) && t.lex.kw == OptOut && !m.has(o, e, cTxn|cCall) {
				out(i, e, "stop-dont-want", 0.85, false) // "stop porfa ya no quiero", "STOP non mi interessa"
				continue
			}
			if ot.cls&objMsg == 0 && m.stopPlease(s, i, o, prep) {
				out(i, o, "stop-please", 0.85, false)
				continue
			}
			if ot.cls&objMsg == 0 {
				o = m.nounPhrase(i, o, e)
				ot = m.toks[o]
			}
			if ot.cls&(cCall|cTxn) != 0 || ot.cls&objMsg == 0 {
				continue
			}
			if ot.cls&(cMsg|cMkt|cSend|cRecv|cAll) == 0 && m.interjection(i) {
				continue // "haha stop it"
			}
			if ot.cls&(cSend|cRecv) != 0 && ot.role&rOffer == 0 {
				// "parar de mandar o entregador", "paro de receber a fatura?": the thing
				// sent is a person, a delivery or an invoice, unless an offer follows it
				// ("parem de mandar cobrança e propaganda").
				if o2, _ := m.object(o, e); o2 >= 0 && m.toks[o2].cls&(cTxn|cCall|cCorrect) != 0 && m.toks[o2].cls&(cMsg|cMkt) == 0 && !m.disinterest() && !m.has(o2+1, e, cMkt) {
					continue
				}
			}
			if t.cls&cAmbPast != 0 && ot.cls&cRecv != 0 && !m.has(s, e, cWant|cCan|cHow|cPurpose) {
				continue // "dejé de recibir los avisos": a complaint
			}
			if m.conditional(s, i) {
				out(i, o+1, "stop-or-else", 0.9, false)
				continue
			}
			if m.negated(s, i) && m.has(s, i, cWhy) && !m.hasRole(s, i, rPastAux) && t.cls&cIndicative == 0 {
				out(i, o+1, "why-dont-you-stop", 0.85, false) // "why won't you stop texting me", "por que não param de mandar"
				continue
			}
			if m.negated(s, i) {
				if t.cls&cIndicative != 0 {
					out(i, o+1, "complaint-stop", 0.6, true)
				} else {
					negd(i, o)
				}
				continue
			}
			if m.joke(o) {
				continue // "para de mandar promoção boa assim kkk"
			}
			out(i, o+1, "stop-sending", 0.93, false)

		case t.cls&cUnsub != 0:
			if m.pastQuestion(s, i) {
				continue // "did you unsubscribe me?"
			}
			if m.negated(s, i) {
				negd(i, i)
				continue
			}
			if accident {
				continue
			}
			o, _ := m.object(i, e)
			if o >= 0 && (m.toks[o].cls&objKeep == 0 || m.toks[o].cls&cTxn != 0) {
				continue
			}
			if o < 0 && m.prepObjectBefore(s, i, e) {
				continue // "ich muss mich für die Fahrstunde abmelden"
			}
			if m.has(s, e, cTxn) && !m.has(s, e, cMsg|cMkt|cList) {
				continue
			}
			out(i, i+1, "unsubscribe", 0.93, false)

		case t.cls&cCancel != 0:
			if m.negated(s, i) {
				continue
			}
			o, _ := m.object(i, e)
			if o < 0 {
				continue
			}
			ot := m.toks[o]
			switch {
			case ot.cls&cSubNoun != 0:
				o2, prep := m.object(o, e)
				if o2 >= 0 && prep && m.toks[o2].cls&objKeep == 0 {
					continue
				}
				if m.has(o+1, e, cTxn) && !m.has(s, e, cMsg|cMkt) {
					continue // "résilier mon abonnement box internet"
				}
				paid := ot.lex.key == "asinatura" || ot.lex.key == "abonement" || ot.lex.key == "subscription" || ot.lex.key == "abo" || ot.lex.key == "abonamento"
				out(i, o+1, "cancel-subscription", 0.9, paid && !m.has(s, e, cMsg|cMkt))
			case ot.cls&(cMsg|cMkt|cRecv) != 0 && ot.cls&cTxn == 0:
				out(i, o+1, "cancel-messages", 0.9, false)
			case ot.cls&cData != 0 && ot.cls&cTxn == 0:
				if m.has(o+1, e, cTxn) && !m.has(s, e, cMsg|cMkt) {
					continue // "cancelar meu cadastro na academia"
				}
				out(i, o+1, "erase-data", 0.9, false)
			case ot.cls&cTxn != 0 && ot.cls&cMsg == 0:
				// "cancela o envio de mensagens": the sending of messages, not a shipment.
				if o2, prep := m.object(o, e); o2 >= 0 && prep && m.toks[o2].cls&(cMsg|cMkt) != 0 && m.toks[o2].cls&cTxn == 0 {
					out(i, o2+1, "cancel-messages", 0.88, false)
				}
			case t.cls&cRemove != 0 && ot.cls&(cNumber|cList) != 0 && ot.cls&cTxn == 0:
				out(i, o+1, "remove-me", 0.9, false) // "cancellate il mio numero"
			}

		case t.cls&(cRemove|cTake) != 0:
			if m.pastQuestion(s, i) {
				continue // "did you remove me?"
			}
			o, prep := m.object(i, e)
			if o >= 0 && t.cls&cRemove != 0 && m.toks[o].cls&cConsent != 0 {
				if !m.negated(s, i) {
					out(i, o+1, "revoke-consent", 0.9, false) // "retirar o consentimento"
				}
				continue
			}
			if t.cls&cRemove == 0 && !m.has(s, e, cOff|cList) {
				continue
			}
			me := t.cls&cMe != 0 || m.has(s, min(e, i+4), cMe) || m.has(s, e, cNumber) || m.never || m.notMine ||
				(t.role&rClitic != 0 && m.all&(cNumber|cData) != 0) // "cancellatelo" (il mio numero)
			owned := false
			if o >= 0 {
				ot := m.toks[o]
				switch {
				case m.groupOther(o, e):
					continue // "me tira do grupo da família"
				case ot.cls&cData != 0 && ot.cls&cTxn == 0:
					if m.has(o+1, e, cTxn) && !m.has(s, e, cMsg|cMkt) {
						continue // "apaga meu cadastro da academia"
					}
					me, owned = true, true // "apaga meu cadastro", "eliminéis mis datos", "tira meu cv"
				case prep && ot.cls&cList != 0 && ot.cls&cTxn == 0:
					me = true // "favor retirar do cadastro": the speaker is removed
				case ot.role&rName != 0 && o > s && m.toks[o-1].role&rMy != 0 && m.fromList(o, e):
					me, owned = true, true // "retira meu nome e telefone do mailing"
				}
			}
			if !me && t.cls&cTake != 0 && i+1 < e && m.toks[i+1].cls&cOff != 0 {
				// "how do I get off this list": the speaker is the one taken off.
				if o, _ := m.object(i+1, e); o >= 0 && m.toks[o].cls&cList != 0 {
					me = true
				}
			}
			if !me {
				continue
			}
			if o >= 0 && m.toks[o].cls&objKeep == 0 && !owned {
				continue
			}
			if m.negated(s, i) {
				negd(i, i)
				continue
			}
			end := i + 1
			if o >= 0 {
				end = o + 1
			}
			out(i, end, "remove-me", 0.92, false)

		case t.cls&cAlone != 0:
			// "lasst mich endlich in Ruhe", "deixem-me em paz", "leave me alone"
			for j := i - 1; j >= s && j >= i-4; j-- {
				if m.toks[j].cls&cLet != 0 && m.has(j, i, cMe) {
					if m.negated(s, j) {
						negd(j, i)
					} else {
						out(j, i+1, "leave-me-alone", 0.9, false)
					}
					break
				}
			}

		case t.cls&cOff != 0 && t.cls&(cSkip|cPrep) == 0 && !m.negated(s, i) && m.has(s, e, cNumber|cMe):
			// "quero meu número fora da lista"
			if o, _ := m.object(i, e); o >= 0 && m.toks[o].cls&cList != 0 && m.toks[o].cls&cTxn == 0 && !m.has(s, i, cRemove|cTake|cLeave) {
				out(i, o+1, "out-of-list", 0.88, false)
			}

		case t.cls&cLeave != 0:
			o, prep := m.object(i, e)
			if o >= 0 && m.toks[o].cls&cList != 0 && !m.negated(s, i) && !m.has(o, e, cTxn) && !m.groupOther(o, e) {
				out(i, o+1, "leave-list", 0.92, false)
			} else if o >= 0 && prep && m.toks[o].cls&(cMsg|cMkt) != 0 && !m.negated(s, i) && !m.has(s, e, cTxn|cCall) {
				out(i, o+1, "leave-messages", 0.88, false) // "I want out of these messages"
			} else if o < 0 && m.has(s, i, cWant) && !m.negated(s, i) && m.onlyAround(s, e, i, 0) {
				out(i, i+1, "want-out", 0.6, true) // "quero sair": ask first
			}

		case t.cls&cEnough != 0:
			o, prep := m.object(i, e)
			if m.negated(s, i) || (o >= 0 && !prep && m.hasRole(i+1, o, rSing|rDet)) {
				continue // "não chega o sms": arrives, not enough
			}
			if o >= 0 && m.toks[o].cls&(cMsg|cMkt|cSend) != 0 && m.toks[o].cls&cTxn == 0 {
				if m.toks[o].cls&(cMsg|cMkt) == 0 {
					// "basta con enviar el comprobante": a send verb whose own object is not a message.
					if o2, _ := m.object(o, e); o2 >= 0 && (m.toks[o2].lex == nil || m.toks[o2].cls&(cTxn|cCall) != 0) {
						continue
					}
				}
				if m.joke(o) {
					continue // "chega de promoção boa assim kkkk"
				}
				out(i, o+1, "enough", 0.9, false)
			} else if o < 0 && t.lex.kw == "" && m.onlyAround(s, e, i, 0) {
				out(i, i+1, "enough", 0.6, true)
			}

		case t.cls&cNo != 0 && m.noMore(s, e, i, out):

		case t.cls&cNeg != 0:
			if !m.objectBeforeNeg(s, e, i, out) {
				m.negatedDesire(s, e, i, out)
			}

		case t.cls&cRevoke != 0:
			if j := m.find(s, e, cConsent|cData); j >= 0 {
				out(i, j+1, "revoke-consent", 0.92, false)
			} else if j := m.find(i, min(len(m.toks), i+14), cMsg|cMkt); j >= 0 && m.toks[j].cls&cTxn == 0 && !m.negated(s, i) && !m.txnOnly() {
				out(i, j+1, "object-to-messages", 0.88, false) // "derecho de oposición al envío de comunicaciones"
			}
		}
	}

	m.onlyWhen(s, e, out)
	m.finalNeg(s, e, out)

	// Opt-in rules; a negation before the verb turns them off.
	if accident {
		return
	}
	if m.all&cIf != 0 && m.allR&rReport != 0 {
		return // "if you keep writing I'll report you"
	}
	m.optInSignals(s, e, in)
	first := m.find(s, e, cWant|cResume|cRecv|cAdd|cActivate|cContinue|cSubscribe)
	if first < 0 || m.has(s, first+1, cNeg) || m.has(s, e, cStop|cUnsub) {
		return
	}
	txn := m.txnHead(s, e)
	topic := m.has(s, e, cMsg|cMkt)
	recv := m.find(s, e, cRecv)
	switch {
	case recv >= 0 && m.allR&rYes != 0 && m.has(s, e, cMkt) && !txn:
		in(recv, recv, "yes-receive", 0.8) // "bora receber as promo sim"
	case recv >= 0 && m.has(s, e, cResume) && !txn:
		in(first, recv, "resume-receiving", 0.88)
	case m.has(s, e, cSubscribe) && m.has(s, e, cResume) && !txn && !m.has(s, e, cWhy|cHow):
		in(m.find(s, e, cSubscribe), m.find(s, e, cSubscribe), "subscribe-again", 0.8) // "I'd like to resubscribe"
	case recv >= 0 && m.has(s, recv, cWant) && m.hasRole(recv, e, rAlso) && m.all&(cMsg|cMkt) != 0 && !txn:
		in(first, recv, "want-receive-too", 0.75) // "(vcs mandam os avisos pra minha esposa) quero receber tbm"
	case recv >= 0 && m.has(s, e, cWant) && topic && !txn:
		in(first, recv, "want-receive", 0.85)
	case recv >= 0 && m.has(s, e, cWant) && m.has(s, e, cFreq) && !txn && !m.has(s, e, cWhy|cHow):
		in(first, recv, "want-receive-here", 0.75) // "quero receber o jornal por aqui todo dia"
	case m.has(s, e, cAdd) && (m.has(s, e, cList|cResume) || (m.has(s, e, cMe) && m.has(s, e, cMkt|cMsg))) && !txn:
		in(m.find(s, e, cAdd), m.find(s, e, cList|cResume), "add-me", 0.85)
	case m.has(s, e, cResume) && m.has(s, e, cList) && m.has(s, e, cWant|cCan) && !txn && !m.has(s, e, cLeave|cRemove):
		in(first, m.find(s, e, cList), "back-to-list", 0.8) // "quero voltar pra lista"
	case m.has(s, e, cActivate) && topic && !txn:
		in(m.find(s, e, cActivate), m.find(s, e, cMsg|cMkt), "activate", 0.85)
	case m.has(s, e, cContinue) && (m.has(s, e, cSend) || (m.has(s, e, cRecv) && m.has(s, e, cWant|cCan))) && !txn:
		in(m.find(s, e, cContinue), m.find(s, e, cSend|cRecv), "keep-sending", 0.8)
	case m.has(s, e, cSubscribe) && m.has(s, e, cMsg|cMkt|cList) && !txn:
		in(m.find(s, e, cSubscribe), m.find(s, e, cMsg|cMkt|cList), "subscribe", 0.8)
	}
}

// noMore handles "no more X" forms: "sem propaganda", "geen reclame meer",
// "keine Nachrichten mehr", "plus de pubs", "niente più pubblicità".
func (m *message) noMore(s, e, i int, out func(int, int, string, float64, bool)) bool {
	if m.has(s, i, cWhy) && !m.has(s, e, cWant) {
		return false // "warum bekomme ich keine Nachrichten mehr?": a complaint
	}
	o, _ := m.object(i, e)
	if o < 0 && (m.toks[i].cls&cMore != 0 || m.has(i+1, e, cMore)) && m.has(max(s, i-3), i, cSend) && !m.has(s, i, cIndicative|cNeg) {
		out(m.find(max(s, i-3), i, cSend), i+1, "dont-send-me", 0.85, false) // "stuur me niks meer"
		return true
	}
	if o < 0 || o > i+4 {
		return false
	}
	ot := m.toks[o]
	if ot.cls&(cMsg|cMkt|cRecv|cSend) == 0 || ot.cls&(cTxn|cCall) != 0 {
		return false
	}
	more := m.has(i, e, cMore) || m.toks[i].cls&cMore != 0
	want := m.has(s, e, cWant)
	if !want && m.has(s, i, cRecv) {
		return false // "ik krijg geen berichten meer": a complaint
	}
	if m.has(s, e, cMiss) {
		return false // "ich will keine Nachrichten mehr verpassen"
	}
	// A bare list of refusals in a message that asks something ("no promos
	// and no messages today? weird") is not taken for a request.
	short := m.onlyAround(s, e, i, cMsg|cMkt) || (m.noList(s, e) && !strings.Contains(m.text, "?"))
	if !more && !want && !short {
		return false
	}
	out(i, o+1, "no-more", 0.9, false)
	return true
}

// negatedDesire handles a negation before a wish, a receive or a send verb:
// "não quero mais receber", "no me manden más", "I don't want these messages",
// "não autorizo o envio".
func (m *message) negatedDesire(s, e, i int, out func(int, int, string, float64, bool)) {
	wantBefore := false
	for j := i - 1; j >= s && j >= i-2; j-- {
		if m.toks[j].cls&(cWant|cInterest) != 0 || (j == i-1 && m.toks[j].cls&cPurpose != 0) {
			wantBefore = true // "para não receber", not "per WhatsApp nicht bekommen"
		}
	}
	if m.has(max(s, i-3), i, cStop|cUnsub|cRemove|cCancel) {
		return // "non smettete mai di": the negation belongs to the stop verb
	}
	if m.has(s, e, cMiss) {
		return // "não quero perder nenhuma promoção"
	}
	why := m.has(s, i, cWhy) // "por que o app não me manda mais": a complaint
	selfWant := m.toks[i].cls&cWant != 0
	want := wantBefore || m.toks[i].cls&cWant != 0 // "je veux plus recevoir"
	more := m.has(i, e, cMore|cResume)
	head := -1
	for j := i + 1; j < e && j <= i+8; j++ {
		t := m.toks[j]
		if t.cls&(cStop|cUnsub|cRemove|cCancel|cLeave) != 0 {
			return
		}
		if t.cls&(cWant|cInterest) != 0 && t.cls&(cRecv|cSend) == 0 {
			want = true
			continue
		}
		if t.cls&(cRecv|cSend|cAuthorize|cEndure|cKnow) != 0 {
			head = j
			break
		}
		if t.cls&(cContinue|cAux|cCall) != 0 {
			continue // "no quiero que me sigan mandando", "não quero ser contatado"
		}
		if t.text == "ni" && m.toks[j-1].cls&cWant != 0 {
			continue // "je ne veux ni pub ni ...", "no quiero ni promociones ni ..."
		}
		if skippable(t) {
			continue
		}
		if want && !wantBefore && t.cls&(cMsg|cMkt) != 0 && t.cls&cTxn == 0 && !(selfWant && t.cls&cInfo != 0) {
			out(i, j+1, "dont-want", 0.9, false)
		}
		return
	}
	if why && !want {
		return
	}
	if head < 0 {
		// Verb-second languages: "schreibt mir nicht mehr", "stuur me niet meer".
		if more && m.has(max(s, i-3), i, cSend) && m.onlyAround(i, e, i, cMore|cResume) {
			out(m.find(max(s, i-3), i, cSend), e, "dont-send-me", 0.85, false)
			return
		}
		if want && (more || m.stopEmoji() || m.all&(cRecv|cMsg|cMkt) != 0 && len(m.clauses) > 1 && !m.txnOnly()) && m.onlyAround(s, e, i, cWant|cInterest|cMore|cNeg|cThis) {
			out(i, e, "dont-want-more", 0.55, true)
		}
		return
	}
	h := m.toks[head]
	switch {
	case h.cls&cAuthorize != 0:
		// "não autorizo o envio de mensagens", not "I did not authorize this charge".
		if o, _ := m.object(head, e); !m.txnOnly() && (o < 0 || (m.toks[o].cls&objMsg != 0 && m.toks[o].cls&cTxn == 0) || m.has(o, e, cMsg|cMkt)) {
			out(i, head+1, "not-authorize", 0.9, false)
		}
		return
	case h.cls&(cRecv|cKnow) != 0 && !want:
		return // "não recebo mais": a complaint, not a request
	case h.cls&cEndure != 0 && !more:
		return
	}
	o, prep := m.object(head, e)
	if o >= 0 && m.toks[o].cls&(cNeg|cNo) != 0 && m.toks[o].cls&(cMsg|cMkt|cAll) == 0 {
		o = -1 // "não quero mais receber isso não"
	}
	if o >= 0 && prep && m.toks[o].cls&cNumber != 0 && h.cls&cSend != 0 {
		o = -1 // "não quero ser contatado por esse número"
	}
	switch {
	case o >= 0 && m.unknown(o) && ((h.cls&cRecv != 0 && want) || (h.cls&cSend != 0 && more)) && !m.has(s, e, cTxn|cCall):
		// "não quero receber o cardápio do dia": an unknown thing received is
		// probably content; without "mais" ask first.
		out(i, o+1, "dont-want-receive", 0.85, !more)
	case o < 0:
		switch {
		case more:
			out(i, head+1, "dont-want-receive", 0.9, false)
		case h.cls&cSend != 0 && m.has(i, head, cMe):
			out(i, head+1, "dont-send-me", 0.8, false)
		default:
			out(i, head+1, "dont-want-receive", 0.55, true)
		}
	case m.toks[o].cls&(cMsg|cMkt|cAll|cThis|cSend) != 0 && m.toks[o].cls&(cTxn|cCall) == 0:
		out(i, o+1, "dont-want-receive", 0.92, false)
	}
}

// helpRules: questions about the messaging itself ("why am I getting these",
// "how often do you send messages").
func (m *message) helpRules(put func(int, candidate)) {
	if m.all&(cWhy|cHow|cFreq) == 0 || m.all&(cMsg|cRecv|cSend) == 0 {
		return
	}
	if m.all&(cWhy|cHow) == 0 && !strings.Contains(m.text, "?") && m.toks[0].cls&cFreq == 0 {
		return // "adoro receber 5 mensagem por dia": a frequency in a statement
	}
	for _, cl := range m.clauses {
		s, e := cl[0], cl[1]
		v := m.find(s, e, cRecv|cSend)
		if v < 0 || m.has(s, v, cStop) || m.hasRole(s, v, rStopped) || m.negated(s, v) {
			continue // "pq vcs pararam de mandar os lembretes", "non ricevo più le notifiche": they want them back
		}
		if m.has(s, e, cMsg) || m.has(s, e, cWhy) || m.has(s, e, cFreq) {
			if m.has(s, e, cTxn) && !m.has(s, e, cMsg) {
				continue
			}
			put(prioHelp, candidate{intent: Help, conf: 0.75, rule: "phrase:" + ruleLang(m.lexLangs(v)) + ":messaging-question", t0: v, t1: v + 1, langs: m.lexLangs(v)})
			return
		}
	}
}
