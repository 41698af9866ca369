-- Tables for what the streamer carries, and the recorder's own bookkeeping.
-- Tick tables are partitioned daily on received_at (the capture time, always present and nearly monotonic, so
-- COPY lands in one partition). Prices are double precision: Schwab sends JSON doubles, and a tick table must take
-- every value without rounding or overflow. Column comments give the Schwab field number.

CREATE TABLE equity_quotes (
    received_at                    TIMESTAMPTZ NOT NULL,
    symbol                         TEXT NOT NULL,              -- 0
    bid_price                      DOUBLE PRECISION,           -- 1
    ask_price                      DOUBLE PRECISION,           -- 2
    last_price                     DOUBLE PRECISION,           -- 3
    bid_size                       INTEGER,                    -- 4 (units changed late 2025: stored raw)
    ask_size                       INTEGER,                    -- 5
    ask_id                         TEXT,                       -- 6
    bid_id                         TEXT,                       -- 7
    total_volume                   BIGINT,                     -- 8
    last_size                      BIGINT,                     -- 9
    high_price                     DOUBLE PRECISION,           -- 10
    low_price                      DOUBLE PRECISION,           -- 11
    close_price                    DOUBLE PRECISION,           -- 12
    exchange_id                    TEXT,                       -- 13
    marginable                     BOOLEAN,                    -- 14
    description                    TEXT,                       -- 15
    last_id                        TEXT,                       -- 16
    open_price                     DOUBLE PRECISION,           -- 17
    net_change                     DOUBLE PRECISION,           -- 18
    high_52_week                   DOUBLE PRECISION,           -- 19
    low_52_week                    DOUBLE PRECISION,           -- 20
    pe_ratio                       DOUBLE PRECISION,           -- 21
    annual_dividend_amount         DOUBLE PRECISION,           -- 22
    dividend_yield                 DOUBLE PRECISION,           -- 23
    nav                            DOUBLE PRECISION,           -- 24
    exchange_name                  TEXT,                       -- 25
    dividend_date                  DATE,                       -- 26 ("2024-05-15 00:00:00.0")
    regular_market_quote           BOOLEAN,                    -- 27
    regular_market_trade           BOOLEAN,                    -- 28
    regular_market_last_price      DOUBLE PRECISION,           -- 29
    regular_market_last_size       INTEGER,                    -- 30
    regular_market_net_change      DOUBLE PRECISION,           -- 31
    security_status                TEXT,                       -- 32
    mark_price                     DOUBLE PRECISION,           -- 33
    quote_time                     TIMESTAMPTZ,                -- 34
    trade_time                     TIMESTAMPTZ,                -- 35
    regular_market_trade_time      TIMESTAMPTZ,                -- 36
    bid_time                       TIMESTAMPTZ,                -- 37
    ask_time                       TIMESTAMPTZ,                -- 38
    ask_mic_id                     TEXT,                       -- 39
    bid_mic_id                     TEXT,                       -- 40
    last_mic_id                    TEXT,                       -- 41
    net_percent_change             DOUBLE PRECISION,           -- 42
    regular_market_percent_change  DOUBLE PRECISION,           -- 43
    mark_price_net_change          DOUBLE PRECISION,           -- 44
    mark_price_percent_change      DOUBLE PRECISION,           -- 45
    hard_to_borrow_quantity        BIGINT,                     -- 46 (-1 → NULL)
    hard_to_borrow_rate            DOUBLE PRECISION,           -- 47
    hard_to_borrow                 BOOLEAN,                    -- 48 (-1 → NULL)
    shortable                      BOOLEAN,                    -- 49 (-1 → NULL)
    post_market_net_change         DOUBLE PRECISION,           -- 50
    post_market_percent_change     DOUBLE PRECISION,           -- 51
    delayed                        BOOLEAN,                    -- first-item metadata
    asset_main_type                TEXT,
    asset_sub_type                 TEXT,
    cusip                          TEXT,
    sentinel_fields                TEXT[],                     -- columns stored NULL because Schwab sent a sentinel
    seq                            BIGINT                      -- the recording line this row was decoded from
) PARTITION BY RANGE (received_at);
CREATE TABLE equity_quotes_default PARTITION OF equity_quotes DEFAULT;
CREATE INDEX idx_equity_quotes_symbol_received ON equity_quotes (symbol, received_at);

