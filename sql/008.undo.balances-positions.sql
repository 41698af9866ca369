-- Reverses 008.
DROP TABLE positions;
DROP TABLE account_balances;
