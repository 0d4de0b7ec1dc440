package store

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/optgate/optgate/internal/consent"
)

// Plain messages, queued. Most messages a person sends change no consent and
// ask for no reply ("ok", "obrigado", a photo): all a webhook writes for
// them is the contact and the service window. On PostgreSQL one round trip
// costs the database more than the rows it writes, so those messages are not
// written one statement each as their writers run: they wait in the
// transaction and are written together, by one statement for all the plain
// messages of a group commit, just before it commits.
//
// A plain message leaves no row in inbound_messages: that table is the
// record of the messages optgate acted on (keywords, buttons, intents,
// opt-in replies, number changes), whose ids must be recognised when Meta
// delivers them again. Recording a plain message twice changes nothing (the
// window is kept at its latest message), so its id is not kept, and its
// delivery is kept as the payload's receipt (webhook_payloads). Meta's
// message ids are random: on SQLite their index cost a random page written
// twice (WAL, then database) for every message, a third of the ingest's
// time.

// queuedMessage is a plain message waiting in the transaction.
type queuedMessage struct {
	seen       ContactSeen
	m          Inbound
	openWindow bool
	done       func(isNew bool)
	pos        int // its place in the queue: the order the writers ran in
}

// QueueMessage records a plain message as IngestMessage does, but for the
// message's own row (see above), and calls done once it is written: before
// the transaction commits, or before the transaction next looks up a contact
// (FindContact, UpsertContact, ChangeNumber, IngestMessage), so that what
// follows sees the message as if it had been written at once. done's isNew
// is true for a message written so; false only for a message that went
// through IngestMessage (below) and was seen before.
//
// A message from a phone number (not a business-scoped user id) waits for
// the transaction's other queued messages, and all are written together: on
// PostgreSQL by one statement, on SQLite by a few multi-row statements. A
// message with a user id is written at once. Only a message whose writer
// needs nothing back (not its contact) may be queued: a message that changes
// consent, or is answered, goes through IngestMessage.
func (t *Tx) QueueMessage(ctx context.Context, seen ContactSeen, m Inbound, openWindow bool, done func(isNew bool)) error {
	if seen.Key.WAID == "" || seen.Key.UserID != "" {
		_, isNew, err := t.IngestMessage(ctx, seen, m, openWindow)
		if err == nil {
			done(isNew)
		}
		return err
	}
	t.queued = append(t.queued, queuedMessage{seen: seen, m: m, openWindow: openWindow, done: done, pos: len(t.queued)})
	return nil
}

