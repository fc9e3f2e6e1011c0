-- subscriberCount: live (ACTIVE or PAST_DUE) subscriptions per product, from subscription.*
-- events. catalog_subscriptions keeps each subscription's last known state and version, so
-- redelivered and reordered events change the count once and in the right direction.
ALTER TABLE catalog_products ADD COLUMN subscriber_count bigint NOT NULL DEFAULT 0;

CREATE TABLE catalog_subscriptions (
    subscription_id uuid    PRIMARY KEY,
    product_id      uuid    NOT NULL,
    live            boolean NOT NULL,
    version         bigint  NOT NULL
);
CREATE INDEX catalog_subscriptions_live ON catalog_subscriptions (product_id) WHERE live;
