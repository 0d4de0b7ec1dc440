package meta

import (
	"encoding/json"
	"strings"
	"unicode"
	"unicode/utf8"
)

// duplicateKey returns a key that one object of body (a valid JSON text)
// holds twice, and whether there is one. Keys that differ only in case count as one, as
// encoding/json matches them: of two such keys optgate would decide on the
// last, while Meta may read the other one, so a send carrying them could be
// decided on a template or recipient other than the one Meta sends to.
func duplicateKey(body []byte) (string, bool) {
	// Keys of the open objects, innermost last; levels[i] is where level i's
	// keys start, or -1 for an array. Fixed buffers: a send body is small.
	var keyBuf [32]dupKey
	var levelBuf [16]int
	keys, levels := keyBuf[:0], levelBuf[:0]
	// An object with many keys is checked through a set of folded keys
	// instead, so that a large body costs linear time.
	var big map[int]map[string]bool
	expectKey := false
	for i := 0; i < len(body); i++ {
		switch body[i] {
		case '{':
			levels = append(levels, len(keys))
			expectKey = true
		case '[':
			levels = append(levels, -1)
			expectKey = false
		case '}', ']':
			if start := levels[len(levels)-1]; start >= 0 {
				keys = keys[:start]
			}
			delete(big, len(levels)-1)
			levels = levels[:len(levels)-1]
			expectKey = false
		case ',':
			expectKey = len(levels) > 0 && levels[len(levels)-1] >= 0
		case '"':
			end, plain := i+1, true
			for ; end < len(body) && body[end] != '"'; end++ {
				if body[end] == '\\' {
					plain = false
					end++
				} else if body[end] >= utf8.RuneSelf {
					plain = false
				}
			}
			if expectKey {
				k := dupKey{raw: body[i+1 : end]}
				if !plain {
					var s string
					if err := json.Unmarshal(body[i:end+1], &s); err != nil {
						return string(body[i : end+1]), true
					}
					k = dupKey{folded: foldKey(s), name: s}
				}
				depth, level := len(levels)-1, keys[levels[len(levels)-1]:]
				if set := big[depth]; set != nil {
					if set[k.fold()] {
						return k.String(), true
					}
					set[k.fold()] = true
				} else {
					for _, seen := range level {
						if seen.same(k) {
							return k.String(), true
						}
					}
					keys = append(keys, k)
					if len(level) == 32 {
						set := make(map[string]bool, 64)
						for _, k := range keys[levels[depth]:] {
							set[k.fold()] = true
						}
						if big == nil {
							big = map[int]map[string]bool{}
						}
						big[depth] = set
						keys = keys[:levels[depth]]
					}
				}
				expectKey = false
			}
			i = end
		}
	}
	return "", false
}

// dupKey is an object key: raw when it is plain ASCII without escapes (no
// copy is made), else its name and folded form.
type dupKey struct {
	raw          []byte
	name, folded string
}

func (k dupKey) String() string {
	if k.raw != nil {
		return string(k.raw)
	}
	return k.name
}

func (k dupKey) same(o dupKey) bool {
	if k.raw != nil && o.raw != nil {
		return asciiEqualFold(k.raw, o.raw)
	}
	return k.fold() == o.fold()
}

func (k dupKey) fold() string {
	if k.raw != nil {
		return foldKey(string(k.raw))
	}
	return k.folded
}

func asciiEqualFold(a, b []byte) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// foldKey maps a key to one form for all the keys encoding/json would take
// as equal (Unicode simple case folding: K, k and the Kelvin sign are one,
// and each rune becomes the least of its kind).
func foldKey(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToUpper(s) // the least rune of each ASCII letter's orbit
	}
	return strings.Map(func(r rune) rune {
		least := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			least = min(least, f)
		}
		return least
	}, s)
}
