-- The catalog read model, fed by product.upserted / product.removed (EVENTS.md).
-- pg_trgm is a trusted extension (PostgreSQL 13+): the database owner (moa_lookup, or the
-- moa_test role in tests) may create it without superuser rights.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- A row is either a snapshot of a product (removed = false) or, once product.removed has
-- arrived, a tombstone (removed = true): removal is final, no later upsert brings it back.
-- The snapshot columns are nullable because a removal may arrive before any upsert.
CREATE TABLE catalog_products (
    id            uuid PRIMARY KEY,
    seller_id     uuid,
    seller_name   varchar(200),
    title         varchar(200),
    description   text,
    category      varchar(40),
    image_url     varchar(2000),
    min_price     numeric(14, 2),
    currency      varchar(3),
    plans         jsonb,
    terms         text,
    terms_version integer,
    status        varchar(20),
    version       bigint      NOT NULL,
    published_at  timestamptz,
    updated_at    timestamptz,
    view_count    bigint      NOT NULL DEFAULT 0,
    removed       boolean     NOT NULL DEFAULT false
);

-- Browsing only ever touches visible products: partial indexes keep them small.
CREATE INDEX catalog_products_newest_idx ON catalog_products (published_at DESC, id DESC)
    WHERE status = 'PUBLISHED' AND NOT removed;
CREATE INDEX catalog_products_category_newest_idx ON catalog_products (category, published_at DESC, id DESC)
    WHERE status = 'PUBLISHED' AND NOT removed;
CREATE INDEX catalog_products_popular_idx ON catalog_products (view_count DESC, published_at DESC, id DESC)
    WHERE status = 'PUBLISHED' AND NOT removed;
CREATE INDEX catalog_products_price_idx ON catalog_products (min_price, published_at DESC, id DESC)
    WHERE status = 'PUBLISHED' AND NOT removed;

-- q: ILIKE '%...%' on title and description, served by trigram indexes.
CREATE INDEX catalog_products_title_trgm_idx ON catalog_products USING gin (title gin_trgm_ops)
    WHERE status = 'PUBLISHED' AND NOT removed;
CREATE INDEX catalog_products_description_trgm_idx ON catalog_products USING gin (description gin_trgm_ops)
    WHERE status = 'PUBLISHED' AND NOT removed;
