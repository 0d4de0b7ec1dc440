// Package consent is optgate's domain: accounts and their topics and templates,
// contacts, the append-only hash-chained consent ledger, and the send decision
// rules. It imports no database, HTTP or driver code; every other package
// points at it.
package consent
