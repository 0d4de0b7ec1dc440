package intent

// Words and roles added after blind sets 9 and 10 (rules_b9.go): a past
// auxiliary that makes a stop or remove verb a question about what happened
// ("why did you stop sending", "did you remove me?"); a preposition of means
// ("stoppen via de app"); groups of people, which are someone else's list
// ("o grupo da família"), as opposed to a business's group ("el grupo de la
// lotería"); "too / also" in a request to be included ("quero receber tbm");
// the object of a remove verb that lists messages ("enlevez-moi de vos
// envois"); legal forms ("cease and desist", "opor-me ao tratamento"); give
// up ("desisto das notificações"); "no need to" in European Portuguese
// ("escusam de mandar"); "not one more" ("ni una promo más").
const (
	rPastAux role = rQuery << (1 + iota) // did: "why did you stop", "did you remove me?"
	rMeans                               // via / through: "stoppen via de app" names the means, not the object
	rPeople                              // family, school, work, friends: a group of people is someone else's
	rAlso                                // too / also: "quero receber tbm"
)

var b9Tables = map[string]signalTable{
	"pt": {
		roles: map[role]string{
			rPeople: "familia escola trabalho amigos amigas turma faculdade vizinhos igreja firma colegas",
			rAlso:   "tambem tbm tb tmb",
		},
		words: map[class]string{
			cNeg | cWant: "escusam_de escusa_de escusas_de escusais_de escusam escusa_de_mandar",
			cCancel:      "desisto desistimos desistir",
			cAux:         "tenho",
			cRevoke:      "opor_me opor oponho me_oponho opomo_nos opoe_se",
			cNo:          "nem_uma nem_um nem_mais_uma nem_mais_um",
			cData:        "cv curriculo",
			cCan:         "posso podemos",
		},
	},
	"es": {
		roles: map[role]string{
			rPeople: "familia escuela colegio trabajo amigos amigas clase facultad vecinos iglesia companeros",
			rAlso:   "tambien tb tmb",
		},
		words: map[class]string{
			cRemove: "quitan quita quiteme quitenos sacan",
			cResume: "vuelvo_a vuelve_a volvemos_a",
			cNo:     "ni_una ni_un ni_uno ni_una_sola ni_un_solo",
			cData:   "cv curriculum",
			cCancel: "desisto",
		},
	},
	"en": {
		roles: map[role]string{
			rPastAux: "did",
			rMeans:   "via through",
			rPeople:  "family school work friends class college neighbours neighbors church colleagues",
			rAlso:    "too also",
		},
		words: map[class]string{
			cPrep:                "via through",
			cStop:                "cease_and_desist cease_desist",
			cMsg:                 "communications communication comms",
			cSubscribe | cResume: "resubscribe re_subscribe",
		},
	},
	"nl": {
		roles: map[role]string{
			rMeans:   "via",
			rPeople:  "familie school werk vrienden klas buren kerk collegas",
			rAlso:    "ook",
			rPartOut: "hier_uit",
		},
		words: map[class]string{
			cLeave: "hier_uit eruit",
			cPrep:  "via",
		},
	},
	"it": {
		roles: map[role]string{
			rMeans:  "tramite via",
			rPeople: "famiglia scuola lavoro amici classe vicini chiesa colleghi",
			rAlso:   "anche",
		},
		words: map[class]string{
			cPrep: "tramite via",
			cRecv: "aggiornato aggiornata aggiornati aggiornate",
		},
	},
	"de": {
		roles: map[role]string{
			rMeans:  "mittels",
			rPeople: "familie schule arbeit freunde klasse nachbarn kirche kollegen",
			rAlso:   "auch",
		},
		words: map[class]string{
			cPrep: "mittels",
		},
	},
	"fr": {
		roles: map[role]string{
			rMeans:  "via",
			rPeople: "famille ecole travail amis classe voisins eglise collegues",
			rAlso:   "aussi",
		},
		words: map[class]string{
			cMsg:  "envois",
			cPrep: "via",
		},
	},
}

// b9Common are fillers in every language: an intensifier after a keyword
// ("BAJA DEFINITIVA", "stop definitely").
const b9Fillers = "definitiva definitivamente definitivo definitivo definitely definitief definitiv definitivement"
