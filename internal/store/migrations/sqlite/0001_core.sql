-- Contacts, the consent ledger and its derived state, service windows,
-- raw webhook payloads, inbound message and status dedupe, and the outbox.
CREATE TABLE contacts (
    id          INTEGER PRIMARY KEY,
    account_id  TEXT    NOT NULL,
    wa_id       TEXT,
    user_id     TEXT,
    name        TEXT    NOT NULL DEFAULT '',
    language    TEXT    NOT NULL DEFAULT '',
    asked_at    INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE UNIQUE INDEX contacts_account_wa_id ON contacts (account_id, wa_id) WHERE wa_id IS NOT NULL;
CREATE UNIQUE INDEX contacts_account_user_id ON contacts (account_id, user_id) WHERE user_id IS NOT NULL;

CREATE TABLE ledger_heads (
    account_id TEXT    PRIMARY KEY,
    seq        INTEGER NOT NULL,
    hash       TEXT    NOT NULL
);

CREATE TABLE consent_events (
    id          INTEGER PRIMARY KEY,
    account_id  TEXT    NOT NULL,
    seq         INTEGER NOT NULL,
    contact_id  INTEGER NOT NULL REFERENCES contacts (id),
    action      TEXT    NOT NULL,
    scope       TEXT    NOT NULL,
    source      TEXT    NOT NULL,
    evidence    TEXT    NOT NULL,
    reason      TEXT    NOT NULL,
    actor       TEXT    NOT NULL,
    occurred_at INTEGER NOT NULL,
    recorded_at INTEGER NOT NULL,
    prev_hash   TEXT    NOT NULL,
    hash        TEXT    NOT NULL,
    UNIQUE (account_id, seq)
);
CREATE INDEX consent_events_contact ON consent_events (contact_id, seq);

CREATE TABLE consent_state (
    contact_id  INTEGER NOT NULL REFERENCES contacts (id),
    scope       TEXT    NOT NULL,
    action      TEXT    NOT NULL,
    seq         INTEGER NOT NULL,
    source      TEXT    NOT NULL,
    occurred_at INTEGER NOT NULL,
    PRIMARY KEY (contact_id, scope)
);

CREATE TABLE service_windows (
    contact_id      INTEGER NOT NULL REFERENCES contacts (id),
    phone_number_id TEXT    NOT NULL,
    last_inbound_at INTEGER NOT NULL DEFAULT 0,
    closed_at       INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (contact_id, phone_number_id)
);

CREATE TABLE number_changes (
    id          INTEGER PRIMARY KEY,
    contact_id  INTEGER NOT NULL REFERENCES contacts (id),
    old_wa_id   TEXT    NOT NULL,
    new_wa_id   TEXT    NOT NULL,
    message_id  TEXT    NOT NULL,
    occurred_at INTEGER NOT NULL
);

CREATE TABLE webhook_payloads (
    id          INTEGER PRIMARY KEY,
    digest      TEXT    NOT NULL UNIQUE,
    body        BLOB    NOT NULL,
    received_at INTEGER NOT NULL
);

CREATE TABLE inbound_messages (
    account_id      TEXT    NOT NULL,
    message_id      TEXT    NOT NULL,
    contact_id      INTEGER,
    phone_number_id TEXT    NOT NULL,
    type            TEXT    NOT NULL,
    intent          TEXT    NOT NULL DEFAULT '',
    sent_at         INTEGER NOT NULL,
    received_at     INTEGER NOT NULL,
    PRIMARY KEY (account_id, message_id)
);

CREATE TABLE message_statuses (
    account_id  TEXT    NOT NULL,
    message_id  TEXT    NOT NULL,
    status      TEXT    NOT NULL,
    recipient   TEXT    NOT NULL,
    error_code  INTEGER NOT NULL DEFAULT 0,
    occurred_at INTEGER NOT NULL,
    received_at INTEGER NOT NULL,
    PRIMARY KEY (account_id, message_id, status)
);

CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    account_id      TEXT    NOT NULL,
    kind            TEXT    NOT NULL,
    dedupe_key      TEXT    NOT NULL,
    payload         TEXT    NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error      TEXT    NOT NULL DEFAULT '',
    done_at         INTEGER,
    created_at      INTEGER NOT NULL,
    UNIQUE (kind, dedupe_key)
);
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE done_at IS NULL;
