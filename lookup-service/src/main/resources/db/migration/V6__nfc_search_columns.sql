-- q matches whatever Unicode form a seller's text arrived in: Korean is typed precomposed
-- (NFC) on phones and keyboards, but text pasted from macOS file names is decomposed jamo
-- (NFD), and ILIKE compares code points, so '요가' found only one of the two. The service
-- normalizes q to NFC (Keywords); the text it is matched against is NFC too, in columns of
-- their own, so title and description stay exactly as the seller wrote them.
--
-- search_text: title and description, NFC, joined by a line break. q never contains one
-- (whitespace in q is collapsed to single spaces, control characters are rejected), so a
-- match cannot span the two fields, exactly as with the former two ILIKEs.
-- search_text_grams: V3's grams of that text, for q of one or two characters.
--
-- Expand only, and never holding a lock readers wait for: plain columns kept by a trigger
-- (a generated column would rewrite the table under an exclusive lock, ~20 s at 100k
-- products), filled and indexed in V7 (locks that let reads through). The previous release's
-- search_grams and per-column trigram indexes stay for instances still running it during a
-- rolling update; a later release drops them.
-- normalize() needs a UTF8 database (all of ours are) and is IMMUTABLE.
CREATE FUNCTION catalog_search_text(title text, description text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT normalize(coalesce(title, '') || E'\n' || coalesce(description, ''), NFC)
$$;

ALTER TABLE catalog_products ADD COLUMN search_text text, ADD COLUMN search_text_grams text[];

CREATE FUNCTION catalog_products_search_text() RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    NEW.search_text := catalog_search_text(NEW.title, NEW.description);
    NEW.search_text_grams := catalog_search_grams(NEW.search_text);
    RETURN NEW;
END
$$;

CREATE TRIGGER catalog_products_search_text BEFORE INSERT OR UPDATE OF title, description ON catalog_products
    FOR EACH ROW EXECUTE FUNCTION catalog_products_search_text();
