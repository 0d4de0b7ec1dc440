package intent

import "strings"

// Signal rules: evidence that combines across a message rather than within one
// verb phrase. A threat to report the sender ("se continuar vou denunciar no
// procon"), an insistence ("já pedi pra sair"), never having signed up, an
// annoyance, laughter that turns "para" into an interjection, question
// templates for help ("how did you get my number", "what is this") and
// affirmations for opt-in ("sim, pode mandar", "send me offers").

// isLaugh reports laughter: "kkkk", "hahaha", "jajaja", "rsrs", "ahah", "hehe".
func isLaugh(w string) bool {
	if len(w) >= 2 && strings.Trim(w, "k") == "" {
		return true
	}
	if len(w) < 4 {
		return false
	}
	switch w[:2] {
	case "ha", "ah", "he", "eh", "hi", "ja", "je", "ji", "rs", "hu", "lo":
	default:
		return false
	}
	for i := 2; i < len(w); i++ {
		if w[i] != w[i%2] {
			return false
		}
	}
	return true
}

// happyEmoji are emoji that make a bare "para"/"stop" a joke.
const happyEmoji = "😂🤣😍🥰😆😅😄😁😊😜🤪😘🙌💕❤"

func (m *message) prepareSignals() {
	for _, w := range m.words {
		if isLaugh(w.text) {
			m.joy = true
			break
		}
	}
	m.joy = m.joy || m.allR&rJoy != 0 || strings.ContainsAny(m.text, happyEmoji)
	if m.all&(cSubscribe|cAuthorize) != 0 && m.all&cNeg != 0 {
		m.never = m.neverConsented()
	}
}

// neverConsented: "nunca me cadastrei", "eu não autorizei", "ik heb me nooit
// aangemeld", "não lembro de ter dado meu número".
func (m *message) neverConsented() bool {
	for _, c := range m.clauses {
		s, e := c[0], c[1]
		if m.has(s, e, cTxn) {
			continue
		}
		for i := s; i < e; i++ {
			if m.toks[i].cls&cNeg == 0 {
				continue
			}
			remember := false
			for j := i + 1; j < e && j <= i+5; j++ {
				t := m.toks[j]
				if t.role&rRemember != 0 {
					remember = true
					continue
				}
				if t.cls&(cSubscribe|cAuthorize) != 0 || (remember && (t.role&rAcquire != 0 || t.cls&cNumber != 0)) {
					return true
				}
				if remember || skippable(t) || t.cls&(cAux|cMe) != 0 {
					continue
				}
				break
			}
		}
	}
	return false
}

// insist reports context that makes a bare stop word a demand: an earlier
// request, an annoyance, never having signed up.
func (m *message) insist() bool {
	return m.allR&(rAlready|rAnnoy) != 0 || m.never || m.notMine
}

// txnOnly reports a message about orders, bookings or calls and not about messages.
func (m *message) txnOnly() bool {
	return m.all&(cTxn|cCall) != 0 && m.all&(cMsg|cMkt|cSend|cUnsub) == 0
}

// unknown reports a token that plays no role at all.
func (m *message) unknown(i int) bool {
	t := m.toks[i]
	return t.lex == nil || (t.cls == 0 && t.role == 0)
}

// interjection reports a bare stop word that is not about messages: "para
// tudo! chegou meu pedido", "kkkk para, vc é engraçado".
func (m *message) interjection(i int) bool {
	t := m.toks[i]
	bare := t.cls&(cStop|cEnough) != 0 || (t.lex != nil && t.lex.kw == OptOut && t.cls&(cUnsub|cLeave) == 0)
	if !bare || m.all&(cMsg|cMkt|cNumber|cList|cSend|cUnsub|cRecv) != 0 {
		return false
	}
	return (m.joy && !m.insist() && !m.refusalClause()) || (len(m.clauses) > 1 && m.all&cTxn != 0)
}

