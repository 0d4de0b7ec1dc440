package intent

// Words and classes added after the tenth review (rules_r10.go):
// coordinators and "other / else", which let an opt-out that names the
// offers and then every other message reach every topic ("não quero
// promoções nem avisos de pedido", "no more promos or any other messages");
// verbs of saying, which make an opt-out someone else's words ("minha amiga
// disse que não quer mais receber", "it says reply STOP to unsubscribe");
// object pronouns, which refer back to an order ("cancel my order, I don't
// want to receive it anymore"); call nouns ("não quero mais receber
// ligação, só mensagem" is about calls); parcels, which are orders ("ya no
// quiero recibir el paquete"); and "at all", which makes "no messages at all"
// as firm as "no more messages".
const (
	cAnd   class = cInfo << (1 + iota) // and / or / nor / including: "promoções nem avisos"
	cOther                             // other / else (the rest is rRest): "e qualquer outra mensagem"
	cSay                               // say verbs: "ela disse que ...", "it says reply STOP"
	cPron                              // object pronouns: "não quero mais receber ele", "ik wil het niet meer"
)

var r10Tables = map[string]signalTable{
	"pt": {
		words: map[class]string{
			cAnd:   "e ou nem incluindo inclusive",
			cOther: "outra outras outro outros",
			cSay:   "disse diz dizer disser disserem dizem dizia disseram falou falaram",
			cPron:  "ele ela eles elas",
			cCall:  "ligacao ligacoes chamada chamadas telefonema telefonemas",
			cTxn:   "encomendas entregas pacote pacotes produtos mercadoria",
		},
	},
	"es": {
		words: map[class]string{
			cAnd:   "y e o ni incluyendo incluidos incluidas",
			cOther: "otro otra otros otras demas",
			cSay:   "dijo dice decir dicen dijeron diga digan pone",
			cPron:  "lo la los las",
			cCall:  "llamada llamadas",
			cTxn:   "paquete paquetes encomienda encomiendas envios productos",
			cMore:  "en_absoluto para_nada",
		},
	},
	"en": {
		words: map[class]string{
			cAnd:   "and or nor including plus",
			cOther: "other others else",
			cSay:   "said says say saying told tells",
			cPron:  "it",
			cCall:  "calls phone_calls",
			cTxn:   "parcel parcels packages deliveries items",
			cMore:  "at_all",
			cStop:  "stop_all",
		},
		roles: map[role]string{rNever: "nope nah"},
	},
	"nl": {
		words: map[class]string{
			cAnd:   "en of noch inclusief",
			cOther: "andere ander overige",
			cSay:   "zei zegt zeggen zeiden gezegd staat",
			cPron:  "het hem",
			cCall:  "telefoontjes oproepen",
			cTxn:   "pakketje pakketjes pakketten",
			cMore:  "helemaal",
		},
	},
	"it": {
		words: map[class]string{
			cAnd:   "e ed o ne inclusi incluse compresi comprese",
			cOther: "altri altre altro altra",
			cSay:   "detto dice dire dicono disse",
			cPron:  "lo la li",
			cCall:  "chiamate telefonate",
			cTxn:   "pacchi",
			cMore:  "affatto per_niente",
		},
	},
	"de": {
		words: map[class]string{
			cAnd:   "und oder einschliesslich inklusive sowie",
			cOther: "andere anderen anderer anderes sonstige sonstigen",
			cSay:   "sagt sagte gesagt sagen sagten steht stand",
			cPron:  "es ihn sie",
			cCall:  "anrufe",
			cTxn:   "pakete packchen sendung",
			cMore:  "uberhaupt",
		},
		roles: map[role]string{rNever: "nein"},
	},
	"fr": {
		words: map[class]string{
			cAnd:   "et ou ni y_compris",
			cOther: "autre autres",
			cSay:   "dit dire disent disait",
			cPron:  "le la les",
			cCall:  "appels coups_de_fil",
			cTxn:   "paquet paquets",
			cNo:    "aucun aucune",
			cMore:  "du_tout",
		},
	},
}
