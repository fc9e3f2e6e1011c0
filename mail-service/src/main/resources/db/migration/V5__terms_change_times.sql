-- When each terms version changed (its event's time) and since when each subscription has been
-- live (the earliest event that found it ACTIVE or PAST_DUE). Queues are consumed independently
-- and an outbox may publish late, so a subscription's event can be processed after a terms
-- change it predates: the subscriber still gets that version. A subscription begun after a change
-- agreed to the new terms and gets none, whichever event is processed first.
ALTER TABLE terms_versions ADD COLUMN changed_at timestamptz;
UPDATE terms_versions SET changed_at = received_at;
ALTER TABLE terms_versions ALTER COLUMN changed_at SET NOT NULL;

-- NULL: never seen live. Subscriptions live before this migration count as live before every
-- change we know of (they were mailed each one, as the change was processed).
ALTER TABLE mail_subscriptions ADD COLUMN live_since timestamptz;
UPDATE mail_subscriptions SET live_since = '-infinity' WHERE live;
