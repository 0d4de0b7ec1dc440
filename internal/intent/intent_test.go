package intent

import (
	"strings"
	"testing"
)

func newDetector(t testing.TB) *Detector {
	t.Helper()
	d, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

type tc struct {
	text      string
	intent    Intent
	scope     Scope
	uncertain bool
}

func check(t *testing.T, d *Detector, cases []tc) {
	t.Helper()
	for _, c := range cases {
		r := d.Detect(c.text)
		if r.Intent != c.intent || r.Uncertain != c.uncertain || (c.scope != "" && r.Scope != c.scope) {
			t.Errorf("Detect(%q) = %s scope=%q uncertain=%v (rule %s, %q); want %s scope=%q uncertain=%v",
				c.text, r.Intent, r.Scope, r.Uncertain, r.Rule, r.Matched, c.intent, c.scope, c.uncertain)
		}
		if r.Confidence < 0 || r.Confidence > 1 {
			t.Errorf("Detect(%q) confidence %v out of [0,1]", c.text, r.Confidence)
		}
		if r.Intent != None && r.Rule == "" {
			t.Errorf("Detect(%q) = %s without a rule", c.text, r.Intent)
		}
	}
}

func TestKeywords(t *testing.T) {
	check(t, newDetector(t), []tc{
		{"SAIR", OptOut, ScopeAll, false},
		{"sairrrr!!", OptOut, ScopeAll, false},
		{"Saír", OptOut, ScopeAll, false},
		{"saiir", OptOut, ScopeAll, false},
		{"Paraaar", OptOut, ScopeAll, false},
		{"STOP 🛑", OptOut, ScopeAll, false},
		{"stop pls", OptOut, ScopeAll, false},
		{"Descadrastar", OptOut, ScopeAll, false},
		{"BAJA por favor", OptOut, ScopeAll, false},
		{"unsubscibe", OptOut, ScopeAll, false},
		{"AFMELDEN aub", OptOut, ScopeAll, false},
		{"disicrivimi", OptOut, ScopeAll, false},
		{"Abmeldne", OptOut, ScopeAll, false},
		{"DÉSABONNER", OptOut, ScopeAll, false},
		{"stop promos", OptOut, ScopeMarketing, false},
		{"CANCELAR", OptOut, ScopeAll, true},
		{"cancel", OptOut, ScopeAll, true},
		{"🛑", OptOut, ScopeAll, true},
		{"START", OptIn, ScopeAll, false},
		{"ALTA", OptIn, ScopeAll, false},
		{"voltar", OptIn, ScopeAll, true},
		{"AJUDA", Help, "", false},
		{"hilfe?", Help, "", false},
		{"", None, "", false},
		{"👍", None, "", false},
	})
}

func TestSentences(t *testing.T) {
	check(t, newDetector(t), []tc{
		// pt
		{"n quero mais receber msg de vcs", OptOut, ScopeAll, false},
		{"para de mandar promoção pfv", OptOut, ScopeMarketing, false},
		{"me tirem dessa lista", OptOut, ScopeAll, false},
		{"Não quero mais ofertas, só os avisos do pedido", OptOut, ScopeMarketing, false},
		{"não quero mais", OptOut, ScopeAll, true},
		{"como paro de receber?", OptOut, ScopeAll, true},
		// es
		{"ya no quiero recibir sus mensajes", OptOut, ScopeAll, false},
		{"Bórrenme de su lista de difusión", OptOut, ScopeAll, false},
		{"no me manden más publicidad", OptOut, ScopeMarketing, false},
		// en
		{"please stop texting me", OptOut, ScopeAll, false},
		{"take me off your list", OptOut, ScopeAll, false},
		{"no more promos thx", OptOut, ScopeMarketing, false},
		{"pls stop mandar msg", OptOut, ScopeAll, false},
		// nl
		{"ik wil geen berichten meer", OptOut, ScopeAll, false},
		{"hou eens op met die appjes", OptOut, ScopeAll, false},
		// it
		{"non voglio più ricevere messaggi", OptOut, ScopeAll, false},
		{"basta con la pubblicità", OptOut, ScopeMarketing, false},
		// de
		{"bitte keine Nachrichten mehr", OptOut, ScopeAll, false},
		{"hört auf mir zu schreiben", OptOut, ScopeAll, false},
		// fr
		{"arrêtez de m'envoyer des messages", OptOut, ScopeAll, false},
		{"plus de pub svp", OptOut, ScopeMarketing, false},
		// opt-in and help
		{"quero voltar a receber as promoções", OptIn, ScopeMarketing, false},
		{"mandei sair sem querer, podem continuar", OptIn, ScopeAll, false},
		{"I texted STOP by mistake", OptIn, ScopeAll, false},
		{"why am I getting these messages?", Help, "", false},
		// general forms added after the blind holdouts
		{"I'm going to report you if you don't stop messaging me", OptOut, ScopeAll, false},
		{"se não pararem de mandar mensagem vou denunciar", OptOut, ScopeAll, false},
		{"lasst mich endlich in Ruhe mit eurer Werbung", OptOut, ScopeMarketing, false},
		{"je veux plus recevoir vos messages", OptOut, ScopeAll, false},
		{"I no longer wish to receive these", OptOut, ScopeAll, false},
		{"solicito a exclusão do meu número", OptOut, ScopeAll, false},
		{"estoy harto de sus mensajes", OptOut, ScopeAll, false},
		{"non mandatemi più niente", OptOut, ScopeAll, false},
		{"ik wil niet meer gebeld of geappt worden", OptOut, ScopeAll, false},
	})
}

func TestHardNegatives(t *testing.T) {
	check(t, newDetector(t), []tc{
		{"quero cancelar meu pedido", None, "", false},
		{"não consigo sair de casa", None, "", false},
		{"stop by the store", None, "", false},
		{"I'll stop by the store tomorrow", None, "", false},
		{"basta così, grazie", None, "", false},
		{"Basta che arrivi lunedì", None, "", false},
		{"Para quando é a entrega?", None, "", false},
		{"para mandar o pedido preciso do endereço?", None, "", false},
		{"Quero cancelar a assinatura do clube", None, "", false},
		{"Kan ik me afmelden voor de les?", None, "", false},
		{"Ich möchte mich vom Kurs abmelden", None, "", false},
		{"Tengo la batería baja", None, "", false},
		{"Parem de me ligar, prefiro mensagem", None, "", false},
		{"Não recebi as mensagens de vocês", None, "", false},
		{"me tira uma dúvida", None, "", false},
		{"Wo ist die Haltestelle?", None, "", false},
		{"C'est où l'arrêt de bus ?", None, "", false},
		{"Quero receber a nota fiscal por email", None, "", false},
		{"¿basta con enviar el comprobante?", None, "", false},
		{"dejé de recibir los avisos del envío", None, "", false},
		{"stop! I sent the wrong photo", None, "", false},
		{"ik krijg geen berichten meer over mijn pakket", None, "", false},
		{"ich will keine Nachrichten mehr verpassen", None, "", false},
		{"je veux plus d'informations sur ce produit", None, "", false},
		{"I keep getting order updates twice", None, "", false},
		{"solicito a exclusão do pedido", None, "", false},
		{"cancellate l'ordine di ieri", None, "", false},
		{"deixa o pacote na portaria", None, "", false},
	})
}

func TestNegation(t *testing.T) {
	d := newDetector(t)
	for _, s := range []string{
		"não parem de mandar as ofertas!",
		"Please don't stop sending me deals",
		"No me den de baja porfa",
		"Niet stoppen met die aanbiedingen",
		"Non smettete di mandarmi le offerte",
		"Hört bitte nicht auf mit den Angeboten",
		"N'arrêtez surtout pas les promos",
		"por favor não me descadastrem",
	} {
		r := d.Detect(s)
		if r.Intent == OptOut {
			t.Errorf("Detect(%q) = opt_out (%s); a negated stop is not an opt-out", s, r.Rule)
		}
	}
	if r := d.Detect("não parem de mandar as ofertas!"); r.Rule != "negated" {
		t.Errorf("negated stop: rule %q, want negated", r.Rule)
	}
}

func TestExplains(t *testing.T) {
	d := newDetector(t)
	r := d.Detect("SAIR")
	if r.Rule != "keyword:pt:sair" || !r.Keyword || r.Lang != "pt" || r.Matched != "sair" {
		t.Errorf("SAIR: %+v", r)
	}
	r = d.Detect("Não quero mais receber mensagens de vocês")
	if !strings.HasPrefix(r.Rule, "phrase:pt:") || r.Lang != "pt" || r.Keyword || r.Matched == "" {
		t.Errorf("sentence: %+v", r)
	}
	for text, lang := range map[string]string{
		"no quiero recibir más mensajes":       "es",
		"ik wil geen berichten meer":           "nl",
		"bitte keine Nachrichten mehr":         "de",
		"je ne veux plus recevoir de messages": "fr",
		"non voglio più ricevere messaggi":     "it",
		"please stop texting me":               "en",
	} {
		if got := d.Detect(text).Lang; got != lang {
			t.Errorf("Detect(%q).Lang = %q, want %q", text, got, lang)
		}
	}
}

func TestConfirm(t *testing.T) {
	d := newDetector(t)
	for _, l := range langs {
		q, kw := d.ConfirmQuestion(l), d.ConfirmKeyword(l)
		if q == "" || kw == "" || !strings.Contains(q, kw) {
			t.Errorf("%s: question %q keyword %q", l, q, kw)
		}
		if r := d.Detect(kw); r.Intent != OptOut || r.Uncertain {
			t.Errorf("%s: confirm keyword %q detected as %+v", l, kw, r)
		}
	}
	if d.ConfirmQuestion("xx") != d.ConfirmQuestion("en") || d.ConfirmQuestion("") != d.ConfirmQuestion("en") {
		t.Error("unknown language does not fall back to English")
	}
	if !strings.Contains(d.ConfirmQuestion("pt"), "SAIR") {
		t.Error("pt question does not ask for SAIR")
	}
}

func TestOptions(t *testing.T) {
	d, err := New(Options{
		Keywords: map[Intent][]string{OptOut: {"CHEGA DE ZAP"}, OptIn: {"Quero Promo"}, Help: {"atendente"}},
		Phrases:  map[Intent][]string{OptOut: {"me deixa em paz"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	check(t, d, []tc{
		{"chega de zap!!", OptOut, ScopeAll, false},
		{"quero promo", OptIn, ScopeAll, false},
		{"Atendente", Help, "", false},
		{"por favor me deixa em paz", OptOut, ScopeAll, false},
		{"não me deixa em paz nunca", None, "", false},
	})
	if r := d.Detect("chega de zap"); r.Rule != "custom-keyword:chega de zap" {
		t.Errorf("custom keyword rule %q", r.Rule)
	}
	for _, bad := range []Options{
		{Keywords: map[Intent][]string{OptOut: {"  !! "}}},
		{Keywords: map[Intent][]string{"stop_all": {"x"}}},
		{Phrases: map[Intent][]string{None: {"x"}}},
		{Phrases: map[Intent][]string{OptIn: {""}}},
		{Keywords: map[Intent][]string{OptOut: {"pare"}, OptIn: {"PARE"}}},
	} {
		if _, err := New(bad); err == nil {
			t.Errorf("New(%+v) accepted a bad entry", bad)
		}
	}
}

func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"  Não QUERO  mais!!! 😡 ": "nao quero mais",
		"Arrêtez de m'envoyer":    "arretez de m envoyer",
		"Grüße, STRAẞE":           "grusse strasse",
		"Ｓｔｏｐ":                    "stop",
		"ñ":                       "n",
		"":                        "",
		"🙏🙏":                      "",
		"S\u200bTOP":              "stop", // a zero-width space inside a word
		"\ufeffPARAR\u2060":       "parar",
		"des\u00adcadastrar":      "descadastrar",
	} {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestSignals covers the cross-clause signals: threats, insistence, go-away
// idioms, object before negation, never signed up, data erasure, opt-in
// affirmations and help questions, with the hard negatives next to them.
func TestSignals(t *testing.T) {
	check(t, newDetector(t), []tc{
		// threats conditioned on continuing
		{"se continuarem mandando vou no procon", OptOut, ScopeAll, false},
		{"if you keep texting me I will report this number", OptOut, ScopeAll, false},
		{"si siguen mandando mensajes los denuncio a profeco", OptOut, ScopeAll, false},
		{"wenn ihr weiter schreibt zeige ich euch an", OptOut, ScopeAll, false},
		{"si vous continuez je vous signale à la CNIL", OptOut, ScopeAll, false},
		{"vou reclamar no procon, o produto veio quebrado", None, "", false},
		{"report a problem with my order", None, "", false},
		{"bloquearam minha conta, o que faço", None, "", false},
		// insistence and annoyance make a bare stop a demand
		{"já pedi 3 vezes pra parar", OptOut, ScopeAll, false},
		{"stop pls im sick of it", OptOut, ScopeAll, false},
		{"eu já falei pra parar de ligar", None, "", false},
		{"já pedi pra remover a cebola", None, "", false},
		// go-away idioms
		{"me erra com essas promo", OptOut, ScopeMarketing, false},
		{"get lost with your spam", OptOut, "", false},
		{"rot op met je reclame", OptOut, ScopeMarketing, false},
		{"dégagez avec vos pubs", OptOut, ScopeMarketing, false},
		{"me esquece não, manda o boleto", None, "", false},
		// object before the negation, "no need to"
		{"ofertas nao quero mais obrigado", OptOut, ScopeMarketing, false},
		{"no need to send me anything else", OptOut, ScopeAll, false},
		{"pas besoin de m'envoyer vos promos", OptOut, ScopeMarketing, false},
		// never signed up
		{"I never signed up for this, remove me", OptOut, ScopeAll, false},
		{"non mi sono mai iscritto, cancellatemi", OptOut, ScopeAll, false},
		{"I did not authorize this charge", None, "", false},
		{"não autorizei essa compra no cartão", None, "", false},
		// laughter turns a bare "para" into an interjection
		{"kkkk para com isso, morri", None, "", false},
		{"haha stop it", None, "", false},
		{"para pfv ja deu", OptOut, ScopeAll, false},
		// a paid plan is not a messaging subscription
		{"résilier mon abonnement box internet", None, "", false},
		{"quero sair do grupo da escola", None, "", false},
		// opt-in affirmations
		{"pode mandar sim", OptIn, "", false},
		{"sí, mándenme ofertas", OptIn, ScopeMarketing, false},
		{"ja, schickt mir eure Angebote", OptIn, ScopeMarketing, false},
		{"ik wil me aanmelden", OptIn, "", false},
		{"I agree to receive messages", OptIn, "", false},
		{"sim pode entregar na portaria", None, "", false},
		{"me manda a promoção do sofá", None, "", false},
		{"quero participar do sorteio", None, "", false},
		// help questions
		{"de onde vocês tiraram meu número?", Help, "", false},
		{"why do you have my number", Help, "", false},
		{"wat is dit voor bericht", Help, "", false},
		{"ich verstehe diese Nachricht nicht", Help, "", false},
		{"comment ça marche", Help, "", false},
		{"what is the price of this?", None, "", false},
		{"não entendi o valor do frete", None, "", false},
		{"quem me mandou essa encomenda?", None, "", false},
		// marketing scope: only transactional messages
		{"só quero receber mensagem quando tiver pedido", OptOut, ScopeMarketing, true},
	})
}

// TestLoneLettersAreNotIntents: squeezing repeated letters must not turn an
// acronym of the lexicon into a single letter that matches ordinary text
// ("bbb" once made "mensagem b" an opt-out).
func TestLoneLettersAreNotIntents(t *testing.T) {
	d, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	for r := 'a'; r <= 'z'; r++ {
		for _, text := range []string{string(r), "mensagem " + string(r), "msg " + string(r) + " ok", "item " + string(r) + " do pedido"} {
			if got := d.Detect(text); got.Intent == OptOut && !got.Uncertain {
				t.Errorf("%q: %s by %s", text, got.Intent, got.Rule)
			}
		}
	}
}

// TestBlind56Classes covers the rule classes added after blind sets 5 and 6,
// each with hard negatives next to it, in several languages.
func TestBlind56Classes(t *testing.T) {
	check(t, newDetector(t), []tc{
		// stop / erase / withdraw vocabulary and list or data objects
		{"por favor, interrompam o envio de mensagens", OptOut, ScopeAll, false},
		{"bloqueiem o envio de promoções pra esse numero", OptOut, ScopeMarketing, false},
		{"interrumpan el envío de mensajes por favor", OptOut, ScopeAll, false},
		{"apaga meu cadastro todo", OptOut, ScopeAll, false},
		{"favor retirar do cadastro", OptOut, ScopeAll, false},
		{"retira meu nome e telefone do mailing de vcs", OptOut, ScopeAll, false},
		{"borrarme de la lista porfa", OptOut, ScopeAll, false},
		{"me quitéis de la lista ya", OptOut, ScopeAll, false},
		{"Solicito que eliminéis mis datos de vuestra base de datos", OptOut, ScopeAll, false},
		{"ik wil dat jullie mijn gegevens wissen", OptOut, ScopeAll, false},
		{"wil er vanaf", OptOut, ScopeAll, true},
		{"Widerruf meiner Einwilligung zum Erhalt von Nachrichten", OptOut, ScopeAll, false},
		{"quero retirar o consentimento", OptOut, ScopeAll, false},
		{"chi vi ha dato il mio numero? cancellatelo subito", OptOut, ScopeAll, false},
		{"me descadastra dessa bagaça", OptOut, ScopeAll, false},
		{"smettete l'invio di messaggi", OptOut, ScopeAll, false},
		{"arrêtez l'envoi des promos", OptOut, ScopeMarketing, false},
		{"bórrenlo del carrito", None, "", false},
		{"remove meu endereço antigo do cadastro, mudei de casa", None, "", false},
		{"quero tirar meu nome do SPC", None, "", false},
		{"quero cancelar meu cadastro na academia", None, "", false},
		{"apaga a lista de compras", None, "", false},
		{"cancela o envio do pedido", None, "", false},
		{"gostaria de cancelar a doação mensal pra ONG", None, "", false},
		// a number that belongs to someone else now
		{"esse numero nao é mais da Rosangela, favor retirar", OptOut, ScopeAll, false},
		{"esse numero era do meu filho, podem tirar por favor", OptOut, ScopeAll, false},
		{"este número ya no es de Juan, dejen de escribir", OptOut, ScopeAll, false},
		{"este número era de mi padre, bórrenlo", OptOut, ScopeAll, false},
		{"diese Nummer gehört nicht mehr Anna, bitte löschen", OptOut, ScopeAll, false},
		{"o numero do pedido era do mês passado", None, "", false},
		// insistence without a message word, laughter does not cancel annoyance
		{"ja falei q nao quero, é o 4º pedido, parem AGORA", OptOut, ScopeAll, false},
		{"ya está bien, cuarta vez que os pido que paréis", OptOut, ScopeAll, false},
		{"arrêtez svp c'est la 3e fois que je demande", OptOut, ScopeAll, false},
		{"zum dritten Mal: aufhören!", OptOut, ScopeAll, false},
		{"per la terza volta, smettetela", OptOut, ScopeAll, false},
		{"ik heb me al 3 keer afgemeld en krijg nog steeds berichten", OptOut, ScopeAll, false},
		{"ich habe mich abgemeldet und bekomme immer noch Nachrichten", OptOut, ScopeAll, false},
		{"mds parem kkkkkk nao aguento mais", OptOut, ScopeAll, false},
		{"já é a 3a vez que o pedido atrasa, parem de enrolar", None, "", false},
		{"é a segunda vez que peço, parem de ligar", None, "", false},
		{"vcs mandam msg 2 vezes por semana?", Help, "", false},
		// only X, not Y: an opt-out of marketing
		{"Só quero as faturas por aqui, promoções não obrigado", OptOut, ScopeMarketing, false},
		{"solo quiero recibir los avisos de mi cita, no promociones", OptOut, ScopeMarketing, false},
		{"vorrei ricevere solo le fatture, non le promozioni", OptOut, ScopeMarketing, false},
		{"I only want the order updates, not the promotions", OptOut, ScopeMarketing, false},
		{"je veux seulement les factures, pas les promos", OptOut, ScopeMarketing, false},
		{"só os lembretes das consultas, o resto dispenso", OptOut, ScopeMarketing, false},
		{"solo los recordatorios de citas, lo demás no", OptOut, ScopeMarketing, false},
		{"nur Terminerinnerungen, den Rest bitte nicht", OptOut, ScopeMarketing, false},
		{"non mi interessa il resto, solo le fatture", OptOut, ScopeMarketing, false},
		{"Gostaria de solicitar o cancelamento do recebimento de mensagens promocionais, mantendo apenas os avisos de vencimento", OptOut, ScopeMarketing, false},
		{"só quero saber se as promoções não acabaram", None, "", false},
		{"só o pedido, não tem promoção?", None, "", false},
		// spaced letters and bilingual keywords
		{"U N S U B S C R I B E", OptOut, ScopeAll, false},
		{"S.A.I.R", OptOut, ScopeAll, false},
		{"Sair / Exit", OptOut, ScopeAll, false},
		{"unsubscribe porfavor ya", OptOut, ScopeAll, false},
		{"a e i o u", None, "", false},
		// opt-in verbs and forms
		{"Quero aderir às mensagens de promoções", OptIn, ScopeMarketing, false},
		{"inscrevam-me nos alertas, por favor", OptIn, "", false},
		{"cadastrar meu numero pra receber o boletim", OptIn, ScopeMarketing, false},
		{"ativar notificacoes de pedido por whatsapp", OptIn, "", false},
		{"apúntame a la lista de avisos del club", OptIn, "", false},
		{"voglio iscrivermi agli avvisi del comune", OptIn, "", false},
		{"mi aggiungete alla lista?", OptIn, "", false},
		{"je veux m'abonner aux alertes", OptIn, "", false},
		{"libera o envio das ofertas pra mim de novo", OptIn, ScopeMarketing, false},
		{"bora receber as promo sim", OptIn, ScopeMarketing, false},
		{"me coloca no grupo de avisos do clube", OptIn, "", false},
		{"gostava de receber as promoções do cartão", OptIn, ScopeMarketing, false},
		{"quero receber a nota fiscal por email", None, "", false},
		// help questions
		{"tem custo receber essas mensagens?", Help, "", false},
		{"Isto tem algum custo para mim?", Help, "", false},
		{"Kost dit geld, deze berichten?", Help, "", false},
		{"quais sao os comandos?", Help, "", false},
		{"preciso de ajuda com as mensagens que to recebendo", Help, "", false},
		{"cos'è questo servizio?", Help, "", false},
		{"Was ist das für ein Dienst?", Help, "", false},
		{"how do I manage what you send me?", Help, "", false},
		{"duvida sobre as mensagens de vcs, sao automaticas?", Help, "", false},
		{"se eu sair da lista ainda recebo o boleto?", Help, "", false},
		{"if I unsubscribe, will I still get order updates?", Help, "", false},
		{"o que significa SAIR e PARAR no final da mensagem de vcs?", Help, "", false},
		{"what does STOP mean?", Help, "", false},
		{"quanto custa esse tênis?", None, "", false},
		{"obrigado pela ajuda", None, "", false},
		{"nossa adoro receber 5 mensagem por dia de vcs, continuem", None, "", false},
		// false opt-outs: jokes, someone else's group, complaints, paid plans
		{"para tudo!!! esse bolo de pote ta incrivel", None, "", false},
		{"chega de promoção boa assim senão eu vou falir kkkkk", None, "", false},
		{"para de mandar promoção boa assim kkkk", None, "", false},
		{"sair do grupo da familia é meu sonho kkkk mas enfim, meu pedido chega hoje?", None, "", false},
		{"me tira do grupo da familia", None, "", false},
		{"me tira do grupo de vcs", OptOut, ScopeAll, false},
		{"hört auf, mir falsche Rechnungen zu schicken, die Summe stimmt nicht", None, "", false},
		{"hört auf, mir Nachrichten zu schicken", OptOut, ScopeAll, false},
		{"hab den Code per WhatsApp nicht bekommen", None, "", false},
		{"je veux résilier mon abonnement streaming", None, "", false},
		{"ik wil mijn abonnement bij de sportschool opzeggen, hoe werkt dat?", None, "", false},
	})
}

// TestBlind78Classes covers the classes found in blind sets 7 and 8, with
// sentences other than the blind ones.
func TestBlind78Classes(t *testing.T) {
	d := newDetector(t)
	check(t, d, []tc{
		// hard negatives: another sense of the verb, another object, a question
		{"pode parar de mandar o motoboy depois das 20h?", None, "", false},
		{"can you stop sending the driver after 10pm", None, "", false},
		{"stop! I forgot to mention the size, it's an L", None, "", false},
		{"Stopp! ich habe vergessen die Größe zu sagen", None, "", false},
		{"o sms de verificacao nao chega", None, "", false},
		{"no me llega el sms de confirmación", None, "", false},
		{"chega a mensagem?", None, "", false},
		{"para de funcionar o app toda hora", None, "", false},
		{"la app deja de cargar", None, "", false},
		{"stop working so hard lol", None, "", false},
		{"why don't you send me notifications anymore?", None, "", false},
		{"warum schickt ihr mir keine Nachrichten mehr?", Help, "", false},
		{"¿por qué ya no me mandan los avisos?", None, "", false},
		{"Ich muss mich vom Yogakurs abmelden", None, "", false},
		{"ik moet me voor de les van morgen afmelden", None, "", false},
		{"nehmt mich bitte in den Verteiler auf", OptIn, "", false},
		{"quiero cancelar la suscripción premium", None, "", false},
		{"cancel my premium subscription", None, "", false},
		{"what happens if I reply STOP? do I stop getting the invoices too?", Help, "", false},
		{"si respondo BAJA, dejo de recibir las facturas?", None, "", false},
		{"nao quero o brinde, pode mandar so o produto", None, "", false},
		{"where can I read your privacy policy for these messages?", Help, "", false},
		{"pra que serve esse app?", Help, "", false},
		{"quero receber o codigo aqui", None, "", false},
		{"me avisa quando chegar meu pedido", None, "", false},
		{"kkkk para, não", None, "", false},
		{"para de receber boleto?", None, "", false},
		{"cancela envio", None, "", false},
		{"Para qué sirve este producto?", None, "", false},
		{"non ricevo più le notifiche dell'ordine, come mai?", None, "", false},
		// help: why am I getting these
		{"why am I getting these messages?", Help, "", false},
		{"¿por qué me llegan estos mensajes?", Help, "", false},
		{"perché ricevo questi messaggi?", Help, "", false},
		{"Warum bekomme ich diese Nachrichten?", Help, "", false},
		// opt-in phrasings
		{"add me to the alerts please", OptIn, "", false},
		{"agrégame al grupo de promociones", OptIn, "", false},
		{"súmame a la lista", OptIn, "", false},
		{"abonnez-moi à la newsletter", OptIn, "", false},
		{"resubscribe", OptIn, "", false},
		{"me avisa aqui quando tiver vaga nova", OptIn, "", false},
		{"avísame por aquí cuando haya ofertas", OptIn, "", false},
		{"quero ser avisado quando tiver promoção", OptIn, "", false},
		{"pode me mandar as vagas todo dia?", OptIn, "", false},
		{"quero voltar pra lista", OptIn, "", false},
		{"vorrei ricevere le offerte qui", OptIn, "", false},
		// opt-out phrasings
		{"ok im out", OptOut, ScopeAll, false},
		{"count me out", OptOut, ScopeAll, false},
		{"sácame de la lista", OptOut, ScopeAll, false},
		{"ya vale de mensajes", OptOut, ScopeAll, false},
		{"me salgo del grupo de ofertas", OptOut, "", false},
		{"saii", OptOut, "", true},
		{"❌ nao quero", OptOut, "", true},
		{"prefiro nao receber promocoes", OptOut, ScopeMarketing, false},
		{"prefiero no recibir mensajes", OptOut, ScopeAll, false},
		{"I'd rather not receive these anymore", OptOut, ScopeAll, false},
		{"parem de me oferecer seguro", OptOut, "", false},
		{"dejen de ofrecerme tarjetas", OptOut, "", false},
		{"Gelieve mij niet meer te contacteren", OptOut, ScopeAll, false},
		{"Me opongo al envío de publicidad", OptOut, "", false},
		{"nüme schriibe bitte", OptOut, ScopeAll, false},
		{"hörts auf mit dene Nachrichte", OptOut, ScopeAll, false},
		{"nada de promociones, gracias", OptOut, ScopeMarketing, false},
		{"las facturas sí, la publicidad no", OptOut, ScopeMarketing, false},
		{"pedido sim, promoção não", OptOut, ScopeMarketing, false},
		{"nao quero mais nao viu, tira meu numero", OptOut, ScopeAll, false},
		{"para de mandar cobrança e propaganda", OptOut, "", false},
		{"promoções de cartão e empréstimo não quero mais", OptOut, ScopeMarketing, false},
		{"wil de reclame niet meer", OptOut, ScopeMarketing, false},
		{"ich will den Newsletter nicht mehr", OptOut, ScopeMarketing, false},
		{"Ich möchte mich von allem abmelden", OptOut, ScopeAll, false},
		{"lol no. stop", OptOut, ScopeAll, false},
		{"bloqueia envio", OptOut, ScopeAll, false},
		{"Can you send me the event alerts on WhatsApp too?", OptIn, "", false},
		{"can you not message me on here anymore", OptOut, ScopeAll, false},
	})
}

// TestBlind910Classes covers the general causes of the misses of blind sets
// 9 and 10, each with hard negatives written alongside (not taken from the sets).
func TestBlind910Classes(t *testing.T) {
	check(t, newDetector(t), []tc{
		// false opt-outs: a question about what happened, a means, an errand, a product
		{"why did you stop sending me the updates?", None, "", false},
		{"did you stop sending the newsletter?", None, "", false},
		{"did you delete my account?", None, "", false},
		{"did you unsubscribe me?", None, "", false},
		{"Kan ik de parkeeractie stoppen via de website?", None, "", false},
		{"para tudo, não precisa mais mandar o entregador", None, "", false},
		{"não quero mais o plano do celular, cancela", None, "", false},
		{"que coisa, vcs tem meu numero errado", None, "", false},
		{"o desconto não", None, "", false},
		{"desconto não?", None, "", false},
		{"o app manda mais não", None, "", false},
		{"desisto, nao consigo pagar", None, "", false},
		{"desisto del pedido", None, "", false},
		{"me quitan el pedido?", None, "", false},
		{"sácame del grupo de mi familia", None, "", false},
		{"ni una palabra más sobre el pedido", None, "", false},
		{"vos envois sont arrivés", None, "", false},
		{"baja definitiva del pedido", None, "", false},
		{"I received your communications about the order", None, "", false},
		{"posso receber só os lembretes e não as promoções?", Help, "", false},
		// opt-outs that are still opt-outs
		{"I did ask you to stop sending me messages", OptOut, ScopeAll, false},
		{"why won't you stop texting me", OptOut, ScopeAll, false},
		{"stop sending me messages via whatsapp", OptOut, ScopeAll, false},
		{"para tudo, não quero mais mensagens", OptOut, ScopeAll, false},
		{"can you remove me?", OptOut, ScopeAll, false},
		{"não quero mais, cancela", OptOut, ScopeAll, true},
		// missed opt-outs: clause-final negation, regional and legal forms
		{"me manda mais nao", OptOut, ScopeAll, false},
		{"num quero mais propaganda nao", OptOut, ScopeMarketing, false},
		{"ofertas nao obg", OptOut, ScopeMarketing, false},
		{"escusa de me mandar mais nada", OptOut, ScopeAll, false},
		{"escusam de mandar promoções", OptOut, ScopeMarketing, false},
		{"ik wil eruit", OptOut, ScopeAll, true},
		{"I want out of these promos", OptOut, ScopeMarketing, false},
		{"enlevez-moi de vos envois", OptOut, ScopeAll, false},
		{"stop definitivamente", OptOut, ScopeAll, false},
		{"me quitan de la lista de difusión", OptOut, ScopeAll, false},
		{"me pueden sacar del grupo de la panadería?", OptOut, ScopeAll, false},
		{"cease and desist", OptOut, ScopeAll, false},
		{"oponho-me ao envio de publicidade", OptOut, ScopeMarketing, false},
		{"venho opor-me ao tratamento dos meus dados para marketing", OptOut, ScopeMarketing, false},
		{"ni un mensaje más por favor", OptOut, ScopeAll, false},
		{"desisto de las promociones", OptOut, ScopeMarketing, false},
		{"Não tenho mais interesse em receber as ofertas", OptOut, ScopeMarketing, false},
		{"tira meu curriculo e meu numero", OptOut, ScopeAll, false},
		// opt-ins, and their hard negatives
		{"vuelvo a suscribirme al boletín", OptIn, "", false},
		{"me vuelvo a casa", None, "", false},
		{"voglio essere aggiornata su whatsapp", OptIn, "", false},
		{"voglio aggiornare l'app", None, "", false},
		{"vcs mandam as promoções pro meu marido, quero receber tbm", OptIn, "", false},
		{"quero receber o reembolso tbm", None, "", false},
		{"cadastra meu número pra me avisar quando o pedido ficar pronto", OptIn, "", false},
		{"cadastra meu numero", None, "", false},
		// help, and its hard negative
		{"how often do you send offers", Help, "", false},
		{"how often should I water it", None, "", false},
	})
}

// TestBlind11Classes covers the general causes of the blind11 misses with new
// sentences in several languages, and the hard negatives of each rule.
func TestBlind11Classes(t *testing.T) {
	d := newDetector(t)
	check(t, d, []tc{
		// false opt-outs: praise in a joke, disbelief, apps and games, complaints
		{"kkkk para de mandar promoção boa assim, vou falir", None, "", false},
		{"jajaja deja de mandar ofertas tan buenas 😂", None, "", false},
		{"lol stop sending me great offers, I'll go broke", None, "", false},
		{"para de mandar promoção kkkk ninguém aguenta", OptOut, ScopeMarketing, false},
		{"para, sério? 50% no tênis? tô indo", None, "", false},
		{"stop, seriously? half price? omw", None, "", false},
		{"para, é sério, não quero mais mensagens", OptOut, ScopeAll, false},
		{"how do I leave the game app without losing my level?", None, "", false},
		{"quiero cancelar la suscripción de la app de juegos", None, "", false},
		{"dejen de mandarme cosas del juego", OptOut, ScopeAll, false},
		{"o app trava quando clico em sair, ajuda", None, "", false},
		{"ik krijg geen herinneringen meer, waarom?", None, "", false},
		{"non ricevo più i promemoria, perché?", None, "", false},
		// missed opt-outs: consent withdrawal, keywords, regional and polite forms
		{"solicito a revogação do meu consentimento", OptOut, ScopeAll, false},
		{"peço a cessação do envio de comunicações", OptOut, ScopeAll, false},
		{"ik trek mijn toestemming voor marketing in", OptOut, ScopeMarketing, false},
		{"ik heb trek in pizza", None, "", false},
		{"SAIR para 28000", OptOut, ScopeAll, false},
		{"STOP to 12345", OptOut, ScopeAll, false},
		{"pedido 12345", None, "", false},
		{"ALTO", OptOut, ScopeAll, true},
		{"el volumen está muy alto", None, "", false},
		{"párenle con los mensajes", OptOut, ScopeAll, false},
		{"agradecería que no me mandaran más promociones", OptOut, ScopeMarketing, false},
		{"agradeceria que me mandassem o boleto", None, "", false},
		{"disattivate le notifiche per favore", OptOut, ScopeAll, false},
		{"lâchez-moi avec vos messages", OptOut, ScopeAll, false},
		{"quero sair da lista de ofertas da academia, o plano eu mantenho", OptOut, ScopeMarketing, false},
		{"pode tirar meu numero da lista", OptOut, ScopeAll, false},
		// missed opt-ins, and their hard negatives
		{"podem voltar a mandar as ofertas", OptIn, "", false},
		{"vuelvan a enviarme las promociones", OptIn, "", false},
		{"por que voltaram a mandar? parem", OptOut, ScopeAll, false},
		{"acepto recibir mensajes por whatsapp", OptIn, "", false},
		{"I accept to receive messages", OptIn, "", false},
		{"non accetto di ricevere pubblicità", OptOut, ScopeMarketing, false},
		{"vi que vcs mandam promoções, quero", OptIn, "", false},
		{"vcs mandam promoções? não quero", OptOut, "", true},
		// help, and its hard negatives
		{"o que acontece se eu responder PARAR?", Help, "", false},
		{"what happens if I reply STOP?", Help, "", false},
		{"o que acontece com meu pedido?", None, "", false},
		{"quais mensagens vocês vão mandar?", Help, "", false},
		{"which messages will I receive?", Help, "", false},
		{"qué tipo de mensajes van a enviar?", Help, "", false},
		{"quais produtos vocês vendem?", None, "", false},
		{"was passiert, wenn ich STOP schicke?", Help, "", false},
		{"que pasa si me doy de baja?", Help, "", false},
		{"o que acontece se eu sair da lista?", Help, "", false},
		{"what happens to my order?", None, "", false},
		{"haha stop sending me good deals, I said stop already", OptOut, ScopeMarketing, false},
		{"para de mandar essas ofertas ruins", OptOut, ScopeMarketing, false},
		{"arrête, t'es sérieux? arrêtez de m'envoyer des pubs", OptOut, ScopeMarketing, false},
		{"quero sair do app de vocês, não quero mais mensagens", OptOut, ScopeAll, false},
		{"pode voltar a mandar o boleto", None, "", false},
		{"voltaram a mandar spam", None, "", false},
		{"agradeço por receber as mensagens", None, "", false},
	})
}

func TestKeywordShortCode(t *testing.T) {
	d := newDetector(t)
	check(t, d, []tc{
		{"STOP au 36179", OptOut, ScopeAll, false},
		{"STOP au 36179 merci", OptOut, ScopeAll, false},
		{"BAJA al 2020", OptOut, ScopeAll, false},
		{"para 28000", None, "", false},
		{"STOP para 2 pedidos", None, "", false},
		{"mesa para 4", None, "", false},
	})
}

// Round after blind set 12: hard negatives first, then recall.
func TestBlind12Rules(t *testing.T) {
	d := newDetector(t)
	check(t, d, []tc{
		// an exclamation followed by a question about something else
		{"para tudo! vcs têm fone bluetooth em estoque??", None, "", false},
		{"stop! do you still have the red jacket in size M?", None, "", false},
		{"stop alles! habt ihr den Rucksack noch auf Lager?", None, "", false},
		{"basta! ma avete ancora le scarpe blu?", None, "", false},
		// a stop word used as a label
		{"Para: Ana. De: Pedro. Escreve no cartão: parabéns", None, "", false},
		{"Stop: 14h, rua das flores 20", None, "", false},
		// WhatsApp placeholders and passive reports of deletion
		{"Esta mensagem foi apagada", None, "", false},
		{"This message was deleted", None, "", false},
		{"Se eliminó este mensaje", None, "", false},
		{"Diese Nachricht wurde gelöscht", None, "", false},
		{"Questo messaggio è stato eliminato", None, "", false},
		// my own offer or bid is not marketing
		{"quiero retirar mi oferta del remate", None, "", false},
		{"posso cancellare la mia offerta?", None, "", false},
		{"can I withdraw my offer on the house?", None, "", false},
		// "you no longer send X" with a question of concern is a complaint
		{"jullie sturen geen updates meer, is er iets mis?", None, "", false},
		{"Vous ne m'envoyez plus les factures, c'est normal ?", None, "", false},
		{"vcs não mandam mais os lembretes, aconteceu alguma coisa?", None, "", false},
		{"ya no me mandan los recordatorios, ¿pasa algo?", None, "", false},
		// but a stop with a concern is still a stop
		{"parem de mandar mensagem, é normal isso?", OptOut, "", false},
		// recall
		{"recebo mensagem de vcs toda hora eu queria que parasse", OptOut, "", false},
		{"I get texts from you every day and I want it to stop", OptOut, "", false},
		{"naoquero mais msg", OptOut, "", false},
		{"n qro mais receber isso", OptOut, "", false},
		{"tira meu nome daí por favor", OptOut, "", false},
		{"não aguento mais essas mensagens", OptOut, "", false},
		{"I can't stand these messages anymore", OptOut, "", false},
		{"\"Oferta imperdível! Responda SAIR para cancelar\" SAIR", OptOut, "", false},
		{"STOP \"Big sale today! Reply STOP to opt out\"", OptOut, "", false},
		{"eliminar suscripción", OptOut, "", false},
		{"kei Wärbig meh", OptOut, "", false},
		{"lasst mich in Ruhe mit eurer Werbung", OptOut, "", false},
		{"Ich widerspreche gem. Art. 21 DSGVO der Verarbeitung meiner Daten", OptOut, "", false},
		// not these
		{"não aguento mais esperar meu pedido", None, "", false},
		{"\"Promoção de hoje\" que legal", None, "", false},
		{"não queria que parasse de mandar as promoções", None, "", false},
	})
}

// Round after blind set 13: each class with its hard negatives.
func TestBlind13Rules(t *testing.T) {
	d := newDetector(t)
	check(t, d, []tc{
		// laughter does not cancel a stop whose object is messages or offers
		{"para de mandar esses audios de oferta kkkk", OptOut, ScopeMarketing, false},
		{"stop sending me voice notes about the sale lol", OptOut, "", false},
		{"hört auf mit den Sprachnachrichten haha", OptOut, "", false},
		// hard negatives: laughter with praise, a stop about something else
		{"para de me mandar promo boa assim kkkk", None, "", false},
		{"para kkkk que áudio engraçado", None, "", false},
		// a keyword asked back and answered with "never"
		{"Stop? Never haha I love your deals", None, "", false},
		{"Baja? Nunca jaja me encantan sus ofertas", None, "", false},
		{"Sair? nunca mais quero essas mensagens", OptOut, "", false},
		// no interest in X (any more)
		{"não tenho mais interesse nas promoções, só os avisos de entrega", OptOut, ScopeMarketing, false},
		{"kein Interesse mehr an euren Angeboten", OptOut, ScopeMarketing, false},
		{"nessun interesse nelle vostre offerte", OptOut, "", false},
		{"não tenho interesse em comprar agora", None, "", false},
		{"geen interesse meer in de bestelling", None, "", false},
		// my number written "no."
		{"please delete my no. from your marketing list", OptOut, "", false},
		{"I said no. from now on I pay cash", None, "", false},
		// Indian English fillers around a keyword
		{"kindly unsubscribe bhai", OptOut, "", false},
		{"I am withdrawing consent for promotional texts", OptOut, "", false},
		// withdrawing an offer or bid is not an opt-out
		{"I am withdrawing my bid on the car", None, "", false},
		// how-to questions about leaving
		{"come faccio a non ricevere più le vostre offerte?", OptOut, "", true},
		{"como é que eu deixo de receber estas notificações?", OptOut, "", true},
		{"quero deixar de pagar juros no cartão", None, "", false},
		// what to reply: help
		{"qué contesto para recibir menos mensajes?", Help, "", false},
		{"was muss ich antworten, um die Einstellungen zu ändern?", Help, "", false},
		{"que dois-je répondre pour changer mes préférences ?", Help, "", false},
		{"o que eu respondo pro cliente?", None, "", false},
		{"what should I reply to my boss?", None, "", false},
		// who is writing: help
		{"esse número é oficial?", Help, "", false},
		{"ist das eine offizielle Nummer?", Help, "", false},
		{"is de officiële winkel open op zondag?", None, "", false},
		{"the official launch is next week", None, "", false},
		// opt-in: let me know when there is something new
		{"avisa aqui quando tiver modelos novos", OptIn, "", false},
		{"let me know when you have new flavours", OptIn, "", false},
		{"prevenez-moi quand les inscriptions rouvrent", OptIn, "", false},
		{"laat me weten wanneer er nieuwe cursussen zijn", OptIn, "", false},
		{"me avisa quando meu pedido novo chegar", None, "", false},
		{"avísame cuando llegue el paquete", None, "", false},
		// opt-in: send the reminders here
		{"manda as notificações por aqui mesmo", OptIn, "", false},
		{"send the reminders here please", OptIn, "", false},
		{"vcs mandam os lembretes por aqui?", None, "", false},
	})
}
