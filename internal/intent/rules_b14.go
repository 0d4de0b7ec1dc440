package intent

// Rules added in round b14 (lexicon_b14.go), after the twelfth review.
// Recall first: a call verb joined by "and / or / nor" to a send verb or a
// message noun does not end the object of a stop verb ("parem de me ligar
// e de mandar mensagem", "stop calling and texting me").

// A send verb with "here / by WhatsApp" after it moves the calls to
// messages ("podem parar de ligar e mandar tudo por aqui?").

// coordinators join two objects of one verb.
var coordinators = map[string]bool{
	"e": true, "ou": true, "nem": true, // pt
	"y": true, "o": true, "ni": true, // es
	"and": true, "or": true, "nor": true, "n": true, // en
	"en": true, "of": true, // nl
	"ed": true, "ne": true, // it
	"und": true, "oder": true, "noch": true, // de
	"et": true, // fr
}

// callAndMessages returns the send verb or message noun joined by a
// coordinator to the call verb at o, or -1.
func (m *message) callAndMessages(o, e int) int {
	for j := o + 1; j < e && j <= o+3; j++ {
		t := m.toks[j]
		if coordinators[t.text] {
			o2, _ := m.object(j, e)
			if o2 >= 0 && m.toks[o2].cls&(cSend|cMsg) != 0 && m.toks[o2].cls&(cTxn|cCall) == 0 && !m.hasRole(o2, e, rHere) {
				return o2
			}
			return -1
		}
		if !skippable(t) {
			return -1
		}
	}
	return -1
}
