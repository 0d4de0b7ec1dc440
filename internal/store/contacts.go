package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/optgate/optgate/internal/consent"
)

// FindContact returns the account's contact with the given key. A wa_id also
// finds the contact under its Brazilian ninth-digit variant.
func (s *Store) FindContact(ctx context.Context, accountID string, key consent.ContactKey) (consent.Contact, error) {
	return findContact(ctx, s, accountID, key)
}

// FindContact is FindContact inside a write transaction.
func (t *Tx) FindContact(ctx context.Context, accountID string, key consent.ContactKey) (consent.Contact, error) {
	if err := t.flushQueued(ctx); err != nil {
		return consent.Contact{}, err
	}
	return findContact(ctx, t, accountID, key)
}

func findContact(ctx context.Context, q querier, accountID string, key consent.ContactKey) (consent.Contact, error) {
	if key.WAID != "" {
		v := consent.WAIDVariants(key.WAID)
		alt := v[len(v)-1]
		c, err := scanContact(q.stmt(ctx, "contactByWAIDs").QueryRowContext(ctx, accountID, key.WAID, alt))
		if err == nil || !errors.Is(err, ErrNotFound) {
			return c, err
		}
	}
	if key.UserID != "" {
		return scanContact(q.stmt(ctx, "contactByUserID").QueryRowContext(ctx, accountID, key.UserID))
	}
	return consent.Contact{}, ErrNotFound
}

func scanContact(row *sql.Row) (consent.Contact, error) {
	var c consent.Contact
	var created int64
	if err := row.Scan(&c.ID, &c.AccountID, &c.WAID, &c.UserID, &c.Name, &c.Language, &created); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return c, ErrNotFound
		}
		return c, &consent.Error{Code: consent.EUnavailable, Message: "database unavailable", Err: err}
	}
	c.CreatedAt = fromMS(created)
	return c, nil
}

// ContactSeen is what a webhook tells about a person.
type ContactSeen struct {
	Key      consent.ContactKey
	Name     string // WhatsApp profile name, if sent
	Language string // detected language, if known
}

// UpsertContact finds the contact a webhook speaks of, creating it on first
// sight, and completes it with what is new: the other key (wa_id or user id),
// the profile name, the language.
func (t *Tx) UpsertContact(ctx context.Context, accountID string, seen ContactSeen) (consent.Contact, error) {
	if seen.Key.IsZero() {
		return consent.Contact{}, consent.Errorf(consent.EInvalid, "contact has neither wa_id nor user_id")
	}
	if err := t.flushQueued(ctx); err != nil {
		return consent.Contact{}, err
	}
	now := ms(t.s.now())
	var c consent.Contact
	var err error
	if seen.Key.WAID != "" {
		c, err = scanContact(t.stmt(ctx, "contactByWAID").QueryRowContext(ctx, accountID, seen.Key.WAID))
	} else {
		err = ErrNotFound
	}
	if errors.Is(err, ErrNotFound) && seen.Key.UserID != "" {
		c, err = scanContact(t.stmt(ctx, "contactByUserID").QueryRowContext(ctx, accountID, seen.Key.UserID))
		if errors.Is(err, ErrNotFound) && seen.Key.WAID == "" {
			// A user id that a number change retired: Meta gives it to
			// no one else, so this is still the person who changed (a
			// STOP sent before the change and retried, say).
			c, err = scanContact(t.stmt(ctx, "retiredUserID").QueryRowContext(ctx, accountID, seen.Key.UserID))
			if err == nil {
				t.markMover(c.ID)
				return c, nil
			}
		}
	}
	switch {
	case errors.Is(err, ErrNotFound):
		c = consent.Contact{AccountID: accountID, WAID: seen.Key.WAID, UserID: seen.Key.UserID, Name: seen.Name, Language: seen.Language}
		if err := t.queryRow(ctx, "insertContact", accountID, nullable(c.WAID), nullable(c.UserID), c.Name, c.Language, now).Scan(&c.ID); err != nil {
			if t.s.dialect.isConflict(err) {
				// Another instance created the same person since we looked;
				// Write runs this writer again, and then it finds them.
				return c, &consent.Error{Code: consent.EConflict, Message: "contact was created concurrently", Err: errors.Join(errLostRace, err)}
			}
			return c, fmt.Errorf("insert contact: %w", t.s.wrap(err))
		}
		c.CreatedAt = fromMS(now)
		return c, nil
	case err != nil:
		return c, err
	}
	changed := false
	if c.WAID == "" && seen.Key.WAID != "" {
		c.WAID, changed = seen.Key.WAID, true
	}
	if seen.Key.UserID != "" && c.UserID != seen.Key.UserID && (c.UserID == "" || seen.Key.WAID == c.WAID) {
		// Meta issues a new business-scoped user id when a person changes
		// number: the id Meta sends with the number now is the one to keep,
		// unless another contact already holds it.
		other, err := scanContact(t.stmt(ctx, "contactByUserID").QueryRowContext(ctx, accountID, seen.Key.UserID))
		switch {
		case errors.Is(err, ErrNotFound):
			c.UserID, changed = seen.Key.UserID, true
		case err != nil:
			return c, err
		case other.ID == c.ID:
		case other.WAID == "":
			// The person wrote (or stopped) under their user id alone,
			// and this message names that id with the number a record
			// already holds: the two records are one person. Their
			// opt-outs must count whichever key a send uses. Unless the
			// number's record has a user id of its own: Meta keeps a
			// person's id while they keep their number, so another id
			// with it is a new holder of a recycled number, whose record
			// must not take the previous holder's consent.
			// (A record that moved to its number holds no user id until
			// Meta names the one it gives with the new number: ChangeNumber
			// drops the old one.)
			if c.UserID == "" {
				if err := t.mergeContact(ctx, accountID, other.ID, c.ID, 0); err != nil {
					return c, err
				}
				c.UserID, changed = seen.Key.UserID, true
			}
		}
	}
	if seen.Name != "" && seen.Name != c.Name {
		c.Name, changed = seen.Name, true
	}
	if seen.Language != "" && seen.Language != c.Language {
		c.Language, changed = seen.Language, true
	}
	if changed {
		if _, err := t.exec(ctx, "updateContact", c.ID, nullable(c.WAID), nullable(c.UserID), c.Name, c.Language, now); err != nil {
			return c, err
		}
	}
	return c, nil
}

