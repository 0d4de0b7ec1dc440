-- The events a previous owner's record received from a number change on
-- belong to the person who moved onto the number (they are listed in that
-- person's history and exported under their keys): found by the record the
-- change released.
CREATE INDEX number_changes_released ON number_changes (released_contact_id, occurred_at) WHERE released_contact_id IS NOT NULL;
