package intent

import (
	"fmt"
	"math/bits"
	"strings"
	"sync"
)

// Intent is what a message asks for about the messaging itself.
type Intent string

// The intents Detect can return.
const (
	None   Intent = "none"
	OptOut Intent = "opt_out"
	OptIn  Intent = "opt_in"
	Help   Intent = "help"
)

// Scope says which messages an OptOut or OptIn is about.
type Scope string

// Scopes of an OptOut or OptIn; other intents have an empty scope.
const (
	ScopeAll       Scope = "all"
	ScopeMarketing Scope = "marketing"
)

// Result is the outcome of Detect, with enough detail to explain it.
type Result struct {
	Intent     Intent  `json:"intent"`
	Scope      Scope   `json:"scope,omitempty"`
	Lang       string  `json:"lang,omitempty"`      // pt, es, en, nl, it, de, fr, or "" if unknown
	Confidence float64 `json:"confidence"`          // in [0,1]
	Uncertain  bool    `json:"uncertain,omitempty"` // ask the person before acting
	Keyword    bool    `json:"keyword,omitempty"`   // the whole message was a keyword
	Rule       string  `json:"rule,omitempty"`      // stable id of what fired
	Matched    string  `json:"matched,omitempty"`   // the folded text span that fired
}

// Options holds per-account additions to the built-in vocabulary.
type Options struct {
	Keywords map[Intent][]string // extra whole-message keywords (any language)
	Phrases  map[Intent][]string // extra phrases matched inside sentences
}

// lexeme is one dictionary entry: a word or a fixed multi-word expression.
type lexeme struct {
	key    string // squeezed folded form, words joined by spaces
	cls    class
	langs  uint8
	kw     Intent   // non-empty when the entry is a whole-message keyword
	kwWeak bool     // the keyword also has an everyday meaning
	byLang [7]class // roles per language: "les" is an article in French, a lesson in Dutch
	common class    // roles in every language
	roles  role     // second set of roles (signals), same scheme as cls
	byLngR [7]role
	comR   role
}

const maxPhrase = 4

type phraseKey [maxPhrase]string

type customPhrase struct {
	intent Intent
	keys   []string
	text   string
}

type customKeyword struct {
	intent Intent
	text   string
}

// Detector classifies inbound messages. It is safe for concurrent use.
type Detector struct {
	uni       map[string]*lexeme
	phr       map[phraseKey]*lexeme
	fuzzyDel  map[string]*lexeme // one-letter deletions of long keywords and unsubscribe verbs
	fuzzyBase map[string]*lexeme
	keywords  map[string]customKeyword
	phrases   []customPhrase
	firstWord map[string]bool // first keys of custom phrases, for a fast skip
}

var ambiguous = &lexeme{}

// New builds a Detector from the built-in tables plus the account's additions.
// It fails on an empty keyword or phrase or an unknown intent, naming the entry.
func New(opts Options) (*Detector, error) {
	d := &Detector{
		uni:       make(map[string]*lexeme, 4096),
		phr:       make(map[phraseKey]*lexeme, 512),
		fuzzyDel:  make(map[string]*lexeme, 4096),
		fuzzyBase: make(map[string]*lexeme, 256),
		keywords:  make(map[string]customKeyword),
		firstWord: make(map[string]bool),
	}
	for li, t := range tables {
		lb := uint8(1) << li
		for c, list := range t.words {
			for _, w := range strings.Fields(list) {
				if err := d.add(w, c, lb, "", false); err != nil {
					return nil, fmt.Errorf("intent: %s table: %w", t.lang, err)
				}
			}
		}
		for _, kw := range []struct {
			in   Intent
			list string
		}{{OptOut, t.kwOut}, {OptIn, t.kwIn}, {Help, t.kwHelp}} {
			for _, w := range strings.Fields(kw.list) {
				weak := strings.HasSuffix(w, "?")
				if err := d.add(strings.TrimSuffix(w, "?"), 0, lb, kw.in, weak); err != nil {
					return nil, fmt.Errorf("intent: %s keywords: %w", t.lang, err)
				}
			}
		}
		for _, st := range []signalTable{signalTables[t.lang], moreTables[t.lang], b7Tables[t.lang], b9Tables[t.lang], b11Tables[t.lang], b12Tables[t.lang], b13Tables[t.lang], b14Tables[t.lang]} {
			if err := d.addSignals(st, lb); err != nil {
				return nil, fmt.Errorf("intent: %s signal table: %w", t.lang, err)
			}
		}
		for _, w := range strings.Fields(t.hints) {
			if err := d.add(w, 0, lb, "", false); err != nil {
				return nil, err
			}
		}
	}
	for c, list := range commonWords {
		for _, w := range strings.Fields(list) {
			if err := d.add(w, c, 0, "", false); err != nil {
				return nil, err
			}
		}
	}
	for _, w := range strings.Fields(b9Fillers) {
		if err := d.add(w, cFiller, 0, "", false); err != nil {
			return nil, err
		}
	}
	for r, list := range commonRoles {
		for _, w := range strings.Fields(list) {
			if err := d.addRole(w, 0, r, 0, "", false); err != nil {
				return nil, err
			}
		}
	}
	d.buildFuzzy()
	if err := d.addCustom(opts); err != nil {
		return nil, err
	}
	return d, nil
}

