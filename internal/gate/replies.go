package gate

import (
	"strings"

	"github.com/optgate/optgate/internal/config"
	"github.com/optgate/optgate/internal/intent"
)

// defaultReplies are optgate's texts in its seven languages. {business} is
// the account's name. Accounts override any of them in config.
var defaultReplies = map[string]map[string]string{
	"opt_out": {
		"pt": "Pronto! Você não receberá mais mensagens de {business} aqui. Se mudar de ideia, responda REATIVAR.",
		"es": "¡Listo! Ya no recibirás más mensajes de {business} aquí. Si cambias de idea, responde ALTA.",
		"en": "Done. You will no longer receive messages from {business} here. If you change your mind, reply START.",
		"nl": "Gelukt. Je ontvangt hier geen berichten meer van {business}. Van gedachten veranderd? Antwoord START.",
		"it": "Fatto. Non riceverai più messaggi da {business} qui. Se cambi idea, rispondi ISCRIVI.",
		"de": "Erledigt. Du erhältst hier keine Nachrichten mehr von {business}. Wenn du es dir anders überlegst, antworte START.",
		"fr": "C'est fait. Vous ne recevrez plus de messages de {business} ici. Si vous changez d'avis, répondez START.",
	},
	"opt_out_marketing": {
		"pt": "Pronto! Você não receberá mais promoções de {business}. Avisos sobre seus pedidos continuam chegando.",
		"es": "¡Listo! Ya no recibirás promociones de {business}. Los avisos de tus pedidos seguirán llegando.",
		"en": "Done. You will no longer receive promotions from {business}. Updates about your orders will still arrive.",
		"nl": "Gelukt. Je ontvangt geen aanbiedingen meer van {business}. Berichten over je bestellingen blijven komen.",
		"it": "Fatto. Non riceverai più promozioni da {business}. Gli avvisi sui tuoi ordini continueranno ad arrivare.",
		"de": "Erledigt. Du erhältst keine Werbung mehr von {business}. Hinweise zu deinen Bestellungen kommen weiterhin.",
		"fr": "C'est fait. Vous ne recevrez plus de promotions de {business}. Les informations sur vos commandes continueront d'arriver.",
	},
	"opt_in": {
		"pt": "Obrigado! Você voltará a receber mensagens de {business}. Para parar, responda SAIR a qualquer momento.",
		"es": "¡Gracias! Volverás a recibir mensajes de {business}. Para dejar de recibirlos, responde BAJA cuando quieras.",
		"en": "Thank you! You will receive messages from {business} again. To stop, reply STOP at any time.",
		"nl": "Bedankt! Je ontvangt weer berichten van {business}. Stoppen? Antwoord STOP wanneer je wilt.",
		"it": "Grazie! Riceverai di nuovo messaggi da {business}. Per smettere, rispondi STOP in qualsiasi momento.",
		"de": "Danke! Du erhältst wieder Nachrichten von {business}. Zum Abmelden antworte jederzeit STOP.",
		"fr": "Merci ! Vous recevrez à nouveau des messages de {business}. Pour arrêter, répondez STOP à tout moment.",
	},
	"help": {
		"pt": "Esta é a conta de WhatsApp de {business}. Para não receber mais mensagens, responda SAIR. Para voltar a receber, responda REATIVAR.",
		"es": "Esta es la cuenta de WhatsApp de {business}. Para no recibir más mensajes, responde BAJA. Para volver a recibirlos, responde ALTA.",
		"en": "This is the WhatsApp account of {business}. To stop receiving messages, reply STOP. To receive them again, reply START.",
		"nl": "Dit is het WhatsApp-account van {business}. Geen berichten meer ontvangen? Antwoord STOP. Weer ontvangen? Antwoord START.",
		"it": "Questo è l'account WhatsApp di {business}. Per non ricevere più messaggi, rispondi STOP. Per riceverli di nuovo, rispondi ISCRIVI.",
		"de": "Dies ist das WhatsApp-Konto von {business}. Um keine Nachrichten mehr zu erhalten, antworte STOP. Um sie wieder zu erhalten, antworte START.",
		"fr": "Ceci est le compte WhatsApp de {business}. Pour ne plus recevoir de messages, répondez STOP. Pour les recevoir à nouveau, répondez START.",
	},
}

// replyTexts holds an account's reply texts per kind and language.
type replyTexts map[string]map[string]string

func newReplyTexts(business string, r config.Replies) replyTexts {
	out := replyTexts{}
	for kind, langs := range defaultReplies {
		out[kind] = map[string]string{}
		for lang, text := range langs {
			out[kind][lang] = strings.ReplaceAll(text, "{business}", business)
		}
	}
	override := func(kind string, m map[string]string) {
		if out[kind] == nil {
			out[kind] = map[string]string{}
		}
		for lang, text := range m {
			out[kind][lang] = strings.ReplaceAll(text, "{business}", business)
		}
	}
	override("opt_out", r.OptOut)
	override("opt_out_marketing", r.OptOutMarketing)
	override("opt_in", r.OptIn)
	override("help", r.Help)
	override("confirm", r.Confirm)
	return out
}

// text returns the reply of kind in lang, falling back to English.
func (r replyTexts) text(kind, lang string) string {
	if t := r[kind][lang]; t != "" {
		return t
	}
	return r[kind]["en"]
}

// buttonSet holds the folded payloads and titles of buttons that opt out of
// marketing or opt in.
type buttonSet struct {
	optOut map[string]bool
	optIn  map[string]bool
	help   map[string]bool
}

var defaultOptOutButtons = []string{
	"Stop promotions", "Stop marketing", "Unsubscribe", "Parar promoções", "Parar promocoes", "Não quero promoções",
	"Descadastrar", "Cancelar inscrição", "Parar ofertas", "Detener promociones", "Dejar de recibir promociones",
	"Darse de baja", "Stop met aanbiedingen", "Afmelden", "Interrompi promozioni", "Annulla iscrizione",
	"Werbung stoppen", "Abmelden", "Arrêter les promotions", "Se désabonner", "Se désinscrire",
	// Titles written as what the person chooses rather than as a command.
	"No more promotions", "Não receber promoções", "Não quero receber promoções", "No recibir promociones",
	"No quiero promociones", "Non ricevere promozioni", "Stop promozioni", "Niente promozioni",
	"Ne plus recevoir de promotions", "Plus de promotions", "Keine Werbung mehr", "Keine Angebote mehr",
	"Geen promoties meer", "Geen aanbiedingen meer",
}

var defaultOptInButtons = []string{
	"Resume promotions", "Subscribe", "Quero receber", "Voltar a receber", "Receber promoções", "Reanudar promociones",
	"Suscribirme", "Quiero recibir", "Aanmelden", "Iscrivimi", "Anmelden", "Je m'abonne", "S'abonner",
}

func newButtonSet(extra config.Phrases) buttonSet {
	b := buttonSet{optOut: map[string]bool{}, optIn: map[string]bool{}, help: map[string]bool{}}
	for _, s := range extra.Help {
		if f := intent.Fold(s); f != "" {
			b.help[f] = true
		}
	}
	for _, s := range append(append([]string{}, defaultOptOutButtons...), extra.OptOut...) {
		if f := intent.Fold(s); f != "" {
			b.optOut[f] = true
		}
	}
	for _, s := range append(append([]string{}, defaultOptInButtons...), extra.OptIn...) {
		if f := intent.Fold(s); f != "" {
			b.optIn[f] = true
		}
	}
	return b
}