func init() {
	// The queued messages of a transaction, as arrays sorted by number then
	// message id (so that two instances lock shared rows in the same order):
	// their people (found, renamed, or created) and the service windows
	// they open, in one statement.
	// Messages from a number's past (see splitPast) are left out, and
	// returned (1) for ingestPast. Their account is read per number change
	// (a subquery, not a join): a plan made while the tables were small
	// joined by reading every contact, and the statement took three times
	// as long.
	// lost counts the people neither found nor created: another transaction
	// created them after this statement's snapshot, and the transaction
	// must run again to find them. A person's name and language are the last
	// given, in the order the messages were queued (n).
	//
	// A person is renamed only if no other transaction holds their row
	// (SKIP LOCKED): a rename never waits, so it can never close a cycle of
	// waits with another instance that carries the same messages (renaming
	// in an order of its own, or after a message of the person written at
	// once, deadlocked). A rename so skipped is left to the other
	// transaction, which most often writes the same name from the same
	// webhook, or to the person's next message. Nothing reads upd, so
	// PostgreSQL runs it last.
	//
	// The people are looked up one by one (LATERAL, kept apart by its LIMIT):
	// the plan is cached for any number of messages, and as a join, that plan
	// read every contact of the account for one message.
	queries["ingestQueued"] = `WITH given AS (
			SELECT * FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::bigint[], $10::boolean[], $11::bigint[], $12::text[])
				AS i (wa_id, name, language, message_id, phone_number_id, type, sent_at, open, n, alt)),
		past AS (
			SELECT g.message_id FROM given g
			WHERE EXISTS (SELECT 1 FROM number_changes nc WHERE nc.old_wa_id IN (g.wa_id, g.alt) AND nc.occurred_at >= g.sent_at
				AND (SELECT m.account_id FROM contacts m WHERE m.id = nc.contact_id) = $1)
			OR EXISTS (SELECT 1 FROM number_changes nc WHERE nc.new_wa_id IN (g.wa_id, g.alt) AND nc.occurred_at > g.sent_at
				AND (SELECT m.account_id FROM contacts m WHERE m.id = nc.contact_id) = $1)),
		input AS (SELECT * FROM given g WHERE NOT EXISTS (SELECT 1 FROM past p WHERE p.message_id = g.message_id)),
		people AS (
			SELECT wa_id,
				COALESCE((array_agg(name ORDER BY n DESC) FILTER (WHERE name <> ''))[1], '') AS name,
				COALESCE((array_agg(language ORDER BY n DESC) FILTER (WHERE language <> ''))[1], '') AS language
			FROM input GROUP BY wa_id),
		found AS (
			SELECT c.id, p.wa_id, c.name AS old_name, c.language AS old_language, p.name, p.language
			FROM people p CROSS JOIN LATERAL (
				SELECT id, name, language FROM contacts WHERE account_id = $1 AND wa_id = p.wa_id LIMIT 1) c),
		renamed AS (
			SELECT c.id FROM contacts c JOIN found f ON c.id = f.id
			WHERE (f.name <> '' AND f.old_name <> f.name) OR (f.language <> '' AND f.old_language <> f.language)
			FOR NO KEY UPDATE OF c SKIP LOCKED),
		upd AS (
			UPDATE contacts SET name = CASE WHEN f.name <> '' THEN f.name ELSE contacts.name END,
				language = CASE WHEN f.language <> '' THEN f.language ELSE contacts.language END, updated_at = $2
			FROM found f JOIN renamed r ON r.id = f.id
			WHERE contacts.id = f.id
			RETURNING contacts.id),
		made AS (
			INSERT INTO contacts (account_id, wa_id, user_id, name, language, created_at, updated_at)
			SELECT $1, p.wa_id, NULL, p.name, p.language, $2, $2 FROM people p
			WHERE NOT EXISTS (SELECT 1 FROM found f WHERE f.wa_id = p.wa_id)
			ORDER BY p.wa_id
			ON CONFLICT DO NOTHING
			RETURNING id, wa_id),
		c AS (SELECT id, wa_id FROM found UNION ALL SELECT id, wa_id FROM made),
		win AS (
			INSERT INTO service_windows (contact_id, phone_number_id, last_inbound_at, closed_at)
			SELECT c.id, i.phone_number_id, max(i.sent_at), 0
			FROM input i JOIN c ON c.wa_id = i.wa_id WHERE i.open
			GROUP BY c.id, i.phone_number_id
			ORDER BY c.id, i.phone_number_id
			ON CONFLICT (contact_id, phone_number_id) DO UPDATE SET last_inbound_at =
			GREATEST(service_windows.last_inbound_at, excluded.last_inbound_at))
		SELECT NULL::text, (SELECT count(*) FROM people) - (SELECT count(*) FROM c)
		UNION ALL SELECT message_id, 1 FROM past`
	dialectOnly["ingestQueued"] = "postgres"
}

// flushQueued writes the transaction's queued messages, one statement per
// account, and calls their done functions.
func (t *Tx) flushQueued(ctx context.Context) error {
	if len(t.queued) == 0 {
		return nil
	}
	q := slices.Clone(t.queued)
	// Taken before anything is written: a message from a number's past is
	// written through IngestMessage, which flushes the queue first.
	t.queued = t.queued[:0]
	slices.SortStableFunc(q, func(a, b queuedMessage) int {
		return cmp.Or(strings.Compare(a.m.AccountID, b.m.AccountID), strings.Compare(a.seen.Key.WAID, b.seen.Key.WAID),
			strings.Compare(a.m.MessageID, b.m.MessageID), cmp.Compare(a.pos, b.pos))
	})
	for len(q) > 0 {
		n := 1
		for n < len(q) && q[n].m.AccountID == q[0].m.AccountID {
			n++
		}
		var past []queuedMessage
		var err error
		if t.s.dialect.assignIDs {
			var rest []queuedMessage
			if rest, past, err = t.splitPast(ctx, q[:n]); err == nil && len(rest) > 0 {
				err = t.ingestQueuedLocal(ctx, rest)
			}
		} else {
			past, err = t.ingestQueued(ctx, q[:n])
		}
		if err != nil {
			return err
		}
		if err := t.ingestPast(ctx, past); err != nil {
			return err
		}
		q = q[n:]
	}
	return nil
}