// threat: report / denounce / block the sender, with a condition, an earlier
// request, a regulator or a messaging word: "se mandarem mais uma msg vou
// denunciar no procon", "I'll block you if this continues", "denunciar como spam".
func (m *message) threat(put func(int, candidate)) {
	if m.allR&rReport == 0 || m.txnOnly() {
		return
	}
	n, first, how := 0, -1, false
	for _, c := range m.clauses {
		s, e := c[0], c[1]
		for i := s; i < e; i++ {
			if m.toks[i].role&rReport == 0 || m.negated(s, i) {
				continue
			}
			if i > s && m.toks[i-1].role&rDet != 0 {
				continue // "the report", "a denúncia"
			}
			if o, _ := m.object(i, e); o >= 0 && (m.unknown(o) || m.toks[o].cls&(cSend|cTxn) != 0 && m.toks[o].cls&(cMsg|cMkt) == 0) {
				continue // "report a bug": something else is reported
			}
			n++
			if first < 0 {
				first, how = i, m.has(s, i, cHow)
			}
		}
	}
	if first < 0 {
		return
	}
	if m.all&(cIf|cMsg|cMkt|cSend|cContinue|cResume|cStop|cUnsub|cMore) == 0 && m.allR&(rAlready|rAnnoy) == 0 && n < 2 {
		return
	}
	c := candidate{intent: OptOut, scope: ScopeAll, conf: 0.88, rule: "phrase:" + ruleLang(m.lexLangs(first)) + ":complaint-threat", t0: first, t1: first + 1, langs: m.lexLangs(first)}
	if how {
		c.conf, c.uncertain = 0.6, true
		put(prioUncertainOut, c)
		return
	}
	put(prioOptOut, c)
}

// alreadyAsked: a stop word after an earlier request, an annoyance or "I never
// signed up": "ja mandei SAIR mil vezes", "eu ja pedi pra sair, porque
// continuo recebendo", "arretez svp c'est saoulant".
func (m *message) alreadyAsked(put func(int, candidate)) {
	if !m.insist() || m.txnOnly() {
		return
	}
	for _, c := range m.clauses {
		s, e := c[0], c[1]
		for i := s; i < e; i++ {
			t := m.toks[i]
			if t.lex == nil {
				continue
			}
			kw := (t.lex.kw == OptOut && !t.lex.kwWeak) || t.cls&(cStop|cUnsub|cLeave|cEnough) != 0
			rm := t.cls&cRemove != 0 && (m.never || m.notMine || m.allR&rAlready != 0)
			if !kw && !rm {
				continue
			}
			if m.negated(s, i) && !m.conditional(s, i) {
				continue
			}
			o, prep := m.object(i, e)
			if o >= 0 {
				ot := m.toks[o]
				if ot.cls&(cTxn|cCall) != 0 {
					continue
				}
				if ot.cls&objKeep == 0 && ot.role&rAnnoy == 0 && (rm || prep || ot.cls != 0) {
					continue // "já falei pra parar de cobrar", "remover a cebola"
				}
				if t.cls&cEnough != 0 && ot.cls&objKeep == 0 && ot.role&rAnnoy == 0 {
					continue // "chega amanhã?"
				}
			}
			end := i + 1
			if o >= 0 && m.toks[o].cls&objKeep != 0 {
				end = o + 1
			}
			put(prioOptOut, candidate{intent: OptOut, scope: m.scope(s, e), conf: 0.86, rule: "phrase:" + ruleLang(m.lexLangs(i)) + ":insisted-stop", t0: i, t1: end, langs: m.lexLangs(i)})
			return
		}
	}
}

// stopPlease: a stop keyword at the start of a clause followed by "please" or
// an oath, in a message about messages: "PARA PELO AMOR DE DEUS JA SÃO 5 MSG".
func (m *message) stopPlease(s, i, o int, prep bool) bool {
	t := m.toks[i]
	if t.lex.kw != OptOut || t.lex.kwWeak || prep || i+1 >= len(m.toks) || m.toks[i+1].clause != t.clause {
		return false
	}
	if m.toks[i+1].cls&cFiller == 0 || m.toks[i+1].cls&(cSkip|cPrep) != 0 {
		return false
	}
	for j := s; j < i; j++ {
		if m.toks[j].cls&cFiller == 0 {
			return false
		}
	}
	if m.all&(cTxn|cCall|cCorrect) != 0 || m.toks[o].cls&(cSend|cRecv|cStop) != 0 {
		return false
	}
	return m.all&(cMsg|cMkt) != 0 || m.insist()
}

