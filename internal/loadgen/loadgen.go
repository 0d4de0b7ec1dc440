// Package loadgen writes the webhook traffic that optgate's load program
// and benchmarks send: Meta's messages payloads, from people drawn at random
// with message ids in Meta's shape, or, as a best case, each message from a
// new person with numbers and ids in sequence.
package loadgen

import (
	"fmt"
	"strconv"
	"time"

	"github.com/optgate/optgate/internal/meta"
)

// OrderMarker precedes message k's number in its text ("o pedido k já
// saiu"): a downstream that receives the messages finds them by it.
const OrderMarker = "o pedido "

// Webhook is a delivery to phoneID of messages first to first+n-1. Message k comes
// from person mix(k) mod people. A person's number is scrambled (a bijection
// on nine digits), so that new people land all over the contacts' index, as
// real numbers do; their name stays the same. A message id is built as Meta
// builds a wamid: the sender's number, then 20 hex digits unique to the
// message, in base64. With people 0, every message comes from a new person,
// with numbers and ids in sequence, as the generator did before: a best
// case, in which every table grows at its end.
func Webhook(phoneID string, first int64, n int, people int64) []byte {
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	b := make([]byte, 0, 300+n*300)
	b = append(b, `{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"`+phoneID+`"},"contacts":[`...)
	sender := func(k int64) (waID, name string) {
		if people <= 0 {
			return fmt.Sprintf("5521%09d", k), fmt.Sprintf("Pessoa %d", k)
		}
		p := int64(mix(uint64(k)) % uint64(people))
		return WAID(p), fmt.Sprintf("Pessoa %d", p)
	}
	for i := range int64(n) {
		if i > 0 {
			b = append(b, ',')
		}
		wa, name := sender(first + i)
		b = fmt.Appendf(b, `{"profile":{"name":%q},"wa_id":"%s"}`, name, wa)
	}
	b = append(b, `],"messages":[`...)
	for i := range int64(n) {
		if i > 0 {
			b = append(b, ',')
		}
		k := first + i
		wa, _ := sender(k)
		id := fmt.Sprintf("wamid.LOAD%d", k)
		if people > 0 {
			id = wamid(wa, k)
		}
		b = fmt.Appendf(b, `{"from":"%s","id":"%s","timestamp":"%s","type":"text","text":{"body":"Oi, tudo bem? Queria saber se `+OrderMarker+`%d já saiu"}}`, wa, id, ts, k)
	}
	return append(b, `]}}]}]}`...)
}

// WAID is person p's number: 5521 and nine digits, distinct for every p
// under a billion (7919 is prime to 10^9).
func WAID(p int64) string {
	return fmt.Sprintf("5521%09d", (p%1_000_000_000)*7919%1_000_000_000)
}

// wamid is message k's id, as Meta writes one (meta.WAMID), with 20 hex
// digits from mix(k): unique to k.
func wamid(waID string, k int64) string {
	return meta.WAMID(waID, true, fmt.Sprintf("%016X%04X", mix(uint64(k)^0x9e3779b97f4a7c15), uint16(k)))
}

// mix is splitmix64's finalizer: a bijection on 64 bits that scatters
// neighbouring inputs.
func mix(x uint64) uint64 {
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}
