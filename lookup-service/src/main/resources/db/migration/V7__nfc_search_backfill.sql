-- The NFC search columns (V6) for rows stored before them, and their indexes. Its own
-- migration, so its own transaction: V6's brief exclusive lock is released first. The UPDATE
-- takes row locks and CREATE INDEX a SHARE lock, so catalog reads go on throughout; product
-- events wait until it commits (~20 s at 100k products).
UPDATE catalog_products
SET search_text = catalog_search_text(title, description),
    search_text_grams = catalog_search_grams(catalog_search_text(title, description))
WHERE search_text IS NULL;

CREATE INDEX catalog_products_search_text_trgm_idx ON catalog_products USING gin (search_text gin_trgm_ops)
    WHERE status = 'PUBLISHED' AND NOT removed;
CREATE INDEX catalog_products_search_text_grams_idx ON catalog_products USING gin (search_text_grams)
    WHERE status = 'PUBLISHED' AND NOT removed;
