-- q of one or two characters (most Korean nouns: 요가, 커피, 도서) contains no trigram, so the
-- pg_trgm indexes cannot serve ILIKE '%q%' and PostgreSQL reads the whole table (~200 ms at
-- 100k products). search_grams holds every distinct character and pair of adjacent characters of
-- title and description, case-folded, without whitespace; its GIN index finds the candidates
-- for a short q, and ILIKE still decides (CatalogRepository).
CREATE FUNCTION catalog_search_grams(content text) RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT coalesce(array_agg(DISTINCT substr(word, start, width)), '{}')
    FROM regexp_split_to_table(lower(coalesce(content, '')), '\s+') AS word,
         generate_series(1, 2) AS width,
         generate_series(1, length(word) - width + 1) AS start
$$;

ALTER TABLE catalog_products ADD COLUMN search_grams text[]
    GENERATED ALWAYS AS (catalog_search_grams(coalesce(title, '') || ' ' || coalesce(description, ''))) STORED;

CREATE INDEX catalog_products_search_grams_idx ON catalog_products USING gin (search_grams)
    WHERE status = 'PUBLISHED' AND NOT removed;
