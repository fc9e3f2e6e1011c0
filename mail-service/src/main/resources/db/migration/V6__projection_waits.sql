-- Since when a queued mail has been waiting for a projection it needs (the recipient's user.*
-- event, the product's product.upserted, a payment.failed) that has not arrived yet. Such a wait
-- is not an SMTP attempt: it has its own, much longer budget (moa.mail.sending.projection-wait)
-- instead of max-attempts. NULL when the mail is not waiting (any other outcome clears it).
ALTER TABLE deliveries ADD COLUMN waiting_since timestamptz;
