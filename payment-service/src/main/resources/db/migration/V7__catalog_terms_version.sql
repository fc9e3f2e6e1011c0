-- The product's terms version (product.upserted termsVersion): a purchase's termsVersion, the
-- version the app says it showed, is stored at most this (V6). NULL until the product's next
-- snapshot: then the purchase's value is taken as sent.
ALTER TABLE catalog_products ADD COLUMN terms_version integer;
