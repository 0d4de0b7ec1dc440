-- The tables written for every inbound message are keyed by their primary
-- key alone: as WITHOUT ROWID tables each insert updates one b-tree, not two.
CREATE TABLE inbound_messages_new (
    account_id      TEXT    NOT NULL,
    message_id      TEXT    NOT NULL,
    contact_id      INTEGER,
    phone_number_id TEXT    NOT NULL,
    type            TEXT    NOT NULL,
    intent          TEXT    NOT NULL DEFAULT '',
    sent_at         INTEGER NOT NULL,
    received_at     INTEGER NOT NULL,
    PRIMARY KEY (account_id, message_id)
) WITHOUT ROWID;
INSERT INTO inbound_messages_new SELECT account_id, message_id, contact_id, phone_number_id, type, intent, sent_at, received_at FROM inbound_messages;
DROP TABLE inbound_messages;
ALTER TABLE inbound_messages_new RENAME TO inbound_messages;

CREATE TABLE service_windows_new (
    contact_id      INTEGER NOT NULL REFERENCES contacts (id),
    phone_number_id TEXT    NOT NULL,
    last_inbound_at INTEGER NOT NULL DEFAULT 0,
    closed_at       INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (contact_id, phone_number_id)
) WITHOUT ROWID;
INSERT INTO service_windows_new SELECT contact_id, phone_number_id, last_inbound_at, closed_at FROM service_windows;
DROP TABLE service_windows;
ALTER TABLE service_windows_new RENAME TO service_windows;

CREATE TABLE consent_state_new (
    contact_id  INTEGER NOT NULL REFERENCES contacts (id),
    scope       TEXT    NOT NULL,
    action      TEXT    NOT NULL,
    seq         INTEGER NOT NULL,
    source      TEXT    NOT NULL,
    occurred_at INTEGER NOT NULL,
    PRIMARY KEY (contact_id, scope)
) WITHOUT ROWID;
INSERT INTO consent_state_new SELECT contact_id, scope, action, seq, source, occurred_at FROM consent_state;
DROP TABLE consent_state;
ALTER TABLE consent_state_new RENAME TO consent_state;
