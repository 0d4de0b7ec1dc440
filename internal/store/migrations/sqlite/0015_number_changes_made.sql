-- Whether a number change made the record it names (the person was new on
-- the new number): an earlier change of theirs delivered after it may then
-- merge the person's older record into it, since everything on it is theirs.
-- Rows from before this column say no: such a change carries opt-outs only.
ALTER TABLE number_changes ADD COLUMN made_contact INTEGER NOT NULL DEFAULT 0;
