// Package optin is how optgate asks for consent well: hosted opt-in forms
// (their texts in seven languages, the exact text version a person saw and
// its hash, the page itself), wa.me links with source codes and their QR
// codes, the CSV format of consent imports and exports, and the rate limits
// of the public pages. It knows no database or HTTP server; package gate
// records what it produces.
package optin
