package intent

// class is a bit set of the grammatical roles a word can play in the rules.
type class uint64

const (
	cStop       class = 1 << iota // stop / cease verbs: pare, stop, smettete, arrêtez
	cSend                         // send / write / contact / spam verbs
	cCall                         // phone-call verbs: an opt-out of calls is not one of messages
	cMsg                          // message nouns
	cMkt                          // marketing nouns
	cRecv                         // receive verbs (present/infinitive only)
	cWant                         // want / would like
	cNeg                          // verb negation
	cNo                           // "no X": sem, geen, keine, niente
	cMore                         // more / anymore
	cUnsub                        // unsubscribe verbs
	cRemove                       // remove / delete / block
	cTake                         // take (needs off/out)
	cOff                          // off / out
	cList                         // list, database
	cNumber                       // my number, my data
	cMe                           // me, mij, mich
	cLeave                        // leave / get out
	cEnough                       // enough: chega, basta, genug
	cTxn                          // orders, bookings, courses: things that are not messages
	cSubNoun                      // subscription nouns
	cCancel                       // cancel verbs
	cWhy                          // why
	cHow                          // how
	cFreq                         // how often
	cResume                       // again / back
	cAdd                          // add / put
	cActivate                     // activate
	cContinue                     // continue / keep
	cAccident                     // by mistake
	cSubscribe                    // subscribe / sign up
	cAuthorize                    // authorize
	cRevoke                       // revoke / withdraw
	cConsent                      // consent noun
	cFiller                       // please, thanks, greetings, interjections
	cSkip                         // articles, pronouns, determiners
	cPrep                         // prepositions
	cThis                         // this / that (acceptable object)
	cAll                          // everything / nothing
	cOnly                         // only
	cCan                          // can / could
	cInterest                     // interest
	cEndure                       // stand / bear
	cHouPre                       // first half of a separable stop verb: hou (op), hört (auf)
	cParticle                     // second half: op, auf
	cIndicative                   // "param": complaint form, negation does not cancel it
	cKnow                         // "não quero mais saber de": hear / know about
	cAux                          // be / become: "não quero ser contatado"
	cData                         // personal data: erasing it implies an opt-out
	cIf                           // if / unless: "if you don't stop" is a threat, not a negated stop
	cPurpose                      // in order to: "como faço para não receber"
	cCorrect                      // self-correction: "stop, I meant the blue one"
	cAmbPast                      // stop form that is also a first-person past: "dejé de recibir"
	cLet                          // let / leave (someone): "lasst mich (endlich) in Ruhe"
	cAlone                        // in peace / alone
	cMiss                         // miss: "não quero perder nenhuma promoção" wants them
	cInfo                         // information: "je veux plus d'infos" asks for more
)

// langs is the set of supported languages in a fixed order (bit i = langs[i]).
var langs = []string{"pt", "es", "en", "nl", "it", "de", "fr"}

// langTable is the vocabulary of one language: words per class and keywords.
// Words are folded; "_" joins the words of a multi-word entry. A keyword
// ending in "?" has an everyday meaning too and yields an Uncertain result.
type langTable struct {
	lang    string
	words   map[class]string
	kwOut   string
	kwIn    string
	kwHelp  string
	hints   string // frequent words that only tell the language
	confirm [2]string
}

