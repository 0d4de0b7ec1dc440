package simulator

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// ErrInvalidWaID is returned when a wa_id is not a plain string of digits.
var ErrInvalidWaID = errors.New("simulator: wa_id must be 7 to 15 digits")

// validWaID reports whether s looks like a WhatsApp id: a phone number in digits, no '+'.
func validWaID(s string) bool {
	if len(s) < 7 || len(s) > 15 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// SendText makes the person send a text message to the business. It opens the service window.
func (s *Simulator) SendText(ctx context.Context, waID, text string) (string, error) {
	return s.inbound(ctx, waID, false, func(m *inboundMessage) {
		m.Type = "text"
		m.Text = &inboundText{Body: text}
	})
}

// TapButton makes the person tap a quick-reply button of a template (message type "button"), in
// reply to the last business message they received, if any.
func (s *Simulator) TapButton(ctx context.Context, waID, payload, text string) (string, error) {
	return s.inbound(ctx, waID, true, func(m *inboundMessage) {
		m.Type = "button"
		m.Button = &inboundButton{Payload: payload, Text: text}
	})
}

// ReplyButton makes the person tap a reply button of an interactive message (interactive button_reply).
func (s *Simulator) ReplyButton(ctx context.Context, waID, id, title string) (string, error) {
	return s.inbound(ctx, waID, true, func(m *inboundMessage) {
		m.Type = "interactive"
		m.Interactive = &inboundInteractive{Type: "button_reply", ButtonReply: &ButtonReply{ID: id, Title: title}}
	})
}

// ReplyList makes the person pick a row of an interactive list message (interactive list_reply).
func (s *Simulator) ReplyList(ctx context.Context, waID, id, title, description string) (string, error) {
	return s.inbound(ctx, waID, true, func(m *inboundMessage) {
		m.Type = "interactive"
		m.Interactive = &inboundInteractive{Type: "list_reply", ListReply: &ListReply{ID: id, Title: title, Description: description}}
	})
}

// inbound records a message from the person (it opens the service window, as at Meta, even if optgate
// then fails to take the webhook), posts the messages webhook synchronously and returns its wamid.
func (s *Simulator) inbound(ctx context.Context, waID string, withContext bool, fill func(*inboundMessage)) (string, error) {
	if !validWaID(waID) {
		return "", ErrInvalidWaID
	}
	now := s.now()
	id := newWAMID(waID, true)

	s.mu.Lock()
	p := s.personLocked(waID)
	p.lastInbound = now
	msg := inboundMessage{From: waID, FromUserID: p.userID, ID: id, Timestamp: unixString(now)}
	if withContext && p.lastReceivedID != "" {
		msg.Context = &messageContext{From: s.cfg.DisplayPhone, ID: p.lastReceivedID}
	}
	contact := webhookContact{Profile: &contactProfile{Name: p.name}, WaID: waID, UserID: p.userID}
	s.mu.Unlock()

	fill(&msg)
	payload := s.envelope("messages", webhookValue{
		Contacts: []webhookContact{contact},
		Messages: []inboundMessage{msg},
	})
	if err := s.postNow(ctx, payload); err != nil {
		return id, err
	}
	s.log.Info("person sent message", "wa_id", waID, "type", msg.Type, "id", id)
	return id, nil
}

// SetMarketing makes the person stop (stop=true) or resume marketing messages from the business in
// WhatsApp, as Meta's user_preferences webhook reports. While stopped, MARKETING templates to them are
// accepted by the send API and then fail with error 131050.
func (s *Simulator) SetMarketing(ctx context.Context, waID string, stop bool) error {
	if !validWaID(waID) {
		return ErrInvalidWaID
	}
	now := s.now()
	value, detail := "resume", "User requested to resume marketing messages"
	if stop {
		value, detail = "stop", "User requested to stop marketing messages"
	}
	s.mu.Lock()
	p := s.personLocked(waID)
	p.marketingStopped = stop
	contact := webhookContact{WaID: waID, UserID: p.userID}
	s.mu.Unlock()

	payload := s.envelope("user_preferences", webhookValue{
		Contacts: []webhookContact{contact},
		UserPreferences: []userPreference{{
			WaID:      waID,
			Detail:    detail,
			Category:  "marketing_messages",
			Value:     value,
			Timestamp: now.Unix(),
		}},
	})
	if err := s.postNow(ctx, payload); err != nil {
		return err
	}
	s.log.Info("person changed marketing preference", "wa_id", waID, "value", value)
	return nil
}

// ErrNumberTaken is returned by ChangeNumber when the new number already belongs to a known person.
var ErrNumberTaken = errors.New("simulator: new wa_id already belongs to another person")

// ChangeNumber makes the person move their WhatsApp account to a new number: Meta's system
// user_changed_number message. The person keeps their name, preferences and inbox under the new wa_id.
func (s *Simulator) ChangeNumber(ctx context.Context, oldWaID, newWaID string) error {
	if !validWaID(oldWaID) || !validWaID(newWaID) {
		return ErrInvalidWaID
	}
	if oldWaID == newWaID {
		return fmt.Errorf("simulator: new wa_id is the same as the old one")
	}
	now := s.now()
	s.mu.Lock()
	if _, taken := s.people[newWaID]; taken {
		s.mu.Unlock()
		return ErrNumberTaken
	}
	p := s.personLocked(oldWaID)
	delete(s.people, oldWaID)
	p.waID = newWaID
	s.people[newWaID] = p
	name := p.name
	s.mu.Unlock()

	payload := s.envelope("messages", webhookValue{
		Messages: []inboundMessage{{
			From:      oldWaID,
			ID:        newWAMID(oldWaID, true),
			Timestamp: unixString(now),
			Type:      "system",
			System: &inboundSystem{
				Body: fmt.Sprintf("User %s changed from %s to %s", name, oldWaID, newWaID),
				WaID: newWaID,
				Type: "user_changed_number",
			},
		}},
	})
	if err := s.postNow(ctx, payload); err != nil {
		return err
	}
	s.log.Info("person changed number", "old_wa_id", oldWaID, "new_wa_id", newWaID)
	return nil
}

// postNow encodes and posts a webhook synchronously.
func (s *Simulator) postNow(ctx context.Context, p webhookPayload) error {
	body, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("simulator: encode webhook: %w", err)
	}
	if err := s.post(ctx, body); err != nil {
		s.log.Warn("webhook not accepted", "field", p.Entry[0].Changes[0].Field, "err", err)
		return err
	}
	return nil
}

// conversationLocked returns the open conversation of that pricing category with the person, opening
// a new 24-hour one if none is open. s.mu must be held.
func (p *person) conversationLocked(category string, now time.Time) conversationState {
	c, ok := p.conversations[category]
	if !ok || !now.Before(c.expires) {
		c = conversationState{id: newConversationID(), expires: now.Add(ServiceWindow)}
		p.conversations[category] = c
	}
	return c
}

// digitsOnly strips the formatting Meta tolerates in `to`: a leading '+', spaces, dashes, dots, parentheses.
func digitsOnly(to string) (string, bool) {
	var b strings.Builder
	for i, r := range strings.TrimSpace(to) {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '+' && i == 0:
		case r == ' ' || r == '-' || r == '(' || r == ')' || r == '.':
		default:
			return "", false
		}
	}
	d := b.String()
	return d, validWaID(d)
}