// A queued message sent from a number before its owner moved to another
// (Meta delivered the user_changed_number first: a retry, say) is not the
// number's: it is written as IngestMessage writes it, to the mover's
// record, and opens the mover's window; the old number, which may be
// someone else's next, gets no record. Likewise a message sent from a
// number before someone moved onto it: it is the previous owner's
// (holderAt), and opens no window for the new holder. Either form of a
// Brazilian or Mexican number counts (WAIDVariants). Such messages are
// found with the queue's people: splitPast on SQLite, the queue's
// statement itself on PostgreSQL (no round trip more).

// splitPast returns q's messages from a number's past apart from the rest.
// Only numbers that some number change names are looked up (changedNumbers).
func (t *Tx) splitPast(ctx context.Context, q []queuedMessage) (rest, past []queuedMessage, err error) {
	changed, err := t.changedNumbers(ctx)
	if err != nil {
		return nil, nil, err
	}
	var waIDs []string
	seen := map[string]bool{}
	for i := range q {
		for _, v := range consent.WAIDVariants(q[i].seen.Key.WAID) {
			if !seen[v] && changed(v) {
				seen[v] = true
				waIDs = append(waIDs, v)
			}
		}
	}
	if len(waIDs) == 0 {
		return q, nil, nil
	}
	// The latest change away from each number, and the latest move onto it.
	var left, taken map[string]int64
	for start, n := 0, 0; start < len(waIDs); start += n {
		n = t.chunk(len(waIDs)-start, maxRowsPerStatement*4)
		var list strings.Builder
		args := make([]any, 0, n+1)
		args = append(args, q[0].m.AccountID)
		for i, w := range waIDs[start : start+n] {
			if i > 0 {
				list.WriteByte(',')
			}
			list.WriteString("?" + strconv.Itoa(i+2))
			args = append(args, w)
		}
		query := "SELECT n.old_wa_id, n.occurred_at, 0 FROM number_changes n JOIN contacts m ON m.id = n.contact_id WHERE m.account_id = ?1 AND n.old_wa_id IN (" + list.String() + ")" +
			" UNION ALL SELECT n.new_wa_id, n.occurred_at, 1 FROM number_changes n JOIN contacts m ON m.id = n.contact_id WHERE m.account_id = ?1 AND n.new_wa_id IN (" + list.String() + ")"
		err = t.queryEach(ctx, "find number changes", query, args, func(scan func(...any) error) error {
			var wa string
			var at int64
			var onto bool
			if err := scan(&wa, &at, &onto); err != nil {
				return err
			}
			m := &left
			if onto {
				m = &taken
			}
			if *m == nil {
				*m = map[string]int64{}
			}
			(*m)[wa] = max((*m)[wa], at)
			return nil
		})
		if err != nil {
			return nil, nil, err
		}
	}
	if left == nil && taken == nil {
		return q, nil, nil
	}
	for _, m := range q {
		sent, isPast := ms(m.m.SentAt), false
		for _, v := range consent.WAIDVariants(m.seen.Key.WAID) {
			if at, ok := left[v]; ok && at >= sent {
				isPast = true
			}
			if at, ok := taken[v]; ok && at > sent {
				isPast = true
			}
		}
		if isPast {
			past = append(past, m)
		} else {
			rest = append(rest, m)
		}
	}
	return rest, past, nil
}

// ingestPast writes messages from numbers' pasts, one at a time.
func (t *Tx) ingestPast(ctx context.Context, past []queuedMessage) error {
	for _, m := range past {
		_, isNew, err := t.IngestMessage(ctx, m.seen, m.m, m.openWindow)
		if err != nil {
			return err
		}
		m.done(isNew)
	}
	return nil
}

