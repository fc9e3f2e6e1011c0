-- At most one charge in flight per subscription. Every change that charges (renewal, dunning
-- retry, a new payment method for a past-due subscription, an upgrade) first checks for one
-- under the subscription's row lock and answers 409 charge-in-progress; this index is the
-- database's guarantee behind that check, so no path can start a second charge for a
-- subscription whose first has not settled.
CREATE UNIQUE INDEX payments_one_pending ON payments (subscription_id) WHERE status = 'PENDING';