// ContactAt is UpsertContact for what a webhook says of a person at a given
// time (a preference, a failed delivery): a number that its owner has left
// since at names that owner, wherever their record is now, and a number
// someone moved onto after at names its previous owner (holderAt);
// otherwise the contact is found or created as UpsertContact does.
func (t *Tx) ContactAt(ctx context.Context, accountID string, seen ContactSeen, at time.Time) (consent.Contact, error) {
	if seen.Key.WAID != "" {
		if err := t.flushQueued(ctx); err != nil {
			return consent.Contact{}, err
		}
		holder, ok, err := t.holderAt(ctx, accountID, seen.Key.WAID, at)
		if err != nil || ok {
			return holder, err
		}
	}
	return t.UpsertContact(ctx, accountID, seen)
}

// moverOf finds who held waID at time at, if they have moved to another
// number since: the record of the first number change away from waID at or
// after at, followed to the record it was merged into. That record may have
// lost every key since (a previous owner of its new number), and still is
// that person's: AppendEvent writes to it.
func (t *Tx) moverOf(ctx context.Context, accountID, waID string, at time.Time) (consent.Contact, bool, error) {
	return t.pastRecord(ctx, "moverOf", accountID, waID, at)
}

// changeStampSkew is how far before a number change's time a message from
// the new number may be stamped and still be the mover's. Meta stamps
// user_changed_number with the time its webhook was triggered, which can
// come a little after the person's first message from the new number; a
// previous owner writing from a number in the seconds before it passes to
// someone else does not happen (carriers hold a number back for months).
const changeStampSkew = 30 * time.Second

// movedOntoSince reports whether change (from firstOnto, made at ontoAt) is
// a move onto a number after at by more than changeStampSkew: what was sent
// from the number at at is then its previous owner's.
func movedOntoSince(change, ontoAt, at int64) bool {
	return change != 0 && ontoAt-at > changeStampSkew.Milliseconds()
}

