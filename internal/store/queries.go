package store

import "strconv"

// skewMS is changeStampSkew in milliseconds, for queries: an event stamped
// that little before a number change may be the mover's.
var skewMS = strconv.FormatInt(changeStampSkew.Milliseconds(), 10)

// dialectOnly names the queries that only one dialect prepares.
var dialectOnly = map[string]string{}

// queries are prepared once at Start. $N placeholders work in both dialects.
// scopeSupersedes ends an insert into consent_state: a contact's scope takes
// the new event only if it supersedes the one in force, by the rule of
// consent.ScopeState.Supersedes: in a later second; in the same second, at a
// later millisecond when both times carry milliseconds; else the later in
// the ledger (an event recorded late, or carried from another record, may
// have happened before the one there). Times are positive milliseconds.
const scopeSupersedes = `ON CONFLICT (contact_id, scope) DO UPDATE SET action = excluded.action, seq = excluded.seq,
		source = excluded.source, occurred_at = excluded.occurred_at
		WHERE ` + scopeIsLater

const scopeIsLater = `(excluded.occurred_at / 1000 > consent_state.occurred_at / 1000
			OR (excluded.occurred_at / 1000 = consent_state.occurred_at / 1000 AND CASE
				WHEN excluded.occurred_at <> consent_state.occurred_at AND excluded.occurred_at % 1000 <> 0 AND consent_state.occurred_at % 1000 <> 0
				THEN excluded.occurred_at > consent_state.occurred_at
				ELSE excluded.seq > consent_state.seq END))`

