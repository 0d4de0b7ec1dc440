package consent

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// Action is what a consent event does.
type Action string

const (
	// OptIn records that the person agreed to receive the scope's messages.
	OptIn Action = "opt_in"
	// OptOut records that the person asked to stop receiving them.
	OptOut Action = "opt_out"
	// Resume lifts an earlier opt-out of the same scope without being an
	// opt-in: Meta's "resume marketing" says the person no longer blocks
	// marketing in WhatsApp, not that they agreed to any topic.
	Resume Action = "resume"
)

// Scope is what an event applies to: every topic, every topic of a Meta
// category, or one topic.
type Scope string

// ScopeAll covers every topic of the account.
const ScopeAll Scope = "all"

// CategoryScope covers every topic of Meta category c.
func CategoryScope(c Category) Scope { return Scope("category:" + string(c)) }

// TopicScope covers one topic.
func TopicScope(id string) Scope { return Scope("topic:" + id) }

// Topic returns the topic id of a topic scope.
func (s Scope) Topic() (string, bool) {
	return strings.CutPrefix(string(s.Ledger()), "topic:")
}

// Category returns the category of a category scope.
func (s Scope) Category() (Category, bool) {
	c, ok := strings.CutPrefix(string(s.Ledger()), "category:")
	return Category(c), ok
}

// metaMark marks, in a contact's consent state, the scope that holds
// WhatsApp's own marketing setting (see StateScope).
const metaMark = "meta:"

// StateScope is the key under which an event of scope sc from source stands
// in a contact's consent state (one event in force per key). WhatsApp's own
// marketing setting (Meta's user_preferences stop and resume, any resume,
// and the opt-out a 131050 error records) is kept apart from what the person told
// the business about the same category: a resume lifts Meta's stop, never
// the person's own opt-out of marketing, and never hides their opt-in, in
// whatever order the events arrive. The ledger keeps the event's scope as it
// is; Ledger turns a key back into it.
func StateScope(sc Scope, action Action, source string) Scope {
	if sc != CategoryScope(Marketing) {
		return sc // WhatsApp's setting is about marketing only
	}
	if action == Resume || source == SourceMetaPreferences || source == SourceMetaError131050 {
		return Scope(metaMark + string(sc))
	}
	return sc
}

// Ledger returns the scope as the ledger names it: a state key without
// StateScope's mark.
func (s Scope) Ledger() Scope { return Scope(strings.TrimPrefix(string(s), metaMark)) }

// Sources of consent events. Others may be added; these are the ones optgate writes itself.
const (
	SourceAPI              = "api"
	SourceWhatsAppKeyword  = "whatsapp_keyword"
	SourceWhatsAppButton   = "whatsapp_button"
	SourceMetaPreferences  = "meta_user_preferences"
	SourceMetaError131050  = "meta_error_131050"
	SourceMetaNumberChange = "meta_user_changed_number"
	SourceWebForm          = "web_form"
	SourceImport           = "import"
)

// Event is one entry of an account's append-only consent ledger.
type Event struct {
	ID         int64
	AccountID  string
	Seq        int64 // position in the account's chain, from 1
	ContactID  int64
	Action     Action
	Scope      Scope
	Source     string
	Evidence   map[string]any
	Reason     string
	Actor      string
	OccurredAt time.Time
	RecordedAt time.Time
	PrevHash   string
	Hash       string
}

// GenesisHash is the PrevHash of the first event of every account's chain.
const GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000"

// EvidenceJSON returns the canonical JSON of the event's evidence (keys sorted).
func (e *Event) EvidenceJSON() (string, error) {
	if len(e.Evidence) == 0 {
		return "{}", nil
	}
	b, err := json.Marshal(e.Evidence)
	if err != nil {
		return "", Errorf(EInvalid, "evidence is not valid JSON: %v", err)
	}
	return string(b), nil
}

// ComputeHash returns the chain hash of the event: SHA-256 over the previous
// hash and every field that carries meaning, each length-prefixed so no two
// different events can serialize alike. Changing any stored field, or
// removing or reordering events, breaks every later hash.
func (e *Event) ComputeHash(evidenceJSON string) string {
	h := sha256.New()
	field := func(s string) {
		h.Write([]byte(strconv.Itoa(len(s))))
		h.Write([]byte{':'})
		h.Write([]byte(s))
	}
	field(e.PrevHash)
	field(e.AccountID)
	field(strconv.FormatInt(e.Seq, 10))
	field(strconv.FormatInt(e.ContactID, 10))
	field(string(e.Action))
	field(string(e.Scope))
	field(e.Source)
	field(evidenceJSON)
	field(e.Reason)
	field(e.Actor)
	field(strconv.FormatInt(e.OccurredAt.UnixMilli(), 10))
	return hex.EncodeToString(h.Sum(nil))
}

// Validate checks an event before it is appended.
func (e *Event) Validate(r *Rules) error {
	switch e.Action {
	case OptIn, OptOut, Resume:
	default:
		return Errorf(EInvalid, "action %q is not one of opt_in, opt_out", e.Action)
	}
	switch {
	case e.Scope == ScopeAll:
	case strings.HasPrefix(string(e.Scope), "topic:"):
		id, _ := e.Scope.Topic()
		if _, ok := r.Topics[id]; !ok {
			return Errorf(EInvalid, "topic %q is not one of the account's topics", id)
		}
	case strings.HasPrefix(string(e.Scope), "category:"):
		c, _ := e.Scope.Category()
		if !c.Valid() {
			return Errorf(EInvalid, "category %q is not marketing, utility or authentication", c)
		}
	default:
		return Errorf(EInvalid, "scope %q is not valid", e.Scope)
	}
	if e.Source == "" {
		return Errorf(EInvalid, "source is required")
	}
	if e.Action == OptIn && len(e.Evidence) == 0 {
		return Errorf(EInvalid, "an opt-in needs evidence: what the person saw or said, and where")
	}
	return nil
}
