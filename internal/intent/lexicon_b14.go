package intent

// Words added in round b14 (rules_b14.go), after the twelfth review: the
// person's own "I said" before a stop word is an earlier request like "I
// already said" ("eu disse PARAR", "I said STOP!!", "ich habe gesagt
// stopp"); the first person is spelled out, or the form is first person
// only ("falei", "dije", "ho detto"), so "ela disse parar" is not one.
var b14Tables = map[string]signalTable{
	"pt": {
		words: map[class]string{
			cTxn: "encomendas",
		},
		roles: map[role]string{
			rReply:   "responda responde",
			rAlready: "eu_disse eu_falei eu_ja_disse eu_ja_falei eu_te_disse eu_lhe_disse eu_avisei",
		},
	},
	"es": {
		roles: map[role]string{
			rAlready: "he_dicho te_he_dicho les_he_dicho ya_he_dicho yo_dije dije ya_dije te_dije les_dije",
		},
	},
	"en": {
		words: map[class]string{
			cStop: "stop_all",
			cMore: "at_all",
		},
		roles: map[role]string{
			rAlready: "i_said i_told_you i_told_u i_ve_said i_have_said i_said_it",
		},
	},
	"nl": {
		roles: map[role]string{
			rAlready: "ik_zei ik_heb_gezegd ik_had_gezegd heb_ik_gezegd",
		},
	},
	"it": {
		roles: map[role]string{
			rAlready: "ho_detto vi_ho_detto ti_ho_detto le_ho_detto io_ho_detto dissi gli_ho_detto",
		},
	},
	"de": {
		roles: map[role]string{
			rAlready: "ich_habe_gesagt ich_hab_gesagt hab_gesagt habe_gesagt ich_sagte hab_ich_gesagt habe_ich_gesagt",
		},
	},
	"fr": {
		roles: map[role]string{
			rAlready: "j_ai_dit je_vous_ai_dit je_t_ai_dit j_ai_deja_dit",
		},
	},
}
