-- Reverses 011: prices rounded back to 4 decimals (a price of 10^8 or more no longer fits and fails the undo).
ALTER TABLE transaction_items ALTER COLUMN price TYPE NUMERIC(12,4) USING round(price::numeric, 4);
