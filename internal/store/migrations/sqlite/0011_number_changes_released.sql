-- The record a number change took the new number from (its previous
-- owner's, as far as optgate could tell), so that an earlier change of the
-- same person delivered after it can give the record back.
ALTER TABLE number_changes ADD COLUMN released_contact_id INTEGER REFERENCES contacts (id);