// holderAt finds whose waID was at time at when that is not its holder
// now (Meta delivered what was sent then late), under either form of a
// Brazilian or Mexican number:
//   - someone moved onto waID after at (by more than changeStampSkew),
//     before anyone left it: what was sent from it then is its previous
//     owner's, on the record that move kept apart (ChangeNumber released
//     it). If optgate kept none (it never saw the previous owner), they get
//     a record with no key now, named by the move, so that the rest of what
//     they sent joins it;
//   - else someone left waID at or after at: it is theirs, wherever their
//     record is now (moverOf).
//
// AppendEvent may write to the record found, though it may hold no key.
func (t *Tx) holderAt(ctx context.Context, accountID, waID string, at time.Time) (consent.Contact, bool, error) {
	away, awayAt, err := t.firstAway(ctx, accountID, waID, ms(at))
	if err != nil {
		return consent.Contact{}, false, err
	}
	change, ontoAt, id, err := t.firstOnto(ctx, accountID, waID, ms(at))
	switch {
	case err != nil:
		return consent.Contact{}, false, err
	case movedOntoSince(change, ontoAt, ms(at)) && (away == 0 || ontoAt < awayAt):
		if id == 0 {
			if err := t.queryRow(ctx, "insertContact", accountID, nil, nil, "", "", ms(t.s.now())).Scan(&id); err != nil {
				return consent.Contact{}, false, t.s.wrap(err)
			}
			res, err := t.exec(ctx, "setReleased", change, id)
			if err != nil {
				return consent.Contact{}, false, err
			}
			if n, err := res.RowsAffected(); err != nil || n == 0 {
				// Another instance named the previous owner's record
				// first: that one is theirs (this one stays empty).
				if _, _, id, err = t.firstOnto(ctx, accountID, waID, ms(at)); err != nil || id == 0 {
					return consent.Contact{}, false, cmp.Or(err, error(ErrNotFound))
				}
			}
		}
	case away != 0:
		id = away
	default:
		return consent.Contact{}, false, nil
	}
	c, err := scanContact(t.stmt(ctx, "contactByID").QueryRowContext(ctx, id))
	if err != nil {
		return c, false, err
	}
	t.markMover(c.ID)
	return c, true, nil
}

// firstAway returns the first change away from waID (either form) at or
// after at (Unix ms): the record of who made it, followed to the record it
// was merged into, and when; or 0.
func (t *Tx) firstAway(ctx context.Context, accountID, waID string, at int64) (record, when int64, err error) {
	v := consent.WAIDVariants(waID)
	err = t.queryRow(ctx, "firstAway", accountID, v[0], at, v[len(v)-1]).Scan(&record, &when)
	if err == sql.ErrNoRows {
		return 0, 0, nil
	}
	return record, when, t.s.wrap(err)
}

// firstOnto returns the first change onto waID (either form) after at (Unix
// ms), when it happened, and the record of the number's previous owner it
// released, followed to the record it was merged into (0 if it released
// none); or change 0.
func (t *Tx) firstOnto(ctx context.Context, accountID, waID string, at int64) (change, when, released int64, err error) {
	v := consent.WAIDVariants(waID)
	err = t.queryRow(ctx, "firstOnto", accountID, v[0], at, v[len(v)-1]).Scan(&change, &when, &released)
	if err == sql.ErrNoRows {
		return 0, 0, 0, nil
	}
	return change, when, released, t.s.wrap(err)
}

// pastRecord runs a number-change look-up (moverOf) under either form of a
// Brazilian or Mexican number (Meta may name a number in one form in the
// change and in the other in a late message), and lets AppendEvent write to
// the record it finds.
func (t *Tx) pastRecord(ctx context.Context, query, accountID, waID string, at time.Time) (consent.Contact, bool, error) {
	v := consent.WAIDVariants(waID)
	c, err := scanContact(t.stmt(ctx, query).QueryRowContext(ctx, accountID, v[0], ms(at), v[len(v)-1]))
	switch {
	case errors.Is(err, ErrNotFound):
		return c, false, nil
	case err != nil:
		return c, false, err
	}
	t.markMover(c.ID)
	return c, true, nil
}

// markMover lets AppendEvent write to record id, reached by a number's or a
// user id's past, even if it holds no key today.
func (t *Tx) markMover(id int64) {
	if t.movers == nil {
		t.movers = map[int64]bool{}
	}
	t.movers[id] = true
}

