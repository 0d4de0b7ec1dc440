-- Forwarding Meta's webhooks to the business's own servers, Meta's account
-- signals, templates learned from Meta, and per-person marketing holds.
CREATE TABLE deliveries (
    id              INTEGER PRIMARY KEY,
    account_id      TEXT    NOT NULL,
    downstream      TEXT    NOT NULL,
    event_id        TEXT    NOT NULL,
    order_key       TEXT    NOT NULL,
    intent          TEXT    NOT NULL DEFAULT '',
    state           TEXT    NOT NULL DEFAULT 'pending',
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL,
    last_status     INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT    NOT NULL DEFAULT '',
    created_at      INTEGER NOT NULL,
    delivered_at    INTEGER NOT NULL DEFAULT 0,
    UNIQUE (downstream, event_id)
);
CREATE INDEX deliveries_order ON deliveries (downstream, order_key, id) WHERE state = 'pending';
CREATE INDEX deliveries_due ON deliveries (next_attempt_at, id) WHERE state = 'pending';
CREATE INDEX deliveries_state ON deliveries (state, id);

CREATE TABLE account_signals (
    id          INTEGER PRIMARY KEY,
    account_id  TEXT    NOT NULL,
    field       TEXT    NOT NULL,
    event       TEXT    NOT NULL,
    subject     TEXT    NOT NULL,
    detail      TEXT    NOT NULL,
    occurred_at INTEGER NOT NULL,
    received_at INTEGER NOT NULL
);
CREATE INDEX account_signals_account ON account_signals (account_id, id);

CREATE TABLE templates (
    account_id TEXT    NOT NULL,
    name       TEXT    NOT NULL,
    language   TEXT    NOT NULL,
    category   TEXT    NOT NULL,
    status     TEXT    NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (account_id, name, language)
);

CREATE TABLE marketing_holds (
    contact_id  INTEGER NOT NULL PRIMARY KEY REFERENCES contacts (id),
    held_until  INTEGER NOT NULL,
    reason      TEXT    NOT NULL,
    message_id  TEXT    NOT NULL
);