CREATE TABLE option_quotes (
    received_at                 TIMESTAMPTZ NOT NULL,
    symbol                      TEXT NOT NULL,                 -- 0, the padded OCC symbol
    expiration_date             DATE,                          -- parsed from the OCC symbol
    description                 TEXT,                          -- 1
    bid_price                   DOUBLE PRECISION,              -- 2
    ask_price                   DOUBLE PRECISION,              -- 3
    last_price                  DOUBLE PRECISION,              -- 4
    high_price                  DOUBLE PRECISION,              -- 5
    low_price                   DOUBLE PRECISION,              -- 6
    close_price                 DOUBLE PRECISION,              -- 7
    total_volume                BIGINT,                        -- 8
    open_interest               BIGINT,                        -- 9
    volatility                  DOUBLE PRECISION,              -- 10 (percent)
    money_intrinsic_value       DOUBLE PRECISION,              -- 11
    expiration_year             INTEGER,                       -- 12
    multiplier                  DOUBLE PRECISION,              -- 13
    digits                      INTEGER,                       -- 14
    open_price                  DOUBLE PRECISION,              -- 15
    bid_size                    INTEGER,                       -- 16
    ask_size                    INTEGER,                       -- 17
    last_size                   INTEGER,                       -- 18
    net_change                  DOUBLE PRECISION,              -- 19
    strike_price                DOUBLE PRECISION,              -- 20
    contract_type               TEXT,                          -- 21 (C/P)
    underlying                  TEXT,                          -- 22
    expiration_month            INTEGER,                       -- 23
    deliverables                TEXT,                          -- 24
    time_value                  DOUBLE PRECISION,              -- 25
    expiration_day              INTEGER,                       -- 26
    days_to_expiration          INTEGER,                       -- 27
    delta                       DOUBLE PRECISION,              -- 28
    gamma                       DOUBLE PRECISION,              -- 29
    theta                       DOUBLE PRECISION,              -- 30
    vega                        DOUBLE PRECISION,              -- 31
    rho                         DOUBLE PRECISION,              -- 32
    security_status             TEXT,                          -- 33
    theoretical_option_value    DOUBLE PRECISION,              -- 34
    underlying_price            DOUBLE PRECISION,              -- 35
    uv_expiration_type          TEXT,                          -- 36
    mark_price                  DOUBLE PRECISION,              -- 37
    quote_time                  TIMESTAMPTZ,                   -- 38
    trade_time                  TIMESTAMPTZ,                   -- 39
    exchange                    TEXT,                          -- 40
    exchange_name               TEXT,                          -- 41
    last_trading_day            TIMESTAMPTZ,                   -- 42
    settlement_type             TEXT,                          -- 43
    net_percent_change          DOUBLE PRECISION,              -- 44
    mark_price_net_change       DOUBLE PRECISION,              -- 45
    mark_price_percent_change   DOUBLE PRECISION,              -- 46
    implied_yield               DOUBLE PRECISION,              -- 47
    is_penny_pilot              BOOLEAN,                       -- 48
    option_root                 TEXT,                          -- 49
    high_52_week                DOUBLE PRECISION,              -- 50
    low_52_week                 DOUBLE PRECISION,              -- 51
    indicative_ask_price        DOUBLE PRECISION,              -- 52
    indicative_bid_price        DOUBLE PRECISION,              -- 53
    indicative_quote_time       TIMESTAMPTZ,                   -- 54
    exercise_type               TEXT,                          -- 55
    delayed                     BOOLEAN,                       -- first-item metadata
    asset_main_type             TEXT,
    cusip                       TEXT,
    sentinel_fields             TEXT[],
    seq                         BIGINT
) PARTITION BY RANGE (received_at);
CREATE TABLE option_quotes_default PARTITION OF option_quotes DEFAULT;
CREATE INDEX idx_option_quotes_symbol_received ON option_quotes (symbol, received_at);
CREATE INDEX idx_option_quotes_underlying_received ON option_quotes (underlying, received_at);

-- ACCT_ACTIVITY messages. The plain account number Schwab sends is never stored: account_display keeps its
-- last three characters ("...123", as Schwab's own displayAcctId does).
CREATE TABLE account_activity (
    received_at       TIMESTAMPTZ NOT NULL,
    subscription_key  TEXT,
    activity_seq      INTEGER,                 -- Schwab's seq: restarts at 0 on every subscription
    account_display   TEXT,
    message_type      TEXT NOT NULL,           -- SUBSCRIBED, OrderCreated, ... ('' for free-text notices)
    schwab_order_id   BIGINT,                  -- SchwabOrderID from the message, when present and numeric
    message_data      JSONB,                   -- field 3 parsed, when it is JSON
    message_text      TEXT,                    -- field 3 as sent, when it is not JSON
    seq               BIGINT                   -- the recording line this row was decoded from
) PARTITION BY RANGE (received_at);
CREATE TABLE account_activity_default PARTITION OF account_activity DEFAULT;
CREATE INDEX idx_account_activity_received ON account_activity (received_at);
CREATE INDEX idx_account_activity_order ON account_activity (schwab_order_id);

CREATE TABLE stream_events (
    event_id      BIGSERIAL PRIMARY KEY,
    occurred_at   TIMESTAMPTZ NOT NULL,
    event         TEXT NOT NULL,               -- connected, disconnected, gap, login, subscribed, simulated_feed, ...
    service       TEXT,
    detail        JSONB,
    recording_id  TEXT,
    seq           BIGINT
);
CREATE INDEX idx_stream_events_time ON stream_events (occurred_at);
CREATE INDEX idx_stream_events_event_time ON stream_events (event, occurred_at);

-- Quarantine: a row or frame that could not be decoded or stored, with where it came from.
CREATE TABLE rejected_rows (
    rejected_id   BIGSERIAL PRIMARY KEY,
    rejected_at   TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    table_name    TEXT NOT NULL,
    reason        TEXT NOT NULL,
    raw_text      TEXT NOT NULL,
    recording_id  TEXT,
    seq           BIGINT
);
CREATE INDEX idx_rejected_rows_time ON rejected_rows (rejected_at);
CREATE INDEX idx_rejected_rows_position ON rejected_rows (recording_id, seq);

-- One row per recording: the last sequence number whose rows are committed. Updated in the same transaction
-- as the rows, so it is the exactly-once mark. decode_from_seq is where re-decoding must start to rebuild the
-- decoder's merge state as of last_seq (the last reconnect before it): a restart reads from there, not from seq 1.
CREATE TABLE recording_checkpoints (
    recording_id      TEXT PRIMARY KEY,
    last_seq          BIGINT NOT NULL,
    decode_from_seq   BIGINT NOT NULL DEFAULT 0,
    last_received_at  TIMESTAMPTZ,
    created_at        TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at        TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
