// The balances of one securitiesAccount of a /trader/v1/accounts body → an account_balances row (issue 14 item 1).
// Every currentBalances key of CASH and MARGIN accounts has a typed column (balance-fields.ts); keys without one are
// kept in current_balances_other, so a key Schwab adds is not lost. initialBalances and projectedBalances differ by
// account type and are kept whole as jsonb. Called by accounts.ts for each account of a body.
import { isObject } from '../item.js';
import { rowFrom, type JsonValue, type NamedRow, type Row } from '../tables.js';
import { CURRENT_BALANCE_FLAGS, CURRENT_BALANCE_NUMBERS, snakeCase } from './balance-fields.js';
import { accountDisplay, bool, int4, num, text } from './trader.js';

const TYPED = new Set<string>([...CURRENT_BALANCE_NUMBERS, ...CURRENT_BALANCE_FLAGS]);

/** Who the snapshot is of and when: shared by the balances row and the positions rows of one account. */
export interface AccountSnapshotKey {
  snapshotTime: number;
  /** hashValue of the request path; null for the /accounts list, whose bodies name no hash. */
  accountHash: string | null;
}

export function balanceRow(account: Record<string, unknown>, key: AccountSnapshotKey): Row {
  const securities = isObject(account.securitiesAccount) ? account.securitiesAccount : {};
  const current = isObject(securities.currentBalances) ? securities.currentBalances : {};
  const aggregated = isObject(account.aggregatedBalance) ? account.aggregatedBalance : {};
  const values: NamedRow = {
    snapshot_time: key.snapshotTime,
    account_hash: key.accountHash,
    account_display: accountDisplay(securities.accountNumber),
    account_type: text(securities.type),
    round_trips: int4(securities.roundTrips),
    is_day_trader: bool(securities.isDayTrader),
    is_closing_only_restricted: bool(securities.isClosingOnlyRestricted),
    pfcb_flag: bool(securities.pfcbFlag),
    current_balances_other: otherKeys(current),
    initial_balances: jsonObject(securities.initialBalances),
    projected_balances: jsonObject(securities.projectedBalances),
    aggregated_current_liquidation_value: num(aggregated.currentLiquidationValue),
    aggregated_liquidation_value: num(aggregated.liquidationValue),
  };
  for (const field of CURRENT_BALANCE_NUMBERS) values[snakeCase(field)] = num(current[field]);
  for (const field of CURRENT_BALANCE_FLAGS) values[snakeCase(field)] = bool(current[field]);
  return rowFrom('account_balances', values);
}

/** currentBalances keys without a column, or null when every key has one. */
function otherKeys(current: Record<string, unknown>): JsonValue {
  const other: Record<string, JsonValue> = {};
  for (const [field, value] of Object.entries(current)) if (!TYPED.has(field)) other[field] = value as JsonValue;
  return Object.keys(other).length > 0 ? other : null;
}

/** A balances object as sent (its values are parsed JSON), or null when absent. */
export function jsonObject(value: unknown): JsonValue {
  return isObject(value) ? (value as { [key: string]: JsonValue }) : null;
}