// addSignals adds one language's signal table: words, keywords and roles.
func (d *Detector) addSignals(st signalTable, lb uint8) error {
	for c, list := range st.words {
		for _, w := range strings.Fields(list) {
			if err := d.add(w, c, lb, "", false); err != nil {
				return err
			}
		}
	}
	for _, kw := range []struct {
		in   Intent
		list string
	}{{OptOut, st.kwOut}, {OptIn, st.kwIn}} {
		for _, w := range strings.Fields(kw.list) {
			weak := strings.HasSuffix(w, "?")
			if err := d.add(strings.TrimSuffix(w, "?"), 0, lb, kw.in, weak); err != nil {
				return fmt.Errorf("keywords: %w", err)
			}
		}
	}
	for r, list := range st.roles {
		for _, w := range strings.Fields(list) {
			if err := d.addRole(w, 0, r, lb, "", false); err != nil {
				return fmt.Errorf("roles: %w", err)
			}
		}
	}
	return nil
}

func splitEntry(w string) ([]string, error) {
	var keys []string
	for _, p := range strings.Split(w, "_") {
		if p == "+" {
			keys = append(keys, "+")
			continue
		}
		for _, f := range strings.Fields(Fold(p)) {
			keys = append(keys, squeeze(f))
		}
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("entry %q is empty after folding", w)
	}
	if len(keys) > maxPhrase {
		return nil, fmt.Errorf("entry %q has more than %d words", w, maxPhrase)
	}
	return keys, nil
}

func (d *Detector) add(w string, c class, lb uint8, kw Intent, weak bool) error {
	return d.addRole(w, c, 0, lb, kw, weak)
}

func (d *Detector) addRole(w string, c class, r role, lb uint8, kw Intent, weak bool) error {
	keys, err := splitEntry(w)
	if err != nil {
		return err
	}
	var lx *lexeme
	if len(keys) == 1 {
		lx = d.uni[keys[0]]
		if lx == nil {
			lx = &lexeme{key: keys[0]}
			d.uni[keys[0]] = lx
		}
	} else {
		var pk phraseKey
		copy(pk[:], keys)
		lx = d.phr[pk]
		if lx == nil {
			lx = &lexeme{key: strings.Join(keys, " ")}
			d.phr[pk] = lx
		}
	}
	lx.cls |= c
	lx.roles |= r
	lx.langs |= lb
	if lb == 0 {
		lx.common |= c
		lx.comR |= r
	}
	for li := range lx.byLang {
		if lb&(1<<li) != 0 {
			lx.byLang[li] |= c
			lx.byLngR[li] |= r
		}
	}
	if kw != "" {
		if lx.kw != "" && lx.kw != kw {
			return fmt.Errorf("keyword %q has two intents", w)
		}
		lx.kw = kw
		lx.kwWeak = lx.kwWeak || weak
	}
	return nil
}

// buildFuzzy indexes one-letter deletions of long keywords and unsubscribe
// verbs so that "unsubcribe", "afmeldne" or "descadrastar" still match.
func (d *Detector) buildFuzzy() {
	for k, lx := range d.uni {
		if len(k) < 7 || (lx.kw == "" && lx.cls&cUnsub == 0) || lx.kwWeak {
			continue
		}
		d.fuzzyBase[k] = lx
		for i := range len(k) {
			del := k[:i] + k[i+1:]
			if old, ok := d.fuzzyDel[del]; ok && old != lx {
				if old == ambiguous || fuzzyGroup(old) != fuzzyGroup(lx) {
					d.fuzzyDel[del] = ambiguous
				} else if old.kw == "" {
					d.fuzzyDel[del] = lx
				}
				continue
			}
			d.fuzzyDel[del] = lx
		}
	}
}