var tables = []langTable{
	{
		lang: "pt",
		words: map[class]string{
			cMiss:    "perder perca percam",
			cAlone:   "em_paz sossegado sossegada",
			cLet:     "deixa deixe deixem deixar",
			cOff:     "fora",
			cCorrect: "quis_dizer queria_dizer errei errado errada espera pera perai ops opa",
			cPurpose: "para pra",
			cIf:      "se caso",
			cData:    "dados meus_dados",
			cStop: "para_com pare_com parem_com pare parem parar pararem paro paramos para_de pra_de parando deixa_de deixe_de deixem_de deixar_de deixai_de " +
				"cessar cessem cesse desativar desativa desative desativem desligar desliga desligue param_de",
			cIndicative: "param_de",
			cSend: "mandar manda mande mandem mandando mandarem me_mandar enviar envia envie enviem enviando enviarem " +
				"escrever escreve escrevam escrevendo contatar contactar contatem contactem contate contatando " +
				"encher enchendo incomodar incomodem incomodando perturbar perturbem perturbando spam spammar floodar " +
				"mensagear chamar chamem importunar mandam enviam contatado contatada contactado contactada incomodado incomodada perturbado perturbada",
			cCall: "ligar liguem ligando telefonar",
			cMsg: "meu_whatsapp meu_zap meu_whats meu_wpp informacao informacoes info mensagem mensagens msg msgs mensagen msgns mensages sms zap whats whatsapp wpp notificacao notificacoes " +
				"comunicacao comunicacoes comunicados comunicado textos lembretes alertas avisos mensagenzinhas",
			cMkt: "promocao promocoes promo promos promocional promocionais oferta ofertas propaganda propagandas " +
				"publicidade publicidades anuncio anuncios marketing newsletter newsletters novidades cupom cupons " +
				"desconto descontos liquidacao campanha campanhas divulgacao divulgacoes promocoes_de_voces",
			cRecv:      "receber recebendo receberem recebe_las recebimento recebe recebem recebo",
			cWant:      "solicito pretendo aceito quero queria quer querer gostaria desejo deseja desejamos queremos kero",
			cNeg:       "naum nn nao n nem nunca jamais",
			cNo:        "nd sem nenhuma nenhum nada",
			cMore:      "outra outras outro outros mais",
			cUnsub:     "descadastrar descadastra descadastre descadastrem descadastro descadastrar_me descadastramento desinscrever desinscreva desinscrevam desinscricao desassinar desassinatura deixa_em_paz deixem_em_paz deixe_em_paz deixem_me_em_paz",
			cRemove:    "exclusao remocao removido removida excluido excluida tirado tirada retirado retirada remover remova remove removam tirar tira tire tirem tiram excluir exclua excluam exclui apagar apaga apaguem deletar deleta bloquear bloqueia bloqueie bloqueiem retirar retira retirem",
			cList:      "meu_whatsapp meu_zap meu_whats meu_wpp meu_celular lista listas cadastro base banco_de_dados sistema contatos transmissao mailing grupo",
			cNumber:    "numero telefone contato dados meus_dados celular",
			cMe:        "me mim eu removido removida excluido excluida tirado tirada retirado retirada",
			cLeave:     "sai saiam saiem saio sair saia saiam",
			cEnough:    "saco_cheio farto farta cansado cansada chega basta",
			cTxn:       "pedido pedidos compra compras reserva reservas encomenda entrega agendamento consulta boleto pagamento fatura produto plano conta cartao clube rastreio frete nota troca devolucao reembolso aula curso evento matricula envio casa escola atendimento",
			cSubNoun:   "inscricao subscricao assinatura",
			cCancel:    "cancelar cancela cancele cancelem cancelo anular anula anulem",
			cWhy:       "por_que porque pq porq",
			cHow:       "como",
			cFreq:      "todo_dia todos_os_dias toda_hora frequencia de_quanto_em_quanto toda_semana quantas_mensagens",
			cResume:    "de_novo novamente outra_vez voltar_a volta_a voltem_a",
			cAdd:       "adicionar adiciona adicione coloca coloque colocar colocam incluir inclui inclua bota bote poe",
			cActivate:  "ativar ativa ative reativar reativa reative",
			cContinue:  "continuar continua continuem continuando seguir",
			cAccident:  "sem_querer por_engano por_erro foi_engano",
			cSubscribe: "assinar inscrever inscrevi cadastrei cadastrar cadastrar_me me_inscrevi inscrevo",
			cAuthorize: "autorizo autorizar consinto permito",
			cRevoke:    "revogo revogar retiro",
			cConsent:   "consentimento autorizacao permissao",
			cFiller: "por_favor pfv pf pfvr porfavor favor obrigado obrigada obg brigado vlw valeu ok okay ta blz beleza ai agora ja " +
				"entao porra caralho pqp mds pelo_amor_de_deus oi ola bom_dia boa_tarde boa_noite gente moco moca vc voce voces vcs " +
				"por_gentileza gentileza se_faz_favor faz_favor k sim urgente hoje imediatamente logo",
			cSkip:     "ou todas todos tanta tanto tantas tantos de da do das dos o a os as um uma uns umas me te nos lhe essa esse essas esses esta este estas estes aquela aquele suas seus sua seu vossa vossas vossos vosso minha meu meus minhas com pra pro na no nas em por pelo pela dessa desse desses dessas desta deste dela dele daqui dai aqui q que",
			cPrep:     "de da do das dos dessa desse dessas desses desta deste na no em pra pro por pelo pela com",
			cThis:     "porcaria merda droga bagulho palhacada isso isto",
			cAll:      "nd tudo nada",
			cOnly:     "so somente apenas",
			cCan:      "pode podem poderia poderiam podes tem_como da_pra",
			cInterest: "interesse interessa interessado tenho_interesse",
			cEndure:   "aguento aguentar suporto suportar",
			cKnow:     "saber",
			cAux:      "ser estar ficar",
		},
		kwOut:   "sair parar pare parem para descadastrar descadastra descadastre descadastro desinscrever remover cancelar? cancela? cancele? chega? desativar",
		kwIn:    "assinar voltar? inscrever reativar",
		kwHelp:  "ajuda socorro informacao informacoes",
		hints:   "voces voce vc obrigado obrigada nao sim bom boa tudo bem meu minha isso esse essa tchau",
		confirm: [2]string{"Você quer parar de receber nossas mensagens? Responda SAIR para confirmar.", "SAIR"},
	},
	{
		lang: "es",
		words: map[class]string{
			cMiss:    "perder perderme",
			cAlone:   "en_paz tranquilo tranquila",
			cLet:     "deja deje dejen dejad dejar",
			cOff:     "fuera",
			cCorrect: "quise_decir queria_decir espera equivoque equivocado equivocada perdon",
			cPurpose: "para",
			cIf:      "si",
			cData:    "datos",
			cAmbPast: "deje_de pare",
			cStop:    "parad parad_de dejen_ya_de deja_ya_de dejad_ya_de paren pare parar para_de paren_de dejen_de deja_de dejar_de dejad_de dejes_de deje_de cesar cesen desactivar desactiven desactiva",
			cSend: "mandes envies escribas mandeis envieis escribais contactes molestes mandar manden mande mandarme mandarnos mandando enviar envien enviarme enviando escribir escriban escribirme escribanme escribirnos " +
				"contactar contactarme contacten molestar molesten molestarme joder jodan spamear mensajear textear llenar mandan envian contactado contactada molestado molestada",
			cCall: "llamar llamarme llamen",
			cMsg:  "informacion info mensaje mensajes msj msjs mensajitos whatsapp wasap wsp notificaciones comunicaciones avisos",
			cMkt: "promocion promociones promo promos oferta ofertas publicidad publicidades anuncios propaganda marketing newsletter boletin " +
				"descuentos cupones novedades campanas promocionales publicitarios",
			cRecv:      "recibir recibiendo reciba recibirlos recibe reciben recibo",
			cWant:      "solicito pretendo acepto quiero quisiera queria quieren deseo deseamos desearia kiero kero",
			cNeg:       "no_mas no ni nunca jamas",
			cNo:        "no_mas sin ningun ninguna nada",
			cMore:      "no_mas otro otros otra otras mas",
			cUnsub:     "desuscribir desuscribirme desuscribirse desuscribe desuscribanme desinscribir desinscribirme desinscribanme de_baja desabonar desafiliar desafiliarme dejenme_en_paz dejame_en_paz dejen_en_paz",
			cRemove:    "eliminacion borrado eliminado eliminada borrado borrada sacado sacada eliminar eliminen elimine eliminenme eliminarme borrar borren borrenme borrarme borrame sacar saquen saquenme sacarme sacame quitar quiten quitenme quitarme quitame retirar retiren retirenme bloquear bloqueen",
			cList:      "lista listas difusion base_de_datos base sistema contactos grupo",
			cNumber:    "contacto mi_contacto numero telefono datos celular",
			cMe:        "eliminado eliminada borrado borrada sacado sacada me mi borrenme eliminenme saquenme sacame quitenme quitame borrame retirenme",
			cLeave:     "salir",
			cEnough:    "harto harta hartos hartas cansado cansada basta_ya basta ya_basta suficiente",
			cTxn:       "pedido pedidos orden compra compras reserva reservas cita turno envio entrega producto factura pago cuenta gimnasio plan membresia curso clase garantia web casa",
			cSubNoun:   "suscripcion inscripcion",
			cCancel:    "cancelar cancela cancele cancelen cancelo anular anula",
			cWhy:       "por_que porque",
			cHow:       "como",
			cFreq:      "cada_cuanto con_que_frecuencia todos_los_dias cada_dia frecuencia",
			cResume:    "de_nuevo nuevamente otra_vez volver_a vuelvan_a vuelva_a",
			cAdd:       "agregar agreguen agregarme agreguenme anadir anadanme incluir incluyan incluyanme metan metanme sumen sumenme",
			cActivate:  "activar activen reactivar reactiven",
			cContinue:  "seguir sigan continuar continuen",
			cAccident:  "sin_querer por_error por_equivocacion",
			cSubscribe: "suscribir suscribirme suscribirse darme_de_alta dar_de_alta de_alta inscribir inscribirme",
			cAuthorize: "autorizo autorizar consiento permito",
			cRevoke:    "revoco revocar",
			cConsent:   "consentimiento autorizacion permiso",
			cFiller: "por_favor porfa porfavor xfa x_favor pf plis gracias muchas_gracias mil_gracias ok okey vale ya ahora hola buenas buenos_dias " +
				"buenas_tardes buenas_noches inmediatamente urgente saludos ahorita oye carajo mierda si",
			cSkip:     "o todas todos tanto tanta tantos tantas de del la el los las lo le les un una unos unas me te nos se esa ese esas esos esta estas estos este sus su mi mis con a al en por aqui ahi que",
			cPrep:     "de del en a al por con",
			cThis:     "porqueria basura esto eso",
			cAll:      "todo nada",
			cOnly:     "solo solamente",
			cCan:      "puede pueden podrian podrias podes",
			cInterest: "interesa interesado interes",
			cEndure:   "aguanto soporto",
			cKnow:     "saber",
			cAux:      "ser estar",
		},
		kwOut:   "baja parar pare paren para desuscribir desuscribirme desinscribir cancelar? cancela? basta",
		kwIn:    "alta suscribir suscribirme",
		kwHelp:  "ayuda informacion",
		hints:   "usted ustedes gracias hola quiero tengo estoy pero muy bien mi el los las del",
		confirm: [2]string{"¿Quieres dejar de recibir nuestros mensajes? Responde BAJA para confirmar.", "BAJA"},
	},
	{
		lang: "en",
		words: map[class]string{
			cMiss:    "miss missing",
			cAlone:   "alone",
			cLet:     "leave let",
			cCorrect: "meant wait oops wrong",
			cIf:      "if unless",
			cData:    "data details personal_data",
			cStop:    "stop stopping quit cease disable deactivate turn_off",
			cSend: "send sending text texting message messaging msg msging txt txting contact contacting email emailing spam spamming " +
				"write writing bother bothering harass harassing pester pestering bug bugging hit_me_up contacted texted messaged emailed bothered",
			cCall: "call calling ring ringing phone phoning",
			cMsg:  "information info messages message msg msgs texts sms notifications notification alerts whatsapp whatsapps updates txts",
			cMkt: "promotions promotion promo promos promotional marketing offers offer deals ads advertising advertisements adverts " +
				"newsletter newsletters discounts coupons specials campaigns",
			cRecv:      "receive receiving receives get getting",
			cWant:      "want wanna d_like would_like wish",
			cNeg:       "no_longer not don_t dont do_not never no can_t cant won_t didn_t doesn_t",
			cNo:        "no no_more without zero nothing",
			cMore:      "more anymore any_more no_longer no_more",
			cUnsub:     "unsubscribe unsub opt_out optout unsuscribe opt_me_out leave_me_alone",
			cRemove:    "removal deletion remove delete erase block removed deleted",
			cTake:      "take get",
			cOff:       "off out",
			cList:      "list lists mailing_list database system contacts group broadcast",
			cNumber:    "my_info my_information my_contact contact_info contact_details number phone_number details data",
			cMe:        "me removed deleted",
			cLeave:     "leave exit want_out get_out",
			cEnough:    "sick_of tired_of fed_up fed_up_with enough",
			cTxn:       "order orders purchase booking reservation appointment delivery package shipment account plan box membership class course lesson refund payment invoice item cart store shop",
			cSubNoun:   "subscription",
			cCancel:    "cancel",
			cWhy:       "why",
			cHow:       "how",
			cFreq:      "how_often every_day daily",
			cResume:    "again back",
			cAdd:       "add put readd",
			cActivate:  "activate reactivate enable turn_on",
			cContinue:  "keep continue",
			cAccident:  "by_mistake by_accident accidentally mistakenly on_accident",
			cSubscribe: "sign_me_up subscribe sign_up signed_up opt_in optin join",
			cAuthorize: "authorize authorise consent allow",
			cRevoke:    "revoke withdraw",
			cConsent:   "consent permission",
			cFiller:    "please pls plz plx thanks thank_you thx ty ok okay now just already so hey hi hello guys lol wtf omg fucking fuck damn seriously asap sir madam u immediately today right_now",
			cSkip:      "or whatever whichever every the a an me us these those this that your ur you with to from of about my any on i it them",
			cPrep:      "from of for on to with in by",
			cThis:      "this that these those it them",
			cAll:       "all everything anything nothing",
			cOnly:      "only",
			cCan:       "can could would_you will_you",
			cInterest:  "interested",
			cEndure:    "stand",
			cKnow:      "hear know",
			cAux:       "be being",
		},
		kwOut:   "stop stopall stop_all unsubscribe unsub end quit cancel? exit? opt_out optout revoke",
		kwIn:    "sign_me_up start unstop subscribe opt_in optin resume",
		kwHelp:  "help info information",
		hints:   "the you your i my is are please thanks thank what when where can do have",
		confirm: [2]string{"Do you want to stop receiving our messages? Reply STOP to confirm.", "STOP"},
	},
	{
		lang: "nl",
		words: map[class]string{
			cMiss:      "missen mis",
			cAlone:     "met_rust",
			cLet:       "laat laten",
			cCorrect:   "bedoelde wacht verkeerd verkeerde oeps",
			cPurpose:   "om",
			cIf:        "als indien",
			cData:      "gegevens",
			cStop:      "stop stoppen stopt stop_met ophouden kappen kap uitzetten uitschakelen",
			cHouPre:    "hou houd houden",
			cParticle:  "op",
			cSend:      "sturen versturen stuur stuurt appen appt mailen spammen lastigvallen lastig_vallen gemaild geappt gecontacteerd benaderd gestuurd ge_smst",
			cCall:      "gebeld bellen bel",
			cMsg:       "informatie info bericht berichten berichtjes appjes appje app apps sms smsjes whatsapp whatsappjes meldingen notificaties mails",
			cMkt:       "reclame reclames aanbiedingen aanbieding acties actie promoties promotie nieuwsbrief nieuwsbrieven kortingen korting marketing advertenties promo promos",
			cRecv:      "ontvangen krijgen krijg ontvang",
			cWant:      "wil wilt willen graag zou_graag",
			cNeg:       "niet nooit",
			cNo:        "geen niks niets",
			cMore:      "meer",
			cUnsub:     "afmelden afmelding uitschrijven uitschrijving schrijf_me_uit meld_me_af laat_me_met_rust laat_mij_met_rust",
			cRemove:    "verwijderen verwijder verwijdert verwijderd schrappen schrap geschrapt",
			cTake:      "haal halen",
			cOff:       "eraf af uit",
			cList:      "lijst lijsten bestand verzendlijst mailinglijst database systeem adressenbestand",
			cNumber:    "contactgegevens nummer telefoonnummer gegevens",
			cMe:        "me mij verwijderd geschrapt",
			cEnough:    "zat beu genoeg",
			cTxn:       "bestelling bestellingen order levering bezorging pakket afspraak les lessen cursus workshop account reservering retour",
			cSubNoun:   "abonnement inschrijving",
			cCancel:    "annuleren annuleer opzeggen",
			cWhy:       "waarom",
			cHow:       "hoe",
			cFreq:      "hoe_vaak elke_dag dagelijks",
			cResume:    "weer opnieuw terug",
			cAdd:       "toevoegen voeg zet",
			cActivate:  "activeren aanzetten",
			cContinue:  "blijven doorgaan",
			cAccident:  "per_ongeluk perongeluk per_abuis",
			cSubscribe: "aanmelden inschrijven abonneren",
			cConsent:   "toestemming",
			cFiller:    "aub a_u_b alsjeblieft alsjeblief alstublieft dank dank_je dankjewel bedankt dank_u dank_u_wel alvast_bedankt nou eens toch maar hoor even gewoon nu jongens oke hoi hallo goedemorgen",
			cSkip:      "of alle de het een die dat deze dit jullie uw je me mij ons met van voor uit aan naar mijn ik",
			cPrep:      "van voor uit naar met aan",
			cThis:      "dit dat deze die",
			cAll:       "alles niets niks",
			cOnly:      "alleen enkel",
			cCan:       "kunt kun kan kunnen",
			cKnow:      "horen weten",
			cAux:       "zijn worden",
		},
		kwOut:   "stop stoppen afmelden uitschrijven",
		kwIn:    "aanmelden start",
		kwHelp:  "help hulp info informatie",
		hints:   "ik je jij jullie het een niet wel graag dank bedankt hoi mijn is zijn",
		confirm: [2]string{"Wil je geen berichten meer van ons ontvangen? Antwoord STOP om te bevestigen.", "STOP"},
	},
	{
		lang: "it",
		words: map[class]string{
			cMiss:    "perdere perdermi",
			cAlone:   "in_pace stare",
			cLet:     "lasciate lasciami lasciatemi lascia",
			cOff:     "fuori",
			cCorrect: "intendevo aspetta sbagliato sbagliata",
			cPurpose: "per",
			cIf:      "se",
			cData:    "dati",
			cStop:    "smettere smettetela smettila smettete smetti smettiamo smettiate fermare fermate fermatevi finitela piantatela disattivare disattivate",
			cSend: "mandare mandarmi mandatemi mandate inviare inviarmi inviate inviatemi scrivere scrivermi scrivetemi contattare contattarmi contattatemi " +
				"spammare rompere disturbare disturbarmi contattato contattata disturbato disturbata",
			cCall:      "chiamare chiamarmi chiamatemi telefonare",
			cMsg:       "informazioni info messaggi messaggio msg messaggini sms notifiche comunicazioni whatsapp",
			cMkt:       "pubblicita pubblicitari pubblicitarie promozioni promozione promozionali promozionale offerte offerta sconti newsletter marketing promo",
			cRecv:      "ricevere riceverli",
			cWant:      "voglio vorrei volevo desidero vogliamo",
			cNeg:       "non nn mai",
			cNo:        "niente nessun nessuna senza",
			cMore:      "altri altre altro altra piu",
			cUnsub:     "disiscrivere disiscrivermi disiscrivimi disiscrivetemi disiscrizione cancellarmi cancellami cancellatemi desiscrivere lasciatemi_in_pace lasciami_in_pace",
			cRemove:    "cancellazione rimozione cancellare cancella cancellate rimosso rimossa tolto tolta eliminato eliminata togliere toglietemi toglimi togliermi rimuovere rimuovete rimuovi rimuovetemi rimuovimi rimuovermi togliete togli eliminate elimina eliminare eliminatemi eliminami cancellatemi cancellami levatemi bloccare",
			cList:      "lista liste elenco database sistema rubrica gruppo",
			cNumber:    "contatto numero dati",
			cMe:        "rimosso rimossa tolto tolta eliminato eliminata mi me toglietemi toglimi rimuovetemi rimuovimi eliminatemi eliminami cancellatemi cancellami levatemi",
			cLeave:     "uscire",
			cEnough:    "stufo stufa stufi basta",
			cTxn:       "ordine ordini acquisto prenotazione appuntamento consegna spedizione pacco corso lezione conto reso rimborso casa",
			cSubNoun:   "iscrizione abbonamento",
			cCancel:    "annullare annulla annullate cancellare cancella cancellate disdire",
			cWhy:       "perche",
			cHow:       "come",
			cFreq:      "ogni_quanto ogni_giorno",
			cResume:    "di_nuovo nuovamente",
			cAdd:       "aggiungere aggiungetemi aggiungimi inserire inseritemi rimettere rimettetemi",
			cActivate:  "attivare riattivare riattivate attivate",
			cContinue:  "continuare continuate",
			cAccident:  "per_sbaglio per_errore",
			cSubscribe: "iscrivere iscrivimi iscrivetemi iscriviti iscrivermi abbonarmi",
			cAuthorize: "autorizzo acconsento",
			cConsent:   "consenso",
			cFiller:    "per_favore perfavore per_piacere grazie grazie_mille grz ok va_bene ciao buongiorno buonasera ora adesso subito immediatamente dai che_palle cazzo",
			cSkip:      "o tutti tutte il lo la i gli le un una uno di del della dei delle da dal dalla dai dalle con questi queste questo sti ste vostri vostre vostra vostro mio mia miei mie mi ti ci vi me a al alla",
			cPrep:      "di del della dei da dal dalla con a al alla in per",
			cThis:      "questo questa questi queste",
			cAll:       "niente tutto nulla",
			cOnly:      "solo soltanto",
			cCan:       "potete puoi potreste",
			cInterest:  "interessa interessato",
			cKnow:      "sapere sentire",
			cAux:       "essere venire",
		},
		kwOut:   "basta cancellami disiscrivimi disiscrivetemi cancellatemi disiscrizione",
		kwIn:    "iscrivimi iscrivetemi iscrivi",
		kwHelp:  "aiuto informazioni",
		hints:   "il che non sono grazie ciao della per una questo vorrei",
		confirm: [2]string{"Vuoi smettere di ricevere i nostri messaggi? Rispondi STOP per confermare.", "STOP"},
	},
	{
		lang: "de",
		words: map[class]string{
			cMiss:      "verpassen",
			cAlone:     "in_ruhe",
			cLet:       "lasst lass lassen",
			cCorrect:   "meinte warte falsch falsche falschen hoppla",
			cPurpose:   "um",
			cIf:        "wenn falls",
			cData:      "daten",
			cStop:      "stopp stoppen stoppt aufhoren aufhoeren einstellen deaktivieren abschalten abstellen",
			cHouPre:    "hort hoert hor horen hoeren",
			cParticle:  "auf",
			cSend:      "schicken schickt senden sendet schreiben schreibt zuschreiben anschreiben kontaktieren nerven nervt belastigen storen zuspammen spammen texten kontaktiert angeschrieben belastigt",
			cCall:      "anrufen anruft",
			cMsg:       "informationen infos info nachrichten nachricht sms whatsapp whatsapps mitteilungen benachrichtigungen meldungen mails",
			cMkt:       "werbung werbenachrichten angebote angebot rabatte rabattcodes rabattcode aktionen newsletter marketing promo promos gutscheine reklame",
			cRecv:      "bekommen erhalten kriegen empfangen",
			cWant:      "mochte moechte will wollen gerne",
			cNeg:       "nicht nich nie niemals",
			cNo:        "kein keine keinen keiner nix nichts ohne",
			cMore:      "mehr",
			cUnsub:     "abmelden abmeldung abbestellen austragen lasst_mich_in_ruhe lass_mich_in_ruhe",
			cRemove:    "loschung entfernung entfernen entfernt loschen loscht geloscht streichen streicht gestrichen",
			cTake:      "nehmen nehmt",
			cOff:       "raus",
			cList:      "liste verteiler verteilerliste datenbank system mailingliste kontakte gruppe",
			cNumber:    "kontakt kontaktdaten nummer telefonnummer handynummer daten",
			cMe:        "mich mir entfernt geloscht gestrichen",
			cEnough:    "genug schluss",
			cTxn:       "bestellung bestellungen auftrag lieferung paket termin kurs kurse buchung reservierung konto rucksendung erstattung bestellen",
			cSubNoun:   "abo abonnement",
			cCancel:    "stornieren storniere kundigen",
			cWhy:       "warum wieso weshalb",
			cHow:       "wie",
			cFreq:      "wie_oft jeden_tag taglich",
			cResume:    "wieder erneut",
			cAdd:       "hinzufugen aufnehmen",
			cActivate:  "aktivieren reaktivieren",
			cContinue:  "weiter weiterhin",
			cAccident:  "aus_versehen versehentlich",
			cSubscribe: "anmelden abonnieren",
			cAuthorize: "erlaube",
			cRevoke:    "widerspreche widerrufe widerrufen",
			cConsent:   "einwilligung zustimmung",
			cFiller:    "bitte danke danke_schon dankeschon thx ok okay jetzt endlich sofort mal doch hallo guten_morgen guten_tag leute mfg mit_freundlichen_grussen echt",
			cSkip:      "oder alle die der das den dem des ein eine einen einem mir mich uns euch ihr ihre ihrem ihren ihrer sie eure euren euer mit zu von vom aus diese dieser diesen dieses mein meine meinen meiner meinem ich",
			cPrep:      "von vom aus mit zu fur",
			cThis:      "das dies",
			cAll:       "alles nichts",
			cOnly:      "nur",
			cCan:       "konnt konnen kannst",
			cInterest:  "interesse",
			cAux:       "sein werden",
		},
		kwOut:   "stopp abmelden abbestellen austragen",
		kwIn:    "anmelden start",
		kwHelp:  "hilfe info",
		hints:   "ich und nicht bitte danke ist ein eine der die das mein meine haben",
		confirm: [2]string{"Möchtest du keine Nachrichten mehr von uns erhalten? Antworte STOPP zur Bestätigung.", "STOPP"},
	},
	{
		lang: "fr",
		words: map[class]string{
			cInfo:      "informations infos info",
			cMiss:      "rater manquer louper",
			cAlone:     "tranquille en_paix la_paix",
			cLet:       "laissez laisse",
			cCorrect:   "voulais_dire attends trompe",
			cPurpose:   "pour",
			cIf:        "si",
			cData:      "donnees coordonnees",
			cStop:      "arreter arretez arrete stop stoppez cesser cessez cesse desactiver desactivez",
			cSend:      "envoyer envoyez ecrire ecrivez contacter contactez spammer harceler harcelez deranger embeter texter contacte contactee derange harcele",
			cCall:      "appeler appelez",
			cMsg:       "informations infos info messages message sms notifications whatsapp textos mails",
			cMkt:       "pub pubs publicite publicites promotions promotion promos promo offres offre newsletter newsletters marketing soldes reductions bons_plans publicitaires promotionnels promotionnelles",
			cRecv:      "recevoir",
			cWant:      "veux_plus veut_plus voulons_plus voulez_plus souhaite_plus veux voudrais voulais souhaite souhaiterais desire aimerais",
			cNeg:       "veux_plus veut_plus voulons_plus voulez_plus souhaite_plus ne n pas jamais",
			cNo:        "sans plus_de pas_de rien",
			cMore:      "plus davantage plus_de",
			cUnsub:     "desabonner desabonnez desinscrire desinscrivez desinscription desabonnement laissez_moi_tranquille fichez_moi_la_paix foutez_moi_la_paix",
			cRemove:    "suppression retirer retirez supprimer supprimez enlever enlevez effacer retire supprime enleve",
			cList:      "liste listes diffusion fichier base_de_donnees base repertoire groupe",
			cNumber:    "mon_contact numero donnees coordonnees",
			cMe:        "s se me m moi retire supprime enleve",
			cLeave:     "sortir",
			cEnough:    "marre ras_le_bol assez ca_suffit suffit",
			cTxn:       "commande commandes livraison colis rendez_vous reservation achat cours compte box remboursement bus",
			cSubNoun:   "abonnement inscription",
			cCancel:    "annuler annulez resilier",
			cWhy:       "pourquoi",
			cHow:       "comment",
			cFreq:      "a_quelle_frequence tous_les_jours chaque_jour",
			cResume:    "de_nouveau a_nouveau",
			cAdd:       "ajouter ajoutez rajouter rajoutez remettre remettez",
			cActivate:  "activer reactiver reactivez",
			cContinue:  "continuer continuez",
			cAccident:  "par_erreur par_accident sans_faire_expres",
			cSubscribe: "abonner inscrire inscrivez",
			cAuthorize: "autorise",
			cConsent:   "consentement",
			cFiller:    "svp stp s_il_vous_plait s_il_te_plait merci merci_beaucoup cordialement bonjour bonsoir salut ok d_accord maintenant putain mais enfin immediatement tout_de_suite",
			cSkip:      "ou tous toutes le la les l un une des de du d ce ces cet cette vos votre ton tes mon ma mes notre nos me m moi nous avec a au aux en je j vous",
			cPrep:      "de du des d a au aux avec pour sur",
			cThis:      "ca cela ceci",
			cAll:       "tout rien",
			cOnly:      "seulement",
			cCan:       "pouvez pourriez peux",
			cKnow:      "entendre savoir",
			cAux:       "etre",
		},
		kwOut:   "arret arreter arretez stop desabonner desinscrire desabonnement desinscription",
		kwIn:    "abonner sabonner inscrire",
		kwHelp:  "aide info",
		hints:   "je vous le la les est pas merci bonjour une des du mon ma mes",
		confirm: [2]string{"Voulez-vous ne plus recevoir nos messages ? Répondez STOP pour confirmer.", "STOP"},
	},
}

// Words shared by every language (chat abbreviations, symbols).
var commonWords = map[class]string{
	cMkt:    "spam",
	cMore:   "+",
	cFiller: "pls plz please thx ok okay xd",
}
