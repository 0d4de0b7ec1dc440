package intent

// role is a second bit set of word roles: signals that combine with the
// grammatical classes (a threat, an insistence, a question word, laughter).
type role uint64

const (
	rReport     role = 1 << iota // report / denounce / block / sue, and the regulators: procon, garante, ICO, CNIL
	rAlready                     // "já pedi", "already asked", "how many times": the person has asked before
	rJoy                         // laughter, "funny", "love": a bare "para" is an interjection
	rYes                         // yes / sure: "sim, pode mandar"
	rWhat                        // what: "o que é isso", "c'est quoi"
	rWho                         // who: "quem me cadastrou", "who gave you my number"
	rWhere                       // where from: "de onde", "woher"
	rAcquire                     // get / got / give / have: "how did you get my number"
	rWork                        // works: "como funciona"
	rUnderstand                  // understand: "não entendi"
	rMean                        // mean: "o que significa"
	rScam                        // scam: "isso é golpe?"
	rCompany                     // company: "que empresa é essa"
	rAnnoy                       // annoying / harassment: a bare stop next to it is a demand
	rRemember                    // remember: "não lembro de ter dado meu número"
	rYou                         // you (the sender): "vcs me mandam" is a statement, not a request
	rSep                         // separable verb stem: nl "meld (me) af", de "trage (mich) aus"
	rPartOut                     // its particle for leaving: af, uit, ab, aus
	rPartIn                      // its particle for joining: aan, in, an, ein
	rDet                         // article or possessive: "the report" is a noun, not a threat
	rWhen                        // when: "só quando tiver entrega"
	rDemo                        // demonstrative: "o que é isso"
	rSing                        // singular article: "a promoção do dia" is one offer
	rStopped                     // "vcs pararam de mandar": a complaint that messages stopped
)

// signalTable extends one language's vocabulary: roles, and words added to
// the classes of langTable for the signal rules (go-away idioms, offer verbs,
// past forms of subscribe and authorize, object-before-negation phrases).
type signalTable struct {
	roles map[role]string
	words map[class]string
	kwOut string
	kwIn  string
}

