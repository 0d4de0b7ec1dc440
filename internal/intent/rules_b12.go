package intent

import "strings"

// Rules added after blind set 12 (lexicon_b12.go). Precision first: a bare
// stop word opening a message whose other clause is a question about
// something else is an exclamation ("para tudo! vcs têm drone em
// estoque??"); a stop word followed by a colon is a label ("Para: Joana.
// De: Marcos."); WhatsApp's placeholders for deleted messages and passive
// reports that something was deleted are not requests ("Esta mensagem foi
// apagada"); "you no longer send me X" followed by a question of concern is
// a complaint ("Vous ne m'envoyez plus les rappels, c'est normal ?"). My
// offer or bid is not an offer the sender sends (lexicon). Recall: wanting
// the messages to stop ("queria que parasse"), not standing them any more
// ("não aguento mais essas mensagens"), my name removed "from there" ("tira
// meu nome daí"), and, in Detect, a keyword sent next to a quoted business
// message ("\"... Responda SAIR para não receber mais\" SAIR").

// b12Veto reports whether an opt-out candidate must be dropped.
func (m *message) b12Veto(c *candidate) bool {
	if c.intent != OptOut || c.keyword {
		return false
	}
	if m.systemNotice() {
		return true // "Esta mensagem foi apagada", "This message was deleted"
	}
	if m.stopLabel(c) {
		return true // "Para: Joana. De: Marcos."
	}
	if m.exclaimThenAsk(c) {
		return true // "para tudo! vcs tem drone em estoque??"
	}
	if m.concernComplaint() {
		return true // "jullie sturen geen herinneringen meer, is er iets mis?"
	}
	if m.passiveRemoved(c) {
		return true // "mensagem apagada", "fui removido do grupo?"
	}
	return m.b13Veto(c)
}

// systemNotices are WhatsApp's placeholders, folded: they are not written by the person.
var systemNotices = map[string]bool{
	"esta mensagem foi apagada": true, "voce apagou esta mensagem": true, "mensagem apagada": true, "midia oculta": true,
	"essa mensagem foi apagada": true, "esta mensagem foi eliminada": true, "eliminou esta mensagem": true,
	"se elimino este mensaje": true, "eliminaste este mensaje": true, "este mensaje fue eliminado": true, "mensaje eliminado": true,
	"this message was deleted": true, "you deleted this message": true, "message deleted": true, "media omitted": true,
	"dit bericht is verwijderd": true, "je hebt dit bericht verwijderd": true, "u hebt dit bericht verwijderd": true, "bericht verwijderd": true,
	"questo messaggio e stato eliminato": true, "hai eliminato questo messaggio": true, "messaggio eliminato": true,
	"diese nachricht wurde geloscht": true, "du hast diese nachricht geloscht": true, "nachricht geloscht": true,
	"ce message a ete supprime": true, "vous avez supprime ce message": true, "message supprime": true,
}

func (m *message) systemNotice() bool {
	if len(m.words) > 7 {
		return false
	}
	var b strings.Builder
	for i, w := range m.words {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(w.text)
	}
	return systemNotices[b.String()]
}

// passiveAux are finite past forms of "be" that make a remove verb after them
// a report ("foi apagada", "was deleted", "wurde gelöscht"), not a request.
var passiveAux = map[string]bool{
	"foi": true, "fui": true, "foram": true, "fue": true, "fueron": true, "was": true, "were": true,
	"wurde": true, "wurden": true, "stato": true, "stata": true, "ete": true, "werd": true, "is": true,
}

// passiveRemoved: a remove verb right after a finite past "be" with no
// request in the message: "mensagem foi apagada", "il messaggio è stato eliminato".
func (m *message) passiveRemoved(c *candidate) bool {
	if !strings.Contains(c.rule, "remove") || m.all&(cWant|cCan|cStop|cUnsub|cNeg|cList) != 0 || m.insist() {
		return false
	}
	for i := c.t0; i < c.t1 && i < len(m.toks); i++ {
		if m.toks[i].cls&cRemove == 0 {
			continue
		}
		w := m.toks[i].w0
		for j := w - 1; j >= 0 && j >= w-2; j-- {
			if passiveAux[m.words[j].key] {
				return true
			}
		}
	}
	return false
}

