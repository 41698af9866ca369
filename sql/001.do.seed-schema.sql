-- The seed schema (shared/seed/database-architecture.md), 13 tables, with the changes PostgreSQL partitioning
-- and Schwab's real values require. Every change is listed with its reason in docs/schema.md.
-- Partitions other than DEFAULT are created by the recorder (src/db/partitions.ts), ahead of time and on demand.

-- ---------------------------------------------------------------- core

CREATE TABLE accounts (
    account_id      BIGSERIAL PRIMARY KEY,
    account_hash    VARCHAR(128) NOT NULL,          -- Schwab's hashValue is 64 characters (seed: 50)
    account_number  VARCHAR(50),                     -- stored only when config allows (default: never)
    display_name    VARCHAR(100),
    nickname        VARCHAR(100),
    account_type    VARCHAR(20),
    is_active       BOOLEAN DEFAULT TRUE,
    created_at      TIMESTAMPTZ DEFAULT NOW(),
    updated_at      TIMESTAMPTZ DEFAULT NOW(),
    -- the seed's UNIQUEs, named after the seed's indexes so no second, identical index is kept
    CONSTRAINT idx_accounts_hash UNIQUE (account_hash),
    CONSTRAINT accounts_account_number_key UNIQUE (account_number)
);
CREATE INDEX idx_accounts_type ON accounts (account_type);

CREATE TABLE symbols (
    symbol_id     BIGSERIAL PRIMARY KEY,
    symbol        VARCHAR(50) NOT NULL,              -- OCC option symbols are 21 characters (seed: 10)
    company_name  VARCHAR(200),
    description   TEXT,
    asset_type    VARCHAR(30),                       -- COLLECTIVE_INVESTMENT is 21 characters (seed: 20)
    exchange      VARCHAR(10),
    is_active     BOOLEAN DEFAULT TRUE,
    created_at    TIMESTAMPTZ DEFAULT NOW(),
    updated_at    TIMESTAMPTZ DEFAULT NOW(),
    CONSTRAINT idx_symbols_symbol UNIQUE (symbol)
);
CREATE INDEX idx_symbols_type ON symbols (asset_type);

-- Monthly on datetime_utc. The partition key must be part of every unique constraint; datetime_utc is a pure
-- function of datetime_ms, so (symbol, datetime_ms, frequency_type, datetime_utc) is as unique as the seed's key.
CREATE TABLE price_data (
    price_id                BIGSERIAL NOT NULL,
    symbol                  VARCHAR(10) NOT NULL,
    datetime_ms             BIGINT NOT NULL,
    datetime_utc            TIMESTAMPTZ NOT NULL,
    open_price              NUMERIC(12,4) NOT NULL,
    high_price              NUMERIC(12,4) NOT NULL,
    low_price               NUMERIC(12,4) NOT NULL,
    close_price             NUMERIC(12,4) NOT NULL,
    volume                  BIGINT NOT NULL,
    previous_close          NUMERIC(12,4),
    previous_close_date_ms  BIGINT,
    is_empty                BOOLEAN DEFAULT FALSE,
    data_source             VARCHAR(20) DEFAULT 'schwab_api',
    frequency_type          VARCHAR(10),
    created_at              TIMESTAMPTZ DEFAULT NOW(),
    PRIMARY KEY (price_id, datetime_utc),
    CONSTRAINT price_data_symbol_datetime_ms_frequency_type_key
        UNIQUE NULLS NOT DISTINCT (symbol, datetime_ms, frequency_type, datetime_utc)
) PARTITION BY RANGE (datetime_utc);
CREATE TABLE price_data_default PARTITION OF price_data DEFAULT;
CREATE INDEX idx_price_symbol_datetime ON price_data (symbol, datetime_utc);
CREATE INDEX idx_price_datetime ON price_data (datetime_utc);
CREATE INDEX idx_price_volume ON price_data (volume);

