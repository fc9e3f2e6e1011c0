-- q has every run of whitespace collapsed to one space (Keywords: Unicode's whitespace, the
-- no-break spaces text pasted from the web carries included); the text it is matched against
-- kept its whitespace as stored, so "yoga mat" missed "Yoga  Mat", "Yoga<U+00A0>Mat" and a tab,
-- and pasting a title into search did not find it. search_text now collapses each field the
-- same way; the line break between title and description stays (q never spans the two).
-- The class is written out: PostgreSQL's \s depends on the database's locale.
CREATE OR REPLACE FUNCTION catalog_search_text(title text, description text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT regexp_replace(normalize(coalesce(title, ''), NFC),
                          '[\t\n\u000B\f\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]+', ' ', 'g')
           || E'\n'
           || regexp_replace(normalize(coalesce(description, ''), NFC),
                             '[\t\n\u000B\f\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]+', ' ', 'g')
$$;

-- Rows stored before (the trigger computes new ones): only those whose text changes, in one
-- statement as V7 (row locks: catalog reads go on; product events wait until it commits).
UPDATE catalog_products
SET search_text = catalog_search_text(title, description),
    search_text_grams = catalog_search_grams(catalog_search_text(title, description))
WHERE search_text IS DISTINCT FROM catalog_search_text(title, description);
