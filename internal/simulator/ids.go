package simulator

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"strings"

	"github.com/optgate/optgate/internal/meta"
)

// newWAMID makes a message id shaped like Meta's (meta.WAMID) with a random
// hex id: 20 digits for messages from users, 18 for business messages.
func newWAMID(waID string, fromUser bool) string {
	n := 9
	if fromUser {
		n = 10
	}
	return meta.WAMID(waID, fromUser, strings.ToUpper(hex.EncodeToString(randomBytes(n))))
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
