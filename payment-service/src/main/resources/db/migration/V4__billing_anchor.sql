-- The instant billing periods are counted from (the first period's start): every period ends a
-- whole number of calendar months after it, so one bought on the 31st renews on the last day of
-- short months and on the 31st again after them, instead of drifting to the 28th for good.
ALTER TABLE subscriptions ADD COLUMN billing_anchor timestamptz;

-- Subscriptions activated before this migration: their current period start is the best anchor
-- there is (one that has already drifted stays on its day).
UPDATE subscriptions SET billing_anchor = current_period_start WHERE current_period_start IS NOT NULL;
