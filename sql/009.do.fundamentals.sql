-- Instruments' fundamentals (GET /marketdata/v1/instruments?projection=fundamental, polled daily for the recorded
-- equities) and the CUSIP an instruments body gives a symbol. One row per symbol and trading day (as_of_date: the
-- capture's date in New York): a second poll or replay the same day updates the row, never adds one.
-- Every field of Schwab's FundamentalInst is a column, in the spec's order, named after it (snake case; the
-- comment is Schwab's name). Ratios, margins and percentages are as Schwab sends them (percent, not fractions:
-- dividendYield 0.44084 is 0.44 %). Counts that Schwab types as numbers (shares, volumes, market cap) are
-- DOUBLE PRECISION like the prices: exact to 2^53, and a fractional value is stored, not refused.
-- Dates arrive as "2024-06-28 00:00:00.0" and are stored as the date written. Ownership and grants: `db roles`.
CREATE TABLE fundamentals (
    symbol                      TEXT NOT NULL,
    as_of_date                  DATE NOT NULL,
    high_52                     DOUBLE PRECISION,   -- high52
    low_52                      DOUBLE PRECISION,   -- low52
    dividend_amount             DOUBLE PRECISION,   -- dividendAmount (annual)
    dividend_yield              DOUBLE PRECISION,   -- dividendYield (percent)
    dividend_date               DATE,               -- dividendDate (last ex-dividend date)
    pe_ratio                    DOUBLE PRECISION,   -- peRatio
    peg_ratio                   DOUBLE PRECISION,   -- pegRatio
    pb_ratio                    DOUBLE PRECISION,   -- pbRatio
    pr_ratio                    DOUBLE PRECISION,   -- prRatio
    pcf_ratio                   DOUBLE PRECISION,   -- pcfRatio
    gross_margin_ttm            DOUBLE PRECISION,   -- grossMarginTTM
    gross_margin_mrq            DOUBLE PRECISION,   -- grossMarginMRQ
    net_profit_margin_ttm       DOUBLE PRECISION,   -- netProfitMarginTTM
    net_profit_margin_mrq       DOUBLE PRECISION,   -- netProfitMarginMRQ
    operating_margin_ttm        DOUBLE PRECISION,   -- operatingMarginTTM
    operating_margin_mrq        DOUBLE PRECISION,   -- operatingMarginMRQ
    return_on_equity            DOUBLE PRECISION,   -- returnOnEquity
    return_on_assets            DOUBLE PRECISION,   -- returnOnAssets
    return_on_investment        DOUBLE PRECISION,   -- returnOnInvestment
    quick_ratio                 DOUBLE PRECISION,   -- quickRatio
    current_ratio               DOUBLE PRECISION,   -- currentRatio
    interest_coverage           DOUBLE PRECISION,   -- interestCoverage
    total_debt_to_capital       DOUBLE PRECISION,   -- totalDebtToCapital
    lt_debt_to_equity           DOUBLE PRECISION,   -- ltDebtToEquity
    total_debt_to_equity        DOUBLE PRECISION,   -- totalDebtToEquity
    eps_ttm                     DOUBLE PRECISION,   -- epsTTM
    eps_change_percent_ttm      DOUBLE PRECISION,   -- epsChangePercentTTM
    eps_change_year             DOUBLE PRECISION,   -- epsChangeYear
    eps_change                  DOUBLE PRECISION,   -- epsChange
    rev_change_year             DOUBLE PRECISION,   -- revChangeYear
    rev_change_ttm              DOUBLE PRECISION,   -- revChangeTTM
    rev_change_in               DOUBLE PRECISION,   -- revChangeIn
    shares_outstanding          DOUBLE PRECISION,   -- sharesOutstanding
    market_cap_float            DOUBLE PRECISION,   -- marketCapFloat
    market_cap                  DOUBLE PRECISION,   -- marketCap
    book_value_per_share        DOUBLE PRECISION,   -- bookValuePerShare
    short_int_to_float          DOUBLE PRECISION,   -- shortIntToFloat
    short_int_day_to_cover      DOUBLE PRECISION,   -- shortIntDayToCover
    div_growth_rate_3_year      DOUBLE PRECISION,   -- divGrowthRate3Year
    dividend_pay_amount         DOUBLE PRECISION,   -- dividendPayAmount (per payment)
    dividend_pay_date           DATE,               -- dividendPayDate
    beta                        DOUBLE PRECISION,   -- beta
    vol_1_day_avg               DOUBLE PRECISION,   -- vol1DayAvg
    vol_10_day_avg              DOUBLE PRECISION,   -- vol10DayAvg
    vol_3_month_avg             DOUBLE PRECISION,   -- vol3MonthAvg
    avg_10_days_volume          DOUBLE PRECISION,   -- avg10DaysVolume
    avg_1_day_volume            DOUBLE PRECISION,   -- avg1DayVolume
    avg_3_month_volume          DOUBLE PRECISION,   -- avg3MonthVolume
    declaration_date            DATE,               -- declarationDate
    dividend_freq               INTEGER,            -- dividendFreq (payments a year)
    eps                         DOUBLE PRECISION,   -- eps
    corpaction_date             DATE,               -- corpactionDate (in the spec; no real body has sent it)
    dtn_volume                  DOUBLE PRECISION,   -- dtnVolume
    next_dividend_pay_date      DATE,               -- nextDividendPayDate
    next_dividend_date          DATE,               -- nextDividendDate
    fund_leverage_factor        DOUBLE PRECISION,   -- fundLeverageFactor
    fund_strategy               TEXT,               -- fundStrategy (in the spec; no real body has sent it)
    received_at                 TIMESTAMPTZ NOT NULL, -- capture time of the body the row holds (the day's newest)
    CONSTRAINT fundamentals_pkey PRIMARY KEY (symbol, as_of_date)
);
CREATE INDEX idx_fundamentals_date ON fundamentals (as_of_date);

-- The CUSIP of a symbol, from instruments bodies (only filled where unknown, like the rest of their symbol data).
ALTER TABLE symbols ADD COLUMN cusip TEXT;
