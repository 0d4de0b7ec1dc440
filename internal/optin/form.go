package optin

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/optgate/optgate/internal/config"
	"github.com/optgate/optgate/internal/consent"
)

// Defaults of a form's settings.
const (
	DefaultConfirmTemplate = "optin_confirmation"
	DefaultConfirmWithin   = 48 * time.Hour
)

// Form is one configured opt-in form, ready to render and to record.
type Form struct {
	ID              string
	AccountID       string
	Business        string
	Topics          []consent.Topic
	Frequency       map[string]string
	DoubleOptIn     bool
	LogoURL         string
	PrivacyURL      string
	DefaultCountry  string
	PhoneNumberID   string // sends the confirmation; set by the caller when the config leaves it empty
	ConfirmTemplate string
	ConfirmWithin   time.Duration
	Languages       []string // the account's languages, first is the default
	title, text     map[string]string
	linkText        map[string]string
}

// NewForm resolves a configured form of account a: its topics, defaults and texts.
func NewForm(a *config.Account, f config.Form) *Form {
	rules := a.Rules()
	out := &Form{
		ID: f.ID, AccountID: a.ID, Business: a.Name, Frequency: f.Frequency, DoubleOptIn: f.DoubleOptInOn(),
		LogoURL: f.LogoURL, PrivacyURL: f.PrivacyURL, DefaultCountry: f.DefaultCountry, PhoneNumberID: f.PhoneNumberID,
		ConfirmTemplate: f.ConfirmTemplate, ConfirmWithin: f.ConfirmWithin, title: f.Title, text: f.Text, linkText: f.LinkText,
	}
	for _, id := range f.Topics {
		out.Topics = append(out.Topics, rules.Topics[id])
	}
	if out.ConfirmTemplate == "" {
		out.ConfirmTemplate = DefaultConfirmTemplate
	}
	if out.ConfirmWithin == 0 {
		out.ConfirmWithin = DefaultConfirmWithin
	}
	if out.PhoneNumberID == "" && len(a.PhoneNumbers) > 0 {
		out.PhoneNumberID = a.PhoneNumbers[0].ID
	}
	langs := a.Languages
	if len(langs) == 0 {
		langs = config.Languages
	}
	def := a.DefaultLanguage
	if def == "" {
		def = "en"
		if !slices.Contains(langs, "en") {
			def = langs[0]
		}
	}
	out.Languages = append([]string{def}, slices.DeleteFunc(slices.Clone(langs), func(l string) bool { return l == def })...)
	return out
}

// HasTopic reports whether id is one of the form's topics.
func (f *Form) HasTopic(id string) bool {
	return slices.ContainsFunc(f.Topics, func(t consent.Topic) bool { return t.ID == id })
}

// Language picks the page language: an explicit choice if the account
// speaks it, else the first language of Accept-Language it speaks, else
// the account's default.
func (f *Form) Language(explicit, acceptLanguage string) string {
	if slices.Contains(f.Languages, explicit) {
		return explicit
	}
	type pref struct {
		lang string
		q    float64
	}
	var prefs []pref
	for i, part := range strings.Split(acceptLanguage, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if p, err := strconv.ParseFloat(v, 64); err == nil {
				q = p
			}
		}
		base, _, _ := strings.Cut(strings.ToLower(tag), "-")
		prefs = append(prefs, pref{base, q - float64(i)*1e-6}) // stable for equal q
	}
	slices.SortStableFunc(prefs, func(a, b pref) int {
		switch {
		case a.q > b.q:
			return -1
		case a.q < b.q:
			return 1
		}
		return 0
	})
	for _, p := range prefs {
		if p.q > 0 && slices.Contains(f.Languages, p.lang) {
			return p.lang
		}
	}
	return f.Languages[0]
}

// Texts is everything a page shows in one language.
type Texts struct {
	Lang      string
	Title     string
	Statement string
	Topics    []TopicText
	OptOut    string // how to stop later
	Privacy   string // link label
	UI        map[string]string
}

// TopicText is one checkbox.
type TopicText struct {
	ID          string
	Description string
	Frequency   string
}