CREATE TABLE options_expirations (
    expiration_id       BIGSERIAL PRIMARY KEY,
    underlying_symbol   VARCHAR(10) NOT NULL,
    expiration_date     DATE NOT NULL,
    days_to_expiration  INTEGER,
    expiration_type     VARCHAR(1) NOT NULL,
    is_standard         BOOLEAN DEFAULT TRUE,
    is_leap             BOOLEAN DEFAULT FALSE,
    created_at          TIMESTAMPTZ DEFAULT NOW(),
    updated_at          TIMESTAMPTZ DEFAULT NOW(),
    CONSTRAINT idx_exp_symbol_date UNIQUE (underlying_symbol, expiration_date),
    CONSTRAINT options_expirations_expiration_type_check CHECK (expiration_type IN ('W', 'S', 'Q', 'M'))
);
CREATE INDEX idx_exp_type_dte ON options_expirations (expiration_type, days_to_expiration);

-- ---------------------------------------------------------------- options

-- Weekly on snapshot_datetime (weeks start Monday 00:00 UTC).
CREATE TABLE options_chains (
    chain_id                   BIGSERIAL NOT NULL,
    underlying_symbol          VARCHAR(10) NOT NULL,
    expiration_id              BIGINT REFERENCES options_expirations (expiration_id),
    snapshot_datetime          TIMESTAMPTZ NOT NULL,
    status                     VARCHAR(20),
    strategy                   VARCHAR(20) DEFAULT 'SINGLE',
    underlying_price           NUMERIC(12,4),
    underlying_bid             NUMERIC(12,4),
    underlying_ask             NUMERIC(12,4),
    underlying_last            NUMERIC(12,4),
    underlying_volume          BIGINT,
    underlying_change          NUMERIC(12,4),
    underlying_percent_change  NUMERIC(8,4),
    interest_rate              NUMERIC(8,6),
    implied_volatility         NUMERIC(12,4),           -- seed (8,4); see docs/schema.md
    is_delayed                 BOOLEAN DEFAULT FALSE,
    is_index                   BOOLEAN DEFAULT FALSE,
    created_at                 TIMESTAMPTZ DEFAULT NOW(),
    PRIMARY KEY (chain_id, snapshot_datetime),
    CONSTRAINT options_chains_underlying_symbol_expiration_id_snapshot_key
        UNIQUE NULLS NOT DISTINCT (underlying_symbol, expiration_id, snapshot_datetime)
) PARTITION BY RANGE (snapshot_datetime);
CREATE TABLE options_chains_default PARTITION OF options_chains DEFAULT;
CREATE INDEX idx_chains_symbol_snapshot ON options_chains (underlying_symbol, snapshot_datetime DESC);
CREATE INDEX idx_chains_expiration ON options_chains (expiration_id);

