package intent

// Words and roles added after blind sets 7 and 8 (rules_b7.go): verbs of
// offering, whose object is always an offer ("parem de me oferecer cartão");
// "here / by WhatsApp" and "notify me" for opt-in requests ("me avisa por
// aqui quando abrir"); verbs of malfunction after a stop verb ("deja de
// funcionar"); people and deliveries that are sent but are not messages
// ("parar de mandar o entregador"); "forgot to say" as a self-correction;
// preference verbs ("prefiro não receber"); regional forms (Swiss "nüme
// schriibe", "hör uf"); the right to object (GDPR "derecho de oposición");
// paid plans ("abbonamento premium"); privacy-policy questions.
const (
	rOffer  role = rName << (1 + iota) // offer verbs: any object they take is an offer
	rHere                              // here / by WhatsApp: "me avisa por aqui"
	rNotify                            // notify / let me know: "me avisa quando abrir"
	rBreak                             // work / load / open: "deja de funcionar" is a malfunction
	rQuery                             // which-question words of the help templates: "pra que serve"
)

var b7Tables = map[string]signalTable{
	"pt": {
		roles: map[role]string{
			rOffer:      "oferecer oferecendo oferecam ofereca oferece oferecem",
			rHere:       "aqui por_aqui",
			rNotify:     "avisa avise avisem avisar avisado avisada avisados me_avisa me_avise me_avisem notifica notifique notificado",
			rBreak:      "funcionar funcionando carregar carregando abrir abrindo",
			rQuery:      "serve servem",
			rDoubt:      "politica_de_privacidade privacidade",
			rUnderstand: "sei_mexer sei_usar",
		},
		words: map[class]string{
			cTxn:     "entregador entregadores motoboy motoboys motorista tecnico carteiro brinde brindes premium vip anual mensal recibos recibo",
			cCorrect: "esqueci esqueci_de me_esqueci",
			cWant:    "prefiro preferia preferiria",
			cSend:    "entrar_em_contato entrar_mais_em_contato entrarem_em_contato",
			cMore:    "entrar_mais_em_contato",
			cMkt:     "manchetes noticias comerciais comercial",
			cRecv:    "chegam chegando",
			cResume:  "voltar_pra voltar_para volto_pra",
			cRevoke:  "oposicao me_oponho",
			cLeave:   "saindo",
			cNo:      "nada_de",
			cAll:     "nada_de",
			cSkip:    "relativa relativo relativas relativos por_aqui",
		},
		kwOut: "sai?",
	},
	"es": {
		roles: map[role]string{
			rOffer:      "ofrecer ofreciendo ofrezcan ofrece ofrecen ofrecerme ofrecernos ofrezcas",
			rHere:       "aqui aca por_aqui",
			rNotify:     "avisame avisenme avisar avisado avisada notificame",
			rBreak:      "funcionar funcionando cargar cargando abrir andar",
			rQuery:      "sirve sirven",
			rDoubt:      "politica_de_privacidad privacidad",
			rUnderstand: "se_usar",
		},
		words: map[class]string{
			cSkip:    "aqui aca por_aqui",
			cSend:    "ofrecer ofreciendo ofrezcan ofrece ofrecen ofrecerme ofrecernos ofrezcas",
			cStop:    "dejo_de dejas_de",
			cAmbPast: "dejo_de",
			cTxn:     "repartidor repartidores mensajero tecnico regalo premium vip anual mensual recibos recibo",
			cCorrect: "olvide me_olvide",
			cWant:    "prefiero preferiria",
			cRecv:    "llegan llega llegando lleguen",
			cAdd:     "agregame agregadme sumame sumadme sumar sumarme suma incluyeme metame meteme anotame anotarme",
			cMe:      "agregame sumame sumarme incluyeme anotame anotarme",
			cMkt:     "noticias titulares comerciales comercial",
			cRemove:  "saca",
			cLeave:   "salgo me_salgo salirme",
			cEnough:  "ya_vale vale_ya me_canse",
			cRevoke:  "oposicion oponerme me_opongo",
			cMore:    "nada_de",
			cNo:      "nada_de",
		},
	},
	"en": {
		roles: map[role]string{
			rOffer:  "offering offer",
			rHere:   "here",
			rNotify: "notify let_me_know",
			rBreak:  "working loading functioning",
			rDoubt:  "privacy_policy privacy",
		},
		words: map[class]string{
			cSkip:    "here",
			cSend:    "offering offer",
			cTxn:     "driver courier technician premium vip annual monthly receipts receipt",
			cCorrect: "forgot",
			cWant:    "rather d_rather id_rather prefer",
			cUnsub:   "im_out i_m_out i_am_out count_me_out",
			cMkt:     "headlines news commercial",
			cRevoke:  "object_to",
		},
		kwIn: "resubscribe",
	},
	"nl": {
		roles: map[role]string{
			rOffer:  "aanbieden aanbiedt",
			rHere:   "hier",
			rNotify: "laat_me_weten",
			rBreak:  "werken laden",
			rDoubt:  "privacybeleid privacyverklaring",
		},
		words: map[class]string{
			cSkip:    "hier",
			cTxn:     "bezorger koerier monteur premium abonnement_premium jaarabonnement",
			cCorrect: "vergeten vergat",
			cWant:    "liever",
			cSend:    "contacteren contacteer benaderen aanbieden aanbiedt",
			cFiller:  "gelieve",
			cMkt:     "nieuws nieuwsbrief commerciele",
			cRevoke:  "bezwaar",
		},
	},
	"it": {
		roles: map[role]string{
			rOffer:  "offrire offrirmi proporre propormi proponete",
			rHere:   "qui qua",
			rNotify: "avvisami avvisatemi avvisare",
			rBreak:  "funzionare caricare",
			rDoubt:  "privacy informativa_privacy",
			rQuery:  "serve",
		},
		words: map[class]string{
			cSkip:    "qui qua",
			cSend:    "offrire offrirmi proporre propormi proponete",
			cTxn:     "fattorino corriere tecnico premium vip annuale mensile ricevute ricevuta",
			cCorrect: "dimenticato scordato",
			cWant:    "preferisco preferirei",
			cRecv:    "ricevo riceve ricevono arrivano",
			cMkt:     "notizie commerciali commerciale",
			cRevoke:  "opposizione mi_oppongo",
		},
	},
	"de": {
		roles: map[role]string{
			rOffer:  "anbieten",
			rHere:   "hier",
			rNotify: "benachrichtigt benachrichtigen",
			rBreak:  "funktionieren laden",
			rDoubt:  "datenschutz datenschutzerklarung",
		},
		words: map[class]string{
			cTxn:      "fahrer kurier techniker premium fahrstunde stunde unterricht quittungen",
			cCorrect:  "vergessen",
			cWant:     "lieber",
			cRecv:     "bekomme bekommst kriege erhalte",
			cNeg:      "nume nimme",
			cMore:     "nume nimme",
			cSend:     "schriibe schribe schriibed anbieten",
			cMsg:      "nachrichte",
			cHouPre:   "horts",
			cParticle: "uf",
			cSkip:     "dene hier",
			cAll:      "allem",
			cRevoke:   "widerspruch",
			cMkt:      "werbliche werblichen",
		},
	},
	"fr": {
		roles: map[role]string{
			rOffer:  "proposer proposez offrir",
			rHere:   "ici",
			rNotify: "prevenez_moi previens_moi",
			rBreak:  "fonctionner marcher charger",
			rDoubt:  "politique_de_confidentialite confidentialite",
		},
		words: map[class]string{
			cSkip:      "ici",
			cSend:      "proposer proposez offrir",
			cTxn:       "livreur coursier technicien premium",
			cCorrect:   "j_ai_oublie oublie_de",
			cWant:      "prefere prefererais",
			cSubscribe: "abonnez abonnez_moi abonne_moi",
			cMkt:       "actualites commerciales commerciaux commerciale",
			cRevoke:    "opposition m_oppose",
		},
	},
}
