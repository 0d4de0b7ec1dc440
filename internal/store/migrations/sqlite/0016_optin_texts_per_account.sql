-- Consent texts are kept per account: two accounts whose forms show the same
-- text (an agency's WABAs of one brand) each keep their copy, which their
-- proofs name. The hash was the only key, and the second account's copy was
-- never kept.
CREATE TABLE optin_texts_per_account (
    account_id TEXT    NOT NULL,
    hash       TEXT    NOT NULL,
    form_id    TEXT    NOT NULL,
    language   TEXT    NOT NULL,
    body       TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (account_id, hash)
) WITHOUT ROWID;
INSERT INTO optin_texts_per_account (account_id, hash, form_id, language, body, created_at)
    SELECT account_id, hash, form_id, language, body, created_at FROM optin_texts;
DROP TABLE optin_texts;
ALTER TABLE optin_texts_per_account RENAME TO optin_texts;
