package intent

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// foldTableSize covers Latin, Greek, Cyrillic and the common punctuation blocks;
// runes above it are folded on the fly.
const foldTableSize = 0x3000

// foldTable maps a rune to its folded form: "" for a mark (dropped), " " for a
// separator, or lower-case letters and digits without diacritics.
var foldTable [foldTableSize]string

func init() {
	for r := rune(0); r < foldTableSize; r++ {
		foldTable[r] = foldRuneSlow(r)
	}
}

// foldRune returns the folded form of r (see foldTable).
func foldRune(r rune) string {
	if r >= 0 && r < foldTableSize {
		return foldTable[r]
	}
	if unicode.Is(unicode.Cf, r) {
		return "" // an invisible format character (U+FEFF) joins, as in foldRuneSlow
	}
	if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r) {
		return " "
	}
	return foldRuneSlow(r)
}

var specialFold = map[rune]string{
	'ß': "ss", 'æ': "ae", 'œ': "oe", 'ø': "o", 'đ': "d", 'ł': "l", 'ı': "i", 'þ': "th", 'ð': "d", 'ħ': "h", 'ŀ': "l",
}

func foldOnce(r rune) string {
	if r < utf8.RuneSelf {
		switch {
		case 'A' <= r && r <= 'Z':
			return string(r + 'a' - 'A')
		case 'a' <= r && r <= 'z', '0' <= r && r <= '9':
			return string(r)
		}
		return " "
	}
	var b strings.Builder
	for _, c := range norm.NFKD.String(string(r)) {
		if unicode.IsMark(c) {
			continue
		}
		c = unicode.ToLower(c)
		if s, ok := specialFold[c]; ok {
			b.WriteString(s)
			continue
		}
		if (unicode.IsLetter(c) || unicode.IsDigit(c)) && !unicode.IsUpper(c) {
			b.WriteRune(c)
		} else {
			b.WriteByte(' ')
		}
	}
	return b.String()
}

// foldRuneSlow folds r until every produced rune folds to itself, so Fold is idempotent.
func foldRuneSlow(r rune) string {
	if unicode.Is(unicode.Cf, r) {
		// Invisible format characters (zero-width space and joiners, soft
		// hyphen, bidi marks) are dropped, not read as a space: "S\u200bTOP",
		// pasted or typed on some keyboards, is STOP.
		return ""
	}
	s := foldOnce(r)
	for range 3 {
		stable := true
		var b strings.Builder
		for _, c := range s {
			f := string(c)
			if c != ' ' {
				f = foldOnce(c)
				if f != string(c) {
					stable = false
				}
			}
			b.WriteString(f)
		}
		s = b.String()
		if stable {
			break
		}
	}
	if strings.TrimSpace(s) == "" && s != "" {
		return " "
	}
	return s
}

// Fold lower-cases s, strips accents and other diacritics, turns emoji,
// punctuation and symbols into spaces, collapses runs of spaces and trims.
// The result is stable: Fold(Fold(s)) == Fold(s). Webhook code uses it to
// compare button titles and keywords the same way Detect does.
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := true // suppress leading spaces
	for _, r := range s {
		f := foldRune(r)
		for i := 0; i < len(f); i++ {
			c := f[i]
			if c == ' ' {
				if !space {
					b.WriteByte(' ')
					space = true
				}
				continue
			}
			b.WriteByte(c)
			space = false
		}
	}
	out := b.String()
	return strings.TrimSuffix(out, " ")
}

// squeeze collapses runs of the same byte ("sairrr" -> "sair", "stopp" -> "stop")
// so that repeated letters match; dictionary keys are squeezed the same way.
func squeeze(s string) string {
	for i := 1; i < len(s); i++ {
		if s[i] == s[i-1] {
			b := make([]byte, 0, len(s))
			b = append(b, s[:i]...)
			for j := i; j < len(s); j++ {
				if s[j] != b[len(b)-1] {
					b = append(b, s[j])
				}
			}
			return string(b)
		}
	}
	return s
}

// isClauseBreak reports whether r ends a clause: sentence punctuation, commas,
// line breaks and emoji.
func isClauseBreak(r rune) bool {
	switch r {
	case '.', '!', '?', ';', ',', ':', '\n', '\r', '…', '¡', '¿', '(', ')':
		return true
	}
	return r >= 0x2190 && unicode.Is(unicode.So, r)
}

// rawToken is one folded word of a message with the clause it belongs to.
type rawToken struct {
	text   string // folded
	clause int
}

// tokenize folds text into words and clause numbers. "+" becomes its own word
// because people write "nn voglio + ricevere" for "più".
func tokenize(text string, buf []rawToken) []rawToken {
	toks := buf[:0]
	clause := 0
	var word []byte
	var wb [64]byte
	word = wb[:0]
	flush := func() {
		if len(word) > 0 {
			toks = append(toks, rawToken{text: string(word), clause: clause})
			word = word[:0]
		}
	}
	brk := func() {
		flush()
		if len(toks) > 0 && toks[len(toks)-1].clause == clause {
			clause++
		}
	}
	for _, r := range text {
		if r == '+' {
			flush()
			toks = append(toks, rawToken{text: "+", clause: clause})
			continue
		}
		if isClauseBreak(r) {
			if r == '.' && abbreviations[string(word)] {
				flush() // "Art. 21 DSGVO", "z.B.": an abbreviation does not end the clause
				continue
			}
			if r == '.' && numberAbbrev[string(word)] && len(toks) > 0 && toks[len(toks)-1].clause == clause && possessives[toks[len(toks)-1].text] {
				flush() // "remove my no. from the list": "no." after "my" is my number
				continue
			}
			brk()
			continue
		}
		f := foldRune(r)
		for i := 0; i < len(f); i++ {
			if f[i] == ' ' {
				flush()
			} else {
				word = append(word, f[i])
			}
		}
	}
	flush()
	return toks
}

// numberAbbrev are abbreviations of "number" that end a clause unless a
// possessive comes before them ("my no.", "meu num.").
var numberAbbrev = map[string]bool{"no": true, "num": true, "nro": true, "n": true}

var possessives = map[string]bool{"my": true, "meu": true, "mijn": true, "mio": true, "mein": true, "meine": true}

// abbreviations end with a full stop that does not end a clause.
var abbreviations = map[string]bool{
	"art": true, "abs": true, "nr": true, "ziff": true, "bzw": true, "ca": true, "dr": true, "dra": true, "sr": true,
	"sra": true, "srta": true, "av": true, "tel": true, "pag": true, "cf": true, "vs": true, "etc": true, "ex": true,
	"z": true, "lgpd": true, "rgpd": true, "dsgvo": true, "gdpr": true, "avg": true, "par": true, "gem": true, "lt": true,
}