// Texts returns the page's texts in lang.
func (f *Form) Texts(lang string) Texts {
	ui := uiTexts[lang]
	if ui == nil {
		ui = uiTexts["en"]
	}
	rep := strings.NewReplacer("{business}", f.Business)
	t := Texts{Lang: lang, UI: map[string]string{}}
	for k, v := range ui {
		t.UI[k] = rep.Replace(v)
	}
	t.Title = rep.Replace(pick(f.title, lang, ui["title"]))
	t.Statement = rep.Replace(pick(f.text, lang, ui["statement"]))
	t.OptOut = t.UI["optout"]
	t.Privacy = t.UI["privacy"]
	for _, tp := range f.Topics {
		d := tp.Description
		if d == "" {
			d = strings.ReplaceAll(tp.ID, "_", " ")
		}
		t.Topics = append(t.Topics, TopicText{ID: tp.ID, Description: d, Frequency: f.Frequency[tp.ID]})
	}
	return t
}

func pick(m map[string]string, lang, def string) string {
	if v := m[lang]; v != "" {
		return v
	}
	return def
}

// ConsentText is the exact text version a person saw on the page in lang:
// everything that tells them what they agree to, one item a line. Its hash
// is the version the proof carries; a change to any of it is a new version.
func (f *Form) ConsentText(lang string) string {
	t := f.Texts(lang)
	var b strings.Builder
	fmt.Fprintf(&b, "form: %s\nlanguage: %s\nbusiness: %s\nchannel: WhatsApp\ntitle: %s\nstatement: %s\n", f.ID, lang, f.Business, t.Title, t.Statement)
	for _, tp := range t.Topics {
		fmt.Fprintf(&b, "topic %s: %s", tp.ID, tp.Description)
		if tp.Frequency != "" {
			fmt.Fprintf(&b, " (%s)", tp.Frequency)
		}
		b.WriteByte('\n')
	}
	if f.DoubleOptIn {
		fmt.Fprintf(&b, "confirmation: %s\n", t.UI["confirm_note"])
	}
	fmt.Fprintf(&b, "opt-out: %s\nprivacy policy: %s\n", t.OptOut, f.PrivacyURL)
	return b.String()
}

// TextHash returns the hex SHA-256 of a consent text.
func TextHash(text string) string {
	sum := sha256.Sum256([]byte(text))
	return hex.EncodeToString(sum[:])
}

