-- docs/events.md: product.upserted imageUrl is up to 2048 characters (seller-service accepts
-- that). varchar(2000) refused the longest valid URLs: the event was dead-lettered and the
-- product never reached the catalog.
ALTER TABLE catalog_products ALTER COLUMN image_url TYPE varchar(2048);