// nounPhrase: "stop with the car dealership spam": an unknown first word of
// the object is a modifier when a message noun follows shortly.
func (m *message) nounPhrase(i, o, e int) int {
	if !m.unknown(o) {
		return o
	}
	for j := i + 1; j < o; j++ {
		if m.toks[j].cls&(cSkip|cPrep) == 0 || m.toks[j].cls&(cAux|cFiller) != 0 {
			return o // "stop being so good at deals"
		}
	}
	for j := o + 1; j < e && j <= o+3; j++ {
		t := m.toks[j]
		if t.cls&(cMsg|cMkt) != 0 && t.cls&cTxn == 0 {
			return j
		}
		if !m.unknown(j) && !skippable(t) {
			break
		}
	}
	return o
}

// objectBeforeNeg: "propaganda não quero", "promoções não quero mais".
func (m *message) objectBeforeNeg(s, e, i int, out func(int, int, string, float64, bool)) bool {
	want := m.toks[i].cls&cWant != 0
	k := i + 1
	for ; k < e && k <= i+2; k++ {
		if m.toks[k].cls&(cWant|cInterest) != 0 {
			want = true
			break
		}
		if m.toks[k].cls&(cMore|cMe) == 0 {
			break
		}
	}
	if m.has(i, e, cTxn|cCall) || m.has(s, e, cMiss) || m.has(i, e, cRecv|cSend|cStop) {
		return false
	}
	if !want && !m.has(i+1, e, cMore) {
		return false
	}
	unknown := 0
	for j := i - 1; j >= s && j >= i-6; j-- {
		t := m.toks[j]
		if t.cls&(cMsg|cMkt) != 0 && t.cls&cTxn == 0 {
			if !want && !m.has(max(s, j-3), j, cWant) {
				return false // verb second: "wil de nieuwsbrief niet meer"
			}
			out(j, min(e, k+1), "object-not-wanted", 0.88, false)
			return true
		}
		if (m.unknown(j) || t.cls == 0 || t.cls&cTxn != 0) && unknown < 3 {
			unknown++ // "oferta de consórcio e empréstimo não quero mais"
			continue
		}
		if !skippable(t) {
			return false
		}
	}
	return false
}

// onlyWhen: "mandem msg só quando tiver entrega", "só quero os avisos do
// pedido": an opt-out of marketing, asked before acting.
func (m *message) onlyWhen(s, e int, out func(int, int, string, float64, bool)) {
	if !m.has(s, e, cOnly) || !m.has(s, e, cMsg|cSend|cRecv) || m.has(s, e, cNeg|cMkt|cIndicative|cStop|cUnsub) {
		return
	}
	if m.find(s, e, cSend|cRecv) >= 0 && m.toks[m.find(s, e, cSend|cRecv)].role&rYou != 0 {
		return
	}
	if !m.has(s, e, cMsg|cRecv) && !m.hasRole(s, e, rWhen) && m.all&cMkt == 0 {
		return // "pode mandar só o produto": a shipment
	}
	i := m.find(s, e, cOnly)
	for j := i + 1; j < e && j <= i+4; j++ {
		if m.toks[j].cls&cTxn != 0 || m.toks[j].role&rWhen != 0 {
			out(i, j+1, "only-transactional", 0.6, true)
			return
		}
	}
}

