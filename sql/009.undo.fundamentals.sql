-- Reverses 009.
ALTER TABLE symbols DROP COLUMN cusip;
DROP TABLE fundamentals;
