package intent

// More roles for the rules of rules_more.go, and words added to the classes
// of langTable: stop, erase and withdraw verbs that were missing (interromper,
// wissen, Widerruf, vosotros forms), list and data objects (cadastro,
// mailing, "meu nome"), opt-in verbs (aderir, apuntarme, m'abonner), paid
// services and invoices that are not messages, and the words of the help
// questions (cost, commands, managing the messages).
const (
	rNotMine  role = rStopped << (1 + iota) // "esse número não é mais da X", "wrong number": the owner changed
	rPraise                                 // praise: "promoção boa assim" is a joke, not a complaint
	rCost                                   // cost / free: "tem custo receber?"
	rHowMuch                                // how much: "quanto custa isso" asks a price, not about the service
	rDoubt                                  // a question noun: "dúvida sobre as mensagens"
	rManage                                 // manage / control / settings: "how do I manage what you send me"
	rCommand                                // commands / keywords / options
	rRest                                   // the rest: "só os lembretes, o resto dispenso"
	rStill                                  // still: "e ainda recebo", "krijg nog steeds berichten"
	rUnsubbed                               // past of unsubscribe: "ik heb me afgemeld"
	rMy                                     // my: "apaga meu cadastro" erases the speaker's record
	rSendNoun                               // the sending: "o envio de mensagens" is not a shipment
	rTimes                                  // time(s): "3e fois", "cuarta vez", "4º pedido" count earlier requests
	rClitic                                 // verb with an object pronoun: "cancellatelo" (my number)
	rGroup                                  // a group: "o grupo da família" is someone else's list
	rI                                      // I: "se eu sair da lista ..." is a hypothesis
	rName                                   // name: "retira meu nome do mailing" removes the speaker
)

