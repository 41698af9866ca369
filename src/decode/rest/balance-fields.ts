// The wire keys of the account_balances and positions columns, in column order. Kept apart from the decoders
// (balances.ts, positions.ts) so that decode/tables.ts can list the columns without importing a decoder.

/**
 * currentBalances keys with a typed column: the union of what CASH and MARGIN accounts send (real captures: ZW
 * Accounts_real.json; the portal's CashBalance and MarginBalance). A key absent from a body is NULL.
 */
export const CURRENT_BALANCE_NUMBERS = [
  // both types
  'accruedInterest', 'cashBalance', 'cashReceipts', 'longOptionMarketValue', 'liquidationValue', 'longMarketValue',
  'moneyMarketFund', 'savings', 'shortMarketValue', 'pendingDeposits', 'mutualFundValue', 'bondValue',
  'shortOptionMarketValue',
  // CASH
  'cashAvailableForTrading', 'cashAvailableForWithdrawal', 'cashCall', 'longNonMarginableMarketValue', 'totalCash',
  'cashDebitCallValue', 'unsettledCash',
  // MARGIN
  'availableFunds', 'availableFundsNonMarginableTrade', 'buyingPower', 'buyingPowerNonMarginableTrade',
  'dayTradingBuyingPower', 'dayTradingBuyingPowerCall', 'equity', 'equityPercentage', 'longMarginValue',
  'maintenanceCall', 'maintenanceRequirement', 'marginBalance', 'regTCall', 'shortBalance', 'shortMarginValue', 'sma',
  'stockBuyingPower', 'optionBuyingPower',
] as const;

/** currentBalances flags with a typed column. */
export const CURRENT_BALANCE_FLAGS = ['isInCall'] as const;

/** Position keys with a typed column (all numbers; the instrument has its own columns). */
export const POSITION_NUMBERS = [
  'longQuantity', 'shortQuantity', 'averagePrice', 'averageLongPrice', 'averageShortPrice', 'taxLotAverageLongPrice',
  'taxLotAverageShortPrice', 'marketValue', 'currentDayProfitLoss', 'currentDayProfitLossPercentage', 'currentDayCost',
  'longOpenProfitLoss', 'shortOpenProfitLoss', 'maintenanceRequirement', 'settledLongQuantity', 'settledShortQuantity',
  'agedQuantity', 'previousSessionLongQuantity', 'previousSessionShortQuantity',
] as const;

/** `liquidationValue` → `liquidation_value`, `regTCall` → `reg_t_call`. */
export const snakeCase = (key: string): string => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
