package intent

// Words and roles added after blind set 13 (rules_b13.go): reply verbs ("o
// que eu respondo pra sair?" asks which keyword to send); "new" and
// reopening, which make "let me know when" a request for messages about
// the sender's offers ("avisenme cuando haya conciertos nuevos"); a flat
// refusal that answers a rhetorical question ("Sair? Jamais"); "official"
// in a question about who is writing; voice messages as message nouns;
// tips as content the sender pushes; progressive forms of withdrawing
// consent; "no interest in X any more" with its object after it.
const (
	rReply    role = rThat << (1 + iota) // reply / answer / type: "what do I reply to leave?"
	rNew                                 // new / reopen / enrolments: "avísenme cuando haya X nuevos"
	rNever                               // never / no way as an answer: "Sair? Jamais"
	rOfficial                            // official / legit: "is this an official number?"
)

var b13Tables = map[string]signalTable{
	"pt": {
		roles: map[role]string{
			rReply:    "respondo responder respondo_o respondo_com digito digitar escrevo",
			rNew:      "novo nova novos novas novidade novidades reabrir reabrirem reabrem reabre inscricoes matriculas",
			rNever:    "jamais nunca nem_pensar de_jeito_nenhum nem_a_pau",
			rOfficial: "oficial legitimo verdadeiro",
		},
		words: map[class]string{
			cMsg:    "audios audinhos",
			cMkt:    "dicas",
			cStop:   "deixo_de deixar_de",
			cRevoke: "revogando retirando",
		},
	},
	"es": {
		roles: map[role]string{
			rReply:    "respondo responder contesto contestar escribo escribir pongo",
			rNew:      "nuevo nueva nuevos nuevas novedades reabran reabren reabrir inscripciones",
			rNever:    "jamas nunca ni_hablar ni_de_broma",
			rOfficial: "oficial legitimo",
		},
		words: map[class]string{
			cMsg:    "audios notas_de_voz",
			cMkt:    "consejos",
			cRevoke: "revocando retirando",
		},
	},
	"en": {
		roles: map[role]string{
			rReply:    "reply respond answer type text",
			rNew:      "new reopen reopens reopening enrolment enrollment registrations",
			rNever:    "never no_way hell_no",
			rOfficial: "official legit legitimate genuine",
		},
		words: map[class]string{
			cMsg:    "audios voice_notes voice_messages",
			cFiller: "kindly yaar bhai",
			cRevoke: "withdrawing withdrew revoking revoked",
			cNumber: "my_no my_num my_nr",
		},
	},
	"nl": {
		roles: map[role]string{
			rReply:    "antwoord antwoorden beantwoord typ typen",
			rNew:      "nieuw nieuwe heropenen inschrijvingen",
			rNever:    "nooit nooit_van_mijn_leven echt_niet",
			rOfficial: "officieel officiele",
		},
		words: map[class]string{
			cMsg: "spraakberichten audioberichten",
		},
	},
	"it": {
		roles: map[role]string{
			rReply:    "rispondo rispondere scrivo scrivere digito",
			rNew:      "nuovo nuova nuovi nuove riaprono riapre riaprire iscrizioni",
			rNever:    "mai giammai neanche_per_sogno",
			rOfficial: "ufficiale legittimo",
			rNotify:   "fatemi_sapere fammi_sapere",
		},
		words: map[class]string{
			cMsg:     "vocali messaggi_vocali",
			cMkt:     "consigli",
			cPurpose: "faccio_a fare_a",
			cPrep:    "nel nella nelle nei negli nello",
			cRevoke:  "revocando",
		},
	},
	"de": {
		roles: map[role]string{
			rReply:    "antworte antworten schreibe tippe",
			rNew:      "neu neue neuen neues wiedereroffnet anmeldungen",
			rNever:    "niemals nie_im_leben auf_keinen_fall",
			rOfficial: "offiziell offizielle seriös serios",
			rNotify:   "bescheid",
		},
		words: map[class]string{
			cMsg: "sprachnachrichten",
			cMkt: "tipps angeboten",
		},
	},
	"fr": {
		roles: map[role]string{
			rReply:    "reponds repondre ecris tape taper",
			rNew:      "nouveau nouveaux nouvelle nouvelles rouvrent rouvre inscriptions",
			rNever:    "jamais hors_de_question",
			rOfficial: "officiel officielle",
			rNotify:   "prevenez previens",
			rWhat:     "que_dois_je que_faut_il",
		},
		words: map[class]string{
			cMsg: "vocaux messages_vocaux",
			cMkt: "astuces",
		},
	},
}
