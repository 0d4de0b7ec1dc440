-- A message sent from a number before its owner moved to another, and
-- delivered after Meta's user_changed_number, is the mover's: it is looked
-- up by the old number.
CREATE INDEX number_changes_old_wa_id ON number_changes (old_wa_id, occurred_at);
