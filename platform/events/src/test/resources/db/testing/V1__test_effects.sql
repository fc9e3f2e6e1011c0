-- The observable effect of the test consumer; deliberately without a unique key so a
-- double effect would show as two rows.
CREATE TABLE test_effects (
    event_id   uuid NOT NULL,
    type       text NOT NULL,
    request_id text
);
