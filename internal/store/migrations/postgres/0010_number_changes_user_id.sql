-- A number change retires the person's business-scoped user id (Meta gives a
-- new one with the new number). Meta never gives a retired id to anyone
-- else, so an event that arrives later under it alone (a STOP sent before
-- the change, retried) is still that person's: the id is kept here.
ALTER TABLE number_changes ADD COLUMN old_user_id TEXT;
CREATE INDEX number_changes_old_user_id ON number_changes (old_user_id) WHERE old_user_id IS NOT NULL;
