-- mail-service: projections of other services' events (who gets mail, in which language,
-- about what) and the delivery log, which is the proof of what was sent.

-- user.* → address, name and language (version-checked).
CREATE TABLE mail_users (
    user_id uuid         PRIMARY KEY,
    email   varchar(254) NOT NULL,
    name    varchar(100) NOT NULL,
    locale  varchar(8)   NOT NULL,
    version bigint       NOT NULL
);

-- subscription.* → who holds which product now (live = ACTIVE or PAST_DUE), by version.
CREATE TABLE mail_subscriptions (
    subscription_id uuid        PRIMARY KEY,
    user_id         uuid        NOT NULL,
    product_id      uuid        NOT NULL,
    status          varchar(10) NOT NULL,
    live            boolean     NOT NULL,
    version         bigint      NOT NULL
);
CREATE INDEX mail_subscriptions_live ON mail_subscriptions (product_id, user_id) WHERE live;

-- product.* → titles for subscription mails (version-checked).
CREATE TABLE mail_products (
    product_id uuid         PRIMARY KEY,
    title      varchar(200) NOT NULL,
    version    bigint       NOT NULL
);

-- One row per mail to one recipient, written before anything is sent. The unique key makes a
-- second mail of one kind about one thing to one person impossible, whatever arrives twice.
-- status: QUEUED → SENDING (claimed, lease) → SENT | FAILED; back to QUEUED with a later
-- next_attempt_at after a transient failure.
CREATE TABLE deliveries (
    id              uuid         PRIMARY KEY,
    kind            varchar(30)  NOT NULL,
    source_key      varchar(100) NOT NULL,
    recipient_id    uuid         NOT NULL,
    payload         jsonb        NOT NULL,
    priority        integer      NOT NULL,
    status          varchar(10)  NOT NULL,
    attempts        integer      NOT NULL DEFAULT 0,
    last_error      text,
    next_attempt_at timestamptz  NOT NULL DEFAULT now(),
    lease_until     timestamptz,
    message_id      varchar(200) NOT NULL,
    email           varchar(254),
    created_at      timestamptz  NOT NULL DEFAULT now(),
    sent_at         timestamptz,
    UNIQUE (kind, source_key, recipient_id)
);
-- The sender's queue: transactional mail (priority 0) before a terms-change backlog (10).
CREATE INDEX deliveries_due ON deliveries (priority, next_attempt_at) WHERE status IN ('QUEUED', 'SENDING');
CREATE INDEX deliveries_recipient ON deliveries (recipient_id, kind, created_at DESC);
CREATE INDEX deliveries_failed ON deliveries (created_at) WHERE status = 'FAILED';
