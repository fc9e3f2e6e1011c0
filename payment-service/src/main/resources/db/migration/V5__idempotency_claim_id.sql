-- Each claim of a key gets its own id, and a release names the claim it gives back: a request
-- releasing late (its key was meanwhile declared abandoned and claimed again) no longer deletes
-- the next request's claim.
ALTER TABLE idempotency_keys ADD COLUMN claim_id uuid NOT NULL DEFAULT gen_random_uuid();
