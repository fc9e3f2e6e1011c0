-- payment-service: a snapshot of the catalog to charge from, subscriptions, payments,
-- idempotency keys, and the sandbox provider's memory of its charges.

-- Projection of product.* (version-checked; a removal is final). Only what charging needs.
CREATE TABLE catalog_products (
    id        uuid PRIMARY KEY,
    seller_id uuid,
    title     varchar(200),
    status    varchar(20),
    version   bigint  NOT NULL,
    removed   boolean NOT NULL DEFAULT false
);

CREATE TABLE catalog_plans (
    id             uuid PRIMARY KEY,
    product_id     uuid         NOT NULL REFERENCES catalog_products (id) ON DELETE CASCADE,
    position       integer      NOT NULL,
    name           varchar(200) NOT NULL,
    billing_period varchar(10)  NOT NULL,
    price          bigint       NOT NULL,
    currency       varchar(3)   NOT NULL
);
CREATE INDEX catalog_plans_product ON catalog_plans (product_id);

-- A subscription keeps its own copy of what was bought (title, plan, price): later catalog
-- changes apply to new subscriptions only.
-- status: PENDING (first charge running), ACTIVE, PAST_DUE, CANCELED, EXPIRED,
-- FAILED (first charge failed; never shown).
CREATE TABLE subscriptions (
    id                     uuid PRIMARY KEY,
    user_id                uuid         NOT NULL,
    product_id             uuid         NOT NULL,
    seller_id              uuid         NOT NULL,
    product_title          varchar(200) NOT NULL,
    plan_id                uuid         NOT NULL,
    plan_name              varchar(200) NOT NULL,
    billing_period         varchar(10)  NOT NULL,
    price                  bigint       NOT NULL,
    currency               varchar(3)   NOT NULL,
    status                 varchar(10)  NOT NULL,
    payment_token          varchar(100) NOT NULL,
    current_period_start   timestamptz,
    current_period_end     timestamptz,
    -- When the billing job next has something to do: the period end, a dunning retry, or a
    -- retry after the provider was unavailable.
    next_charge_at         timestamptz,
    cancel_at_period_end   boolean      NOT NULL DEFAULT false,
    pending_plan_id        uuid,
    pending_plan_name      varchar(200),
    pending_billing_period varchar(10),
    pending_price          bigint,
    past_due_since         timestamptz,
    dunning_attempts       integer      NOT NULL DEFAULT 0,
    renewal_notice_for     timestamptz,
    version                bigint       NOT NULL DEFAULT 0,
    created_at             timestamptz  NOT NULL,
    updated_at             timestamptz  NOT NULL
);
-- One live subscription per user and product: the database decides between concurrent buys.
CREATE UNIQUE INDEX subscriptions_one_live ON subscriptions (user_id, product_id)
    WHERE status IN ('PENDING', 'ACTIVE', 'PAST_DUE');
CREATE INDEX subscriptions_user ON subscriptions (user_id, created_at DESC);
CREATE INDEX subscriptions_due ON subscriptions (next_charge_at) WHERE status IN ('ACTIVE', 'PAST_DUE');
CREATE INDEX subscriptions_notice ON subscriptions (current_period_end) WHERE status = 'ACTIVE';

-- A charge. The row is committed PENDING before the provider is called, with its id as the
-- provider's idempotency key; the unique key makes a second charge for one period (and
-- attempt) impossible, whatever runs twice.
CREATE TABLE payments (
    id              uuid PRIMARY KEY,
    subscription_id uuid         NOT NULL REFERENCES subscriptions (id),
    user_id         uuid         NOT NULL,
    seller_id       uuid         NOT NULL,
    product_id      uuid         NOT NULL,
    amount          bigint       NOT NULL,
    currency        varchar(3)   NOT NULL,
    status          varchar(10)  NOT NULL,
    kind            varchar(10)  NOT NULL,
    period_start    timestamptz  NOT NULL,
    attempt         integer      NOT NULL,
    payment_token   varchar(100) NOT NULL,
    plan_id         uuid         NOT NULL,
    failure_reason  varchar(40),
    created_at      timestamptz  NOT NULL,
    requested_at    timestamptz  NOT NULL DEFAULT now(),
    resolved_at     timestamptz,
    UNIQUE (subscription_id, period_start, kind, attempt)
);
CREATE INDEX payments_user ON payments (user_id, created_at DESC, id);
CREATE INDEX payments_pending ON payments (requested_at) WHERE status = 'PENDING';

-- Idempotency-Key of POST /api/subscriptions, per user; the response is kept for replays.
CREATE TABLE idempotency_keys (
    user_id         uuid         NOT NULL,
    key             varchar(255) NOT NULL,
    request_hash    char(64)     NOT NULL,
    state           varchar(12)  NOT NULL,
    subscription_id uuid,
    response_status integer,
    response_body   text,
    created_at      timestamptz  NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

-- The built-in sandbox provider's memory of charges by idempotency key, as a real provider
-- keeps it on its side (the reconciler asks it after a crash).
CREATE TABLE sandbox_charges (
    idempotency_key uuid PRIMARY KEY,
    token           varchar(100) NOT NULL,
    amount          bigint       NOT NULL,
    currency        varchar(3)   NOT NULL,
    outcome         varchar(20)  NOT NULL,
    reason          varchar(40),
    charged_at      timestamptz  NOT NULL DEFAULT now()
);