// LinkKeys records what a webhook that creates no contact (a status, say)
// tells when it names a number and a user id together: they are one
// person. It acts through UpsertContact only where the records disagree: no
// record holds the user id but the number's record exists, or a record
// without a number holds it. Otherwise (the user id already sits with a
// number, or optgate knows neither) it reads one row and writes nothing.
//
// at is when the webhook says this was so: keys of a number's past (a
// status of a message sent before its owner moved, or a user id a number
// change retired) link nothing, since the number's holder now is someone
// else.
func (t *Tx) LinkKeys(ctx context.Context, accountID string, key consent.ContactKey, at time.Time) error {
	if key.WAID == "" || key.UserID == "" {
		return nil
	}
	// Queued messages never carry a user id (QueueMessage takes those at
	// once), so this read needs no flush of the queue; the number's does.
	byUser, err := scanContact(t.stmt(ctx, "contactByUserID").QueryRowContext(ctx, accountID, key.UserID))
	switch {
	case err == nil && byUser.WAID != "":
		return nil
	case errors.Is(err, ErrNotFound):
		if err := t.flushQueued(ctx); err != nil {
			return err
		}
		if _, err := scanContact(t.stmt(ctx, "contactByWAID").QueryRowContext(ctx, accountID, key.WAID)); err != nil {
			return nilIfNotFound(err)
		}
	case err != nil:
		return err
	}
	if _, err := scanContact(t.stmt(ctx, "retiredUserID").QueryRowContext(ctx, accountID, key.UserID)); !errors.Is(err, ErrNotFound) {
		return err // a retired user id, or a failed read
	}
	if _, moved, err := t.moverOf(ctx, accountID, key.WAID, at); err != nil || moved {
		return err
	}
	// Someone moved onto the number since: the user id is its previous
	// owner's (a status of a message sent to them), not the holder's.
	if change, ontoAt, _, err := t.firstOnto(ctx, accountID, key.WAID, ms(at)); err != nil || movedOntoSince(change, ontoAt, ms(at)) {
		return err
	}
	_, err = t.UpsertContact(ctx, accountID, ContactSeen{Key: key}) // flushes the queue
	return err
}

