-- Consent texts are kept per account: two accounts whose forms show the same
-- text (an agency's WABAs of one brand) each keep their copy, which their
-- proofs name. The hash was the only key, and the second account's copy was
-- never kept.
ALTER TABLE optin_texts DROP CONSTRAINT optin_texts_pkey, ADD PRIMARY KEY (account_id, hash);
