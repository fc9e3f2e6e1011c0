-- platform/events: transactional outbox (producers) and inbox (consumers).
-- Services add classpath:db/events to spring.flyway.locations; V1000 keeps clear of their own versions.

CREATE TABLE event_outbox (
    seq          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id           uuid        NOT NULL UNIQUE,
    type         text        NOT NULL,
    envelope     text        NOT NULL,
    request_id   text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    published_at timestamptz,
    attempts     integer     NOT NULL DEFAULT 0,
    last_error   text
);

-- The relay only ever looks for unpublished rows in insertion order.
CREATE INDEX event_outbox_unpublished ON event_outbox (seq) WHERE published_at IS NULL;

-- One row per (consumer queue, event id) whose effect has been committed.
CREATE TABLE event_inbox (
    consumer    text        NOT NULL,
    event_id    uuid        NOT NULL,
    type        text        NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, event_id)
);