// stopLabel: the stop word is written as a label, "Para: Joana", "Stop: 14h".
func (m *message) stopLabel(c *candidate) bool {
	if c.t1-c.t0 != 1 || c.t0 >= len(m.toks) || m.all&(cMsg|cMkt|cList|cNumber|cUnsub|cRecv) != 0 || m.insist() {
		return false
	}
	w := m.toks[c.t0].text
	low := strings.ToLower(m.text)
	for k := 0; ; {
		j := strings.Index(low[k:], w)
		if j < 0 {
			return false
		}
		j += k
		end := j + len(w)
		before := j == 0 || !isLetter(low[j-1])
		if before && end < len(low) && low[end] == ':' && strings.TrimSpace(low[end+1:]) != "" {
			return true
		}
		k = end
	}
}

func isLetter(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 0x80
}

// exclaimThenAsk: a bare stop word in the first clause, and a question in
// another clause that is about something other than the messages or the
// sender: "para tudo! vcs tem drone em estoque??", "stop! ist das noch da?".
func (m *message) exclaimThenAsk(c *candidate) bool {
	if len(m.clauses) < 2 || c.t0 >= len(m.toks) || m.toks[c.t0].clause != m.toks[0].clause || !strings.Contains(m.text, "?") {
		return false
	}
	if !strings.HasPrefix(c.rule, "clause-keyword:") && !strings.HasSuffix(c.rule, ":stop") && !(strings.HasSuffix(c.rule, ":stop-sending") && c.t1-c.t0 <= 2) {
		return false
	}
	if m.all&(cMsg|cMkt|cNumber|cList|cSend|cUnsub|cRecv|cRemove|cLeave|cData) != 0 || m.insist() ||
		m.allR&(rWho|rWhere|rScam|rCompany|rReport|rWhat) != 0 {
		return false
	}
	// the first clause is only the stop word (and "everything", fillers)
	s, e := m.clauses[0][0], m.clauses[0][1]
	return m.onlyAround(s, e, c.t0, cAll|cEnough)
}

// concernComplaint: a question of concern ("c'est normal ?", "is er iets
// mis?") next to a negated send or receive and no stop, unsubscribe or
// removal verb: the person misses messages that stopped.
func (m *message) concernComplaint() bool {
	if m.allR&rConcern == 0 || !strings.Contains(m.text, "?") || m.all&(cStop|cUnsub|cRemove|cLeave|cCancel|cWant) != 0 ||
		m.all&(cSend|cRecv) == 0 || m.insist() || m.allR&rReport != 0 {
		return false
	}
	return m.all&(cNeg|cNo) != 0
}

// b12 adds the candidates of the rules above.
func (m *message) b12(put func(int, candidate)) {
	out := func(i, j int, rule string, conf float64) {
		put(prioOptOut, candidate{intent: OptOut, scope: m.scope(m.clauseStart(i), m.clauseEnd(i)), conf: conf,
			rule: "phrase:" + ruleLang(m.lexLangs(i)) + ":" + rule, t0: i, t1: j, langs: m.lexLangs(i)})
	}
	if m.all&cWant != 0 && m.all&cStop != 0 && m.allR&rThat != 0 {
		m.wantItToStop(out)
	}
	if m.all&cEndure != 0 {
		m.cantStand(out)
	}
	if m.allR&rThere != 0 && m.allR&rName != 0 && m.all&(cRemove|cTake) != 0 {
		m.nameFromThere(out)
	}
}

// wantItToStop: "eu queria que parasse", "I want it to stop", "ik wil dat
// het stopt", with messages or sending named somewhere in the message.
func (m *message) wantItToStop(out func(int, int, string, float64)) {
	if m.all&(cMsg|cMkt|cSend|cRecv) == 0 || m.txnOnly() || m.all&(cCall|cIf|cWhy) != 0 {
		return
	}
	for i, t := range m.toks {
		if t.cls&cWant == 0 || m.negBefore(i) {
			continue
		}
		e := m.clauseEnd(i)
		j := i + 1
		for j < e && j <= i+3 && (m.toks[j].role&rThat != 0 || (skippable(m.toks[j]) && m.toks[j].cls&cNeg == 0)) {
			j++
		}
		if j >= e || j == i+1 || m.toks[j].cls&cStop == 0 || m.toks[j].role&rBreak != 0 {
			continue
		}
		if !m.hasRole(i+1, j, rThat) {
			continue
		}
		if o, _ := m.object(j, e); o >= 0 && m.toks[o].cls&(cTxn|cCall) != 0 {
			continue
		}
		out(i, j+1, "want-it-to-stop", 0.85)
		return
	}
}