var moreTables = map[string]signalTable{
	"pt": {
		roles: map[role]string{
			rName:     "nome",
			rNotMine:  "nao_e_mais_da nao_e_mais_do nao_e_mais_de nao_e_mais_meu nao_e_meu era_do era_da era_de mudou_de_dono numero_errado nao_pertence",
			rPraise:   "boa bom otima otimo top demais barata barato linda lindo",
			rJoy:      "incrivel sensacional maravilhosa perfeita demais_da_conta",
			rCost:     "custo custa custam gratis gratuito gratuita cobrado cobrada pago paga cobram",
			rHowMuch:  "quanto quanta quantos",
			rDoubt:    "duvida duvidas pergunta perguntas",
			rManage:   "controlar gerenciar gerir administrar configurar preferencias configuracoes opcoes escolher personalizar",
			rCommand:  "comandos comando palavras_chave palavra_chave opcoes",
			rRest:     "o_resto resto restante",
			rStill:    "ainda continuo continua continuam",
			rMy:       "meu minha meus minhas",
			rSendNoun: "envio envios",
			rTimes:    "vez vezes pedido",
			rGroup:    "grupo grupos",
			rI:        "eu",
			rWhat:     "quais qual",
			rAnnoy:    "nao_aguento_mais nao_aguento aguento_mais",
			rReport:   "processo_vcs processo_voces processo_vc processo_voce processo_a_empresa",
		},
		words: map[class]string{
			cStop:      "interromper interrompa interrompam interrompe interrompi suspender suspenda suspendam",
			cSubscribe: "aderir adiro adira adiram inscrevam inscreve_me inscrevam_me inscrever_me inscreva_me",
			cWant:      "gostava",
			cMe:        "me_mandar",
			cActivate:  "liberar libera libere liberem",
			cMkt:       "boletim boletins pedido_de_doacao pedidos_de_doacao",
			cTxn:       "faturas boletos cobranca cobrancas academia streaming",
			cCancel:    "cancelamento",
			cData:      "cadastro meu_cadastro",
			cNumber:    "meu_cadastro numero_errado",
			cThis:      "bagaca joca treco",
			cSkip:      "algum alguma",
			cFreq:      "por_semana por_dia por_mes na_semana no_dia",
		},
	},
	"es": {
		roles: map[role]string{
			rName:     "nombre",
			rNotMine:  "ya_no_es_de ya_no_es_del era_de era_del no_es_mio numero_equivocado no_pertenece",
			rPraise:   "buena bueno buenas buenos genial",
			rJoy:      "increible buenisimo buenisima",
			rCost:     "costo coste cuesta cuestan gratis gratuito cobran",
			rHowMuch:  "cuanto cuanta",
			rDoubt:    "duda dudas pregunta",
			rManage:   "gestionar administrar controlar configurar preferencias configuracion opciones elegir",
			rCommand:  "comandos comando palabras_clave opciones",
			rRest:     "el_resto lo_demas resto",
			rStill:    "todavia sigo sigue siguen aun",
			rUnsubbed: "me_di_de_baja di_de_baja",
			rMy:       "mi mis",
			rSendNoun: "envio",
			rTimes:    "vez veces",
			rGroup:    "grupo",
			rI:        "yo",
			rWhat:     "cuales cual",
			rAnnoy:    "ya_esta_bien no_aguanto_mas no_aguanto",
			rClitic:   "borrenlo borradlo borralo eliminenlo eliminadlo eliminalo quitenlo quitadlo sacadlo saquenlo",
		},
		words: map[class]string{
			cStop:    "pareis interrumpir interrumpan interrumpa suspender suspendan",
			cRemove:  "quiteis saqueis borreis elimineis borrenlo borradlo borralo eliminenlo eliminadlo eliminalo quitenlo quitadlo sacadlo saquenlo",
			cMe:      "borrarme eliminarme sacarme quitarme",
			cSkip:    "vuestra vuestro vuestras vuestros os",
			cAdd:     "apuntame apuntarme apunten apuntenme apuntadme apuntar",
			cMkt:     "pedidos_de_donacion solicitudes_de_donacion",
			cTxn:     "facturas cobro streaming",
			cCancel:  "cancelacion",
			cNumber:  "numero_equivocado",
			cFreq:    "por_semana al_dia a_la_semana por_dia",
			cFiller:  "porfis",
			cMsg:     "alertas recordatorios recordatorio",
			cList:    "mailing",
			cRevoke:  "retiro retirar revocacion",
			cConsent: "consentimiento",
		},
	},
	"en": {
		roles: map[role]string{
			rName:     "name",
			rNotMine:  "no_longer_belongs belongs_to belonged_to used_to_belong not_mine wrong_number",
			rPraise:   "good great nice cool",
			rJoy:      "amazing awesome incredible delicious",
			rCost:     "cost costs free fee fees",
			rHowMuch:  "how_much",
			rDoubt:    "question questions",
			rManage:   "manage control configure preferences settings choose",
			rCommand:  "commands command keywords options",
			rRest:     "the_rest everything_else",
			rStill:    "still",
			rMy:       "my",
			rSendNoun: "sending",
			rTimes:    "time times",
			rGroup:    "group",
			rI:        "i",
			rWhat:     "which",
			rAnnoy:    "can_t_take_it can_t_stand_it",
		},
		words: map[class]string{
			cTxn:    "invoices bill bills gym streaming",
			cMsg:    "reminders reminder",
			cCancel: "cancellation",
			cRevoke: "withdrawal revocation",
			cMkt:    "donation_requests fundraising",
			cNumber: "wrong_number",
			cFreq:   "per_week a_week per_day a_day per_month",
		},
	},
	"nl": {
		roles: map[role]string{
			rName:     "naam",
			rNotMine:  "niet_meer_van was_van is_niet_van verkeerd_nummer",
			rPraise:   "goed goede mooi",
			rJoy:      "geweldig heerlijk lekker",
			rCost:     "kost kosten geld gratis",
			rHowMuch:  "hoeveel",
			rDoubt:    "vraag vragen",
			rManage:   "beheren instellen voorkeuren instellingen kiezen",
			rCommand:  "commandos opdrachten opties",
			rRest:     "de_rest rest",
			rStill:    "nog_steeds nog_altijd",
			rUnsubbed: "afgemeld uitgeschreven",
			rMy:       "mijn",
			rTimes:    "keer keren maal",
			rGroup:    "groep",
			rI:        "ik",
			rWhat:     "welke",
		},
		words: map[class]string{
			cRemove: "wissen wis wist gewist",
			cMsg:    "herinneringen herinnering",
			cLeave:  "er_vanaf er_af",
			cTxn:    "factuur facturen rekening sportschool streaming",
			cNumber: "verkeerd_nummer",
			cMkt:    "donatieverzoeken",
			cFreq:   "per_week per_dag",
			cRevoke: "intrekken trek_in",
		},
	},
	"it": {
		roles: map[role]string{
			rName:     "nome",
			rNotMine:  "non_e_piu_di era_di numero_sbagliato",
			rPraise:   "buona buono ottima ottimo",
			rJoy:      "fantastico fantastica buonissimo",
			rCost:     "costo costa gratis gratuito",
			rHowMuch:  "quanto quanta",
			rDoubt:    "domanda dubbio",
			rManage:   "gestire controllare preferenze impostazioni scegliere",
			rCommand:  "comandi parole_chiave opzioni",
			rRest:     "il_resto resto",
			rStill:    "ancora continuo",
			rUnsubbed: "disiscritto disiscritta",
			rMy:       "mio mia miei mie",
			rSendNoun: "invio",
			rTimes:    "volta volte",
			rGroup:    "gruppo",
			rI:        "io",
			rWhat:     "quali quale",
			rCompany:  "servizio",
			rClitic:   "cancellatelo cancellatela eliminatelo eliminatela toglietelo toglietela rimuovetelo rimuovetela cancellalo eliminalo",
		},
		words: map[class]string{
			cRemove:  "cancellatelo cancellatela eliminatelo eliminatela toglietelo toglietela rimuovetelo rimuovetela cancellalo eliminalo",
			cAdd:     "aggiungete aggiungi aggiungermi",
			cMsg:     "avvisi avviso alert promemoria",
			cTxn:     "fattura fatture bolletta bollette palestra streaming",
			cCancel:  "annullamento",
			cNumber:  "numero_sbagliato",
			cRevoke:  "revoco revocare revoca",
			cMkt:     "richieste_di_donazione",
			cFreq:    "a_settimana al_giorno per_settimana",
			cSkip:    "vostro vostra l",
			cConsent: "consensi",
		},
	},
	"de": {
		roles: map[role]string{
			rName:     "namen name",
			rNotMine:  "gehort_nicht_mehr nicht_mehr_von gehorte falsche_nummer",
			rPraise:   "gut gute toll",
			rJoy:      "genial lecker",
			rCost:     "kostet kosten gratis kostenlos",
			rHowMuch:  "wieviel wie_viel",
			rDoubt:    "frage fragen",
			rManage:   "verwalten einstellen einstellungen praferenzen auswahlen",
			rCommand:  "befehle befehl stichworter optionen",
			rRest:     "der_rest den_rest rest",
			rStill:    "immer_noch noch_immer weiterhin trotzdem",
			rUnsubbed: "abgemeldet ausgetragen",
			rMy:       "mein meine meinen meiner meinem",
			rSendNoun: "versand",
			rTimes:    "mal",
			rGroup:    "gruppe",
			rI:        "ich",
			rWhat:     "welche welcher",
			rCompany:  "dienst",
		},
		words: map[class]string{
			cRevoke: "widerruf",
			cMsg:    "erinnerungen erinnerung terminerinnerungen",
			cTxn:    "rechnung rechnungen fitnessstudio streaming",
			cNumber: "falsche_nummer",
			cMkt:    "spendenaufrufe spendenaufruf spendenanfragen",
			cFreq:   "pro_woche pro_tag am_tag",
		},
	},
	"fr": {
		roles: map[role]string{
			rName:     "nom",
			rNotMine:  "n_est_plus_celui n_est_plus_a etait_celui mauvais_numero",
			rPraise:   "bonne bon super",
			rJoy:      "delicieux incroyable",
			rCost:     "coute cout gratuit payant",
			rHowMuch:  "combien",
			rDoubt:    "question questions",
			rManage:   "gerer controler parametrer preferences parametres choisir",
			rCommand:  "mots_cles options",
			rRest:     "le_reste reste",
			rStill:    "toujours encore",
			rUnsubbed: "desinscrit desinscrite",
			rMy:       "mon ma mes",
			rSendNoun: "envoi envois",
			rTimes:    "fois",
			rGroup:    "groupe",
			rI:        "je j",
			rWhat:     "quels quelles quel quelle",
			rCompany:  "service",
		},
		words: map[class]string{
			cMsg:    "alertes alerte rappels rappel",
			cTxn:    "facture factures streaming salle_de_sport",
			cCancel: "annulation resiliation",
			cNumber: "mauvais_numero",
			cRevoke: "revoque revoquer retrait",
			cFreq:   "par_semaine par_jour",
		},
	},
}

