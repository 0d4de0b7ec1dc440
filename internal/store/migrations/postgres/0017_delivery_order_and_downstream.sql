-- A payload that holds messages of several people reaches each downstream in
-- order for each of them: the order keys of its people after the first
-- (deliveries.order_key) are kept here while it is pending or dead.
CREATE TABLE delivery_keys (
    delivery_id BIGINT NOT NULL,
    order_key   TEXT   NOT NULL,
    PRIMARY KEY (delivery_id, order_key)
);
CREATE INDEX delivery_keys_order ON delivery_keys (order_key, delivery_id);
