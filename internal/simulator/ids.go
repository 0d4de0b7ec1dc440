package simulator

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"strings"
)

// newWAMID makes a message id shaped like Meta's: "wamid." and base64 of a small envelope holding the
// user's number and a random hex id (20 hex digits for messages from users, 18 for business messages).
func newWAMID(waID string, fromUser bool) string {
	n, marker := 9, byte(0x11)
	if fromUser {
		n, marker = 10, 0x12
	}
	id := strings.ToUpper(hex.EncodeToString(randomBytes(n)))
	if len(waID) > 200 {
		waID = waID[:200]
	}
	b := make([]byte, 0, 10+len(waID)+len(id))
	b = append(b, 0x1c, 0x18, byte(len(waID)))
	b = append(b, waID...)
	b = append(b, 0x15, 0x02, 0x00, marker, 0x18, byte(len(id)))
	b = append(b, id...)
	b = append(b, 0x00)
	return "wamid." + base64.StdEncoding.EncodeToString(b)
}

// newTraceID makes an fbtrace_id like the Graph API's.
func newTraceID() string {
	return base64.RawURLEncoding.EncodeToString(randomBytes(17))
}

// newConversationID makes a conversation id like Meta's (32 lower-case hex digits).
func newConversationID() string {
	return hex.EncodeToString(randomBytes(16))
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return b
}
