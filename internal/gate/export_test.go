package gate

// WriteMessagesAtOnce makes g write every message at once and act on it, as
// if none were plain.
func WriteMessagesAtOnce(g *Gate) { g.atOnce = true }