// optInSignals: "sim, pode mandar", "send me offers", "me avisa qdo tiver
// promoção", "quiero suscribirme", "autorizo o envio de mensagens".
func (m *message) optInSignals(s, e int, in func(int, int, string, float64)) {
	if m.has(s, e, cStop|cUnsub|cCall|cAccident) || m.all&(cStop|cUnsub) != 0 {
		return
	}
	if a := m.find(s, e, cAuthorize); a >= 0 && !m.has(s, a, cNeg) && m.has(a, e, cMsg|cMkt) {
		in(a, m.find(a, e, cMsg|cMkt), "authorize", 0.85) // "autorizo o envio de mensagens"
		return
	}
	if m.txnHead(s, e) && !(m.has(s, e, cSubscribe|cAdd) && m.has(s, e, cNumber)) {
		return // but "cadastra meu número pra avisar quando o pedido ficar pronto" registers
	}
	if m.notifyWhen(s, e, in) {
		return
	}
	yes := m.allR&rYes != 0
	mkt := m.has(s, e, cMkt)
	for i := s; i < e; i++ {
		t := m.toks[i]
		switch {
		case t.cls&cSend != 0 && t.cls&cIndicative == 0:
			can := false
			ok := true
			for j := s; j < i; j++ {
				p := m.toks[j]
				if p.cls&cCan != 0 {
					can = true
				}
				if p.cls&(cMe|cCan|cFiller|cWant|cResume|cMore) == 0 && p.role&rYes == 0 && (p.role&rYou == 0 || !can) { // "can you send me"
					ok = false
				}
				if p.cls&cNeg != 0 || (p.role&rYou != 0 && !m.has(s, i, cCan)) {
					ok = false
				}
			}
			if !ok {
				return
			}
			o, _ := m.object(i, e)
			switch {
			case m.has(i, e, cMkt) && (yes || !m.singular(m.find(i, e, cMkt))):
				in(i, m.find(i, e, cMkt), "send-me-offers", 0.8)
			case yes && (o < 0 || m.toks[o].cls&(cMsg|cAll|cThis) != 0 || m.toks[o].role&rYes != 0):
				in(i, i, "yes-send", 0.75)
			case can && m.has(s, e, cMe) && o >= 0 && m.toks[m.msgHead(o, e)].cls&cMsg != 0 && m.toks[m.msgHead(o, e)].cls&cTxn == 0:
				in(i, o, "send-me-messages", 0.7) // "can you send me the event alerts"
			case can && m.has(s, e, cMe) && o >= 0 && m.has(i, e, cFreq) && !m.has(s, e, cTxn|cHow|cWhy):
				in(i, o, "send-me-daily", 0.7) // "pode me mandar as vagas todo dia"
			}
			return
		case t.cls&cWant != 0 && t.cls&cNeg == 0 && yes && !m.has(s, i, cNeg):
			if mkt || m.has(i, e, cRecv) || m.onlyAround(s, e, i, 0) || onlyYes(m, s, e, i) {
				in(i, i, "yes-want", 0.75)
				return
			}
		case t.cls&cSubscribe != 0 && !m.has(s, i, cNeg):
			if m.has(s, e, cMsg|cMkt|cList) || onlyYes(m, s, e, i) {
				in(i, i, "subscribe", 0.75)
				return
			}
		}
	}
}

// onlyYes: every other token of the clause is a filler, pronoun, "want",
// "yes", "again" or half of a separable verb.
func onlyYes(m *message, s, e, i int) bool {
	for j := s; j < e; j++ {
		if j == i {
			continue
		}
		t := m.toks[j]
		if t.lex == nil {
			return false
		}
		if t.role&(rYes|rSep) != 0 {
			continue
		}
		if t.cls&(cNeg|cTxn) != 0 || t.cls&(cFiller|cSkip|cMe|cWant|cMore|cResume|cAux|cSubscribe) == 0 {
			return false
		}
	}
	return true
}

var thanksWords = map[string]bool{"obrigado": true, "obrigada": true, "obg": true, "valeu": true, "vlw": true, "thanks": true, "thank": true, "thx": true, "gracias": true, "bedankt": true, "dank": true, "grazie": true, "danke": true, "merci": true}

