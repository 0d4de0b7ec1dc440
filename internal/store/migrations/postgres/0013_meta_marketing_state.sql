-- WhatsApp's own marketing setting (Meta's user_preferences stop and resume,
-- and the opt-out an error 131050 records) stands in a contact's consent
-- state apart from what the person told the business about marketing
-- (consent.StateScope): a resume lifts Meta's stop only. The ledger is
-- unchanged; the state rows those events hold move to their own key.
UPDATE consent_state SET scope = 'meta:' || scope
WHERE (source IN ('meta_user_preferences', 'meta_error_131050') OR action = 'resume') AND scope NOT LIKE 'meta:%';
