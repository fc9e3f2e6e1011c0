-- The W3C trace context of the transaction that wrote the event (its trace goes on in the
-- consumers). request_id is no longer written; an instance of the previous version may still
-- write it during a rolling upgrade, so it is dropped in a later release.
ALTER TABLE event_outbox ADD COLUMN traceparent text;