// ChangeNumber moves a person from oldWAID to newWAID, as Meta's
// user_changed_number says: their contact, consent and history follow them,
// and the old number is left with nothing, since it may belong to someone
// else next. A contact that already held the new number (its previous owner)
// loses the number but keeps its history.
func (t *Tx) ChangeNumber(ctx context.Context, accountID, oldWAID, newWAID, messageID string, at int64) (consent.Contact, error) {
	if err := t.flushQueued(ctx); err != nil {
		return consent.Contact{}, err
	}
	v := consent.WAIDVariants(oldWAID)
	// Someone moved onto the old number after this change (Meta delivered
	// it late): whoever holds the old number now is not this person. Their
	// record is the one the first such move left on the number's past, if
	// optgate kept one apart; else optgate never saw them on it.
	var c consent.Contact
	var found, fromPast bool
	taken, _, owner, err := t.firstOnto(ctx, accountID, oldWAID, at)
	switch {
	case err != nil:
		return c, err
	case taken != 0 && owner != 0:
		if c, err = scanContact(t.stmt(ctx, "contactByID").QueryRowContext(ctx, owner)); err != nil {
			return c, err
		}
		found, fromPast = true, true
	case taken == 0:
		c, err = scanContact(t.stmt(ctx, "contactByWAIDs").QueryRowContext(ctx, accountID, oldWAID, v[len(v)-1]))
		found = err == nil
		if err != nil && !errors.Is(err, ErrNotFound) {
			return c, err
		}
	}
	// The person may be on record under both forms of a Brazilian or
	// Mexican number (a send decision reads both records as one): the other
	// record is theirs too, and moves with them, or what it holds (a STOP
	// recorded under the other form) would stay on the old number.
	for _, w := range v {
		if !found || fromPast || w == c.WAID {
			continue // a record from the number's past has no twin: the number is someone else's
		}
		twin, err := scanContact(t.stmt(ctx, "contactByWAID").QueryRowContext(ctx, accountID, w))
		switch {
		case err == nil && twin.ID != c.ID:
			if err := t.mergeContact(ctx, accountID, twin.ID, c.ID, 0); err != nil {
				return c, err
			}
		case err != nil && !errors.Is(err, ErrNotFound):
			return c, err
		}
	}
	// A change away from the new number after this one is on record: Meta
	// delivered the person's later change first. This one is history, and
	// the person is where that later change led.
	var laterID, releasedID, laterAt int64
	var made bool
	nv := consent.WAIDVariants(newWAID)
	err = t.queryRow(ctx, "laterChangeFrom", accountID, newWAID, at, nv[len(nv)-1]).Scan(&laterID, &releasedID, &laterAt, &made)
	if err == nil {
		return t.historicChange(ctx, accountID, c, found, laterID, releasedID, made, oldWAID, newWAID, messageID, at)
	}
	if err != sql.ErrNoRows {
		return c, t.s.wrap(err)
	}
	if !found {
		// A number optgate never saw: the person is new on the new one.
		return t.arrive(ctx, accountID, oldWAID, newWAID, messageID, at)
	}
	now := ms(t.s.now())
	// Meta gives a person a new user id with a new number: the old one goes
	// (a record that keeps it would take any stranger who later shows it
	// with the new number for the person), and the new one is known when
	// Meta first sends it with the number. The old one is kept with the
	// change, for events that come later under it alone (UpsertContact).
	oldUserID := c.UserID
	c.UserID = ""
	var released any // the previous owner's record, when this change releases it
	prevs, err := t.holdersOf(ctx, accountID, newWAID, c.ID)
	if err != nil {
		return c, err
	}
	for _, prev := range prevs {
		later, err := t.arrivedAfter(ctx, prev.ID, newWAID, at)
		if err != nil {
			return c, err
		}
		if later == 0 {
			continue
		}
		// prev moved onto the new number after this change: in the order
		// things happened, the person held the new number from at until
		// then, and that move left them without it. So it does now: they
		// keep their record and history, with no key, and the later move
		// names them as the number's previous owner (holderAt). A record
		// that later move released (who held the number before it) held it
		// before the person, and is now the one this change releases.
		if _, _, err := t.lockHead(ctx, accountID); err != nil {
			return c, err
		}
		if _, err := t.exec(ctx, "releaseContact", c.ID, now); err != nil {
			return c, err
		}
		var before any
		if err := t.queryRow(ctx, "releasedBy", later).Scan(&before); err != nil {
			return c, t.s.wrap(err)
		}
		if _, err := t.exec(ctx, "insertNumberChange", c.ID, oldWAID, newWAID, messageID, at, nullable(oldUserID), before, false); err != nil {
			return c, err
		}
		if _, err := t.exec(ctx, "passRelease", later, c.ID); err != nil {
			return c, err
		}
		c.WAID = ""
		t.markMover(c.ID)
		return c, nil
	}
	for _, prev := range prevs {
		// A record that holds the new number (under either form) is its
		// previous owner's, unless the person reached optgate from the new
		// number before this message was processed (a STOP sent right
		// after the change can come first). What that record holds from
		// the change on is the person's, and comes with them; a record
		// with nothing older is theirs entirely, and is merged.
		whole, err := t.onlySince(ctx, prev, at)
		if err != nil {
			return c, err
		}
		if whole {
			if err := t.mergeContact(ctx, accountID, prev.ID, c.ID, 0); err != nil {
				return c, err
			}
			if prev.UserID != "" { // the user id Meta gives the new number
				c.UserID = prev.UserID
			}
			continue
		}
		// Under the ledger lock, as a merge: an event appended to prev by
		// another instance is either carried here or, after this commits,
		// refused by AppendEvent (prev has no keys left) and written again
		// where the number now leads.
		if _, _, err := t.lockHead(ctx, accountID); err != nil {
			return c, err
		}
		if err := t.carryState(ctx, prev.ID, c.ID, at-changeStampSkew.Milliseconds()); err != nil {
			return c, err
		}
		// The previous owner loses the number, and the user id that came
		// with it: Meta gives a new one with a new number, so the id on
		// this record is either the owner's old one, obsolete, or one the
		// person was given with the number since, which must not make this
		// record look like theirs.
		if _, err := t.exec(ctx, "releaseContact", prev.ID, now); err != nil {
			return c, err
		}
		if released == nil {
			released = prev.ID
		}
	}
	if _, err := t.exec(ctx, "updateContact", c.ID, newWAID, nullable(c.UserID), c.Name, c.Language, now); err != nil {
		return c, err
	}
	if _, err := t.exec(ctx, "insertNumberChange", c.ID, oldWAID, newWAID, messageID, at, nullable(oldUserID), released, false); err != nil {
		return c, err
	}
	c.WAID = newWAID
	return c, nil
}

