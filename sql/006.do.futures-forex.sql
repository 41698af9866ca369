-- Level one for futures, futures options and forex (LEVELONE_FUTURES, LEVELONE_FUTURES_OPTIONS, LEVELONE_FOREX),
-- the same way as equity_quotes and option_quotes (002): one row per received item, merged with the key's earlier
-- items (Schwab sends a snapshot and then only changed fields), partitioned daily on received_at with a DEFAULT
-- partition. Prices are double precision; the counts the Streamer Guide types long are BIGINT (forex sizes are
-- currency units in the millions). Column comments give the Schwab field number and what real captures show
-- (docs/protocol.md lists where they differ from the Guide). One index (symbol, received_at) serves both "latest row
-- of a symbol" (ORDER BY received_at DESC LIMIT 1) and "a symbol over a time range". CHART_FUTURES bars go to
-- price_data with the equity bars. Ownership and the reader's grants come from `db roles` (src/db/roles.ts), which
-- covers every table of the schema.

CREATE TABLE futures_quotes (
    received_at                 TIMESTAMPTZ NOT NULL,
    symbol                      TEXT NOT NULL,      -- 0, "/ES" (front month) or "/ESZ25"
    bid_price                   DOUBLE PRECISION,   -- 1
    ask_price                   DOUBLE PRECISION,   -- 2
    last_price                  DOUBLE PRECISION,   -- 3
    bid_size                    BIGINT,             -- 4
    ask_size                    BIGINT,             -- 5
    bid_id                      TEXT,               -- 6 ("?": all quotes are CME)
    ask_id                      TEXT,               -- 7 ("?")
    total_volume                BIGINT,             -- 8
    last_size                   BIGINT,             -- 9
    quote_time                  TIMESTAMPTZ,        -- 10
    trade_time                  TIMESTAMPTZ,        -- 11
    high_price                  DOUBLE PRECISION,   -- 12
    low_price                   DOUBLE PRECISION,   -- 13
    close_price                 DOUBLE PRECISION,   -- 14
    exchange_id                 TEXT,               -- 15 ("@" in captures)
    description                 TEXT,               -- 16
    last_id                     TEXT,               -- 17 ("?")
    open_price                  DOUBLE PRECISION,   -- 18
    net_change                  DOUBLE PRECISION,   -- 19
    future_percent_change       DOUBLE PRECISION,   -- 20 (percent: -0.84 = -0.84 %)
    exchange_name               TEXT,               -- 21 (MIC: XCME, XNYM)
    security_status             TEXT,               -- 22
    open_interest               BIGINT,             -- 23
    mark                        DOUBLE PRECISION,   -- 24
    tick                        DOUBLE PRECISION,   -- 25
    tick_amount                 DOUBLE PRECISION,   -- 26
    product                     TEXT,               -- 27
    future_price_format         TEXT,               -- 28 ("D,D")
    future_trading_hours        TEXT,               -- 29 (GLBX(de=1640;0=...))
    future_is_tradable          BOOLEAN,            -- 30
    future_multiplier           DOUBLE PRECISION,   -- 31
    future_is_active            BOOLEAN,            -- 32
    future_settlement_price     DOUBLE PRECISION,   -- 33
    future_active_symbol        TEXT,               -- 34 (/ESU24)
    future_expiration_date      TIMESTAMPTZ,        -- 35 (ms: midnight ET of the last day)
    expiration_style            TEXT,               -- 36
    ask_time                    TIMESTAMPTZ,        -- 37
    bid_time                    TIMESTAMPTZ,        -- 38
    quoted_in_session           BOOLEAN,            -- 39
    settlement_date             TIMESTAMPTZ,        -- 40 (ms; the session date in captures)
    delayed                     BOOLEAN,            -- first-item metadata
    asset_main_type             TEXT,               -- FUTURE, FUTURE_OPTION, FOREX
    sentinel_fields             TEXT[],             -- columns stored NULL because Schwab sent a sentinel
    seq                         BIGINT,             -- the recording line this row was decoded from
    sent_at                     TIMESTAMPTZ         -- the data block's timestamp (Schwab's send time)
) PARTITION BY RANGE (received_at);
CREATE TABLE futures_quotes_default PARTITION OF futures_quotes DEFAULT;
CREATE INDEX idx_futures_quotes_symbol_received ON futures_quotes (symbol, received_at);

