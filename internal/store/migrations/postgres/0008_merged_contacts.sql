-- Two records found to be one person are merged: the record that Meta's
-- webhooks no longer name (a contact known only by its business-scoped user
-- id, or one created by the person's own messages from a new number before
-- Meta's user_changed_number was processed) gives up its keys and points at
-- the record that holds them. Its consent state is carried over when merged;
-- its ledger events stay where they are (the hash chain covers contact_id)
-- and are read with the record they were merged into.
ALTER TABLE contacts ADD COLUMN merged_into BIGINT REFERENCES contacts (id);
CREATE INDEX contacts_merged_into ON contacts (merged_into) WHERE merged_into IS NOT NULL;
