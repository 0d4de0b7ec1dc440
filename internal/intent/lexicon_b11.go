package intent

// Words and roles added after blind set 11 (rules_b11.go): nouns of
// withdrawing consent and of ceasing ("revogação do consentimento",
// "cessação de qualquer comunicação") and the Dutch separable "trekken ...
// in"; accept verbs, which take a receive verb as a wish ("accetto di
// ricevere"); polite conditionals ("le agradecería que no me enviaran");
// clitic and regional stop verbs ("párale", "lâche-moi avec"); disbelief
// ("t'es sérieux?", "en serio?"), which makes a bare stop an exclamation;
// "what happens if"; "which / what kind of" before a message noun (help);
// apps and games, which are products, not messaging.
const (
	rDisbelief role = rAlso << (1 + iota) // serious?: "arrête, t'es sérieux?" is disbelief, not a request
	rHappen                               // happens: "o que acontece se eu mandar SAIR?"
	rWhich                                // which / what kind of: "quais mensagens vou receber?"
	rApp                                  // app / game: "sair do app do jogo" leaves a product
	rAccept                               // accept: "accetto di ricevere comunicazioni"
	rKeep                                 // keep: "a assinatura eu mantenho" keeps the paid plan, not the list
)

var b11Tables = map[string]signalTable{
	"pt": {
		roles: map[role]string{
			rDisbelief: "serio serius jura",
			rAnnoy:     "ninguem_aguenta ninguem_merece",
			rPraise:    "boas bons otimas otimos baratas baratos lindas lindos",
			rHappen:    "acontece acontecera",
			rWhich:     "quais qual que_tipo_de que_tipos_de tipo_de",
			rApp:       "app aplicativo apk jogo jogos game games",
			rAccept:    "aceito aceitamos",
			rKeep:      "mantenho manter mantem mantenha fico_com",
		},
		words: map[class]string{
			cRevoke: "revogacao revogo",
			cStop:   "cessacao interrupcao",
			cRemove: "tirarem tirassem removerem retirarem excluirem apagarem",
			cSkip:   "qualquer quaisquer",
			cWant:   "agradeceria agradeceriamos",
			cSend:   "mandassem enviassem mandasse enviasse",
		},
	},
	"es": {
		roles: map[role]string{
			rDisbelief: "en_serio serio neta enserio",
			rAnnoy:     "nadie_aguanta nadie_merece",
			rPraise:    "buenisimas buenisimos baratas baratos",
			rHappen:    "pasa pasara sucede",
			rWhich:     "cuales cual que_tipo_de tipo_de",
			rApp:       "app aplicacion juego juegos game",
			rAccept:    "acepto aceptamos",
			rKeep:      "mantengo mantener conservo me_quedo_con",
		},
		words: map[class]string{
			cStop:   "parale parenle parele paren_le cesacion",
			cRevoke: "revocacion revoco",
			cWant:   "agradeceria agradeceriamos acepto aceptamos",
			cSend:   "enviaran enviasen mandaran mandasen escribieran",
			cSkip:   "cualquier",
		},
		kwOut: "alto?",
	},
	"en": {
		roles: map[role]string{
			rDisbelief: "seriously serious for_real fr rly really",
			rHappen:    "happens happen",
			rWhich:     "which what_kind_of what_type_of what_kinds_of",
			rApp:       "app apps game games",
			rAccept:    "accept",
			rKeep:      "keep keeping",
		},
		words: map[class]string{
			cRevoke: "revocation withdrawal",
			cStop:   "cessation",
			cWant:   "accept",
		},
		kwOut: "stahp",
	},
	"nl": {
		roles: map[role]string{
			rDisbelief: "serieus echt_waar meen_je",
			rHappen:    "gebeurt",
			rWhich:     "welke wat_voor",
			rApp:       "app spel game",
			rAccept:    "accepteer",
			rKeep:      "houd behoud",
		},
		words: map[class]string{
			cRevoke: "trek trekken intrekken intrekking",
		},
	},
	"it": {
		roles: map[role]string{
			rDisbelief: "sul_serio davvero serio",
			rHappen:    "succede",
			rWhich:     "quali che_tipo_di",
			rApp:       "app applicazione gioco",
			rAccept:    "accetto accettiamo",
			rKeep:      "mantengo tengo",
		},
		words: map[class]string{
			cRevoke: "revoca",
			cStop:   "disattiva disattivate disattivare cessazione",
			cWant:   "gradirei gradiremmo accetto accettiamo",
		},
	},
	"de": {
		roles: map[role]string{
			rDisbelief: "ernsthaft echt_jetzt",
			rHappen:    "passiert",
			rWhich:     "welche was_fur",
			rApp:       "app spiel game",
			rAccept:    "akzeptiere",
			rKeep:      "behalte behalten",
		},
		words: map[class]string{
			cRecv: "krieg kriege",
		},
	},
	"fr": {
		roles: map[role]string{
			rDisbelief: "serieux serieuse serieusement",
			rHappen:    "arrive_t_il se_passe",
			rWhich:     "quels quelles quel_type_de",
			rApp:       "appli application jeu",
			rAccept:    "accepte j_accepte",
			rKeep:      "garde conserve",
		},
		words: map[class]string{
			cUnsub: "lache_moi_avec lachez_moi_avec",
			cMsg:   "textos texto",
			cWant:  "apprecierais accepte j_accepte acceptons",
		},
	},
}