// uiTexts are the page's words in optgate's seven languages. {business} is the account's name.
var uiTexts = map[string]map[string]string{
	"pt": {
		"title":        "Receba mensagens de {business} no WhatsApp",
		"statement":    "Quero receber de {business}, pelo WhatsApp, no número que informei, as mensagens que marquei abaixo.",
		"phone":        "Seu número de WhatsApp",
		"phone_hint":   "Com DDD. Se for de outro país, escreva com + e o código do país.",
		"country":      "País",
		"topics":       "O que você quer receber",
		"submit":       "Quero receber",
		"optout":       "Você pode parar quando quiser: responda SAIR no WhatsApp.",
		"privacy":      "Política de privacidade",
		"confirm_note": "Vamos enviar uma mensagem no WhatsApp para você confirmar. Nada será enviado antes disso.",
		"err_phone":    "Este número não parece válido. Confira o DDD e o país.",
		"err_topics":   "Marque pelo menos uma opção.",
		"err_changed":  "Este formulário mudou. Confira o texto e envie de novo.",
		"err_limit":    "Muitas tentativas. Tente de novo mais tarde.",
		"err_send":     "Não conseguimos enviar a confirmação agora. Tente de novo em alguns minutos.",
		"done_double":  "Quase lá! Enviamos uma mensagem para {phone} no WhatsApp. Toque em confirmar (ou responda SIM) para começar a receber.",
		"done_single":  "Pronto! Você vai receber as mensagens que escolheu de {business} em {phone}.",
		"done_title":   "Obrigado!",
		"required":     "obrigatório",
	},
	"es": {
		"title":        "Recibe mensajes de {business} por WhatsApp",
		"statement":    "Quiero recibir de {business}, por WhatsApp, en el número que indiqué, los mensajes que marqué abajo.",
		"phone":        "Tu número de WhatsApp",
		"phone_hint":   "Si es de otro país, escríbelo con + y el código del país.",
		"country":      "País",
		"topics":       "Qué quieres recibir",
		"submit":       "Quiero recibir",
		"optout":       "Puedes darte de baja cuando quieras: responde BAJA en WhatsApp.",
		"privacy":      "Política de privacidad",
		"confirm_note": "Te enviaremos un mensaje por WhatsApp para que lo confirmes. No enviaremos nada antes.",
		"err_phone":    "Este número no parece válido. Revisa el país y el número.",
		"err_topics":   "Marca al menos una opción.",
		"err_changed":  "Este formulario cambió. Revisa el texto y envíalo de nuevo.",
		"err_limit":    "Demasiados intentos. Inténtalo más tarde.",
		"err_send":     "No pudimos enviar la confirmación ahora. Inténtalo en unos minutos.",
		"done_double":  "¡Casi listo! Enviamos un mensaje a {phone} por WhatsApp. Toca confirmar (o responde SÍ) para empezar a recibir.",
		"done_single":  "¡Listo! Recibirás los mensajes que elegiste de {business} en {phone}.",
		"done_title":   "¡Gracias!",
		"required":     "obligatorio",
	},
	"en": {
		"title":        "Get messages from {business} on WhatsApp",
		"statement":    "I want to receive the messages I ticked below from {business} on WhatsApp, at the number I entered.",
		"phone":        "Your WhatsApp number",
		"phone_hint":   "From another country? Write it with + and the country code.",
		"country":      "Country",
		"topics":       "What you want to receive",
		"submit":       "Sign me up",
		"optout":       "You can stop at any time: reply STOP in WhatsApp.",
		"privacy":      "Privacy policy",
		"confirm_note": "We will send you a WhatsApp message to confirm. Nothing is sent before you do.",
		"err_phone":    "This number does not look valid. Check the country and the number.",
		"err_topics":   "Tick at least one option.",
		"err_changed":  "This form has changed. Please review it and send it again.",
		"err_limit":    "Too many attempts. Please try again later.",
		"err_send":     "We could not send the confirmation right now. Please try again in a few minutes.",
		"done_double":  "Almost there! We sent a WhatsApp message to {phone}. Tap confirm (or reply YES) to start receiving messages.",
		"done_single":  "Done! You will receive the messages you chose from {business} at {phone}.",
		"done_title":   "Thank you!",
		"required":     "required",
	},
	"nl": {
		"title":        "Ontvang berichten van {business} via WhatsApp",
		"statement":    "Ik wil de hieronder aangevinkte berichten van {business} via WhatsApp ontvangen, op het nummer dat ik heb ingevuld.",
		"phone":        "Je WhatsApp-nummer",
		"phone_hint":   "Uit een ander land? Schrijf het met + en de landcode.",
		"country":      "Land",
		"topics":       "Wat je wilt ontvangen",
		"submit":       "Aanmelden",
		"optout":       "Je kunt altijd stoppen: antwoord STOP in WhatsApp.",
		"privacy":      "Privacybeleid",
		"confirm_note": "We sturen je een WhatsApp-bericht om te bevestigen. Daarvoor sturen we niets.",
		"err_phone":    "Dit nummer lijkt niet geldig. Controleer het land en het nummer.",
		"err_topics":   "Vink minstens één optie aan.",
		"err_changed":  "Dit formulier is gewijzigd. Bekijk het en verstuur het opnieuw.",
		"err_limit":    "Te veel pogingen. Probeer het later opnieuw.",
		"err_send":     "We konden de bevestiging nu niet versturen. Probeer het over een paar minuten opnieuw.",
		"done_double":  "Bijna klaar! We hebben een WhatsApp-bericht gestuurd naar {phone}. Tik op bevestigen (of antwoord JA) om berichten te ontvangen.",
		"done_single":  "Klaar! Je ontvangt de gekozen berichten van {business} op {phone}.",
		"done_title":   "Bedankt!",
		"required":     "verplicht",
	},
	"it": {
		"title":        "Ricevi i messaggi di {business} su WhatsApp",
		"statement":    "Voglio ricevere da {business}, su WhatsApp, al numero che ho indicato, i messaggi che ho selezionato qui sotto.",
		"phone":        "Il tuo numero WhatsApp",
		"phone_hint":   "Da un altro paese? Scrivilo con + e il prefisso internazionale.",
		"country":      "Paese",
		"topics":       "Cosa vuoi ricevere",
		"submit":       "Iscrivimi",
		"optout":       "Puoi smettere quando vuoi: rispondi STOP su WhatsApp.",
		"privacy":      "Informativa sulla privacy",
		"confirm_note": "Ti invieremo un messaggio WhatsApp per confermare. Prima non invieremo nulla.",
		"err_phone":    "Questo numero non sembra valido. Controlla il paese e il numero.",
		"err_topics":   "Seleziona almeno un'opzione.",
		"err_changed":  "Questo modulo è cambiato. Controllalo e invialo di nuovo.",
		"err_limit":    "Troppi tentativi. Riprova più tardi.",
		"err_send":     "Non siamo riusciti a inviare la conferma. Riprova tra qualche minuto.",
		"done_double":  "Quasi fatto! Abbiamo inviato un messaggio WhatsApp a {phone}. Tocca conferma (o rispondi SÌ) per iniziare a ricevere.",
		"done_single":  "Fatto! Riceverai i messaggi che hai scelto da {business} al numero {phone}.",
		"done_title":   "Grazie!",
		"required":     "obbligatorio",
	},
	"de": {
		"title":        "Nachrichten von {business} über WhatsApp erhalten",
		"statement":    "Ich möchte die unten angekreuzten Nachrichten von {business} über WhatsApp an die angegebene Nummer erhalten.",
		"phone":        "Deine WhatsApp-Nummer",
		"phone_hint":   "Aus einem anderen Land? Schreibe sie mit + und der Ländervorwahl.",
		"country":      "Land",
		"topics":       "Was du erhalten möchtest",
		"submit":       "Anmelden",
		"optout":       "Du kannst jederzeit aufhören: antworte STOP in WhatsApp.",
		"privacy":      "Datenschutzerklärung",
		"confirm_note": "Wir schicken dir eine WhatsApp-Nachricht zur Bestätigung. Vorher senden wir nichts.",
		"err_phone":    "Diese Nummer scheint ungültig. Prüfe Land und Nummer.",
		"err_topics":   "Kreuze mindestens eine Option an.",
		"err_changed":  "Dieses Formular hat sich geändert. Bitte prüfe es und sende es erneut.",
		"err_limit":    "Zu viele Versuche. Bitte versuche es später erneut.",
		"err_send":     "Wir konnten die Bestätigung gerade nicht senden. Bitte versuche es in ein paar Minuten erneut.",
		"done_double":  "Fast geschafft! Wir haben eine WhatsApp-Nachricht an {phone} geschickt. Tippe auf Bestätigen (oder antworte JA), um Nachrichten zu erhalten.",
		"done_single":  "Fertig! Du erhältst die gewählten Nachrichten von {business} unter {phone}.",
		"done_title":   "Danke!",
		"required":     "Pflichtfeld",
	},
	"fr": {
		"title":        "Recevez les messages de {business} sur WhatsApp",
		"statement":    "Je souhaite recevoir de {business}, sur WhatsApp, au numéro indiqué, les messages que j'ai cochés ci-dessous.",
		"phone":        "Votre numéro WhatsApp",
		"phone_hint":   "D'un autre pays ? Écrivez-le avec + et l'indicatif du pays.",
		"country":      "Pays",
		"topics":       "Ce que vous souhaitez recevoir",
		"submit":       "Je m'abonne",
		"optout":       "Vous pouvez arrêter à tout moment : répondez STOP sur WhatsApp.",
		"privacy":      "Politique de confidentialité",
		"confirm_note": "Nous vous enverrons un message WhatsApp pour confirmer. Rien n'est envoyé avant.",
		"err_phone":    "Ce numéro ne semble pas valide. Vérifiez le pays et le numéro.",
		"err_topics":   "Cochez au moins une option.",
		"err_changed":  "Ce formulaire a changé. Relisez-le et envoyez-le à nouveau.",
		"err_limit":    "Trop de tentatives. Réessayez plus tard.",
		"err_send":     "Nous n'avons pas pu envoyer la confirmation. Réessayez dans quelques minutes.",
		"done_double":  "Presque fini ! Nous avons envoyé un message WhatsApp au {phone}. Touchez confirmer (ou répondez OUI) pour commencer à recevoir.",
		"done_single":  "C'est fait ! Vous recevrez les messages choisis de {business} au {phone}.",
		"done_title":   "Merci !",
		"required":     "obligatoire",
	},
}

// TemplateLanguage is the Meta language code of the confirmation template in lang.
func TemplateLanguage(lang string) string {
	switch lang {
	case "pt":
		return "pt_BR"
	case "en":
		return "en_US"
	case "":
		return "en_US"
	}
	return lang
}
