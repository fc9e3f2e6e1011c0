-- An upgrade's charge records the plan it pays for as priced when it was charged: its settle
-- (possibly the reconciler's, minutes later) applies that plan, not the catalog's price of the
-- moment, which the seller may have changed in between. Other charges leave these empty.
ALTER TABLE payments
    ADD COLUMN plan_name           varchar(200),
    ADD COLUMN plan_billing_period varchar(10),
    ADD COLUMN plan_price          bigint;

-- Upgrades charged before this migration: the catalog's plan is the best record there is.
UPDATE payments p
SET plan_name = cp.name, plan_billing_period = cp.billing_period, plan_price = cp.price
FROM catalog_plans cp
WHERE p.kind = 'PRORATION' AND cp.id = p.plan_id;