// fuzzyGroup tells near-identical entries apart only when they mean different things.
func fuzzyGroup(lx *lexeme) Intent {
	if lx.kw == OptOut || lx.cls&cUnsub != 0 {
		return OptOut
	}
	return lx.kw
}

func (d *Detector) addCustom(opts Options) error {
	for in, list := range opts.Keywords {
		if !validIntent(in) {
			return fmt.Errorf("intent: Options.Keywords: unknown intent %q", in)
		}
		for i, kw := range list {
			f := Fold(kw)
			if f == "" {
				return fmt.Errorf("intent: Options.Keywords[%s][%d] %q is empty after folding", in, i, kw)
			}
			key := squeezeWords(f)
			if old, ok := d.keywords[key]; ok && old.intent != in {
				return fmt.Errorf("intent: Options.Keywords: %q is given for both %s and %s", kw, old.intent, in)
			}
			d.keywords[key] = customKeyword{intent: in, text: f}
		}
	}
	for in, list := range opts.Phrases {
		if !validIntent(in) {
			return fmt.Errorf("intent: Options.Phrases: unknown intent %q", in)
		}
		for i, p := range list {
			f := Fold(p)
			if f == "" {
				return fmt.Errorf("intent: Options.Phrases[%s][%d] %q is empty after folding", in, i, p)
			}
			keys := strings.Fields(squeezeWords(f))
			d.phrases = append(d.phrases, customPhrase{intent: in, keys: keys, text: f})
			d.firstWord[keys[0]] = true
		}
	}
	return nil
}

func validIntent(in Intent) bool { return in == OptOut || in == OptIn || in == Help }

func squeezeWords(f string) string {
	ws := strings.Fields(f)
	for i, w := range ws {
		ws[i] = squeeze(w)
	}
	return strings.Join(ws, " ")
}

// word is one folded word of the message.
type word struct {
	text   string
	key    string
	clause int
}

// tok is a dictionary unit: one word or a merged multi-word expression.
type tok struct {
	text   string
	lex    *lexeme
	cls    class
	role   role
	clause int
	w0, w1 int // word range
}

const maxInput = 2000 // bytes looked at; longer messages are cut

// Detect classifies one inbound message. It never fails: an empty or
// meaningless message is None.
func (d *Detector) Detect(text string) Result {
	if len(text) > maxInput {
		text = text[:maxInput]
	}
	if r, ok := d.quotedReply(text); ok {
		return r
	}
	sc := scratchPool.Get().(*scratch)
	defer scratchPool.Put(sc)
	raw := mergeLetters(tokenize(text, sc.raw[:0]))
	sc.raw = raw
	if len(raw) == 0 {
		if hasStopEmoji(text) {
			return Result{Intent: OptOut, Scope: ScopeAll, Confidence: 0.5, Uncertain: true, Keyword: true, Rule: "emoji:stop", Matched: ""}
		}
		return Result{Intent: None, Confidence: 0.95, Rule: "empty"}
	}
	words := sc.words[:0]
	for _, r := range raw {
		words = append(words, word{text: r.text, key: squeeze(r.text), clause: r.clause})
	}
	sc.words = words
	m := &sc.msg
	*m = message{d: d, text: text, words: words, toks: d.lexify(words, sc.toks[:0]), clauses: m.clauses[:0]}
	sc.toks = m.toks
	m.useLanguage()
	m.prepare()
	r := m.decide()
	r.Lang = m.lang(r)
	return r
}

// scratch holds the per-call buffers so Detect does not allocate them each time.
type scratch struct {
	raw   []rawToken
	words []word
	toks  []tok
	msg   message
}

var scratchPool = sync.Pool{New: func() any {
	return &scratch{raw: make([]rawToken, 0, 64), words: make([]word, 0, 64), toks: make([]tok, 0, 64)}
}}

func hasStopEmoji(s string) bool {
	return strings.ContainsAny(s, "🛑⛔🚫")
}