var signalTables = map[string]signalTable{
	"pt": {
		roles: map[role]string{
			rStopped: "pararam parou deixaram_de deixou_de",
			rDemo:    "isso isto essa esse esta este aquilo disso nisso",
			rSing:    "a o um uma",
			rWhen:    "quando qdo qnd",
			rReport: "denunciar denuncio denuncia denunciarei reportar reporto bloquear bloqueio bloquearei processar processo_voces procon anatel " +
				"reclame_aqui reclameaqui consumidor_gov senacon anpd deco",
			rAlready: "ja_pedi ja_falei ja_disse ja_mandei ja_pedimos ja_solicitei ja_avisei ja_respondi quantas_vezes mil_vezes varias_vezes " +
				"ultima_vez_que_peco ultima_vez_que_falo ultima_vez_que_digo pedi_varias pedi_mil cansei_de_pedir",
			rJoy:        "engracado engracada amo adoro lindo linda maravilhoso perfeito rsrs eba oba uhul delicia kkk",
			rYes:        "sim s claro pode_sim bora com_certeza quero_sim pode_ser positivo isso_mesmo",
			rWhat:       "o_que oque que",
			rWho:        "quem",
			rWhere:      "de_onde donde onde",
			rAcquire:    "conseguiram conseguiu pegaram pegou arrumaram arrumou acharam achou obtiveram obteve tem teem tiraram deu deram passou passaram dado dei",
			rWork:       "funciona funcionam",
			rUnderstand: "entendi entendo entender compreendi percebi",
			rMean:       "significa quer_dizer",
			rScam:       "golpe golpista fraude phishing",
			rCompany:    "empresa loja firma",
			rAnnoy:      "ja_deu saco_cheio farto farta cansado cansada chatice chato chata saco irritante enchecao insuportavel inconveniente abuso absurdo assedio incomodo chateado chateada",
			rRemember:   "lembro lembrar recordo",
			rYou:        "vc voce voces vcs tu vos",
			rDet:        "uma",
		},
		words: map[class]string{
			cUnsub: "sai_fora cai_fora some_daqui suma_daqui sumam_daqui me_esquece esquece_me me_esquecam esquecam_me me_erra vaza_daqui " +
				"desapareca desaparecam larga_do_meu_pe me_deixa_em_paz",
			cStop:        "dispenso dispensamos desativo desligo recuso",
			cSend:        "oferecer oferecendo oferecam ofereca avisar avisa avise avisem notificar notifiquem",
			cIndicative:  "mandam enviam mandaram enviaram",
			cMkt:         "disparo disparos novidade",
			cMsg:         "aviso",
			cNumber:      "contacto meu_zap meu_whatsapp meu_whats meu_wpp meu_celular meu_numero meu_contato",
			cThis:        "disso disto nisso nisto daquilo",
			cFiller:      "la pa ne neh mano mana cara vei velho po poxa tipo hj",
			cTxn:         "lista_de_espera internet",
			cAux:         "e sao eh",
			cSubscribe:   "participar cadastra cadastre cadastrem subscrever subscrevo cadastrou cadastrado cadastrada inscrito inscrita entrar inscreve inscreva",
			cAuthorize:   "autorizei autorizou autorizado autorizada dei_autorizacao",
			cRemove:      "apagado apagada deletado deletada eliminado eliminada",
			cMe:          "apagado apagada deletado deletada eliminado eliminada",
			cNeg | cWant: "nao_precisa nao_precisam n_precisa nem_precisa nao_precisa_de naum_precisa nao_e_necessario nao_preciso",
			cIf:          "senao",
		},
	},
	"es": {
		roles: map[role]string{
			rStopped:    "dejaron_de pararon",
			rDemo:       "esto eso esta este esa ese",
			rSing:       "el la un una",
			rWhen:       "cuando",
			rReport:     "denunciar denuncio denunciare denuncia reportar reporto reportare bloquear bloqueo demandar demando profeco aepd agpd facua ocu sernac indecopi",
			rAlready:    "ya_pedi ya_dije ya_les_dije ya_lo_dije ya_solicite cuantas_veces mil_veces varias_veces ultima_vez_que_pido",
			rJoy:        "jaja jeje jiji gracioso graciosa divertido encanta amo lindo",
			rYes:        "si claro dale sip por_supuesto obvio",
			rWhat:       "que",
			rWho:        "quien quienes",
			rWhere:      "de_donde donde",
			rAcquire:    "consiguieron consiguio sacaron saco obtuvieron obtuvo tienen dio dieron paso pasaron",
			rWork:       "funciona",
			rUnderstand: "entiendo entendi comprendo",
			rMean:       "significa quiere_decir",
			rScam:       "estafa fraude timo phishing",
			rCompany:    "empresa tienda",
			rAnnoy:      "harto harta hartos hartas molesto molesta pesados pesado acoso insoportable cansino fastidio",
			rRemember:   "recuerdo acuerdo",
			rYou:        "ustedes usted vos tu",
			rDet:        "una",
		},
		words: map[class]string{
			cUnsub:       "olvidame olvidense olvidenme largate larguense pierdete vayanse",
			cStop:        "desactivo",
			cSend:        "ofrecer ofreciendo ofrezcan avisar avisen avisenme notificar envienme mandenme mandame enviame mandeme",
			cIndicative:  "mandan envian mandaron enviaron",
			cNeg | cMore: "ya_no",
			cNeg | cWant: "no_hace_falta no_es_necesario no_necesito",
			cFiller:      "wey guey che tio tia loco pues bueno",
			cTxn:         "lista_de_espera internet linea",
			cAux:         "es son",
			cSubscribe:   "participar suscribi inscribi registre unirme entrar",
			cAuthorize:   "autorice autorizado",
			cIf:          "sino",
		},
	},
	"en": {
		roles: map[role]string{
			rStopped:    "stopped",
			rDemo:       "this that these those it",
			rSing:       "a an",
			rWhen:       "when",
			rReport:     "report reporting sue suing block blocking ico ftc ofcom attorney_general",
			rAlready:    "already_asked already_told already_said i_ve_asked asked_you told_you how_many_times many_times several_times multiple_times last_time_i_ask",
			rJoy:        "lol lmao lmfao rofl haha funny hilarious love",
			rYes:        "yes yeah yep yup sure absolutely of_course definitely",
			rWhat:       "what whats wat",
			rWho:        "who whos",
			rWhere:      "where",
			rAcquire:    "get got gotten obtain obtained find found have has gave give given",
			rWork:       "work works working",
			rUnderstand: "understand understood",
			rMean:       "mean means",
			rScam:       "scam scammer fraud phishing",
			rCompany:    "company business",
			rAnnoy:      "sick_of tired_of fed_up annoying harassment harassing annoyed irritating ridiculous unacceptable intrusive creepy spammy",
			rRemember:   "remember recall",
			rYou:        "you u ya guys",
			rDet:        "the a an my your our their his her",
		},
		words: map[class]string{
			cUnsub:       "go_away get_lost piss_off fuck_off buzz_off back_off leave_me_be lose_my_number forget_my_number",
			cStop:        "decline",
			cSend:        "offer offering notify",
			cMkt:         "news junk",
			cIf:          "or_else otherwise",
			cNeg | cWant: "no_need don_t_need dont_need do_not_need",
			cSubscribe:   "subscribed registered opted_in signed_me_up",
			cAuthorize:   "agree authorized authorised",
			cFiller:      "bro dude mate man",
			cTxn:         "waitlist waiting_list internet charge charges",
			cAux:         "is are r does did",
			cRecv:        "got gotten",
		},
		kwOut: "remove",
	},
	"nl": {
		roles: map[role]string{
			rStopped:    "gestopt stopten",
			rDemo:       "dit dat deze die",
			rSing:       "het een",
			rWhen:       "wanneer",
			rReport:     "rapporteren aangifte aanklagen blokkeren blokkeer acm autoriteit_persoonsgegevens consumentenbond",
			rAlready:    "al_gevraagd al_gezegd al_meerdere_keren hoe_vaak_moet vaker_gevraagd",
			rJoy:        "haha grappig lol",
			rYes:        "ja jazeker zeker prima",
			rWhat:       "wat",
			rWho:        "wie",
			rWhere:      "waar waarvandaan",
			rAcquire:    "komen kregen hebben heb gekregen gegeven gaf",
			rWork:       "werkt werken",
			rUnderstand: "begrijp snap begrijpen",
			rMean:       "betekent",
			rScam:       "oplichting oplichter fraude phishing",
			rCompany:    "bedrijf winkel",
			rAnnoy:      "zat beu irritant vervelend storend belachelijk",
			rRemember:   "herinner",
			rYou:        "jullie u jij",
			rSep:        "meld meldt schrijf schrijft",
			rPartOut:    "af uit",
			rPartIn:     "aan in",
			rDet:        "een",
		},
		words: map[class]string{
			cUnsub:       "rot_op donder_op flikker_op opzouten",
			cThis:        "hiermee ermee daarmee",
			cSend:        "aanbieden",
			cSubscribe:   "aangemeld ingeschreven geabonneerd inschrijven",
			cNeg | cWant: "hoeft_niet niet_nodig",
			cTxn:         "wachtlijst internet",
			cAux:         "is",
			cFiller:      "man gast joh",
		},
		kwIn: "inschrijven",
	},
	"it": {
		roles: map[role]string{
			rStopped:    "smesso smesso_di",
			rDemo:       "questo questa questi queste",
			rSing:       "il lo la l un una",
			rWhen:       "quando",
			rReport:     "denuncio denunciare denuncero segnalo segnalare bloccare al_garante garante_privacy garante_della_privacy agcom querela",
			rAlready:    "ho_gia_chiesto ho_gia_detto gia_chiesto gia_detto quante_volte mille_volte piu_volte",
			rJoy:        "ahah ahahah haha divertente",
			rYes:        "si certo certamente volentieri",
			rWhat:       "cosa cos che_cos",
			rWho:        "chi",
			rWhere:      "dove da_dove",
			rAcquire:    "avuto preso trovato dato avete hanno",
			rWork:       "funziona",
			rUnderstand: "capisco capito",
			rMean:       "significa",
			rScam:       "truffa frode phishing",
			rCompany:    "azienda ditta negozio",
			rAnnoy:      "stufo stufa stufi fastidioso fastidio insopportabile assurdo molestia",
			rRemember:   "ricordo",
			rYou:        "voi lei tu",
			rDet:        "una",
		},
		words: map[class]string{
			cUnsub:       "sparite sparisci andate_via lasciatemi_stare lasciami_stare dimenticatemi levatevi",
			cStop:        "rifiuto",
			cSend:        "offrire proporre avvisare avvisatemi",
			cMkt:         "novita",
			cSubscribe:   "partecipare iscritto iscritta registrato iscrivo entrare",
			cNeg | cWant: "non_serve non_c_e_bisogno",
			cTxn:         "lista_d_attesa internet",
			cAux:         "e sono",
			cIf:          "altrimenti",
		},
	},
	"de": {
		roles: map[role]string{
			rStopped:    "aufgehort",
			rDemo:       "das dies diese dieser hier",
			rSing:       "der das den dem ein eine einen",
			rWhen:       "wenn wann",
			rReport:     "zeige_ich_euch_an zeige_euch_an zeige_ich_sie_an zeige_sie_an anzeigen anzeige verklagen blockieren blockiere bundesnetzagentur verbraucherzentrale datenschutzbehorde datenschutzbeauftragten abmahnung abmahnen",
			rAlready:    "schon_gesagt schon_gebeten schon_mehrmals wie_oft_noch bereits_gebeten bereits_gesagt",
			rJoy:        "haha lustig witzig",
			rYes:        "ja jawohl klar sicher naturlich",
			rWhat:       "was",
			rWho:        "wer",
			rWhere:      "woher wo",
			rAcquire:    "habt haben hat bekommen erhalten gegeben",
			rWork:       "funktioniert",
			rUnderstand: "verstehe verstanden",
			rMean:       "bedeutet",
			rScam:       "betrug betruger abzocke phishing",
			rCompany:    "firma unternehmen laden",
			rAnnoy:      "nervt nervig lastig belastigung unverschamt",
			rRemember:   "erinnere",
			rYou:        "ihr euch du",
			rSep:        "melde meldet meld trage tragt trag",
			rPartOut:    "ab aus",
			rPartIn:     "an ein",
			rDet:        "eine einen",
		},
		words: map[class]string{
			cUnsub:       "verpisst_euch haut_ab verschwindet vergesst_mich",
			cSend:        "anbieten",
			cMkt:         "neuigkeiten",
			cSubscribe:   "angemeldet registriert abonniert eingetragen",
			cNeg | cWant: "nicht_notig brauche_nicht braucht_nicht",
			cTxn:         "warteliste internet vertrag handyvertrag",
			cAux:         "soll ist sind",
			cIf:          "sonst",
		},
	},
	"fr": {
		roles: map[role]string{
			rStopped:    "arretes",
			rDemo:       "ca cela ceci ce cette ces",
			rSing:       "le la l un une",
			rWhen:       "quand lorsque",
			rReport:     "signaler signale denoncer porter_plainte plainte cnil bloquer",
			rAlready:    "deja_demande deja_dit combien_de_fois mille_fois plusieurs_fois",
			rJoy:        "mdr ptdr haha drole",
			rYes:        "oui ouais bien_sur volontiers carrement",
			rWhat:       "quoi qu_est_ce c_est_quoi",
			rWho:        "qui",
			rWhere:      "d_ou",
			rAcquire:    "eu obtenu trouve donne avez ont",
			rWork:       "marche fonctionne",
			rUnderstand: "comprends compris",
			rMean:       "signifie veut_dire",
			rScam:       "arnaque escroquerie fraude phishing",
			rCompany:    "entreprise societe boutique",
			rAnnoy:      "marre ras_le_bol saoulant soulant chiant relou penible insupportable harcelement agacant",
			rRemember:   "souviens rappelle",
			rYou:        "vous tu",
			rDet:        "une",
		},
		words: map[class]string{
			cUnsub:       "degagez degage oubliez_moi lachez_moi barrez_vous cassez_vous foutez_le_camp",
			cRemove:      "effacez efface",
			cRecv:        "recois recoit recevons recevez recu recue recus",
			cSend:        "proposer proposez",
			cMkt:         "nouveautes",
			cSubscribe:   "participer abonne abonnee inscrit inscrite",
			cNeg | cWant: "pas_besoin",
			cSkip:        "c",
			cAux:         "est sont c_est",
			cTxn:         "liste_d_attente internet forfait",
			cIf:          "sinon",
		},
	},
}

// Roles shared by every language.
var commonRoles = map[role]string{
	rJoy:  "lol haha hahaha kkk xd rsrs lmao",
	rScam: "phishing spam",
}