// cantStand: "não aguento mais essas mensagens", "no aguanto más recibir
// esto", "I can't stand these messages": not bearing messages any longer.
func (m *message) cantStand(out func(int, int, string, float64)) {
	for i, t := range m.toks {
		if t.cls&cEndure == 0 {
			continue
		}
		s, e := m.clauseStart(i), m.clauseEnd(i)
		if !(t.role&rAnnoy != 0 || m.negated(s, i)) || m.conditional(s, i) {
			continue
		}
		o, _ := m.object(i, e)
		if o < 0 || m.toks[o].cls&(cMsg|cMkt|cSend|cRecv|cThis) == 0 || m.toks[o].cls&(cTxn|cCall) != 0 {
			continue
		}
		if m.toks[o].cls&(cMsg|cMkt) == 0 {
			o2, _ := m.object(o, e)
			if o2 >= 0 && (m.toks[o2].cls&(cTxn|cCall) != 0 || m.unknown(o2)) {
				continue // "não aguento mais receber ligação"
			}
			if o2 < 0 && m.all&(cMsg|cMkt) == 0 && m.toks[o].cls&(cSend|cRecv) == 0 {
				continue // "não aguento mais isso" alone
			}
		}
		out(i, o+1, "cant-stand", 0.85)
		return
	}
}

// nameFromThere: "tira meu nome daí", "apaga meu nome daqui": my name taken
// out of "there", the sender's list.
func (m *message) nameFromThere(out func(int, int, string, float64)) {
	for i, t := range m.toks {
		if t.cls&(cRemove|cTake) == 0 || m.negated(m.clauseStart(i), i) {
			continue
		}
		e := m.clauseEnd(i)
		o, _ := m.object(i, e)
		if o < 0 || m.toks[o].role&rName == 0 || o+1 >= e || m.toks[o+1].role&rThere == 0 {
			continue
		}
		out(i, o+2, "remove-me-there", 0.88)
		return
	}
}

// gluedNegation splits an unknown word made of a negation and a known wish,
// receive or send verb: "naoquero", "noquiero", "nonvoglio".
func (d *Detector) gluedNegation(k string) (*lexeme, *lexeme) {
	if len(k) < 6 {
		return nil, nil
	}
	for _, p := range [...]string{"nao", "non", "no", "nn"} {
		if !strings.HasPrefix(k, p) {
			continue
		}
		neg, rest := d.uni[p], d.uni[k[len(p):]]
		if neg != nil && rest != nil && neg.cls&cNeg != 0 && rest.cls&(cWant|cRecv|cSend) != 0 && rest.cls&(cNeg|cNo) == 0 {
			return neg, rest
		}
	}
	return nil, nil
}

// quotes open or close a quoted message.
const quotes = "\"“”«»„"

// quotedReply: the person pasted the sender's message in quotes and wrote a
// keyword next to it ("\"... Responda SAIR para não receber mais\" SAIR"):
// the words outside the quotes decide when they are a whole keyword.
func (d *Detector) quotedReply(text string) (Result, bool) {
	if !strings.ContainsAny(text, quotes) {
		return Result{}, false
	}
	var out strings.Builder
	in, quoted := false, false
	for _, r := range text {
		if strings.ContainsRune(quotes, r) {
			in = !in
			quoted = quoted || in
			out.WriteByte(' ')
			continue
		}
		if !in {
			out.WriteRune(r)
		}
	}
	rest := strings.TrimSpace(out.String())
	if !quoted || in || rest == "" || strings.ContainsAny(rest, quotes) {
		return Result{}, false
	}
	r := d.Detect(rest)
	if r.Intent != OptOut || !r.Keyword || r.Uncertain {
		return Result{}, false
	}
	r.Rule = "quoted-reply:" + r.Rule
	r.Confidence = min(r.Confidence, 0.9)
	return r, true
}

// negBefore: a negation right before i, or before a pronoun before it ("eu
// não queria", "I don't want"), in the same clause; a closing "não" further
// back ("não pedi isso não, eu queria") does not count.
func (m *message) negBefore(i int) bool {
	for j := i - 1; j >= 0 && j >= i-2 && m.toks[j].clause == m.toks[i].clause; j-- {
		if m.toks[j].cls&cNeg != 0 {
			return true
		}
		if m.toks[j].cls&(cMe|cAux|cCan) == 0 && !(m.toks[j].lex != nil && m.toks[j].role&rYou != 0) {
			return false
		}
	}
	return false
}