var queries = map[string]string{
	"contactByWAID": `SELECT id, account_id, COALESCE(wa_id, ''), COALESCE(user_id, ''), name, language, created_at
		FROM contacts WHERE account_id = $1 AND wa_id = $2`,
	"contactByWAIDs": `SELECT id, account_id, COALESCE(wa_id, ''), COALESCE(user_id, ''), name, language, created_at
		FROM contacts WHERE account_id = $1 AND wa_id IN ($2, $3) ORDER BY CASE WHEN wa_id = $2 THEN 0 ELSE 1 END LIMIT 1`,
	"contactByUserID": `SELECT id, account_id, COALESCE(wa_id, ''), COALESCE(user_id, ''), name, language, created_at
		FROM contacts WHERE account_id = $1 AND user_id = $2`,
	"insertContact": `INSERT INTO contacts (account_id, wa_id, user_id, name, language, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id`,
	"updateContact":  `UPDATE contacts SET wa_id = $2, user_id = $3, name = $4, language = $5, updated_at = $6 WHERE id = $1`,
	"setAskedAt":     `UPDATE contacts SET asked_at = $2 WHERE id = $1`,
	"askedAt":        `SELECT asked_at FROM contacts WHERE id = $1`,
	"inboundSeen":    `SELECT 1 FROM inbound_messages WHERE account_id = $1 AND message_id = $2`,
	"setContactWAID": `UPDATE contacts SET wa_id = $2, updated_at = $3 WHERE id = $1`,
	"moverOf": `SELECT c.id, c.account_id, COALESCE(c.wa_id, ''), COALESCE(c.user_id, ''), c.name, c.language, c.created_at
		FROM number_changes n JOIN contacts m ON m.id = n.contact_id JOIN contacts c ON c.id = COALESCE(m.merged_into, m.id)
		WHERE n.old_wa_id IN ($2, $4) AND m.account_id = $1 AND n.occurred_at >= $3 ORDER BY n.occurred_at, n.id LIMIT 1`,
	// The first change away from a number at or after a time, and the first
	// change onto it after a time (holderAt).
	"firstAway": `SELECT COALESCE(m.merged_into, m.id), n.occurred_at FROM number_changes n JOIN contacts m ON m.id = n.contact_id
		WHERE n.old_wa_id IN ($2, $4) AND m.account_id = $1 AND n.occurred_at >= $3 ORDER BY n.occurred_at, n.id LIMIT 1`,
	"firstOnto": `SELECT n.id, n.occurred_at, COALESCE(r.merged_into, r.id, 0) FROM number_changes n JOIN contacts m ON m.id = n.contact_id
		LEFT JOIN contacts r ON r.id = n.released_contact_id
		WHERE n.new_wa_id IN ($2, $4) AND m.account_id = $1 AND n.occurred_at > $3 ORDER BY n.occurred_at, n.id LIMIT 1`,
	"arrivedAfter": `SELECT n.id FROM number_changes n JOIN contacts m ON m.id = n.contact_id
		WHERE COALESCE(m.merged_into, m.id) = $1 AND n.new_wa_id IN ($2, $4) AND n.occurred_at > $3 ORDER BY n.occurred_at, n.id LIMIT 1`,
	"setReleased":    `UPDATE number_changes SET released_contact_id = $2 WHERE id = $1 AND released_contact_id IS NULL`,
	"releasedBy":     `SELECT released_contact_id FROM number_changes WHERE id = $1`,
	"passRelease":    `UPDATE number_changes SET released_contact_id = $2 WHERE id = $1`,
	"liveContact":    `SELECT c.id, c.merged_into IS NULL AND c.wa_id IS NULL AND c.user_id IS NULL FROM contacts m JOIN contacts c ON c.id = COALESCE(m.merged_into, m.id) WHERE m.id = $1`,
	"releaseContact": `UPDATE contacts SET wa_id = NULL, user_id = NULL, updated_at = $2 WHERE id = $1`,
	"numberOfUser":   `SELECT wa_id FROM contacts WHERE account_id = $1 AND user_id = $2`,
	"traceBefore": `SELECT (SELECT COUNT(*) FROM consent_events WHERE contact_id = $1 AND occurred_at < $2)
		+ (SELECT COUNT(*) FROM service_windows WHERE contact_id = $1 AND last_inbound_at > 0
			AND last_inbound_at < $2 AND NOT EXISTS (SELECT 1 FROM service_windows w WHERE w.contact_id = $1 AND w.last_inbound_at >= $2))`,
	"mergeContact":    `UPDATE contacts SET wa_id = NULL, user_id = NULL, merged_into = $2, updated_at = $3 WHERE id = $1`,
	"remergeContacts": `UPDATE contacts SET merged_into = $2 WHERE merged_into = $1`,
	"carryScopes": `INSERT INTO consent_state (contact_id, scope, action, seq, source, occurred_at)
		SELECT $2, scope, action, seq, source, occurred_at FROM consent_state WHERE contact_id = $1 AND occurred_at >= $3
		` + scopeSupersedes,
	"carryWindows": `INSERT INTO service_windows (contact_id, phone_number_id, last_inbound_at, closed_at)
		SELECT $2, phone_number_id, CASE WHEN last_inbound_at >= $3 THEN last_inbound_at ELSE 0 END,
			CASE WHEN closed_at >= $3 THEN closed_at ELSE 0 END
		FROM service_windows WHERE contact_id = $1 AND (last_inbound_at >= $3 OR closed_at >= $3)
		ON CONFLICT (contact_id, phone_number_id) DO UPDATE SET
			last_inbound_at = CASE WHEN excluded.last_inbound_at > service_windows.last_inbound_at THEN excluded.last_inbound_at ELSE service_windows.last_inbound_at END,
			closed_at = CASE WHEN excluded.closed_at > service_windows.closed_at THEN excluded.closed_at ELSE service_windows.closed_at END`,
	"carryHold": `INSERT INTO marketing_holds (contact_id, held_until, reason, message_id)
		SELECT $2, held_until, reason, message_id FROM marketing_holds WHERE contact_id = $1 AND CAST($3 AS BIGINT) = 0
		ON CONFLICT (contact_id) DO UPDATE SET held_until = excluded.held_until, reason = excluded.reason,
		message_id = excluded.message_id WHERE excluded.held_until > marketing_holds.held_until`,

	"scopesOf": `SELECT scope, action, seq, source, occurred_at FROM consent_state WHERE contact_id = $1`,
	"windowOf": `SELECT last_inbound_at, closed_at FROM service_windows WHERE contact_id = $1 AND phone_number_id = $2`,
	"touchWindow": `INSERT INTO service_windows (contact_id, phone_number_id, last_inbound_at, closed_at) VALUES ($1, $2, $3, 0)
		ON CONFLICT (contact_id, phone_number_id) DO UPDATE SET last_inbound_at =
		CASE WHEN excluded.last_inbound_at > service_windows.last_inbound_at THEN excluded.last_inbound_at ELSE service_windows.last_inbound_at END`,
	"closeWindow": `INSERT INTO service_windows (contact_id, phone_number_id, last_inbound_at, closed_at) VALUES ($1, $2, 0, $3)
		ON CONFLICT (contact_id, phone_number_id) DO UPDATE SET closed_at =
		CASE WHEN excluded.closed_at > service_windows.closed_at THEN excluded.closed_at ELSE service_windows.closed_at END`,

	"ensureHead": `INSERT INTO ledger_heads (account_id, seq, hash) VALUES ($1, 0, $2) ON CONFLICT (account_id) DO NOTHING`,
	"head":       `SELECT seq, hash FROM ledger_heads WHERE account_id = $1 {{forUpdate}}`,
	"setHead":    `UPDATE ledger_heads SET seq = $2, hash = $3 WHERE account_id = $1`,
	"insertEvent": `INSERT INTO consent_events (account_id, seq, contact_id, action, scope, source, evidence, reason, actor,
		occurred_at, recorded_at, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
	"upsertScope": `INSERT INTO consent_state (contact_id, scope, action, seq, source, occurred_at) VALUES ($1, $2, $3, $4, $5, $6)
		` + scopeSupersedes,
	// A contact's events: its own, those of the records merged into it,
	// and those that a previous owner's record received from the moment a
	// number change of this person (or of a record merged into it) took
	// the number from it: the same events the change carried the state of,
	// unless that record has since become someone's again (the previous
	// owner's own late change away from the number took it on: its events
	// are theirs, even once another move releases it again) or was merged
	// into another.
	"eventsOf": `WITH mine AS (SELECT CAST($1 AS BIGINT) AS id UNION ALL SELECT id FROM contacts WHERE merged_into = $1)
		SELECT id, account_id, seq, contact_id, action, scope, source, evidence, reason, actor, occurred_at, recorded_at, prev_hash, hash
		FROM consent_events WHERE contact_id IN (SELECT id FROM mine)
		UNION
		SELECT e.id, e.account_id, e.seq, e.contact_id, e.action, e.scope, e.source, e.evidence, e.reason, e.actor, e.occurred_at, e.recorded_at, e.prev_hash, e.hash
		FROM number_changes n JOIN consent_events e ON e.contact_id = n.released_contact_id AND e.occurred_at >= n.occurred_at - ` + skewMS + `
		JOIN contacts r ON r.id = n.released_contact_id AND r.wa_id IS NULL AND r.user_id IS NULL AND r.merged_into IS NULL
		WHERE n.contact_id IN (SELECT id FROM mine) AND n.released_contact_id IS NOT NULL
			AND NOT EXISTS (SELECT 1 FROM number_changes o WHERE o.contact_id = r.id AND o.old_wa_id = n.new_wa_id)
		ORDER BY seq`,
	"eventsFrom": `SELECT id, account_id, seq, contact_id, action, scope, source, evidence, reason, actor, occurred_at, recorded_at, prev_hash, hash
		FROM consent_events WHERE account_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,

	"insertNumberChange": `INSERT INTO number_changes (contact_id, old_wa_id, new_wa_id, message_id, occurred_at, old_user_id, released_contact_id, made_contact)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
	"laterChangeFrom": `SELECT COALESCE(m.merged_into, m.id), COALESCE(n.released_contact_id, 0), n.occurred_at, n.made_contact
		FROM number_changes n JOIN contacts m ON m.id = n.contact_id
		WHERE n.old_wa_id IN ($2, $4) AND m.account_id = $1 AND n.occurred_at > $3 ORDER BY n.occurred_at, n.id LIMIT 1`,
	"contactByID": `SELECT id, account_id, COALESCE(wa_id, ''), COALESCE(user_id, ''), name, language, created_at FROM contacts WHERE id = $1`,
	"retiredUserID": `SELECT c.id, c.account_id, COALESCE(c.wa_id, ''), COALESCE(c.user_id, ''), c.name, c.language, c.created_at
		FROM number_changes n JOIN contacts m ON m.id = n.contact_id JOIN contacts c ON c.id = COALESCE(m.merged_into, m.id)
		WHERE n.old_user_id = $2 AND m.account_id = $1 ORDER BY n.occurred_at, n.id LIMIT 1`,
	"insertInbound": `INSERT INTO inbound_messages (account_id, message_id, contact_id, phone_number_id, type, intent, sent_at, received_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (account_id, message_id) DO NOTHING`,
	"setInboundIntent": `UPDATE inbound_messages SET intent = $3 WHERE account_id = $1 AND message_id = $2`,
	"insertStatus": `INSERT INTO message_statuses (account_id, message_id, status, recipient, error_code, occurred_at, received_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (account_id, message_id, status) DO NOTHING`,

	"enqueue": `INSERT INTO outbox (account_id, kind, dedupe_key, payload, next_attempt_at, created_at)
		VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT (kind, dedupe_key) DO NOTHING`,
	"dueJobs": `SELECT id, account_id, kind, dedupe_key, payload, attempts FROM outbox
		WHERE done_at IS NULL AND next_attempt_at <= $1 ORDER BY next_attempt_at, id LIMIT $2 {{skipLocked}}`,
	"leaseJob":    `UPDATE outbox SET next_attempt_at = $2, attempts = attempts + 1 WHERE id = $1`,
	"renewJob":    `UPDATE outbox SET next_attempt_at = $3 WHERE id = $1 AND attempts = $2 AND done_at IS NULL`,
	"completeJob": `UPDATE outbox SET done_at = $2, last_error = '' WHERE id = $1`,
	"dropJob":     `UPDATE outbox SET done_at = $2, last_error = $3 WHERE id = $1`,
	"failJob":     `UPDATE outbox SET next_attempt_at = $2, last_error = $3 WHERE id = $1`,
}
