-- Reverses 003.
ALTER TABLE symbols ALTER COLUMN exchange TYPE VARCHAR(10) USING left(exchange, 10);
DROP INDEX idx_transactions_unlinked_order;
ALTER TABLE transactions DROP COLUMN schwab_order_id;
ALTER TABLE execution_legs DROP CONSTRAINT execution_legs_activity_leg_time_key;
ALTER TABLE order_activities
    DROP CONSTRAINT order_activities_order_activity_key,
    DROP COLUMN activity_ordinal,
    DROP COLUMN schwab_activity_id;
ALTER TABLE order_legs DROP CONSTRAINT order_legs_order_leg_key;
DROP INDEX idx_orders_parent;
ALTER TABLE orders
    DROP COLUMN parent_relation,
    DROP COLUMN parent_order_id;
