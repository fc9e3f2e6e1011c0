-- seller-service: a seller's subscription products and their plans.

CREATE TABLE products (
    id            uuid        PRIMARY KEY,
    seller_id     uuid        NOT NULL,
    seller_name   text,
    title         text        NOT NULL,
    description   text        NOT NULL,
    category      text        NOT NULL,
    image_url     text,
    terms         text        NOT NULL,
    terms_version integer     NOT NULL,
    status        text        NOT NULL,
    -- Incremented on every change: ETag, optimistic locking and the events' snapshot version.
    version       bigint      NOT NULL,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    published_at  timestamptz
);

-- The seller's own listing, newest first.
CREATE INDEX products_seller ON products (seller_id, created_at DESC);

CREATE TABLE product_plans (
    id             uuid    PRIMARY KEY,
    product_id     uuid    NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    position       integer NOT NULL,
    name           text    NOT NULL,
    billing_period text    NOT NULL,
    price          bigint  NOT NULL CHECK (price >= 0),
    currency       text    NOT NULL,
    UNIQUE (product_id, position)
);