// arrive handles a change from a number optgate never saw: the person gets
// a record on the new number. A record already there is its previous
// owner's, unless all of it happened from the change on (the person wrote
// from the new number before this was processed): as in ChangeNumber, the
// previous owner loses the number and the person gets only what it holds
// from the change on. The change is kept, so that an earlier one of the
// same person delivered after it is known to be history.
func (t *Tx) arrive(ctx context.Context, accountID, oldWAID, newWAID, messageID string, at int64) (consent.Contact, error) {
	prevs, err := t.holdersOf(ctx, accountID, newWAID, 0)
	if err != nil {
		return consent.Contact{}, err
	}
	for _, prev := range prevs {
		// prev moved onto the new number after this change: it holds the
		// number since, and this change is history (whoever made it had
		// left the new number by then; most often prev's own person, who
		// went there, back and there again, delivered out of order).
		later, err := t.arrivedAfter(ctx, prev.ID, newWAID, at)
		if err != nil {
			return prev, err
		}
		if later != 0 {
			_, err := t.exec(ctx, "insertNumberChange", prev.ID, oldWAID, newWAID, messageID, at, nil, nil, false)
			return prev, err
		}
	}
	var releasedPrevs []int64
	for _, prev := range prevs {
		whole, err := t.onlySince(ctx, prev, at)
		if err != nil {
			return prev, err
		}
		if whole {
			continue // the person's own, made from the new number since
		}
		if _, _, err := t.lockHead(ctx, accountID); err != nil {
			return prev, err
		}
		if _, err := t.exec(ctx, "releaseContact", prev.ID, ms(t.s.now())); err != nil {
			return prev, err
		}
		releasedPrevs = append(releasedPrevs, prev.ID)
	}
	c, err := t.UpsertContact(ctx, accountID, ContactSeen{Key: consent.ContactKey{WAID: newWAID}})
	if err != nil {
		return c, err
	}
	var released any
	for _, id := range releasedPrevs {
		if err := t.carryState(ctx, id, c.ID, at-changeStampSkew.Milliseconds()); err != nil {
			return c, err
		}
		if released == nil {
			released = id
		}
	}
	_, err = t.exec(ctx, "insertNumberChange", c.ID, oldWAID, newWAID, messageID, at, nil, released, true)
	return c, err
}

