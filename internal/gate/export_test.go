package gate

// WriteMessagesAtOnce makes g write every message at once and act on it, as
// if none were plain.
func WriteMessagesAtOnce(g *Gate) { g.atOnce = true }

// Signed reports whether one of g's app secrets signed body.
func Signed(g *Gate, body []byte, signature string) bool { return g.signedBy(body, signature) != nil }
