-- The renewal price a subscription's renewal notice announced: a plan change after the notice
-- (an upgrade, a downgrade at the period end, or its withdrawal) announces the new price again.
-- Null for notices sent before this column: not announced again.
ALTER TABLE subscriptions ADD COLUMN renewal_notice_price bigint;
