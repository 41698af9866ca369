-- Reverses 006.
DROP TABLE forex_quotes;
DROP TABLE futures_option_quotes;
DROP TABLE futures_quotes;