// ingestQueued writes queued messages of one account, sorted, but for those
// from a number's past, which it returns unwritten.
func (t *Tx) ingestQueued(ctx context.Context, q []queuedMessage) (past []queuedMessage, err error) {
	n := len(q)
	waIDs, names, langs, ids, phones, types := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	sent, open, pos, alts := make([]int64, n), make([]bool, n), make([]int64, n), make([]string, n)
	for i := range q {
		waIDs[i], names[i], langs[i] = q[i].seen.Key.WAID, q[i].seen.Name, q[i].seen.Language
		v := consent.WAIDVariants(waIDs[i])
		alts[i] = v[len(v)-1] // the number's other form, or itself
		ids[i], phones[i], types[i], sent[i], open[i] = q[i].m.MessageID, q[i].m.PhoneNumberID, q[i].m.Type, ms(q[i].m.SentAt), q[i].openWindow
		pos[i] = int64(q[i].pos)
	}
	rows, err := t.query(ctx, "ingestQueued", q[0].m.AccountID, ms(t.s.now()), waIDs, names, langs, ids, phones, types, sent, open, pos, alts)
	if err != nil {
		return nil, err
	}
	var pastIDs map[string]bool
	var lost int64
	for rows.Next() {
		var id *string
		var l int64
		if err := rows.Scan(&id, &l); err != nil {
			rows.Close()
			return nil, fmt.Errorf("ingest queued messages: %w", t.s.wrap(err))
		}
		switch {
		case id == nil:
			lost = l
		default:
			if pastIDs == nil {
				pastIDs = map[string]bool{}
			}
			pastIDs[*id] = true
		}
	}
	if err := rows.Close(); err != nil {
		return nil, fmt.Errorf("ingest queued messages: %w", t.s.wrap(err))
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("ingest queued messages: %w", t.s.wrap(err))
	}
	if lost > 0 {
		return nil, &consent.Error{Code: consent.EConflict, Message: "contact was created concurrently",
			Err: errors.Join(errLostRace, fmt.Errorf("%d contacts of queued messages", lost))}
	}
	if pastIDs != nil {
		rest := q[:0:0]
		for _, m := range q {
			if pastIDs[m.m.MessageID] {
				past = append(past, m)
			} else {
				rest = append(rest, m)
			}
		}
		q = rest
	}
	reportQueued(q)
	return past, nil
}

// reportQueued calls the done function of each queued message written.
func reportQueued(q []queuedMessage) {
	for i := range q {
		q[i].done(true)
	}
}

