-- payment.failed → what a failed charge asked for. The "payment failed" mail states this
-- amount: a renewal with a downgrade pending charges the new plan's price, while
-- subscription.past-due carries the current plan's.
CREATE TABLE mail_failed_payments (
    payment_id uuid       PRIMARY KEY,
    amount     bigint     NOT NULL,
    currency   varchar(3) NOT NULL
);