// historicChange records a change from oldWAID to newWAID that a later change
// away from newWAID (made by the record laterID, which took its number from
// releasedID, if not 0) has already overtaken: the person is
// where the later change led. A record still on the old number (c, if found)
// is theirs, left behind: it merges into laterID. If the later change took
// its number from a record that held it before this change (releasedID),
// that record was the person's all along (they changed number and back): it
// gets the number back, with what laterID holds.
//
// That reading holds when the later change made laterID (fresh: what it
// holds from before then came to it as the person's, such as their late
// messages from newWAID). Otherwise laterID has a past of its own,
// and may be someone else's (two people swapping numbers, a recycled number
// in between): nothing is merged, and only the opt-outs of the record that
// would have been are carried to laterID, so that no send the person refused
// goes out, and no one gets an opt-in they did not give.
func (t *Tx) historicChange(ctx context.Context, accountID string, c consent.Contact, found bool, laterID, releasedID int64, fresh bool, oldWAID, newWAID, messageID string, at int64) (consent.Contact, error) {
	later, err := scanContact(t.stmt(ctx, "contactByID").QueryRowContext(ctx, laterID))
	if err != nil {
		return later, err
	}
	optOutsOnly := func(from int64) error {
		return t.carryOptOuts(ctx, accountID, from, laterID, messageID, at)
	}
	var retired any
	switch {
	case releasedID != 0 && releasedID != laterID && (!found || c.ID == laterID) && later.WAID == oldWAID && !fresh:
		if err := optOutsOnly(releasedID); err != nil {
			return later, err
		}
	case releasedID != 0 && releasedID != laterID && (!found || c.ID == laterID) && later.WAID == oldWAID:
		// Changed back: the later change (newWAID -> oldWAID) found the
		// person's own record on oldWAID and took it for a previous
		// owner's, since this change had not come yet.
		back, err := scanContact(t.stmt(ctx, "contactByID").QueryRowContext(ctx, releasedID))
		if err != nil {
			return back, err
		}
		if back.WAID == "" && back.UserID == "" {
			if err := t.mergeContact(ctx, accountID, laterID, back.ID, 0); err != nil {
				return back, err
			}
			if _, err := t.exec(ctx, "updateContact", back.ID, oldWAID, nullable(later.UserID), cmp.Or(later.Name, back.Name), cmp.Or(later.Language, back.Language), ms(t.s.now())); err != nil {
				return back, err
			}
			back.WAID, back.UserID = oldWAID, later.UserID
			later = back
		}
	case found && c.ID != laterID && !fresh:
		// Not merged, and not left on the old number either: the person
		// left it, and it may be someone else's next.
		if err := optOutsOnly(c.ID); err != nil {
			return later, err
		}
		if _, err := t.exec(ctx, "releaseContact", c.ID, ms(t.s.now())); err != nil {
			return later, err
		}
	case found && c.ID != laterID:
		if err := t.mergeContact(ctx, accountID, c.ID, laterID, 0); err != nil {
			return later, err
		}
		retired = nullable(c.UserID)
	}
	_, err = t.exec(ctx, "insertNumberChange", later.ID, oldWAID, newWAID, messageID, at, retired, nil, false)
	return later, err
}

// carryOptOuts appends to record into's ledger, as events of its own, the
// opt-outs in force on record from, where a number change (messageID, at
// Unix ms) cannot tell whether into is the person's or someone else's: no
// send the person refused goes out, and into's history and export show why
// (state alone would be lost by an export and import). Each is stamped at
// the change, or at the opt-out if later: it stands over an opt-in into held
// before then, not over one given after it. Its evidence names the event
// carried.
func (t *Tx) carryOptOuts(ctx context.Context, accountID string, from, into int64, messageID string, at int64) error {
	// Locked before the read: an opt-out another instance is appending to
	// from is committed, and carried.
	if _, _, err := t.lockHead(ctx, accountID); err != nil {
		return err
	}
	rows, err := t.stmt(ctx, "scopesOf").QueryContext(ctx, from)
	if err != nil {
		return t.s.wrap(err)
	}
	var evs []consent.Event
	for rows.Next() {
		var scope, action, source string
		var seq, occurred int64
		if err := rows.Scan(&scope, &action, &seq, &source, &occurred); err != nil {
			rows.Close()
			return t.s.wrap(err)
		}
		if consent.Action(action) != consent.OptOut {
			continue
		}
		evs = append(evs, consent.Event{AccountID: accountID, ContactID: into, Action: consent.OptOut,
			Scope: consent.Scope(scope).Ledger(), Source: source, Actor: "optgate",
			Reason:     "carried by a number change from the record the person left, where it may be someone else's",
			Evidence:   map[string]any{"carried_seq": seq, "opted_out_at": fromMS(occurred).UTC().Format(time.RFC3339Nano), "number_change_message_id": messageID},
			OccurredAt: fromMS(max(occurred, at))})
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return t.s.wrap(err)
	}
	slices.SortFunc(evs, func(a, b consent.Event) int { return cmp.Compare(a.Scope, b.Scope) })
	t.markMover(into) // a later move may have taken into's number: the opt-outs are still its
	for i := range evs {
		if err := t.AppendEvent(ctx, &evs[i]); err != nil {
			return err
		}
	}
	return nil
}

// holdersOf finds the records that hold waID now, under either form of a
// Brazilian or Mexican number, other than record not: for a change onto
// waID, its previous owners (or the person's own, made from it since). They
// are not merged: a record under each form may be two people's (an old
// owner's, kept under one form, and the person's first message, under the
// other).
func (t *Tx) holdersOf(ctx context.Context, accountID, waID string, not int64) ([]consent.Contact, error) {
	var found []consent.Contact
	for _, w := range consent.WAIDVariants(waID) {
		c, err := scanContact(t.stmt(ctx, "contactByWAID").QueryRowContext(ctx, accountID, w))
		switch {
		case err == nil && c.ID != not:
			found = append(found, c)
		case err != nil && !errors.Is(err, ErrNotFound):
			return nil, err
		}
	}
	return found, nil
}

