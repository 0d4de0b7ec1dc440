-- Every webhook Meta delivers is kept as it came, each time it comes: the
-- payload's digest is no longer unique. A unique digest cost an insert into
-- a random page of its index for every webhook. Only bodies forwarded to a
-- downstream are looked up by digest, so only they are indexed. A payload
-- already kept is marked forwarded when a delivery names it.
ALTER TABLE webhook_payloads DROP CONSTRAINT webhook_payloads_digest_key;
ALTER TABLE webhook_payloads ADD COLUMN forwarded BOOLEAN NOT NULL DEFAULT false;
UPDATE webhook_payloads SET forwarded = true WHERE digest IN (SELECT event_id FROM deliveries);
CREATE INDEX webhook_payloads_forwarded ON webhook_payloads (digest) WHERE forwarded;
