// Package intent detects whether an inbound WhatsApp text asks to stop
// messages (opt-out), to receive them (opt-in) or for help, in Portuguese,
// Spanish, English, Dutch, Italian, German and French, mixed or not.
//
// The approach is deterministic and table driven. Fold lower-cases the text
// and strips accents, emoji and punctuation; repeated letters are squeezed
// ("SAIRRR") and long keywords tolerate one typo ("unsubcribe"). Words are
// looked up in per-language vocabularies that give them grammatical roles
// (stop verb, send verb, message noun, marketing noun, negation, "more",
// list, order, ...), fixed expressions are merged ("dar de baja", "hou op").
// Rules then work per clause on those roles: a whole message or clause that
// is a keyword; a stop verb with a messaging object ("parem de mandar msg",
// but not "stop by the store"); a negated wish to receive ("não quero mais
// receber"); "no more X" ("geen reclame meer"); remove-me-from-the-list; an
// unsubscribe verb whose object is not a course or an order; leave-me-alone
// with words in between ("lasst mich endlich in Ruhe"); erasing my number or
// data ("cancellate i miei dati", "solicito a exclusão do meu número"). A
// negation before a stop verb cancels it ("não parem de mandar"), unless it
// sits in a condition ("if you don't stop messaging me I'll report you").
// First-person complaints are not requests: "dejé de recibir los avisos",
// "ik krijg geen berichten meer", "I keep getting order updates"; nor is a
// fear of missing out ("keine Nachrichten mehr verpassen") or a "stop" whose
// message is a self-correction ("stop! I meant the blue one"). Marketing nouns in
// the clause make the scope ScopeMarketing. Every Result names its rule and
// the folded span that fired.
//
// Signals (signals.go, signals_lexicon.go) add a second set of word roles
// and combine evidence across clauses: a threat to report or block the sender
// with a condition, an earlier request or a regulator ("se continuar vou
// denunciar no procon", "I'll block you if this continues"); insistence or
// annoyance that turns a bare stop word into a demand ("ja mandei SAIR mil
// vezes", "arretez svp c'est saoulant"); never having signed up ("ik heb me
// nooit aangemeld, stop hiermee"); go-away idioms ("sai fora", "rot op");
// the object before its negation ("propaganda não quero") and "no need to
// send"; "only when there is an order" as a marketing opt-out (asked first).
// Laughter or an order in another clause makes a bare "para"/"stop" an
// interjection ("para tudo! chegou meu pedido"). Opt-in affirmations ("sim,
// pode mandar", "send me offers", but not "me manda a promoção do dia") and
// help templates ("how did you get my number", "o que é isso", "como
// funciona", "não entendi") are recognised in every language.
//
// Rules added after blind sets 5 and 6 (rules_more.go, lexicon_more.go):
// spaced letters are joined ("U N S U B S C R I B E"); a count before
// "time" ("c'est la 3e fois", "cuarta vez", "é o 4º pedido") is an earlier
// request; "the sending of messages" is a message noun ("interrompam o envio
// de mensagens"), not a shipment; a number that changed hands ("esse número
// era do meu filho, podem tirar") asks to be removed; erasing my record or
// data, a list after a preposition ("retirar do cadastro") or my name from a
// list removes me; "only X, not Y" ("só quero as faturas, promoções não",
// "só os lembretes, o resto dispenso") is a marketing opt-out; "I
// unsubscribed and still get them" is an opt-out. Praise in a laughing
// message makes a stop a joke ("chega de promoção boa assim kkk"), but
// laughter does not cancel annoyance ("mds parem kkkk não aguento mais"); a
// named group is someone else's ("sair do grupo da família"); a stop whose
// next clause sends a non-message ("hört auf, mir falsche Rechnungen zu
// schicken") is a complaint. Questions about a keyword ("o que significa
// SAIR?"), about leaving ("se eu sair da lista ainda recebo o boleto?"),
// about cost, commands, or managing the messages are help.
//
// Rules added after blind sets 7 and 8 (rules_b7.go, lexicon_b7.go) look at
// the sense of the verb and the kind of object. A stop verb whose object is
// a malfunction ("deja de funcionar la app") or a send or receive verb whose
// object is a person, a delivery or an invoice ("parar de mandar o
// entregador", "paro de receber a fatura?") is not an opt-out, unless an
// offer is named too ("cobrança e propaganda") or the verb is one of
// offering ("parem de me oferecer cartão"); "não chega o sms" (a verb before
// its subject, or negated) is "arrives", not "enough"; a negated send or
// receive after "why / por que / warum / perché" is a complaint; "forgot to
// say" is a self-correction; a clause-final unsubscribe verb with a
// prepositional object before it ("mich für die Fahrstunde abmelden") leaves
// an appointment; "aufnehmen" takes in (opt-in); premium plans and
// shipments are not messages. New forms: "im out", "ya vale de", "nada de",
// "me salgo", preference verbs ("prefiro não receber", "I'd rather not"), the
// right to object ("derecho de oposición al envío"), Swiss German ("nüme
// schriibe", "hör uf"), the object before the negation in verb-second
// languages ("wil de nieuwsbrief niet meer"), "X yes, Y no" as a marketing
// opt-out, a closing second negation ("não quero mais não, pode tirar"), a
// refusal clause before a stop ("lol no. stop"); opt-in by "add me", "notify
// me when", "send me X every day" and "back to the list".
//
// Rules added after blind sets 9 and 10 (rules_b9.go, lexicon_b9.go): "did
// you" before a stop, remove or unsubscribe verb asks what happened ("why did
// you stop sending me the boarding pass", "did you remove me?"), while "why
// won't you stop" demands it; an object after "via / through" is the means
// ("stoppen via de app"); "stop everything" in a message about an errand is an
// interjection; a weak keyword after a clause naming a product cancels the
// product ("não quero mais o seguro, cancela"); a group of people ("da
// família") is someone else's, a group named after a business is the sender's
// list. The Brazilian clause-final negation ("manda mais não", "quero mais
// essas msg não") and an elliptical refusal of marketing ("ofertas não, obg")
// are opt-outs; so are "escusam de mandar", "desisto das notificações",
// "cease and desist", "opor-me ao tratamento dos dados", "ni una promo más"
// and "I want out of these messages". "Can I choose only X and not Y?" is
// help; "resubscribe", "quero receber tbm" and "cadastra meu número pra avisar
// quando ..." are opt-ins; "how often will you message me" is help.
//
// Rules added after blind set 11 (rules_b11.go, lexicon_b11.go), precision
// first: a stop next to praise of the offers in a laughing message is a joke
// ("stop sending me such good deals 😂"), unless the stop is repeated; a bare
// stop with disbelief in a question is an exclamation ("arrête, t'es
// sérieux?"); leaving or cancelling an app or a game with no messaging word
// is not an opt-out ("sair do app do jogo", "disdire l'abbonamento all'app"),
// nor is a help word about it help; "I don't get X any more" as a statement
// is a complaint, not a question ("ich krieg keine Erinnerungen mehr,
// warum?"). Recall: nouns of revoking and ceasing ("revogação do
// consentimento", "cessação de qualquer comunicação", nl "trek ... in"), a
// keyword sent to a short code ("STOP au 36179"), "ALTO" (asked first),
// "stahp", "párale", "lâche-moi avec", polite conditionals ("le agradecería
// que no me enviaran"), leaving a list while keeping the paid plan. Opt-in:
// accept verbs ("accetto di ricevere"), "voltar a mandar", a bare "quero!"
// after a clause naming the offers. Help: "what happens if I send SAIR / if I
// unsubscribe?" and "which / what kind of messages will you send?".
//
// Rules added after blind set 12 (rules_b12.go, lexicon_b12.go), precision
// first: a bare stop opening a message whose other clause asks about
// something else is an exclamation ("para tudo! vcs têm X em estoque??"); a
// stop word before a colon is a label ("Para: Joana"); WhatsApp placeholders
// and passive reports of deletion ("Esta mensagem foi apagada") are not
// requests; "you no longer send X" with a question of concern ("c'est normal
// ?", "is er iets mis?") is a complaint; my own offer or bid ("retirar mi
// oferta") is not marketing. Recall: wanting it to stop ("queria que
// parasse"), not standing the messages ("não aguento mais essas msgs"), my
// name "from there" ("tira meu nome daí"), a negation glued to its verb
// ("naoquero"), abbreviations that do not end a clause ("Art. 21 DSGVO"), and
// a keyword written next to a quoted business message.
//
// Rules added after blind set 13 (rules_b13.go, lexicon_b13.go): laughter
// right after the object of a stop is a tone, not praise, unless praise is
// in the message ("hört auf mit den Sprachnachrichten haha" is meant); voice
// messages are messages; a keyword asked back and answered with "never" is
// a refusal to leave ("Stop? Never, love your deals"); "no interest (any
// more) in X" with offers or messages after it is an opt-out; "my no." is my
// number, not the end of a clause; "withdrawing my consent" revokes it.
// Help: "what do I reply to leave / to change my preferences?" and "is this
// an official number?". Opt-in: "let me know when there are new X / when X
// reopen" and "send the reminders here".
//
// Rules added in round b14 (rules_b14.go, lexicon_b14.go), after a tenth
// and a twelfth review, recall first. The person's own "I said STOP" is an
// earlier request in every language ("eu disse PARAR", "ich habe gesagt
// stopp", "ho detto stop"); someone else's words are not ("ela disse
// parar"). Scope: the offers named and then "any other message", "everything else", a message after
// "nor / ni / nem" or after "or" in a negated clause, or messages
// "including" the offers, is an opt-out of everything ("não quero receber
// promoções nem avisos de pedido"); "other offers" and "order updates are
// fine" stay marketing. Opt-in: the sender's question repeated and
// answered "no" ("quer receber nossas ofertas? não") and receiving again
// told as a fact ("I started receiving your messages again") are not
// opt-ins. A clause that only lists refused things is a "no more" opt-out
// ("keine Werbung und keine Nachrichten"), unless the message asks
// something.
//
// Uncertain: words with an everyday meaning used alone ("cancelar",
// "voltar", "chega"), "how do I stop?" questions, and vague refusals ("não
// quero mais") come back with Uncertain set. Such a result still has Intent
// OptOut (or OptIn): the caller should not act on it but ask once with
// ConfirmQuestion in the person's language, and act when the reply is
// ConfirmKeyword. Evaluate counts an Uncertain opt-out as opt_out, since
// asking the question to someone who meant something else is itself a
// mistake.
package intent
