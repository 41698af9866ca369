-- Reverses 002.
DROP TABLE recording_checkpoints;
DROP TABLE rejected_rows;
DROP TABLE stream_events;
DROP TABLE account_activity;
DROP TABLE option_quotes;
DROP TABLE equity_quotes;
