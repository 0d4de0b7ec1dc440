-- WhatsApp's own marketing setting (Meta's user_preferences stop and resume,
-- and the opt-out an error 131050 records) stands in a contact's consent
-- state apart from what the person told the business about marketing
-- (consent.StateScope): a resume lifts Meta's stop only. The ledger is
-- unchanged; the state rows those events hold move to their own key.
UPDATE consent_state SET scope = 'meta:' || scope
WHERE scope = 'category:marketing' AND (source IN ('meta_user_preferences', 'meta_error_131050') OR action = 'resume');

-- Until now Meta's stop took the place of the person's own marketing opt-in
-- or opt-out in that row: where a row moved, the person's latest own event of
-- category:marketing on the record, if any, stands under the category again.
INSERT INTO consent_state (contact_id, scope, action, seq, source, occurred_at)
SELECT e.contact_id, e.scope, e.action, e.seq, e.source, e.occurred_at
FROM consent_events e
WHERE e.scope = 'category:marketing' AND e.action IN ('opt_in', 'opt_out')
  AND e.source NOT IN ('meta_user_preferences', 'meta_error_131050')
  AND EXISTS (SELECT 1 FROM consent_state s WHERE s.contact_id = e.contact_id AND s.scope = 'meta:category:marketing')
  AND NOT EXISTS (
    SELECT 1 FROM consent_events l
    WHERE l.contact_id = e.contact_id AND l.scope = 'category:marketing' AND l.action IN ('opt_in', 'opt_out')
      AND l.source NOT IN ('meta_user_preferences', 'meta_error_131050')
      AND (l.occurred_at > e.occurred_at OR (l.occurred_at = e.occurred_at AND l.seq > e.seq)))
ON CONFLICT (contact_id, scope) DO NOTHING;
