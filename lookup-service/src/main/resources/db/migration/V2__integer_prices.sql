-- Money is integer minor units everywhere (API.md): prices are whole KRW, never decimals.
ALTER TABLE catalog_products ALTER COLUMN min_price TYPE bigint USING round(min_price);
