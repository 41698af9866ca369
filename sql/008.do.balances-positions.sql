-- Balances and positions of every account (issue 14 item 1): one account_balances row per account and
-- /trader/v1/accounts body, one positions row per position of it. Append-only snapshots (a replay adds nothing: the
-- recording checkpoint skips committed lines; seq says which line a row came from), partitioned monthly on
-- snapshot_time (the body's receive time) with a DEFAULT partition. Amounts are double precision like the tick
-- tables (docs/schema.md). Account numbers are never stored: bodies are recorded masked; account_hash is the
-- hashValue of the request path (/accounts/{hash}), account_display the masked number ("...678") the body shows.

CREATE TABLE account_balances (
    snapshot_time                          TIMESTAMPTZ NOT NULL, -- receive time of the body
    account_hash                           TEXT,                 -- hashValue of the path; NULL for the /accounts list
    account_display                        TEXT,                 -- securitiesAccount.accountNumber, masked ("...678")
    account_type                           TEXT,                 -- securitiesAccount.type: CASH, MARGIN
    round_trips                            INTEGER,              -- roundTrips
    is_day_trader                          BOOLEAN,              -- isDayTrader
    is_closing_only_restricted             BOOLEAN,              -- isClosingOnlyRestricted
    pfcb_flag                              BOOLEAN,              -- pfcbFlag
    accrued_interest                       DOUBLE PRECISION,     -- currentBalances.accruedInterest
    cash_balance                           DOUBLE PRECISION,     -- currentBalances.cashBalance
    cash_receipts                          DOUBLE PRECISION,     -- currentBalances.cashReceipts
    long_option_market_value               DOUBLE PRECISION,     -- currentBalances.longOptionMarketValue
    liquidation_value                      DOUBLE PRECISION,     -- currentBalances.liquidationValue
    long_market_value                      DOUBLE PRECISION,     -- currentBalances.longMarketValue
    money_market_fund                      DOUBLE PRECISION,     -- currentBalances.moneyMarketFund
    savings                                DOUBLE PRECISION,     -- currentBalances.savings
    short_market_value                     DOUBLE PRECISION,     -- currentBalances.shortMarketValue
    pending_deposits                       DOUBLE PRECISION,     -- currentBalances.pendingDeposits
    mutual_fund_value                      DOUBLE PRECISION,     -- currentBalances.mutualFundValue
    bond_value                             DOUBLE PRECISION,     -- currentBalances.bondValue
    short_option_market_value              DOUBLE PRECISION,     -- currentBalances.shortOptionMarketValue
    cash_available_for_trading             DOUBLE PRECISION,     -- currentBalances.cashAvailableForTrading
    cash_available_for_withdrawal          DOUBLE PRECISION,     -- currentBalances.cashAvailableForWithdrawal
    cash_call                              DOUBLE PRECISION,     -- currentBalances.cashCall
    long_non_marginable_market_value       DOUBLE PRECISION,     -- currentBalances.longNonMarginableMarketValue
    total_cash                             DOUBLE PRECISION,     -- currentBalances.totalCash
    cash_debit_call_value                  DOUBLE PRECISION,     -- currentBalances.cashDebitCallValue
    unsettled_cash                         DOUBLE PRECISION,     -- currentBalances.unsettledCash
    available_funds                        DOUBLE PRECISION,     -- currentBalances.availableFunds
    available_funds_non_marginable_trade   DOUBLE PRECISION,     -- currentBalances.availableFundsNonMarginableTrade
    buying_power                           DOUBLE PRECISION,     -- currentBalances.buyingPower
    buying_power_non_marginable_trade      DOUBLE PRECISION,     -- currentBalances.buyingPowerNonMarginableTrade
    day_trading_buying_power               DOUBLE PRECISION,     -- currentBalances.dayTradingBuyingPower
    day_trading_buying_power_call          DOUBLE PRECISION,     -- currentBalances.dayTradingBuyingPowerCall
    equity                                 DOUBLE PRECISION,     -- currentBalances.equity
    equity_percentage                      DOUBLE PRECISION,     -- currentBalances.equityPercentage
    long_margin_value                      DOUBLE PRECISION,     -- currentBalances.longMarginValue
    maintenance_call                       DOUBLE PRECISION,     -- currentBalances.maintenanceCall
    maintenance_requirement                DOUBLE PRECISION,     -- currentBalances.maintenanceRequirement
    margin_balance                         DOUBLE PRECISION,     -- currentBalances.marginBalance
    reg_t_call                             DOUBLE PRECISION,     -- currentBalances.regTCall
    short_balance                          DOUBLE PRECISION,     -- currentBalances.shortBalance
    short_margin_value                     DOUBLE PRECISION,     -- currentBalances.shortMarginValue
    sma                                    DOUBLE PRECISION,     -- currentBalances.sma
    stock_buying_power                     DOUBLE PRECISION,     -- currentBalances.stockBuyingPower
    option_buying_power                    DOUBLE PRECISION,     -- currentBalances.optionBuyingPower
    is_in_call                             BOOLEAN,              -- currentBalances.isInCall
    current_balances_other                 JSONB,                -- currentBalances keys without a column (NULL: none)
    initial_balances                       JSONB,                -- initialBalances as sent
    projected_balances                     JSONB,                -- projectedBalances as sent
    aggregated_current_liquidation_value   DOUBLE PRECISION,     -- aggregatedBalance.currentLiquidationValue
    aggregated_liquidation_value           DOUBLE PRECISION,     -- aggregatedBalance.liquidationValue
    seq                                    BIGINT                -- the recording line this row was decoded from
) PARTITION BY RANGE (snapshot_time);
CREATE TABLE account_balances_default PARTITION OF account_balances DEFAULT;
CREATE INDEX idx_account_balances_account_time ON account_balances (account_hash, snapshot_time);

CREATE TABLE positions (
    snapshot_time                          TIMESTAMPTZ NOT NULL, -- receive time of the body
    account_hash                           TEXT,                 -- as account_balances
    account_display                        TEXT,
    position_index                         INTEGER NOT NULL,     -- place in securitiesAccount.positions, from 0
    symbol                                 TEXT,                 -- instrument.symbol (space-padded OCC symbol for options)
    asset_type                             TEXT,                 -- instrument.assetType: EQUITY, OPTION, MUTUAL_FUND, ...
    cusip                                  TEXT,                 -- instrument.cusip ('0INTC.EG50024500' for an option)
    description                            TEXT,                 -- instrument.description
    long_quantity                          DOUBLE PRECISION,     -- longQuantity
    short_quantity                         DOUBLE PRECISION,     -- shortQuantity
    average_price                          DOUBLE PRECISION,     -- averagePrice
    average_long_price                     DOUBLE PRECISION,     -- averageLongPrice
    average_short_price                    DOUBLE PRECISION,     -- averageShortPrice
    tax_lot_average_long_price             DOUBLE PRECISION,     -- taxLotAverageLongPrice
    tax_lot_average_short_price            DOUBLE PRECISION,     -- taxLotAverageShortPrice
    market_value                           DOUBLE PRECISION,     -- marketValue
    current_day_profit_loss                DOUBLE PRECISION,     -- currentDayProfitLoss
    current_day_profit_loss_percentage     DOUBLE PRECISION,     -- currentDayProfitLossPercentage
    current_day_cost                       DOUBLE PRECISION,     -- currentDayCost
    long_open_profit_loss                  DOUBLE PRECISION,     -- longOpenProfitLoss
    short_open_profit_loss                 DOUBLE PRECISION,     -- shortOpenProfitLoss
    maintenance_requirement                DOUBLE PRECISION,     -- maintenanceRequirement
    settled_long_quantity                  DOUBLE PRECISION,     -- settledLongQuantity
    settled_short_quantity                 DOUBLE PRECISION,     -- settledShortQuantity
    aged_quantity                          DOUBLE PRECISION,     -- agedQuantity
    previous_session_long_quantity         DOUBLE PRECISION,     -- previousSessionLongQuantity
    previous_session_short_quantity        DOUBLE PRECISION,     -- previousSessionShortQuantity
    instrument                             JSONB,                -- the rest of instrument: type, putCall, underlyingSymbol, netChange, ...
    seq                                    BIGINT                -- the recording line this row was decoded from
) PARTITION BY RANGE (snapshot_time);
CREATE TABLE positions_default PARTITION OF positions DEFAULT;
CREATE INDEX idx_positions_account_time ON positions (account_hash, snapshot_time);
CREATE INDEX idx_positions_symbol_time ON positions (symbol, snapshot_time);
COMMENT ON COLUMN positions.current_day_profit_loss_percentage IS 'A percent as sent: 5.45 means +5.45 %.';
COMMENT ON COLUMN account_balances.liquidation_value IS 'currentBalances.liquidationValue; MARGIN bodies can omit it (ZW Accounts_real.json): then aggregated_current_liquidation_value or equity is the account value.';