// arrivedAfter returns the number change by which record id (or a record
// merged into it) moved onto waID (either form) after at (Unix ms), or 0.
func (t *Tx) arrivedAfter(ctx context.Context, id int64, waID string, at int64) (int64, error) {
	var change int64
	v := consent.WAIDVariants(waID)
	err := t.queryRow(ctx, "arrivedAfter", id, v[0], at, v[len(v)-1]).Scan(&change)
	if err == sql.ErrNoRows {
		return 0, nil
	}
	return change, t.s.wrap(err)
}

// onlySince reports whether everything optgate holds of contact c happened
// at or after at (Unix ms): the record was created then or later, none of
// its consent events is older, and its latest message is not older either
// (a record on a number made from its previous owner's messages that Meta
// delivered just before the change is theirs; messages are not indexed by
// contact, so a record holding messages from both sides of at counts as the
// person's).
func (t *Tx) onlySince(ctx context.Context, c consent.Contact, at int64) (bool, error) {
	at -= changeStampSkew.Milliseconds() // the person's first message may be stamped a little before
	if ms(c.CreatedAt) < at {
		return false, nil
	}
	if err := t.flushWindowsNow(ctx); err != nil {
		return false, err
	}
	var n int
	if err := t.queryRow(ctx, "traceBefore", c.ID, at).Scan(&n); err != nil {
		return false, t.s.wrap(err)
	}
	return n == 0, nil
}

// mergeContact makes record from part of record into, one person: from's
// consent state, windows and hold are carried into into's (carryState), it
// gives up its keys, and it points at into, so that into's history lists
// its events. Records merged into from before now point at into.
//
// It takes the account's ledger lock first: an event appended meanwhile by
// another instance to from (found before the merge) is then either carried
// here or, once the merge commits, redirected to into by AppendEvent.
func (t *Tx) mergeContact(ctx context.Context, accountID string, from, into int64, since int64) error {
	if _, _, err := t.lockHead(ctx, accountID); err != nil {
		return err
	}
	if err := t.carryState(ctx, from, into, since); err != nil {
		return err
	}
	now := ms(t.s.now())
	if _, err := t.exec(ctx, "mergeContact", from, into, now); err != nil {
		return err
	}
	_, err := t.exec(ctx, "remergeContacts", from, into)
	return err
}

// carryState adds to contact into's derived state what contact from's holds
// from since (Unix ms) on: per consent scope the newer event in the ledger,
// except that an opt-in never undoes an opt-out it predates (carryScopes),
// per business number the latest message and window close, and (for a whole
// merge, since 0) the later marketing hold. It is the merge a send decision
// makes of a person's two records, made once.
func (t *Tx) carryState(ctx context.Context, from, into int64, since int64) error {
	if err := t.flushWindowsNow(ctx); err != nil {
		return err
	}
	for _, q := range []string{"carryScopes", "carryWindows", "carryHold"} {
		if _, err := t.exec(ctx, q, from, into, since); err != nil {
			return err
		}
	}
	return nil
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// AskedAt returns when optgate last asked the contact to confirm an
// uncertain opt-out (zero if never).
func (t *Tx) AskedAt(ctx context.Context, contactID int64) (time.Time, error) {
	var at int64
	if err := t.queryRow(ctx, "askedAt", contactID).Scan(&at); err != nil {
		return time.Time{}, t.s.wrap(err)
	}
	return fromMS(at), nil
}

// MarkAsked records that optgate asked the contact to confirm an uncertain
// opt-out at, and returns when it last asked before (zero if never).
func (t *Tx) MarkAsked(ctx context.Context, contactID int64, at time.Time) (time.Time, error) {
	var prev int64
	if err := t.queryRow(ctx, "askedAt", contactID).Scan(&prev); err != nil {
		return time.Time{}, t.s.wrap(err)
	}
	if _, err := t.exec(ctx, "setAskedAt", contactID, ms(at)); err != nil {
		return time.Time{}, err
	}
	return fromMS(prev), nil
}
