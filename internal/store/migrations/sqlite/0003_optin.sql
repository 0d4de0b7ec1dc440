-- Opt-in capture: the consent texts shown on hosted forms (kept once, by
-- hash), double opt-ins waiting for the person's confirmation, wa.me links
-- with their source, and the rows already taken from CSV imports.
CREATE TABLE optin_texts (
    hash       TEXT    NOT NULL PRIMARY KEY,
    account_id TEXT    NOT NULL,
    form_id    TEXT    NOT NULL,
    language   TEXT    NOT NULL,
    body       TEXT    NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE optin_pending (
    id           INTEGER PRIMARY KEY,
    account_id   TEXT    NOT NULL,
    token        TEXT    NOT NULL UNIQUE,
    form_id      TEXT    NOT NULL,
    wa_id        TEXT    NOT NULL,
    topics       TEXT    NOT NULL,
    evidence     TEXT    NOT NULL,
    language     TEXT    NOT NULL,
    message_id   TEXT    NOT NULL DEFAULT '',
    state        TEXT    NOT NULL DEFAULT 'pending',
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    confirmed_at INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX optin_pending_wa_id ON optin_pending (account_id, wa_id, created_at);

CREATE TABLE optin_links (
    account_id TEXT    NOT NULL,
    code       TEXT    NOT NULL,
    form_id    TEXT    NOT NULL,
    topic      TEXT    NOT NULL,
    source     TEXT    NOT NULL,
    language   TEXT    NOT NULL,
    body       TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (account_id, code)
);

CREATE TABLE import_rows (
    account_id TEXT    NOT NULL,
    row_key    TEXT    NOT NULL,
    seq        INTEGER NOT NULL,
    PRIMARY KEY (account_id, row_key)
);
