-- Reverses 010.
DROP TABLE market_hours;
