-- Reverses 005.
ALTER TABLE price_data DROP COLUMN sent_at;
ALTER TABLE account_activity DROP COLUMN sent_at;
ALTER TABLE option_quotes DROP COLUMN sent_at;
ALTER TABLE equity_quotes DROP COLUMN sent_at;
