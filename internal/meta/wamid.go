package meta

import "encoding/base64"

// WAMID writes a message id in Meta's shape: "wamid." and base64 of a small
// envelope holding the person's number and the message's own id, in hex
// digits (20 upper-case digits for a message from a person, 18 for one
// from the business). Optgate never reads this envelope: the simulator and
// the load generator write ids like Meta's so that they sort and spread
// like real ones.
func WAMID(waID string, fromUser bool, hexID string) string {
	marker := byte(0x11)
	if fromUser {
		marker = 0x12
	}
	waID, hexID = waID[:min(len(waID), 200)], hexID[:min(len(hexID), 200)]
	b := make([]byte, 0, 10+len(waID)+len(hexID))
	b = append(b, 0x1c, 0x18, byte(len(waID)))
	b = append(b, waID...)
	b = append(b, 0x15, 0x02, 0x00, marker, 0x18, byte(len(hexID)))
	b = append(b, hexID...)
	b = append(b, 0x00)
	return "wamid." + base64.StdEncoding.EncodeToString(b)
}
