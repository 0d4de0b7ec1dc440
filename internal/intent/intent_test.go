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
