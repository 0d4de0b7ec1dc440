-- A message, preference or status from a number dated before someone moved
-- onto it is its previous owner's (holderAt), and a change away from a
-- number dated before such a move is not about its holder now: both look
-- the number's arrivals up.
CREATE INDEX number_changes_new_wa_id ON number_changes (new_wa_id, occurred_at);
