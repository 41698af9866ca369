-- Order books (NYSE_BOOK, NASDAQ_BOOK, OPTIONS_BOOK) and screeners (SCREENER_EQUITY, SCREENER_OPTION). Both services
-- send whole data (no deltas, nothing to merge): a book item is the whole book of one symbol, a screener item the
-- whole ranked list of one screener key. Partitioned daily on received_at with a DEFAULT partition, like the tick
-- tables of 002; prices are double precision. docs/protocol.md lists where real frames differ from the Guide.
-- Ownership and the reader's grants come from `db roles` (src/db/roles.ts), which covers every table of the schema.

-- One row per book item. Price levels are parallel arrays, best first (bids high to low, asks low to high, as
-- Schwab sends them), so the best bid is bid_prices[1] with bid_sizes[1] behind it from bid_venue_counts[1] venues.
CREATE TABLE book_snapshots (
    received_at        TIMESTAMPTZ NOT NULL,
    service            TEXT NOT NULL,        -- NYSE_BOOK, NASDAQ_BOOK or OPTIONS_BOOK
    symbol             TEXT NOT NULL,        -- 0 (key): "F", "AMD", or a space-padded OCC symbol for OPTIONS_BOOK
    book_time          TIMESTAMPTZ,          -- 1, market snapshot time
    bid_prices         DOUBLE PRECISION[],   -- 2, level field 0 per level
    bid_sizes          BIGINT[],             -- 2, level field 1: aggregate size (shares; contracts for OPTIONS_BOOK)
    bid_venue_counts   INTEGER[],            -- 2, level field 2: number of venues (market makers) at the level
    bid_venues         JSONB,                -- 2, level field 3: per level an array of {venue, size, time_et_ms}
    ask_prices         DOUBLE PRECISION[],   -- 3, alike
    ask_sizes          BIGINT[],             -- 3
    ask_venue_counts   INTEGER[],            -- 3
    ask_venues         JSONB,                -- 3
    seq                BIGINT,               -- the recording line this row was decoded from
    sent_at            TIMESTAMPTZ           -- the data block's timestamp (Schwab's send time)
) PARTITION BY RANGE (received_at);
CREATE TABLE book_snapshots_default PARTITION OF book_snapshots DEFAULT;
CREATE INDEX idx_book_snapshots_symbol_received ON book_snapshots (symbol, received_at);
COMMENT ON COLUMN book_snapshots.bid_venues IS
    'Per bid level (same order as bid_prices) an array of {"venue": id as sent, "size": size, "time_et_ms": quote time}. time_et_ms is kept raw: milliseconds since midnight US/Eastern of the book''s day (real frames; the Guide says only "milliseconds"). As an instant: (date_trunc(''day'', book_time AT TIME ZONE ''America/New_York'') + time_et_ms * interval ''1 ms'') AT TIME ZONE ''America/New_York''.';
COMMENT ON COLUMN book_snapshots.ask_venues IS 'Per ask level, as bid_venues.';
COMMENT ON COLUMN book_snapshots.bid_sizes IS 'Aggregate size per level as sent: shares for NYSE_BOOK and NASDAQ_BOOK, contracts for OPTIONS_BOOK.';

-- One row per ranked entry of a screener item; rank is the 1-based position in the item's list.
CREATE TABLE screener_items (
    received_at          TIMESTAMPTZ NOT NULL,
    source               TEXT NOT NULL CHECK (source IN ('stream', 'rest')),
    service              TEXT,                 -- SCREENER_EQUITY or SCREENER_OPTION (stream rows)
    screener_key         TEXT NOT NULL,        -- 0 (key): PREFIX_SORTFIELD_FREQUENCY, e.g. NYSE_VOLUME_5
    sort_field           TEXT,                 -- 2: VOLUME, TRADES, PERCENT_CHANGE_UP, ...
    frequency            INTEGER,              -- 3: minutes, 0 = all day
    snapshot_time        TIMESTAMPTZ,          -- 1
    rank                 INTEGER NOT NULL,     -- position in field 4, from 1
    symbol               TEXT NOT NULL,        -- 4.symbol (space-padded OCC symbol for SCREENER_OPTION)
    description          TEXT,                 -- 4.description
    last_price           DOUBLE PRECISION,     -- 4.lastPrice
    net_change           DOUBLE PRECISION,     -- 4.netChange
    net_percent_change   DOUBLE PRECISION,     -- 4.netPercentChange: a FRACTION (0.0318 = 3.18 %)
    market_share         DOUBLE PRECISION,     -- 4.marketShare: a PERCENT of the market's total of the sort field
    total_volume         BIGINT,               -- 4.totalVolume: of the whole screened market, the same on every entry
    volume               BIGINT,               -- 4.volume: of this symbol over the frequency
    trades               BIGINT,               -- 4.trades: of this symbol over the frequency
    seq                  BIGINT,               -- the recording line this row was decoded from
    sent_at              TIMESTAMPTZ           -- the data block's timestamp (Schwab's send time); NULL for REST rows
) PARTITION BY RANGE (received_at);
CREATE TABLE screener_items_default PARTITION OF screener_items DEFAULT;
CREATE INDEX idx_screener_items_symbol_received ON screener_items (symbol, received_at);
CREATE INDEX idx_screener_items_key_received ON screener_items (screener_key, received_at);
COMMENT ON COLUMN screener_items.net_percent_change IS
    'A fraction, not a percent: 0.0318 means +3.18 % (unlike the level-one percent fields). A 2024-06-21 capture has 1 on every entry with net_change equal to last_price (as REST movers did): stored as sent.';
COMMENT ON COLUMN screener_items.market_share IS 'A percent of the screened market''s total of the sort field: volume / total_volume * 100 for VOLUME screeners, this symbol''s share of all trades for TRADES screeners (real captures).';
COMMENT ON COLUMN screener_items.source IS '''stream'' for SCREENER_EQUITY/SCREENER_OPTION items, ''rest'' for REST movers.';