CREATE TABLE futures_option_quotes (
    received_at                 TIMESTAMPTZ NOT NULL,
    symbol                      TEXT NOT NULL,      -- 0, "./OZCZ23C565"
    bid_price                   DOUBLE PRECISION,   -- 1
    ask_price                   DOUBLE PRECISION,   -- 2
    last_price                  DOUBLE PRECISION,   -- 3
    bid_size                    BIGINT,             -- 4
    ask_size                    BIGINT,             -- 5
    bid_id                      TEXT,               -- 6 (63 in captures: the code of "?", stored as sent)
    ask_id                      TEXT,               -- 7 (63)
    total_volume                BIGINT,             -- 8
    last_size                   BIGINT,             -- 9
    quote_time                  TIMESTAMPTZ,        -- 10
    trade_time                  TIMESTAMPTZ,        -- 11
    high_price                  DOUBLE PRECISION,   -- 12
    low_price                   DOUBLE PRECISION,   -- 13
    close_price                 DOUBLE PRECISION,   -- 14
    last_id                     TEXT,               -- 15 (63)
    description                 TEXT,               -- 16
    open_price                  DOUBLE PRECISION,   -- 17
    open_interest               BIGINT,             -- 18
    mark                        DOUBLE PRECISION,   -- 19
    tick                        DOUBLE PRECISION,   -- 20
    tick_amount                 DOUBLE PRECISION,   -- 21
    future_multiplier           DOUBLE PRECISION,   -- 22
    future_settlement_price     DOUBLE PRECISION,   -- 23
    underlying_symbol           TEXT,               -- 24 (/ESM24)
    strike_price                DOUBLE PRECISION,   -- 25
    future_expiration_date      TIMESTAMPTZ,        -- 26
    expiration_style            TEXT,               -- 27 (Weeklys)
    contract_type               TEXT,               -- 28 (C/P)
    security_status             TEXT,               -- 29
    exchange                    TEXT,               -- 30 ("@")
    exchange_name               TEXT,               -- 31
    delayed                     BOOLEAN,            -- first-item metadata
    asset_main_type             TEXT,               -- FUTURE, FUTURE_OPTION, FOREX
    sentinel_fields             TEXT[],             -- columns stored NULL because Schwab sent a sentinel
    seq                         BIGINT,             -- the recording line this row was decoded from
    sent_at                     TIMESTAMPTZ         -- the data block's timestamp (Schwab's send time)
) PARTITION BY RANGE (received_at);
CREATE TABLE futures_option_quotes_default PARTITION OF futures_option_quotes DEFAULT;
CREATE INDEX idx_futures_option_quotes_symbol_received ON futures_option_quotes (symbol, received_at);

CREATE TABLE forex_quotes (
    received_at                 TIMESTAMPTZ NOT NULL,
    symbol                      TEXT NOT NULL,      -- 0, "EUR/USD"
    bid_price                   DOUBLE PRECISION,   -- 1
    ask_price                   DOUBLE PRECISION,   -- 2
    last_price                  DOUBLE PRECISION,   -- 3
    bid_size                    BIGINT,             -- 4
    ask_size                    BIGINT,             -- 5
    total_volume                BIGINT,             -- 6
    last_size                   BIGINT,             -- 7
    quote_time                  TIMESTAMPTZ,        -- 8
    trade_time                  TIMESTAMPTZ,        -- 9
    high_price                  DOUBLE PRECISION,   -- 10
    low_price                   DOUBLE PRECISION,   -- 11
    close_price                 DOUBLE PRECISION,   -- 12
    exchange                    TEXT,               -- 13 ("!")
    description                 TEXT,               -- 14
    open_price                  DOUBLE PRECISION,   -- 15
    net_change                  DOUBLE PRECISION,   -- 16
    percent_change              DOUBLE PRECISION,   -- 17 (0 in every capture)
    exchange_name               TEXT,               -- 18 (GFT)
    digits                      INTEGER,            -- 19
    security_status             TEXT,               -- 20
    tick                        DOUBLE PRECISION,   -- 21
    tick_amount                 DOUBLE PRECISION,   -- 22
    product                     TEXT,               -- 23
    trading_hours               TEXT,               -- 24
    is_tradable                 BOOLEAN,            -- 25
    market_maker                TEXT,               -- 26
    high_52_week                DOUBLE PRECISION,   -- 27
    low_52_week                 DOUBLE PRECISION,   -- 28
    mark                        DOUBLE PRECISION,   -- 29
    delayed                     BOOLEAN,            -- first-item metadata
    asset_main_type             TEXT,               -- FUTURE, FUTURE_OPTION, FOREX
    sentinel_fields             TEXT[],             -- columns stored NULL because Schwab sent a sentinel
    seq                         BIGINT,             -- the recording line this row was decoded from
    sent_at                     TIMESTAMPTZ         -- the data block's timestamp (Schwab's send time)
) PARTITION BY RANGE (received_at);
CREATE TABLE forex_quotes_default PARTITION OF forex_quotes DEFAULT;
CREATE INDEX idx_forex_quotes_symbol_received ON forex_quotes (symbol, received_at);
