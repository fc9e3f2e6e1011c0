-- Projections seller-service keeps from other services' events (docs/events.md).

-- user.* → the display names sellers publish under (product.upserted sellerName).
CREATE TABLE seller_names (
    user_id uuid         PRIMARY KEY,
    name    varchar(100) NOT NULL,
    version bigint       NOT NULL
);

-- subscription.* → each subscription's newest known state (version-checked), for the
-- dashboard's subscriber counts, MRR and cancellations.
CREATE TABLE dashboard_subscriptions (
    subscription_id uuid        PRIMARY KEY,
    seller_id       uuid        NOT NULL,
    product_id      uuid        NOT NULL,
    status          varchar(10) NOT NULL,
    price           bigint      NOT NULL,
    billing_period  varchar(10) NOT NULL,
    currency        varchar(3)  NOT NULL,
    version         bigint      NOT NULL,
    activated_at    timestamptz,
    ended_at        timestamptz
);
CREATE INDEX dashboard_subscriptions_seller ON dashboard_subscriptions (seller_id, product_id);

-- payment.succeeded → revenue (each payment once).
CREATE TABLE dashboard_payments (
    payment_id uuid        PRIMARY KEY,
    seller_id  uuid        NOT NULL,
    product_id uuid        NOT NULL,
    amount     bigint      NOT NULL,
    currency   varchar(3)  NOT NULL,
    paid_at    timestamptz NOT NULL
);
CREATE INDEX dashboard_payments_seller ON dashboard_payments (seller_id, paid_at);

-- product.view-stats → each product's total views (only ever grows).
CREATE TABLE product_views (
    product_id  uuid        PRIMARY KEY,
    total_views bigint      NOT NULL,
    as_of       timestamptz NOT NULL
);
