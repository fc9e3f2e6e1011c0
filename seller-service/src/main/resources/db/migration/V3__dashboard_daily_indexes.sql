-- The daily chart (GET /api/seller/dashboard/daily, up to 365 days) reads, per day and figure, one
-- range of the seller's rows by time: subscriptions by activation, cancellations by end,
-- payments by time with the amount in the index, so none of the three reads the table.
-- Built without CONCURRENTLY: these are projections written only by event consumers, which
-- wait for the build (seconds per million rows) and lose nothing; reads go on meanwhile.
-- dashboard_payments_seller (same key, no amount) is left for a later release to drop: a DROP
-- here would wait, in this transaction, for any running read, and every read and write of the
-- table would queue behind it (the previous release's year chart could take minutes).
CREATE INDEX dashboard_subscriptions_seller_activated ON dashboard_subscriptions (seller_id, activated_at);
CREATE INDEX dashboard_subscriptions_seller_canceled ON dashboard_subscriptions (seller_id, ended_at)
    WHERE status = 'CANCELED';
CREATE INDEX dashboard_payments_seller_paid ON dashboard_payments (seller_id, paid_at) INCLUDE (product_id, amount);
