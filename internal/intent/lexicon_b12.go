package intent

// Words and roles added after blind set 12 (rules_b12.go): a question of
// concern after a statement that messages stopped ("c'est normal ?", "is er
// iets mis?"), which makes it a complaint; the person's own bid or offer and
// auctions, which are not marketing ("retirar mi oferta", "l'offerta
// all'asta"); "there / from there" after "my name" ("tira meu nome daí");
// wanting something to stop ("queria que parasse"); WhatsApp abbreviations
// ("qro"), Swiss German ("kei Wärbig meh") and reported requests in the
// subjunctive ("que no me siguieran mandando").
const (
	rConcern role = rKeep << (1 + iota) // is something wrong?: "c'est normal ?" after "you no longer send"
	rThere                              // from there: "tira meu nome daí" (the list the sender has)
	rThat                               // that / que / dass: "queria que parasse"
)

var b12Tables = map[string]signalTable{
	"pt": {
		roles: map[role]string{
			rConcern: "aconteceu_alguma_coisa aconteceu_algo algum_problema e_normal isso_e_normal deu_algum_problema ta_tudo_bem esta_tudo_bem",
			rThere:   "dai dali daqui",
			rThat:    "que",
		},
		words: map[class]string{
			cWant:     "qro qero qeria",
			cTxn:      "minha_oferta meu_lance",
			cStop:     "parasse parassem parassemos",
			cContinue: "continuassem continuasse",
			cEndure:   "aguenta aguentamos nao_aguento_mais nao_aguento",
		},
	},
	"es": {
		roles: map[role]string{
			rConcern: "pasa_algo paso_algo algun_problema es_normal esto_es_normal hay_algun_problema",
			rThat:    "que",
		},
		words: map[class]string{
			cTxn:      "mi_oferta mi_puja",
			cCancel:   "eliminar borrar",
			cContinue: "siguieran siguiera siguiesen continuaran continuasen",
			cStop:     "pararan parasen dejaran",
			cWant:     "kiero qiero",
			cEndure:   "no_aguanto no_aguanto_mas no_soporto",
		},
	},
	"en": {
		roles: map[role]string{
			rConcern: "something_wrong is_that_normal is_this_normal is_everything_ok what_happened any_problem",
			rThat:    "it this them that",
		},
		words: map[class]string{
			cTxn: "my_offer my_bid",
		},
	},
	"nl": {
		roles: map[role]string{
			rConcern: "iets_mis is_dat_normaal is_er_iets klopt_dat klopt_er_iets",
			rThat:    "dat het",
		},
		words: map[class]string{
			cTxn:    "mijn_bod mijn_aanbod",
			cEndure: "verdraag",
		},
	},
	"it": {
		roles: map[role]string{
			rConcern: "e_normale qualche_problema e_successo_qualcosa successo_qualcosa tutto_ok",
			rThat:    "che",
		},
		words: map[class]string{
			cTxn:    "mia_offerta",
			cEndure: "sopporto reggo",
			cStop:   "smetteste smettiate smettessero",
		},
	},
	"de": {
		roles: map[role]string{
			rConcern: "stimmt_was_nicht ist_das_normal ein_problem alles_ok",
			rThat:    "dass das es",
		},
		words: map[class]string{
			cNo:     "kei keini",
			cMkt:    "warbig werbig",
			cMore:   "meh",
			cSkip:   "eurem eurer",
			cTxn:    "mein_angebot mein_gebot",
			cEndure: "ertrage ertragen",
		},
	},
	"fr": {
		roles: map[role]string{
			rConcern: "c_est_normal est_ce_normal c_est_normal_ca un_probleme y_a_un_probleme",
			rThat:    "que qu",
		},
		words: map[class]string{
			cTxn:    "mon_offre mon_enchere",
			cEndure: "supporte supporter",
		},
	},
}