// ingestQueuedLocal writes queued messages of one account, sorted, where the
// transaction holds the whole database (SQLite): there are no round trips
// to save, but a statement per message costs its trip through database/sql
// and the engine, so the messages go in with a few multi-row statements:
// their people looked up, then created or renamed; the service windows they
// open are kept in memory and in the window journal (windows.go).
func (t *Tx) ingestQueuedLocal(ctx context.Context, q []queuedMessage) error {
	accountID := q[0].m.AccountID
	type person struct {
		id             int64
		name, language string // what the messages say, the last given (in queue order)
		namePos        int
		languagePos    int
		oldName        string
		oldLanguage    string
	}
	people := map[string]*person{}
	var waIDs []string
	for i := range q {
		wa := q[i].seen.Key.WAID
		p := people[wa]
		if p == nil {
			p = &person{namePos: -1, languagePos: -1}
			people[wa] = p
			waIDs = append(waIDs, wa)
		}
		if q[i].seen.Name != "" && q[i].pos > p.namePos {
			p.name, p.namePos = q[i].seen.Name, q[i].pos
		}
		if q[i].seen.Language != "" && q[i].pos > p.languagePos {
			p.language, p.languagePos = q[i].seen.Language, q[i].pos
		}
	}
	err := t.selectIn(ctx, "find contacts", "SELECT id, wa_id, name, language FROM contacts WHERE account_id = ? AND wa_id IN", accountID, waIDs,
		func(scan func(...any) error) error {
			var id int64
			var wa, name, lang string
			if err := scan(&id, &wa, &name, &lang); err != nil {
				return err
			}
			if p := people[wa]; p != nil {
				p.id, p.oldName, p.oldLanguage = id, name, lang
			}
			return nil
		})
	if err != nil {
		return err
	}
	now := ms(t.s.now())
	var fresh []newContact
	for _, wa := range waIDs { // sorted
		p := people[wa]
		switch {
		case p.id == 0:
			fresh = append(fresh, newContact{waID: wa, name: p.name, language: p.language})
		case (p.name != "" && p.name != p.oldName) || (p.language != "" && p.language != p.oldLanguage):
			name, lang := cmp.Or(p.name, p.oldName), cmp.Or(p.language, p.oldLanguage)
			if _, err := t.tx.ExecContext(ctx, "UPDATE contacts SET name = ?, language = ?, updated_at = ? WHERE id = ?", name, lang, now, p.id); err != nil {
				return fmt.Errorf("rename contact: %w", t.s.wrap(err))
			}
		}
	}
	if len(fresh) > 0 {
		ids := make([]int64, len(fresh))
		if err := t.insertContactsNumbered(ctx, accountID, fresh, ids); err != nil {
			return err
		}
		for n, c := range fresh {
			people[c.waID].id = ids[n]
		}
	}

	// The service windows the messages open: each once, at its latest.
	latest := map[windowKey]int{}
	var ws []windowEntry
	for i := range q {
		if !q[i].openWindow {
			continue
		}
		k, at := windowKey{people[q[i].seen.Key.WAID].id, q[i].m.PhoneNumberID}, ms(q[i].m.SentAt)
		if n, ok := latest[k]; ok {
			ws[n].at = max(ws[n].at, at)
			continue
		}
		latest[k] = len(ws)
		ws = append(ws, windowEntry{k, at})
	}
	if err := t.openWindows(ctx, ws); err != nil {
		return err
	}
	reportQueued(q)
	return nil
}

// changedNumberSet holds every number that a row of number_changes names, as
// its old number or its new one, in any account: the rows up to through. A
// group commit's plain messages are looked up in number_changes only for
// those numbers (splitPast): most people never changed numbers, and the
// look-up was a statement in every group commit. Rows are only ever added
// (never deleted), so the set only grows: a transaction reads the rows after
// through (and its own), and the set takes them once it commits (a rolled
// back row's id may be given again to another row). The writer's alone.
type changedNumberSet struct {
	through int64
	numbers map[string]bool
}

func init() {
	queries["lastNumberChange"] = `SELECT COALESCE(MAX(id), 0) FROM number_changes`
	dialectOnly["lastNumberChange"] = "sqlite"
}

// changedNumbers returns whether a number is named by a number change, as
// the transaction sees number_changes now.
func (t *Tx) changedNumbers(ctx context.Context) (func(waID string) bool, error) {
	c := t.s.changed
	var top int64
	if err := t.stmt(ctx, "lastNumberChange").QueryRowContext(ctx).Scan(&top); err != nil {
		return nil, fmt.Errorf("find number changes: %w", t.s.wrap(err))
	}
	from := max(c.through, t.changedThrough)
	if top > from {
		err := t.queryEach(ctx, "find number changes", "SELECT old_wa_id, new_wa_id FROM number_changes WHERE id > ? AND id <= ?", []any{from, top},
			func(scan func(...any) error) error {
				var old, new string
				if err := scan(&old, &new); err != nil {
					return err
				}
				if t.changedNew == nil {
					t.changedNew = map[string]bool{}
				}
				t.changedNew[old], t.changedNew[new] = true, true
				return nil
			})
		if err != nil {
			return nil, err
		}
		t.changedThrough = top
	}
	return func(waID string) bool { return c.numbers[waID] || t.changedNew[waID] }, nil
}

// keepChangedNumbers adds what a committed transaction read to the set.
func (t *Tx) keepChangedNumbers() {
	c := t.s.changed
	if c == nil || t.changedThrough <= c.through {
		return
	}
	for n := range t.changedNew {
		c.numbers[n] = true
	}
	c.through = t.changedThrough
}
