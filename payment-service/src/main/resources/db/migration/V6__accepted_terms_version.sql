-- The product's terms version the app showed when the consumer subscribed (POST
-- /api/subscriptions "termsVersion"), fixed at purchase and carried in every subscription.*
-- event as acceptedTermsVersion: mail-service mails the subscriber every later version, even
-- one the seller made while the purchase was being paid. NULL: the app did not say (older apps,
-- subscriptions bought before this migration); mail then goes by time, as before.
ALTER TABLE subscriptions ADD COLUMN accepted_terms_version integer
    CHECK (accepted_terms_version >= 1);