// countWords are numbers and ordinals that, before a "time" noun, count the
// earlier requests: "cuarta vez", "3e fois", "2 keer", "é o 4º pedido".
var countWords = map[string]bool{
	"segunda": true, "terceira": true, "quarta": true, "quinta": true, "sexta": true, "decima": true, "duas": true, "tres": true, "quatro": true, "cinco": true, "dez": true,
	"tercera": true, "cuarta": true, "dos": true, "cuatro": true, "diez": true,
	"second": true, "third": true, "fourth": true, "fifth": true, "tenth": true, "two": true, "three": true, "four": true, "five": true, "ten": true,
	"tweede": true, "derde": true, "vierde": true, "vijfde": true, "twee": true, "drie": true, "vier": true, "vijf": true, "tien": true,
	"seconda": true, "terza": true, "due": true, "tre": true, "quattro": true, "dieci": true,
	"zweite": true, "zweiten": true, "dritte": true, "dritten": true, "vierte": true, "vierten": true, "zwei": true, "drei": true, "funf": true, "zehn": true,
	"deuxieme": true, "troisieme": true, "quatrieme": true, "cinquieme": true, "deux": true, "trois": true, "quatre": true, "cinq": true, "dix": true,
}

// isCount reports a number or an ordinal: "3", "4o" (4º), "3e", "3rd", "cuarta".
func isCount(w string) bool {
	if countWords[w] {
		return true
	}
	n := 0
	for n < len(w) && w[n] >= '0' && w[n] <= '9' {
		n++
	}
	if n == 0 || n > 3 {
		return false
	}
	switch w[n:] {
	case "", "o", "a", "e", "x", "th", "st", "nd", "rd", "eme", "er", "de", "ste", "te", "ma", "mo":
		return true
	}
	return false
}
