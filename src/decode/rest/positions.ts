// The positions of one securitiesAccount of a /trader/v1/accounts?fields=positions body → positions rows (issue 14
// item 1), one per position in body order. Every position number has a typed column (balance-fields.ts); of the
// instrument, symbol, assetType, cusip and description have columns and the rest (type, putCall, underlyingSymbol,
// netChange, instrumentId, ...) is kept as jsonb, so an option's underlying or a fund's type stays queryable.
import { jsonExcerpt } from '../json-text.js';
import { isObject } from '../item.js';
import { rowFrom, type JsonValue, type NamedRow, type Row } from '../tables.js';
import { POSITION_NUMBERS, snakeCase } from './balance-fields.js';
import type { AccountSnapshotKey } from './balances.js';
import { accountDisplay, num, text } from './trader.js';
import type { RestDecodeResult } from './types.js';

const INSTRUMENT_COLUMNS: ReadonlyMap<string, string> = new Map([
  ['symbol', 'symbol'], ['assetType', 'asset_type'], ['cusip', 'cusip'], ['description', 'description'],
]);

/** Rows of the account's positions; a position that is not an object is a reject, the others go on. */
export function positionRows(account: Record<string, unknown>, key: AccountSnapshotKey, result: RestDecodeResult): Row[] {
  const securities = isObject(account.securitiesAccount) ? account.securitiesAccount : {};
  if (!Array.isArray(securities.positions)) return [];
  const display = accountDisplay(securities.accountNumber);
  const rows: Row[] = [];
  securities.positions.forEach((position: unknown, index) => {
    if (!isObject(position)) {
      result.rejects.push({ table: 'positions', reason: `position ${index} is not an object`, raw: jsonExcerpt(position) });
      return;
    }
    const values: NamedRow = {
      snapshot_time: key.snapshotTime, account_hash: key.accountHash, account_display: display, position_index: index,
    };
    const instrument = isObject(position.instrument) ? position.instrument : {};
    const rest: Record<string, JsonValue> = {};
    for (const [field, value] of Object.entries(instrument)) {
      const column = INSTRUMENT_COLUMNS.get(field);
      if (column === undefined) rest[field] = value as JsonValue;
      else values[column] = text(value);
    }
    for (const field of POSITION_NUMBERS) values[snakeCase(field)] = num(position[field]);
    values.instrument = Object.keys(rest).length > 0 ? rest : null;
    rows.push(rowFrom('positions', values));
  });
  return rows;
}
