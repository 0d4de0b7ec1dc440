-- Listing dead letters needs an index on them alone; an index on every delivery's state
-- cost two index writes each time a delivery changed state.
DROP INDEX deliveries_state;
CREATE INDEX deliveries_dead ON deliveries (id) WHERE state IN ('dead', 'dropped');
