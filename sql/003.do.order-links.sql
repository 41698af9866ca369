-- Keys the REST snapshot writers upsert on, links between orders, and one widened column. Every change is listed
-- with its reason in docs/schema.md (deviations from the seed).

-- An order nested in another order's childOrderStrategies (OCO, TRIGGER: relation CHILD) or replacingOrderCollection
-- (relation REPLACING) points at that order.
ALTER TABLE orders
    ADD COLUMN parent_order_id  BIGINT REFERENCES orders (order_id) ON DELETE SET NULL,
    ADD COLUMN parent_relation  VARCHAR(20);
CREATE INDEX idx_orders_parent ON orders (parent_order_id);

-- Schwab numbers an order's legs (legId): one row per (order, leg), so a re-polled order updates its legs.
ALTER TABLE order_legs
    ADD CONSTRAINT order_legs_order_leg_key UNIQUE NULLS NOT DISTINCT (order_id, schwab_leg_id);

-- An activity is Schwab's activityId within its order; one without an id (real CANCELED activities have none) is
-- its position in orderActivityCollection. Exactly one of the two is set.
ALTER TABLE order_activities
    ADD COLUMN schwab_activity_id  BIGINT,
    ADD COLUMN activity_ordinal    INTEGER,
    ADD CONSTRAINT order_activities_order_activity_key
        UNIQUE NULLS NOT DISTINCT (order_id, schwab_activity_id, activity_ordinal);

-- One execution of one leg at one time within an activity.
ALTER TABLE execution_legs
    ADD CONSTRAINT execution_legs_activity_leg_time_key UNIQUE NULLS NOT DISTINCT (activity_id, leg_id, execution_time);

-- A transaction keeps Schwab's orderId, so the order it belongs to links it whenever the order is stored: transactions
-- and orders are polled separately, and a fill's transaction can be seen before its order.
ALTER TABLE transactions ADD COLUMN schwab_order_id BIGINT;
CREATE INDEX idx_transactions_unlinked_order ON transactions (schwab_order_id)
    WHERE order_id IS NULL AND schwab_order_id IS NOT NULL;

-- Quotes name exchanges up to "Mutual Fund" (11 characters; seed: 10).
ALTER TABLE symbols ALTER COLUMN exchange TYPE VARCHAR(30);