// helpSignals: question templates about the messaging itself.
func (m *message) helpSignals(put func(int, candidate)) {
	help := func(i int, rule string, conf float64) {
		put(prioHelp, candidate{intent: Help, conf: conf, rule: "phrase:" + ruleLang(m.lexLangs(i)) + ":" + rule, t0: i, t1: i + 1, langs: m.lexLangs(i)})
	}
	if m.txnOnly() {
		return
	}
	for _, c := range m.clauses {
		s, e := c[0], c[1]
		if m.has(s, e, cTxn|cCall) && !m.has(s, e, cMsg|cMkt) {
			continue
		}
		q := m.find(s, e, cHow|cWhy)
		for j := s; j < e && q < 0; j++ {
			if m.toks[j].role&(rWho|rWhere|rWhat) != 0 {
				q = j
			}
		}
		for i := s; i < e; i++ {
			t := m.toks[i]
			switch {
			case q >= 0 && i > q && i-q <= 4 && t.role&rAcquire != 0 && m.all&cNumber != 0 &&
				(m.has(s, e, cNumber) || strings.Contains(m.text, "?")),
				m.toks[max(q, s)].role&rWho != 0 && q >= 0 && t.cls&cSubscribe != 0:
				help(q, "how-got-my-number", 0.75)
				return
			case q >= 0 && m.toks[q].cls&cHow != 0 && t.role&rWork != 0:
				help(q, "how-does-it-work", 0.7)
				return
			case t.lex != nil && t.lex.kw == Help && !m.thanked(s, i) &&
				(m.onlyAround(s, e, i, 0) || m.all&(cMsg|cMkt) != 0 || m.allR&(rUnderstand|rWork) != 0):
				help(i, "help-word", 0.7)
				return
			case t.role&rUnderstand != 0 && (m.has(max(s, i-2), i, cNeg) || m.has(i+1, min(e, i+4), cNeg)):
				help(i, "not-understood", 0.6)
				return
			}
		}
		if e-s <= 7 && m.whatIsThis(s, e) {
			help(s, "what-is-this", 0.7)
			return
		}
	}
	if m.never {
		help(0, "never-signed-up", 0.55)
	}
}

func (m *message) thanked(s, i int) bool {
	for j := max(s, i-3); j < i; j++ {
		if m.toks[j].lex != nil && thanksWords[m.toks[j].lex.key] {
			return true
		}
	}
	return false
}

// whatIsThis: a short question "o que é isso", "who is this", "c'est quoi ce
// message", "isso é golpe?", "que empresa é essa".
func (m *message) whatIsThis(s, e int) bool {
	var r role
	var c class
	unknown := 0
	for j := s; j < e; j++ {
		if t := m.toks[j]; t.role&(rWhat|rWho|rScam) != 0 {
			break
		} else if t.cls&(cAux|cFiller) == 0 {
			return false // the question word comes first: "dat was alles" is no question
		}
	}
	for j := s; j < e; j++ {
		if m.unknown(j) {
			unknown++
			continue
		}
		r |= m.toks[j].role
		c |= m.toks[j].cls
	}
	if unknown > 1 || (unknown > 0 && c&(cMsg|cMkt) == 0) {
		return false // "what is the price of this?"
	}
	switch {
	case r&rWhat != 0:
		return r&(rDemo|rCompany|rMean) != 0 || c&(cMsg|cMkt) != 0
	case r&rScam != 0:
		return r&rDemo != 0 || c&(cMsg|cMkt) != 0
	}
	return false
}

// disinterest: "não interessa", "not interested", "kein Interesse": a stop
// of sending is about marketing whatever the thing offered.
func (m *message) disinterest() bool {
	if m.all&cInterest == 0 {
		return false
	}
	for i, t := range m.toks {
		if t.cls&cInterest != 0 && m.negated(max(0, i-2), i) {
			return true
		}
	}
	return false
}

// singular reports a singular article right before i: "me manda a promoção
// do dia" asks for one offer, "me manda as promoções" for the stream.
func (m *message) singular(i int) bool {
	return i > 0 && m.toks[i-1].clause == m.toks[i].clause && m.toks[i-1].role&rSing != 0
}

func (m *message) hasRole(s, e int, r role) bool {
	for j := s; j < e; j++ {
		if m.toks[j].role&r != 0 {
			return true
		}
	}
	return false
}
