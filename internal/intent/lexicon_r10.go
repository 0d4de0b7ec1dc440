package intent

// Words and classes added after the tenth review (rules_r10.go):
// coordinators and "other / else", which let an opt-out that names the
// offers and then every other message reach every topic ("não quero
// promoções nem avisos de pedido", "no more promos or any other messages");
// "at all", which makes "no messages at all" as firm as "no more messages";
// "stop all" as a stop verb with its object ("stop all messages including
// promotions"); "aucun" as "no X".
const (
	cAnd   class = cInfo << (1 + iota) // and / or / nor / including: "promoções nem avisos"
	cOther                             // other / else (the rest is rRest): "e qualquer outra mensagem"
)

var r10Tables = map[string]signalTable{
	"pt": {
		words: map[class]string{
			cAnd:   "e ou nem incluindo inclusive",
			cOther: "outra outras outro outros",
		},
	},
	"es": {
		words: map[class]string{
			cAnd:   "y e o ni incluyendo incluidos incluidas",
			cOther: "otro otra otros otras demas",
			cMore:  "en_absoluto para_nada",
		},
	},
	"en": {
		words: map[class]string{
			cAnd:   "and or nor including plus",
			cOther: "other others else",
			cMore:  "at_all",
			cStop:  "stop_all",
		},
	},
	"nl": {
		words: map[class]string{
			cAnd:   "en of noch inclusief",
			cOther: "andere ander overige",
			cMore:  "helemaal",
		},
	},
	"it": {
		words: map[class]string{
			cAnd:   "e ed o ne inclusi incluse compresi comprese",
			cOther: "altri altre altro altra",
			cMore:  "affatto per_niente",
		},
	},
	"de": {
		words: map[class]string{
			cAnd:   "und oder einschliesslich inklusive sowie",
			cOther: "andere anderen anderer anderes sonstige sonstigen",
			cMore:  "uberhaupt",
		},
	},
	"fr": {
		words: map[class]string{
			cAnd:   "et ou ni y_compris",
			cOther: "autre autres",
			cNo:    "aucun aucune",
			cMore:  "du_tout",
		},
	},
}
