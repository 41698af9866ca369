-- Schwab's send time of every streamed row: the `timestamp` of the data block it came in (ms since the epoch), so
-- that the feed's delay (received_at - sent_at) can be measured per row. Rows recorded before this are NULL, as are
-- REST rows of price_data (a REST body has no send time).
ALTER TABLE equity_quotes ADD COLUMN sent_at TIMESTAMPTZ;
ALTER TABLE option_quotes ADD COLUMN sent_at TIMESTAMPTZ;
ALTER TABLE account_activity ADD COLUMN sent_at TIMESTAMPTZ;
ALTER TABLE price_data ADD COLUMN sent_at TIMESTAMPTZ;
