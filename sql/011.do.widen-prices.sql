-- Transaction item prices as Schwab sends them. The seed's NUMERIC(12,4) rounded the 5-decimal prices of dividend
-- reinvestments (71.38722 in a real body, samples/rest-transactions.json) to 4 decimals. DOUBLE PRECISION, as the
-- tick tables' prices: Schwab sends JSON doubles, and a double holds every one of them as sent (no rounding, no
-- ceiling that fails a row). Stored values (at most 12 significant digits) read back as
-- they were.
ALTER TABLE transaction_items ALTER COLUMN price TYPE DOUBLE PRECISION;