// lexify merges multi-word expressions and looks every unit up.
func (d *Detector) lexify(words []word, toks []tok) []tok {
	var delBuf [64]byte
	for i := 0; i < len(words); {
		matched := false
		for n := min(maxPhrase, len(words)-i); n >= 2; n-- {
			if words[i+n-1].clause != words[i].clause {
				continue
			}
			var pk phraseKey
			for j := range n {
				pk[j] = words[i+j].key
			}
			if lx, ok := d.phr[pk]; ok {
				parts := make([]string, n)
				for j := range n {
					parts[j] = words[i+j].text
				}
				toks = append(toks, tok{text: strings.Join(parts, " "), lex: lx, cls: lx.cls, role: lx.roles, clause: words[i].clause, w0: i, w1: i + n})
				i += n
				matched = true
				break
			}
		}
		if matched {
			continue
		}
		w := words[i]
		lx := d.uni[w.key]
		if lx == nil {
			if neg, rest := d.gluedNegation(w.key); neg != nil {
				toks = append(toks, tok{text: neg.key, lex: neg, cls: neg.cls, role: neg.roles, clause: w.clause, w0: i, w1: i + 1},
					tok{text: rest.key, lex: rest, cls: rest.cls, role: rest.roles, clause: w.clause, w0: i, w1: i + 1})
				i++
				continue
			}
			lx = d.fuzzy(w.key, delBuf[:0])
		}
		t := tok{text: w.text, lex: lx, clause: w.clause, w0: i, w1: i + 1}
		if lx != nil {
			t.cls = lx.cls
			t.role = lx.roles
		}
		toks = append(toks, t)
		i++
	}
	return toks
}

// fuzzy finds a long keyword or unsubscribe verb at one edit (insertion,
// deletion, substitution or swap of neighbours) from k, same first letter.
func (d *Detector) fuzzy(k string, buf []byte) *lexeme {
	if len(k) < 6 || len(k) > 30 {
		return nil
	}
	var found *lexeme
	consider := func(lx *lexeme) bool {
		if lx == nil || lx == ambiguous || lx.key[0] != k[0] {
			return true
		}
		if found != nil && found != lx {
			if fuzzyGroup(found) != fuzzyGroup(lx) {
				found = ambiguous
				return false
			}
			if found.kw != "" {
				return true
			}
		}
		found = lx
		return true
	}
	if lx, ok := d.fuzzyDel[k]; ok {
		consider(lx)
	}
	for i := range len(k) {
		b := append(buf[:0], k[:i]...)
		b = append(b, k[i+1:]...)
		if !consider(d.fuzzyBase[string(b)]) {
			break
		}
		if !consider(d.fuzzyDel[string(b)]) {
			break
		}
	}
	if found == ambiguous {
		return nil
	}
	return found
}

// useLanguage narrows each word to its roles in the message's language when
// the vote is clear and the word belongs to that language.
func (m *message) useLanguage() {
	li := m.vote(0)
	if li < 0 {
		return
	}
	for i := range m.toks {
		lx := m.toks[i].lex
		if lx != nil && lx.langs&(1<<li) != 0 {
			m.toks[i].cls = lx.byLang[li] | lx.common
			m.toks[i].role = lx.byLngR[li] | lx.comR
		}
	}
}

// lang guesses the language from the vocabulary, preferring the language of
// the entry that fired when the vote is tied.
func (m *message) lang(r Result) string {
	li := m.vote(m.firedLangs)
	if li < 0 {
		return ""
	}
	return langs[li]
}

// vote returns the index of the most likely language, or -1 on a tie;
// bonus breaks ties in favour of the languages of the rule that fired.
func (m *message) vote(bonus uint8) int {
	var score [8]float64
	for _, t := range m.toks {
		if t.lex == nil || t.lex.langs == 0 {
			continue
		}
		n := bits.OnesCount8(t.lex.langs)
		for li := range langs {
			if t.lex.langs&(1<<li) != 0 {
				score[li] += 1 / float64(n)
			}
		}
	}
	if bonus != 0 {
		for li := range langs {
			if bonus&(1<<li) != 0 {
				score[li] += 0.01
			}
		}
	}
	best, bestScore, tie := -1, 0.0, false
	for li := range langs {
		switch {
		case score[li] > bestScore+1e-9:
			best, bestScore, tie = li, score[li], false
		case score[li] > 0 && score[li] > bestScore-1e-9:
			tie = true
		}
	}
	if best < 0 || tie {
		return -1
	}
	return best
}
