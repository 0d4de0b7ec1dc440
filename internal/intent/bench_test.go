package intent

import "testing"

var benchMessages = []string{
	"SAIR",
	"Oi, tudo bem? Queria saber se ainda tem o tênis 42 em estoque",
	"não quero mais receber essas mensagens de vocês, por favor",
	"Quero cancelar meu pedido 4481",
	"stop",
	"Dejen de mandarme mensajes porfa",
	"Can you stop the delivery? I won't be home today",
	"Ik wil geen aanbiedingen meer ontvangen, bezorgupdates mogen wel",
	"Due margherite e una diavola, basta così grazie",
	"Bitte entfernen Sie meine Nummer aus Ihrem Verteiler. Mit freundlichen Grüßen",
	"Arrêtez de m'envoyer des messages svp 😡",
	"👍",
	"Bom dia! Gostaria de não receber mais as mensagens promocionais, por gentileza.",
	"obg 🙏",
	"How many times do I have to say it?? Stop messaging me",
	"Meu pedido já saiu pra entrega?",
}

func BenchmarkDetect(b *testing.B) {
	d := newDetector(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		d.Detect(benchMessages[i%len(benchMessages)])
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}

func BenchmarkFold(b *testing.B) {
	for i := 0; b.Loop(); i++ {
		Fold(benchMessages[i%len(benchMessages)])
	}
}
