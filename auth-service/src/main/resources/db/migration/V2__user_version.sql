-- Incremented on every change to a user row, and carried in user.updated events, so
-- projections (mail, chat) apply an event only when it is newer than what they hold.
ALTER TABLE users ADD COLUMN version bigint NOT NULL DEFAULT 0;
