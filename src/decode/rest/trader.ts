// Wire values of Schwab's trader API (accounts, orders, transactions) as the relational decoders need them: the
// account hash a path carries, `+0000` timestamps, dates, ids, and the instruments every body mentions (they feed
// the symbols table). Nothing here throws: a value that cannot be used becomes null.
import { jsonExcerpt } from '../json-text.js';
import { DateTime } from 'luxon';
import type { z } from 'zod';
import { maskAccountNumber } from '../../schwab/account-mask.js';
import { formatPath } from '../../schwab/schemas/parse.js';
import { toDate, SENTINEL } from '../values.js';
import type { SymbolRow } from './quotes.js';
import type { RestDecodeResult } from './types.js';
import { int8, numeric, text as txt } from '../columns.js';
import type { ColumnSpec } from '../tables.js';

const ACCOUNT_PATH = /^\/trader\/v1\/accounts\/([^/?#]+)/;
const NOT_A_HASH = new Set(['accountNumbers']);

/** The hashValue of `/trader/v1/accounts/{hash}[/...]`; null for `/trader/v1/accounts`, `/orders`, `accountNumbers`. */
export function accountHashOf(path: string): string | null {
  const match = ACCOUNT_PATH.exec(path);
  if (match === null) return null;
  let segment: string;
  try {
    segment = decodeURIComponent(match[1]!);
  } catch {
    return null;
  }
  return segment === '' || NOT_A_HASH.has(segment) ? null : segment;
}

/** How an account shows in a row: the masked number ("...678"); a body holds the masked form already (capture). */
export const accountDisplay = (value: unknown): string | null => maskAccountNumber(value);

/**
 * `2024-06-06T13:46:03+0000` (orders, transactions), also with milliseconds, `Z` or `-04:00`; a time without an
 * offset is UTC. Epoch ms, or null when absent or not a real instant.
 */
export function schwabTime(value: unknown): number | null {
  if (typeof value !== 'string' || value === '') return null;
  const parsed = DateTime.fromISO(value, { zone: 'utc' });
  return parsed.isValid ? parsed.toMillis() : null;
}

/**
 * The calendar date written in a Schwab date-time (`tradeDate: "2024-05-06T04:00:00+0000"` is midnight Eastern,
 * trade date 2024-05-06): the digits as sent, never shifted through a zone.
 */
export function schwabDate(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const date = toDate(value);
  return date === SENTINEL || typeof date !== 'string' ? null : date;
}

export const num = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

/** An id or count that must be exact: a safe integer, else null (JSON.parse has already rounded anything larger). */
export const int = (value: unknown): number | null => (typeof value === 'number' && Number.isSafeInteger(value) ? value : null);

const INT4_MAX = 2_147_483_647;
export const int4 = (value: unknown): number | null => {
  const n = int(value);
  return n !== null && Math.abs(n) <= INT4_MAX ? n : null;
};

/** PostgreSQL text cannot hold NUL: such a string would fail a whole COPY. */
export const text = (value: unknown): string | null => (typeof value === 'string' && !value.includes('\u0000') ? value : null);

export const bool = (value: unknown): boolean | null => (typeof value === 'boolean' ? value : null);

/** The first problems of a failed zod parse, by path (never a value: bodies hold accounts). */
export function describeIssues(error: z.ZodError, max = 4): string {
  const listed = error.issues.slice(0, max).map((issue) => `${formatPath(issue.path)}: ${issue.message}`);
  const more = error.issues.length > max ? `; and ${error.issues.length - max} more` : '';
  return `${listed.join('; ')}${more}`;
}

/** A value as reject text. */
/**
 * The elements of a listing body (or the one object a single-item GET answers), each validated by `schema`; an
 * element that does not match becomes a reject of `table` and the others go on.
 */
export function* validElements<T>(
  body: unknown, schema: z.ZodType<T>, table: string, what: string, result: RestDecodeResult,
): Generator<{ value: T; raw: unknown }> {
  for (const element of Array.isArray(body) ? body : [body]) {
    const parsed = schema.safeParse(element);
    if (parsed.success) yield { value: parsed.data, raw: element };
    else result.rejects.push({ table, reason: `${what} does not match its schema: ${describeIssues(parsed.error)}`, raw: jsonExcerpt(element) });
  }
}

/** Fields of an instrument that every trader body shares. */
export interface InstrumentLike {
  assetType?: string | undefined;
  symbol?: string | undefined;
  description?: string | undefined;
  cusip?: string | undefined;
  instrumentId?: unknown;
  netChange?: unknown;
}

/**
 * A symbols row for an instrument an order, transaction or position mentions. Quotes are the authority on symbols;
 * these only fill what no quote has said yet. Cash (`CURRENCY_USD`, asset type CURRENCY) is not a security.
 */
/** The instrument columns order_legs and transaction_items both carry (the seed denormalizes them alike). */
export const INSTRUMENT_COLUMNS: readonly ColumnSpec[] = [
  txt('instrument_cusip', 20), txt('instrument_symbol', 50), txt('instrument_description'),
  int8('instrument_id'), txt('instrument_type', 50), numeric('instrument_net_change', 12, 4),
];

/** Their values; instrument_type is instrument.assetType (EQUITY, OPTION, CURRENCY, COLLECTIVE_INVESTMENT, ...). */
export type InstrumentValues = ReturnType<typeof instrumentColumns>;

export function instrumentColumns(instrument: InstrumentLike | undefined) {
  return {
    instrument_cusip: text(instrument?.cusip),
    instrument_symbol: text(instrument?.symbol),
    instrument_description: text(instrument?.description),
    instrument_id: int(instrument?.instrumentId),
    instrument_type: text(instrument?.assetType),
    instrument_net_change: num(instrument?.netChange),
  };
}

export function instrumentSymbol(instrument: InstrumentLike | undefined, observedAt: number): SymbolRow | null {
  const symbol = text(instrument?.symbol);
  if (instrument === undefined || symbol === null || symbol === '' || instrument.assetType === 'CURRENCY') return null;
  return {
    symbol, company_name: null, description: text(instrument.description), asset_type: text(instrument.assetType),
    exchange: null, authoritative: false, observed_at: observedAt,
  };
}
