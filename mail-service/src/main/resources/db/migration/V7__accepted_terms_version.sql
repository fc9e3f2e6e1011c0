-- The terms version the subscriber was shown when buying (acceptedTermsVersion of
-- subscription.* events; fixed for the subscription, so the first value seen is kept). Known,
-- it decides which terms changes the subscriber is mailed: every stored version above it,
-- whenever the subscription became live (a change made while the purchase was being paid
-- predates the activation but was never shown). NULL: payment did not say (an older app, a
-- subscription bought before it was recorded); live_since decides, as before.
ALTER TABLE mail_subscriptions ADD COLUMN accepted_terms_version integer;
