-- A login's email is limited as typed (254), then lower-cased, which can lengthen it ('İ' becomes
-- two characters): the varchar(254) refused such an attempt (a 400), so it counted against no
-- limit. text takes whatever the request's limit lets through; no table rewrite (binary coercible).
ALTER TABLE login_failures ALTER COLUMN email TYPE text;