-- Follows its chain's snapshot week: snapshot_datetime is copied from the chain so the foreign key can reference
-- the chain's (chain_id, snapshot_datetime) key and a week's chains and contracts are dropped together.
CREATE TABLE options_contracts (
    contract_id               BIGSERIAL NOT NULL,
    chain_id                  BIGINT,
    snapshot_datetime         TIMESTAMPTZ NOT NULL,     -- added: partition key, from the chain
    underlying                VARCHAR(10),              -- added: for idx_contracts_underlying_exp_strike (not named
                                                        -- underlying_symbol: the seed's volume query would turn ambiguous)
    option_symbol             VARCHAR(50) NOT NULL,
    put_call                  VARCHAR(4) NOT NULL,
    strike_price              NUMERIC(12,4) NOT NULL,
    expiration_date           DATE NOT NULL,
    days_to_expiration        INTEGER,
    bid_price                 NUMERIC(12,4),
    ask_price                 NUMERIC(12,4),
    last_price                NUMERIC(12,4),
    mark_price                NUMERIC(12,4),
    bid_size                  INTEGER,
    ask_size                  INTEGER,
    last_size                 INTEGER,
    high_price                NUMERIC(12,4),
    low_price                 NUMERIC(12,4),
    open_price                NUMERIC(12,4),
    close_price               NUMERIC(12,4),
    total_volume              BIGINT,
    open_interest             BIGINT,
    volatility                NUMERIC(12,4),            -- seed (8,4): Schwab sends 7805.668 for deep ITM
    delta                     NUMERIC(8,6),
    gamma                     NUMERIC(8,6),
    theta                     NUMERIC(8,6),
    vega                      NUMERIC(8,6),
    rho                       NUMERIC(8,6),
    time_value                NUMERIC(12,4),
    intrinsic_value           NUMERIC(12,4),
    theoretical_option_value  NUMERIC(12,4),
    theoretical_volatility    NUMERIC(12,4),            -- seed (8,4), as volatility
    is_in_the_money           BOOLEAN,
    is_mini                   BOOLEAN DEFAULT FALSE,
    is_non_standard           BOOLEAN DEFAULT FALSE,
    is_index_option           BOOLEAN DEFAULT FALSE,
    is_penny_pilot            BOOLEAN DEFAULT FALSE,
    expiration_type           VARCHAR(1),
    multiplier                INTEGER DEFAULT 100,
    settlement_type           VARCHAR(1),
    deliverable_note          TEXT,
    option_root               VARCHAR(10),
    data_quality_flags        TEXT[],                   -- added: columns stored NULL because Schwab sent NaN, -999 or a value out of range
    created_at                TIMESTAMPTZ DEFAULT NOW(),
    PRIMARY KEY (contract_id, snapshot_datetime),
    CONSTRAINT options_contracts_chain_fkey FOREIGN KEY (chain_id, snapshot_datetime)
        REFERENCES options_chains (chain_id, snapshot_datetime) ON DELETE CASCADE,
    CONSTRAINT options_contracts_chain_option_symbol_key UNIQUE (chain_id, option_symbol, snapshot_datetime),
    CONSTRAINT options_contracts_put_call_check CHECK (put_call IN ('PUT', 'CALL')),
    CONSTRAINT options_contracts_expiration_type_check CHECK (expiration_type IN ('M', 'W', 'Q', 'S')),
    CONSTRAINT options_contracts_settlement_type_check CHECK (settlement_type IN ('A', 'P'))
) PARTITION BY RANGE (snapshot_datetime);
CREATE TABLE options_contracts_default PARTITION OF options_contracts DEFAULT;
CREATE INDEX idx_contracts_chain_type_strike ON options_contracts (chain_id, put_call, strike_price);
CREATE INDEX idx_contracts_symbol_exp ON options_contracts (option_symbol, expiration_date);
CREATE INDEX idx_contracts_underlying_exp_strike ON options_contracts (underlying, expiration_date, strike_price);
CREATE INDEX idx_contracts_volume ON options_contracts (total_volume);
CREATE INDEX idx_contracts_oi ON options_contracts (open_interest);

-- Partitioned like its contract, for the same foreign-key reason.
CREATE TABLE option_deliverables (
    deliverable_id     BIGSERIAL NOT NULL,
    contract_id        BIGINT,
    snapshot_datetime  TIMESTAMPTZ NOT NULL,            -- added: partition key, from the contract
    symbol             VARCHAR(20),
    asset_type         VARCHAR(20),
    deliverable_units  VARCHAR(50),
    currency_type      VARCHAR(10),
    PRIMARY KEY (deliverable_id, snapshot_datetime),
    CONSTRAINT option_deliverables_contract_fkey FOREIGN KEY (contract_id, snapshot_datetime)
        REFERENCES options_contracts (contract_id, snapshot_datetime) ON DELETE CASCADE
) PARTITION BY RANGE (snapshot_datetime);
CREATE TABLE option_deliverables_default PARTITION OF option_deliverables DEFAULT;
CREATE INDEX idx_deliverables_contract ON option_deliverables (contract_id);

-- ---------------------------------------------------------------- orders

CREATE TABLE orders (
    order_id                     BIGSERIAL PRIMARY KEY,
    schwab_order_id              BIGINT NOT NULL,
    account_id                   BIGINT REFERENCES accounts (account_id),
    session                      VARCHAR(20),
    duration                     VARCHAR(20),
    order_type                   VARCHAR(20),
    order_strategy_type          VARCHAR(20),
    complex_order_strategy_type  VARCHAR(50),
    quantity                     NUMERIC(15,4),
    filled_quantity              NUMERIC(15,4),
    remaining_quantity           NUMERIC(15,4),
    price                        NUMERIC(12,4),
    stop_price                   NUMERIC(12,4),
    status                       VARCHAR(50),
    status_description           TEXT,
    entered_time                 TIMESTAMPTZ,
    close_time                   TIMESTAMPTZ,
    cancel_time                  TIMESTAMPTZ,
    release_time                 TIMESTAMPTZ,
    cancelable                   BOOLEAN DEFAULT FALSE,
    editable                     BOOLEAN DEFAULT FALSE,
    created_at                   TIMESTAMPTZ DEFAULT NOW(),
    updated_at                   TIMESTAMPTZ DEFAULT NOW(),
    CONSTRAINT idx_orders_schwab_id UNIQUE (schwab_order_id)
);
CREATE INDEX idx_orders_account_status ON orders (account_id, status);
CREATE INDEX idx_orders_entered_time ON orders (entered_time);
CREATE INDEX idx_orders_status ON orders (status);

CREATE TABLE order_legs (
    leg_id                  BIGSERIAL PRIMARY KEY,
    order_id                BIGINT REFERENCES orders (order_id) ON DELETE CASCADE,
    schwab_leg_id           INTEGER,
    order_leg_type          VARCHAR(30),             -- COLLECTIVE_INVESTMENT is 21 characters (seed: 20)
    instruction             VARCHAR(20),
    position_effect         VARCHAR(20),
    quantity                NUMERIC(15,4),
    quantity_type           VARCHAR(20),
    instrument_cusip        VARCHAR(20),
    instrument_symbol       VARCHAR(50),
    instrument_description  TEXT,
    instrument_id           BIGINT,
    instrument_type         VARCHAR(50),
    instrument_net_change   NUMERIC(12,4),
    created_at              TIMESTAMPTZ DEFAULT NOW()
);
CREATE INDEX idx_legs_order ON order_legs (order_id);
CREATE INDEX idx_legs_symbol ON order_legs (instrument_symbol);
CREATE INDEX idx_legs_instruction ON order_legs (instruction);

CREATE TABLE order_activities (
    activity_id               BIGSERIAL PRIMARY KEY,
    order_id                  BIGINT REFERENCES orders (order_id) ON DELETE CASCADE,
    activity_type             VARCHAR(20),
    execution_type            VARCHAR(20),
    quantity                  NUMERIC(15,4),
    order_remaining_quantity  NUMERIC(15,4),
    created_at                TIMESTAMPTZ DEFAULT NOW()
);
CREATE INDEX idx_activities_order ON order_activities (order_id);
CREATE INDEX idx_activities_type ON order_activities (activity_type);

CREATE TABLE execution_legs (
    execution_id        BIGSERIAL PRIMARY KEY,
    activity_id         BIGINT REFERENCES order_activities (activity_id) ON DELETE CASCADE,
    leg_id              BIGINT REFERENCES order_legs (leg_id),
    price               NUMERIC(12,4),
    quantity            NUMERIC(15,4),
    mismarked_quantity  NUMERIC(15,4),
    instrument_id       BIGINT,
    execution_time      TIMESTAMPTZ,
    created_at          TIMESTAMPTZ DEFAULT NOW()
);
CREATE INDEX idx_executions_activity ON execution_legs (activity_id);
CREATE INDEX idx_executions_leg ON execution_legs (leg_id);
CREATE INDEX idx_executions_time ON execution_legs (execution_time);

-- ---------------------------------------------------------------- transactions

-- Monthly on transaction_time. schwab_activity_id stays unique per transaction_time (a transaction's time
-- never changes), plus a plain index for lookups by id alone.
CREATE TABLE transactions (
    transaction_id      BIGSERIAL NOT NULL,
    schwab_activity_id  BIGINT NOT NULL,
    account_id          BIGINT REFERENCES accounts (account_id),
    transaction_time    TIMESTAMPTZ NOT NULL,
    trade_date          DATE,
    settlement_date     DATE,
    description         TEXT,
    transaction_type    VARCHAR(50),
    activity_type       VARCHAR(50),
    status              VARCHAR(20),
    sub_account         VARCHAR(20),
    net_amount          NUMERIC(15,4),
    position_id         BIGINT,
    order_id            BIGINT REFERENCES orders (order_id),
    user_cd_domain_id   VARCHAR(50),
    user_login          VARCHAR(100),
    user_type           VARCHAR(20),
    user_id             BIGINT,
    user_system_name    VARCHAR(100),
    user_first_name     VARCHAR(100),
    user_last_name      VARCHAR(100),
    broker_rep_code     VARCHAR(20),
    created_at          TIMESTAMPTZ DEFAULT NOW(),
    updated_at          TIMESTAMPTZ DEFAULT NOW(),
    PRIMARY KEY (transaction_id, transaction_time),
    CONSTRAINT transactions_schwab_activity_id_key UNIQUE (schwab_activity_id, transaction_time)
) PARTITION BY RANGE (transaction_time);
CREATE TABLE transactions_default PARTITION OF transactions DEFAULT;
CREATE INDEX idx_transactions_account_time ON transactions (account_id, transaction_time);
CREATE INDEX idx_transactions_schwab_id ON transactions (schwab_activity_id);
CREATE INDEX idx_transactions_type_status ON transactions (transaction_type, status);
CREATE INDEX idx_transactions_trade_date ON transactions (trade_date);
CREATE INDEX idx_transactions_order_id ON transactions (order_id);

-- Partitioned like its transaction, for the foreign key.
CREATE TABLE transaction_items (
    item_id                 BIGSERIAL NOT NULL,
    transaction_id          BIGINT,
    transaction_time        TIMESTAMPTZ NOT NULL,        -- added: partition key, from the transaction
    amount                  NUMERIC(15,4),
    cost                    NUMERIC(15,4),
    price                   NUMERIC(12,4),
    position_effect         VARCHAR(20),
    fee_type                VARCHAR(30),                 -- LOW_PROCEEDS_COMMISSION is 23 characters (seed: 20)
    instrument_cusip        VARCHAR(20),
    instrument_symbol       VARCHAR(50),
    instrument_description  TEXT,
    instrument_id           BIGINT,
    instrument_type         VARCHAR(50),
    instrument_net_change   NUMERIC(12,4),
    created_at              TIMESTAMPTZ DEFAULT NOW(),
    PRIMARY KEY (item_id, transaction_time),
    CONSTRAINT transaction_items_transaction_fkey FOREIGN KEY (transaction_id, transaction_time)
        REFERENCES transactions (transaction_id, transaction_time) ON DELETE CASCADE
) PARTITION BY RANGE (transaction_time);
CREATE TABLE transaction_items_default PARTITION OF transaction_items DEFAULT;
CREATE INDEX idx_items_transaction ON transaction_items (transaction_id);
CREATE INDEX idx_items_symbol ON transaction_items (instrument_symbol);
CREATE INDEX idx_items_fee_type ON transaction_items (fee_type);
CREATE INDEX idx_items_position_effect ON transaction_items (position_effect);
