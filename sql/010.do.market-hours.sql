-- Market hours (GET /marketdata/v1/markets; the schedule fetches them, the pollers too): one row per market, product
-- and day, upserted on that key, so the latest body about a day wins (an early close announced later replaces the
-- regular hours). Session windows are instants (timestamptz): Schwab sends them with the US/Eastern offset.
-- Ownership and the reader's grants come from `db roles` (src/db/roles.ts), which covers every table of the schema.
CREATE TABLE market_hours (
    market                TEXT NOT NULL,        -- the body's marketType in lower case: equity, option, bond, future, forex
    product               TEXT NOT NULL,        -- product: EQ, EQO, IND, ...; on a closed day the market's own name
    product_name          TEXT,                 -- productName: equity, equity option, index option (absent on closed days)
    date                  DATE NOT NULL,        -- date
    is_open               BOOLEAN NOT NULL,     -- isOpen
    pre_market_start      TIMESTAMPTZ,          -- sessionHours.preMarket: earliest start
    pre_market_end        TIMESTAMPTZ,          -- sessionHours.preMarket: latest end
    regular_market_start  TIMESTAMPTZ,          -- sessionHours.regularMarket
    regular_market_end    TIMESTAMPTZ,
    post_market_start     TIMESTAMPTZ,          -- sessionHours.postMarket
    post_market_end       TIMESTAMPTZ,
    session_hours         JSONB,                -- sessionHours as sent (every span, any session name)
    received_at           TIMESTAMPTZ NOT NULL, -- capture time of the body that last wrote the row
    seq                   BIGINT,               -- the recording line that body came from
    PRIMARY KEY (market, product, date)
);
CREATE INDEX idx_market_hours_date ON market_hours (date);
COMMENT ON TABLE market_hours IS 'GET /marketdata/v1/markets bodies: one row per market, product and day, the latest body wins.';
COMMENT ON COLUMN market_hours.product IS 'The product code (EQ, EQO, IND, ...). On a closed day Schwab sends one product named after the market (equity, option) without sessionHours.';
