-- Inbox retention deletes rows by age (InboxRetention).
CREATE INDEX event_inbox_received_at ON event_inbox (received_at);
