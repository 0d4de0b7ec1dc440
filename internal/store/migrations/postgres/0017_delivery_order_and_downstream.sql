-- A payload that holds messages of several people reaches each downstream in
-- order for each of them: the order keys of its people after the first
-- (deliveries.order_key) are kept here while it is pending or dead.
CREATE TABLE delivery_keys (
    delivery_id BIGINT NOT NULL,
    order_key   TEXT   NOT NULL,
    PRIMARY KEY (delivery_id, order_key)
);
CREATE INDEX delivery_keys_order ON delivery_keys (order_key, delivery_id);

-- A delivery names its downstream by the id the downstream has in its
-- account's configuration (forward[].id, else its place in the list), no
-- longer by its URL: a corrected URL, or a token rotated in it, gets what is
-- queued. Deliveries queued before keep their URL until an instance adopts
-- them (Store.AdoptDeliveries, at start). The rename also stops instances of
-- the previous version from queueing or claiming deliveries, which they
-- would have made dead letters, since no URL of theirs matches an id.
ALTER TABLE deliveries RENAME COLUMN downstream TO downstream_id;
DROP INDEX deliveries_order;
CREATE INDEX deliveries_order ON deliveries (account_id, downstream_id, order_key, id) WHERE state = 'pending';
