// GET /marketdata/v1/chains and /marketdata/v1/expirationchain bodies → rows of options_expirations, options_chains,
// options_contracts and option_deliverables (schwab-protocol.md §6.3). The rows reference each other by natural keys
// (underlying + expiration date + snapshot time + option symbol); the snapshot writer resolves the ids with joins.
//
// Map keys are parsed, never formatted: `callExpDateMap["2024-10-18:0"]["5.0"] = [contract]`. Values the columns
// cannot hold (NaN, "NaN", -999, past a NUMERIC(p,s) range, a code outside a CHECK list) become NULL and the column
// is named in the contract's data_quality_flags; only a contract without a usable identity (symbol, put/call, strike)
// is rejected, and the rest of the body still decodes.
import { jsonExcerpt } from '../json-text.js';
import { DateTime } from 'luxon';
import { isObject } from '../item.js';
import type { CellValue, ColumnSpec } from '../tables.js';
import { SENTINEL, toDate } from '../values.js';
import { emptyResult, type RestContext, type RestDecodeResult, type RestDecoder } from './types.js';
import { bool, int4, int8, numeric, text } from '../columns.js';

// Rows are plain objects keyed by column name (the writer COPYs them by these names).

export type ExpirationRow = {
  underlying_symbol: string;
  expiration_date: string; // YYYY-MM-DD
  days_to_expiration: number | null;
  expiration_type: string; // W, S, Q or M
  is_standard: boolean;
  is_leap: boolean;
};

export type ChainRow = {
  underlying_symbol: string;
  /** The chain's expiration (natural key of options_expirations); the writer resolves expiration_id from it. */
  expiration_date: string;
  snapshot_datetime: number; // epoch ms
  status: string | null;
  strategy: string | null;
  underlying_price: number | null;
  underlying_bid: number | null;
  underlying_ask: number | null;
  underlying_last: number | null;
  underlying_volume: number | null;
  underlying_change: number | null;
  underlying_percent_change: number | null;
  interest_rate: number | null;
  implied_volatility: number | null;
  is_delayed: boolean | null;
  is_index: boolean | null;
};

export type ContractRow = {
  snapshot_datetime: number;
  underlying: string;
  option_symbol: string;
  put_call: string;
  strike_price: number;
  /** The chain's expiration (the map key's date): with underlying and snapshot_datetime it names the chain. */
  expiration_date: string;
  days_to_expiration: number | null;
  bid_price: number | null;
  ask_price: number | null;
  last_price: number | null;
  mark_price: number | null;
  bid_size: number | null;
  ask_size: number | null;
  last_size: number | null;
  high_price: number | null;
  low_price: number | null;
  open_price: number | null;
  close_price: number | null;
  total_volume: number | null;
  open_interest: number | null;
  volatility: number | null;
  delta: number | null;
  gamma: number | null;
  theta: number | null;
  vega: number | null;
  rho: number | null;
  time_value: number | null;
  intrinsic_value: number | null;
  theoretical_option_value: number | null;
  theoretical_volatility: number | null;
  is_in_the_money: boolean | null;
  is_mini: boolean | null;
  is_non_standard: boolean | null;
  is_index_option: boolean | null;
  is_penny_pilot: boolean | null;
  expiration_type: string | null;
  multiplier: number | null;
  settlement_type: string | null;
  deliverable_note: string | null;
  option_root: string | null;
  /** Columns stored NULL although Schwab sent a value (NaN, -999, out of range, unknown code); NULL when none. */
  data_quality_flags: string[] | null;
};

export type DeliverableRow = {
  snapshot_datetime: number;
  /** underlying + expiration_date + snapshot_datetime + option_symbol name the contract. */
  underlying: string;
  expiration_date: string;
  option_symbol: string;
  symbol: string | null;
  asset_type: string | null;
  deliverable_units: string | null;
  currency_type: string | null;
};

/** One chain body: every expiration in it, one chain per expiration, their contracts and deliverables. */
export interface ChainSnapshot {
  underlying: string;
  snapshotDatetime: number;
  expirations: ExpirationRow[];
  chains: ChainRow[];
  contracts: ContractRow[];
  deliverables: DeliverableRow[];
}

/** One expiration-chain body. */
export interface ExpirationsSnapshot {
  underlying: string;
  expirations: ExpirationRow[];
}

// ---------------------------------------------------------------- columns (types of sql/001.do.seed-schema.sql)

const price = (name: string): ColumnSpec => numeric(name, 12, 4);
const greek = (name: string): ColumnSpec => numeric(name, 8, 6);

export const EXPIRATION_COLUMNS: readonly ColumnSpec[] = [
  text('underlying_symbol', 10), { name: 'expiration_date', type: 'date' }, int4('days_to_expiration'),
  text('expiration_type', 1), bool('is_standard'), bool('is_leap'),
];

/** Columns of options_chains the rows carry (expiration_id is resolved from expiration_date by the writer). */
export const CHAIN_COLUMNS: readonly ColumnSpec[] = [
  text('underlying_symbol', 10), { name: 'snapshot_datetime', type: 'timestamptz' }, text('status', 20), text('strategy', 20),
  price('underlying_price'), price('underlying_bid'), price('underlying_ask'), price('underlying_last'), int8('underlying_volume'),
  price('underlying_change'), numeric('underlying_percent_change', 8, 4), numeric('interest_rate', 8, 6),
  price('implied_volatility'), bool('is_delayed'), bool('is_index'),
];

/** Columns of options_contracts the rows carry, in table order (chain_id is resolved by the writer). */
export const CONTRACT_COLUMNS: readonly ColumnSpec[] = [
  { name: 'snapshot_datetime', type: 'timestamptz' }, text('underlying', 10), text('option_symbol', 50), text('put_call', 4),
  price('strike_price'), { name: 'expiration_date', type: 'date' }, int4('days_to_expiration'),
  price('bid_price'), price('ask_price'), price('last_price'), price('mark_price'),
  int4('bid_size'), int4('ask_size'), int4('last_size'),
  price('high_price'), price('low_price'), price('open_price'), price('close_price'),
  int8('total_volume'), int8('open_interest'), price('volatility'),
  greek('delta'), greek('gamma'), greek('theta'), greek('vega'), greek('rho'),
  price('time_value'), price('intrinsic_value'), price('theoretical_option_value'), price('theoretical_volatility'),
  bool('is_in_the_money'), bool('is_mini'), bool('is_non_standard'), bool('is_index_option'), bool('is_penny_pilot'),
  text('expiration_type', 1), int4('multiplier'), text('settlement_type', 1), text('deliverable_note'), text('option_root', 10),
  { name: 'data_quality_flags', type: 'text[]' },
];

/** Columns of option_deliverables the rows carry (contract_id is resolved by the writer). */
export const DELIVERABLE_COLUMNS: readonly ColumnSpec[] = [
  { name: 'snapshot_datetime', type: 'timestamptz' }, text('symbol', 20), text('asset_type', 20),
  text('deliverable_units', 50), text('currency_type', 10),
];

const CONTRACT_SPECS = new Map(CONTRACT_COLUMNS.map((c) => [c.name, c]));
const CHAIN_SPECS = new Map(CHAIN_COLUMNS.map((c) => [c.name, c]));
const DELIVERABLE_SPECS = new Map(DELIVERABLE_COLUMNS.map((c) => [c.name, c]));

const EXPIRATION_TYPES: ReadonlySet<string> = new Set(['W', 'S', 'Q', 'M']);
const SETTLEMENT_TYPES: ReadonlySet<string> = new Set(['A', 'P']);
const PUT_CALL: ReadonlySet<string> = new Set(['PUT', 'CALL']);
/** When one expiration date carries several types (SPX monthly + SPXW weekly), the expiration takes the strongest. */
const TYPE_RANK: Readonly<Record<string, number>> = { S: 3, Q: 2, M: 1, W: 0 };

/** Contract columns filled straight from one wire field of the same meaning (captured names, not the spec's). */
const CONTRACT_FIELDS: ReadonlyArray<readonly [column: string, field: string, allowed?: ReadonlySet<string>]> = [
  ['bid_price', 'bid'], ['ask_price', 'ask'], ['last_price', 'last'], ['mark_price', 'mark'],
  ['bid_size', 'bidSize'], ['ask_size', 'askSize'], ['last_size', 'lastSize'],
  ['high_price', 'highPrice'], ['low_price', 'lowPrice'], ['open_price', 'openPrice'], ['close_price', 'closePrice'],
  ['total_volume', 'totalVolume'], ['open_interest', 'openInterest'], ['volatility', 'volatility'],
  ['delta', 'delta'], ['gamma', 'gamma'], ['theta', 'theta'], ['vega', 'vega'], ['rho', 'rho'],
  ['time_value', 'timeValue'], ['intrinsic_value', 'intrinsicValue'],
  ['theoretical_option_value', 'theoreticalOptionValue'], ['theoretical_volatility', 'theoreticalVolatility'],
  ['is_in_the_money', 'inTheMoney'], ['is_mini', 'mini'], ['is_non_standard', 'nonStandard'],
  ['is_penny_pilot', 'pennyPilot'], ['expiration_type', 'expirationType', EXPIRATION_TYPES], ['multiplier', 'multiplier'],
  ['settlement_type', 'settlementType', SETTLEMENT_TYPES], ['deliverable_note', 'deliverableNote'],
  ['option_root', 'optionRoot'],
];

// ---------------------------------------------------------------- values

const INT4_MAX = 2_147_483_647;
/** Schwab's "not computed" for greeks, volatility and other doubles. */
const NOT_COMPUTED = -999;

/** `raw` for a column of `spec`: the value, null when Schwab sent none, SENTINEL when the column cannot hold it. */
function columnValue(spec: ColumnSpec, raw: unknown, allowed?: ReadonlySet<string>): CellValue | typeof SENTINEL {
  if (raw === undefined || raw === null) return null;
  switch (spec.type) {
    case 'numeric':
      if (typeof raw !== 'number' || !Number.isFinite(raw) || raw === NOT_COMPUTED) return SENTINEL;
      return spec.numeric === undefined || fitsNumeric(raw, spec.numeric) ? raw : SENTINEL;
    case 'int4':
    case 'int8': {
      if (typeof raw !== 'number' || !Number.isFinite(raw) || raw === NOT_COMPUTED) return SENTINEL;
      const value = Math.round(raw); // Schwab sends counts and the multiplier as doubles (100.0)
      const fits = spec.type === 'int4' ? Math.abs(value) <= INT4_MAX : Number.isSafeInteger(value);
      return fits ? value : SENTINEL;
    }
    case 'bool':
      return typeof raw === 'boolean' ? raw : SENTINEL;
    case 'text':
      if (typeof raw !== 'string' || raw.includes('\u0000')) return SENTINEL;
      if (spec.maxLength !== undefined && raw.length > spec.maxLength) return SENTINEL;
      return allowed === undefined || allowed.has(raw) ? raw : SENTINEL;
    case 'date':
      return typeof raw === 'string' ? toDate(raw) : SENTINEL;
    default:
      return SENTINEL;
  }
}

/** NUMERIC(p,s) holds |v| < 10^(p-s) after rounding to s decimals (PostgreSQL rounds half away from zero). */
export function fitsNumeric(value: number, { precision, scale }: { precision: number; scale: number }): boolean {
  const factor = 10 ** scale;
  return Math.round(Math.abs(value) * factor) / factor < 10 ** (precision - scale);
}

/** A value for a column without a flags column: what cannot be stored is simply NULL. */
function plain(specs: ReadonlyMap<string, ColumnSpec>, column: string, raw: unknown): CellValue {
  const value = columnValue(specs.get(column)!, raw);
  return value === SENTINEL ? null : value;
}

// ---------------------------------------------------------------- dates

const EXPIRATION_KEY = /^(\d{4}-\d{2}-\d{2}):(-?\d{1,5})$/;
const STRIKE_KEY = /^\d{1,8}(?:\.\d+)?$/;
const NEW_YORK = 'America/New_York';

/** The exchange's calendar day of a capture time. */
function tradingDay(receivedAt: number): DateTime {
  return DateTime.fromMillis(receivedAt, { zone: NEW_YORK }).startOf('day');
}

/** LEAPS: expiring more than one year after the snapshot's day. */
function isLeap(expirationDate: string, day: DateTime): boolean {
  return expirationDate > (day.plus({ years: 1 }).toISODate() ?? '');
}

function daysUntil(expirationDate: string, day: DateTime): number {
  const expiry = DateTime.fromISO(expirationDate, { zone: NEW_YORK });
  return Math.round(expiry.diff(day, 'days').days);
}

/** The type of an expiration no contract names: a third Friday is a standard monthly, any other day a weekly. */
function typeOfDate(expirationDate: string): string {
  const date = DateTime.fromISO(expirationDate, { zone: 'UTC' });
  return date.weekday === 5 && date.day >= 15 && date.day <= 21 ? 'S' : 'W';
}

// ---------------------------------------------------------------- chains

/** Fits underlying_symbol VARCHAR(10) (and PostgreSQL text, which cannot hold NUL). */
function isUnderlyingSymbol(value: unknown): value is string {
  return typeof value === 'string' && value.length >= 1 && value.length <= 10 && !value.includes('\u0000');
}

interface ExpirationGroup {
  date: string;
  dte: number;
  type: string | undefined;
  /** Whether any contract of the date is a standard (not adjusted) one; true when none says otherwise. */
  standard: boolean | undefined;
}

type Rejects = RestDecodeResult['rejects'];

/** Body of GET /marketdata/v1/chains → one `chain` snapshot (nothing when the body holds no expiration). */
export const decodeChain: RestDecoder = (body, context) => {
  const result = emptyResult();
  if (!isObject(body)) {
    result.rejects.push({ table: 'options_chains', reason: 'chain body is not a JSON object', raw: jsonExcerpt(body) });
    return result;
  }
  const underlying = body.symbol;
  if (!isUnderlyingSymbol(underlying)) {
    result.rejects.push({ table: 'options_chains', reason: 'chain body has no symbol of 1 to 10 characters', raw: jsonExcerpt(body) });
    return result;
  }
  const snapshot = decodeChainBody(body, underlying, context, result.rejects);
  if (snapshot.chains.length > 0) result.snapshots.push({ kind: 'chain', data: snapshot });
  return result;
};

function decodeChainBody(body: Record<string, unknown>, underlying: string, context: RestContext, rejects: Rejects): ChainSnapshot {
  const snapshotDatetime = context.receivedAt;
  const day = tradingDay(snapshotDatetime);
  const groups = new Map<string, ExpirationGroup>();
  const contracts: ContractRow[] = [];
  const deliverables: DeliverableRow[] = [];
  const bodyIsIndex = typeof body.isIndex === 'boolean' ? body.isIndex : null;

  for (const mapName of ['callExpDateMap', 'putExpDateMap'] as const) {
    const map = body[mapName];
    if (map === undefined || map === null) continue;
    if (!isObject(map)) {
      rejects.push({ table: 'options_chains', reason: `${mapName} is not an object`, raw: jsonExcerpt(map) });
      continue;
    }
    for (const [expirationKey, strikes] of Object.entries(map)) {
      const where = `${mapName}[${JSON.stringify(expirationKey)}]`;
      const key = EXPIRATION_KEY.exec(expirationKey);
      const date = key === null ? SENTINEL : toDate(key[1]!);
      if (key === null || date === SENTINEL) {
        rejects.push({ table: 'options_chains', reason: `${where}: expiration key is not YYYY-MM-DD:<days>`, raw: jsonExcerpt(strikes) });
        continue;
      }
      if (!isObject(strikes)) {
        rejects.push({ table: 'options_chains', reason: `${where} is not an object of strikes`, raw: jsonExcerpt(strikes) });
        continue;
      }
      const expirationDate = date as string;
      let group = groups.get(expirationDate);
      if (group === undefined) {
        group = { date: expirationDate, dte: Number(key[2]), type: undefined, standard: undefined };
        groups.set(expirationDate, group);
      }
      for (const [strikeKey, list] of Object.entries(strikes)) {
        const at = `${where}[${JSON.stringify(strikeKey)}]`;
        if (!Array.isArray(list)) {
          rejects.push({ table: 'options_contracts', reason: `${at} is not an array of contracts`, raw: jsonExcerpt(list) });
          continue;
        }
        list.forEach((raw: unknown, index) => {
          const outcome = decodeContract(raw, { underlying, snapshotDatetime, group: group!, strikeKey, bodyIsIndex });
          if (!outcome.ok) {
            rejects.push({ table: 'options_contracts', reason: `${at}[${index}]: ${outcome.reason}`, raw: jsonExcerpt(raw) });
            return;
          }
          contracts.push(outcome.contract);
          for (const d of outcome.deliverables) deliverables.push(d);
          noteContract(group!, outcome.contract);
        });
      }
    }
  }

  const expirationDates = [...groups.keys()].sort();
  const expirations = expirationDates.map((date): ExpirationRow => {
    const group = groups.get(date)!;
    return {
      underlying_symbol: underlying, expiration_date: date, days_to_expiration: group.dte,
      expiration_type: group.type ?? typeOfDate(date), is_standard: group.standard ?? true, is_leap: isLeap(date, day),
    };
  });
  const head = chainHead(body, underlying, snapshotDatetime);
  const chains = expirationDates.map((date): ChainRow => ({ ...head, expiration_date: date }));
  return { underlying, snapshotDatetime, expirations, chains, contracts, deliverables };
}

function noteContract(group: ExpirationGroup, contract: ContractRow): void {
  const type = contract.expiration_type;
  if (type !== null && (group.type === undefined || TYPE_RANK[type]! > TYPE_RANK[group.type]!)) group.type = type;
  if (contract.is_non_standard !== true) group.standard = true;
  else group.standard ??= false;
}

/** The chain columns shared by every expiration of one body. */
function chainHead(body: Record<string, unknown>, underlying: string, snapshotDatetime: number): Omit<ChainRow, 'expiration_date'> {
  const quote = isObject(body.underlying) ? body.underlying : {};
  const num = (column: string, raw: unknown) => plain(CHAIN_SPECS, column, raw) as number | null;
  const str = (column: string, raw: unknown) => plain(CHAIN_SPECS, column, raw) as string | null;
  const flag = (column: string, raw: unknown) => plain(CHAIN_SPECS, column, raw) as boolean | null;
  return {
    underlying_symbol: underlying,
    snapshot_datetime: snapshotDatetime,
    status: str('status', body.status),
    strategy: str('strategy', body.strategy),
    // The price the chain was computed against (its greeks and in-the-money flags); the quote's mark or last without it.
    underlying_price: num('underlying_price', body.underlyingPrice) ?? num('underlying_price', quote.mark) ?? num('underlying_price', quote.last),
    underlying_bid: num('underlying_bid', quote.bid),
    underlying_ask: num('underlying_ask', quote.ask),
    underlying_last: num('underlying_last', quote.last),
    underlying_volume: num('underlying_volume', quote.totalVolume),
    underlying_change: num('underlying_change', quote.change),
    underlying_percent_change: num('underlying_percent_change', quote.percentChange),
    interest_rate: num('interest_rate', body.interestRate),
    implied_volatility: num('implied_volatility', body.volatility),
    is_delayed: flag('is_delayed', body.isDelayed) ?? flag('is_delayed', quote.delayed),
    is_index: flag('is_index', body.isIndex),
  };
}

interface ContractContext {
  underlying: string;
  snapshotDatetime: number;
  group: ExpirationGroup;
  strikeKey: string;
  bodyIsIndex: boolean | null;
}

type ContractOutcome =
  | { ok: true; contract: ContractRow; deliverables: DeliverableRow[] }
  | { ok: false; reason: string };

function decodeContract(raw: unknown, context: ContractContext): ContractOutcome {
  if (!isObject(raw)) return { ok: false, reason: 'contract is not an object' };
  const symbol = columnValue(CONTRACT_SPECS.get('option_symbol')!, raw.symbol);
  if (typeof symbol !== 'string' || symbol.trim() === '') return { ok: false, reason: 'symbol is missing or longer than 50 characters' };
  const putCall = columnValue(CONTRACT_SPECS.get('put_call')!, raw.putCall, PUT_CALL);
  if (typeof putCall !== 'string') return { ok: false, reason: `putCall ${JSON.stringify(raw.putCall) ?? 'undefined'} is not PUT or CALL` };
  // The contract's own strikePrice; the map key (parsed, never formatted) when the contract has none.
  const strikeSource = raw.strikePrice ?? (STRIKE_KEY.test(context.strikeKey) ? Number(context.strikeKey) : undefined);
  const strike = columnValue(CONTRACT_SPECS.get('strike_price')!, strikeSource);
  if (typeof strike !== 'number') return { ok: false, reason: `strike ${JSON.stringify(strikeSource) ?? 'undefined'} is not a number of NUMERIC(12,4)` };

  const flags: string[] = [];
  const row = {
    snapshot_datetime: context.snapshotDatetime,
    underlying: context.underlying,
    option_symbol: symbol,
    put_call: putCall,
    strike_price: strike,
    expiration_date: context.group.date,
  } as Record<string, CellValue>;
  const set = (column: string, rawValue: unknown, allowed?: ReadonlySet<string>): void => {
    const value = columnValue(CONTRACT_SPECS.get(column)!, rawValue, allowed);
    if (value === SENTINEL) flags.push(column);
    row[column] = value === SENTINEL ? null : value;
  };
  set('days_to_expiration', raw.daysToExpiration ?? context.group.dte);
  for (const [column, field, allowed] of CONTRACT_FIELDS) set(column, raw[field], allowed);
  // Captures carry no per-contract index flag (the spec's isIndexOption): the body's isIndex says it for all.
  set('is_index_option', raw.isIndexOption ?? context.bodyIsIndex);
  const contract = {} as Record<string, CellValue>;
  for (const { name } of CONTRACT_COLUMNS) contract[name] = row[name] ?? null;
  contract.data_quality_flags = flags.length === 0 ? null : orderFlags(flags);
  const typed = contract as ContractRow;
  return { ok: true, contract: typed, deliverables: contractDeliverables(raw.optionDeliverablesList, typed) };
}

const COLUMN_ORDER = new Map(CONTRACT_COLUMNS.map((c, i) => [c.name, i]));

function orderFlags(flags: string[]): string[] {
  return [...new Set(flags)].sort((a, b) => COLUMN_ORDER.get(a)! - COLUMN_ORDER.get(b)!);
}

function contractDeliverables(list: unknown, contract: ContractRow): DeliverableRow[] {
  if (!Array.isArray(list)) return [];
  return list.filter(isObject).map((d): DeliverableRow => ({
    snapshot_datetime: contract.snapshot_datetime,
    underlying: contract.underlying,
    expiration_date: contract.expiration_date,
    option_symbol: contract.option_symbol,
    symbol: plain(DELIVERABLE_SPECS, 'symbol', d.symbol) as string | null,
    asset_type: plain(DELIVERABLE_SPECS, 'asset_type', d.assetType) as string | null,
    // 100.0 on the wire; the column is text (the seed's VARCHAR(50)).
    deliverable_units: plain(DELIVERABLE_SPECS, 'deliverable_units',
      typeof d.deliverableUnits === 'number' && Number.isFinite(d.deliverableUnits) ? String(d.deliverableUnits) : d.deliverableUnits) as string | null,
    currency_type: plain(DELIVERABLE_SPECS, 'currency_type', d.currencyType) as string | null,
  }));
}

// ---------------------------------------------------------------- expiration chain

/** Body of GET /marketdata/v1/expirationchain?symbol=… → one `expirations` snapshot; the underlying is the path's symbol. */
export const decodeExpirationChain: RestDecoder = (body, context) => {
  const result = emptyResult();
  const underlying = symbolParameter(context.path);
  if (underlying === undefined) {
    result.rejects.push({ table: 'options_expirations', reason: `request path ${context.path} has no symbol of 1 to 10 characters`, raw: jsonExcerpt(body) });
    return result;
  }
  const list = isObject(body) ? body.expirationList : undefined;
  if (!Array.isArray(list)) {
    result.rejects.push({ table: 'options_expirations', reason: 'expiration chain body has no expirationList array', raw: jsonExcerpt(body) });
    return result;
  }
  const day = tradingDay(context.receivedAt);
  const byDate = new Map<string, ExpirationRow>();
  list.forEach((raw: unknown, index) => {
    const date = isObject(raw) && typeof raw.expirationDate === 'string' ? toDate(raw.expirationDate) : SENTINEL;
    if (!isObject(raw) || date === SENTINEL) {
      result.rejects.push({ table: 'options_expirations', reason: `expirationList[${index}]: expirationDate is not YYYY-MM-DD`, raw: jsonExcerpt(raw) });
      return;
    }
    const expirationDate = date as string;
    const dte = columnValue({ name: 'days_to_expiration', type: 'int4' }, raw.daysToExpiration);
    const type = columnValue({ name: 'expiration_type', type: 'text' }, raw.expirationType, EXPIRATION_TYPES);
    const previous = byDate.get(expirationDate);
    const row: ExpirationRow = {
      underlying_symbol: underlying,
      expiration_date: expirationDate,
      days_to_expiration: typeof dte === 'number' ? dte : daysUntil(expirationDate, day),
      expiration_type: typeof type === 'string' ? type : typeOfDate(expirationDate),
      is_standard: typeof raw.standard === 'boolean' ? raw.standard : true,
      is_leap: isLeap(expirationDate, day),
    };
    // One row per date (the table's key): a date listed for two roots keeps the stronger type, standard if either is.
    if (previous !== undefined) {
      if (TYPE_RANK[previous.expiration_type]! > TYPE_RANK[row.expiration_type]!) row.expiration_type = previous.expiration_type;
      row.is_standard ||= previous.is_standard;
    }
    byDate.set(expirationDate, row);
  });
  const expirations = [...byDate.keys()].sort().map((date) => byDate.get(date)!);
  if (expirations.length > 0) result.snapshots.push({ kind: 'expirations', data: { underlying, expirations } satisfies ExpirationsSnapshot });
  return result;
};

function symbolParameter(path: string): string | undefined {
  let symbol: string | null;
  try {
    symbol = new URL(path, 'http://recorded.invalid').searchParams.get('symbol');
  } catch {
    return undefined;
  }
  return isUnderlyingSymbol(symbol) ? symbol : undefined;
}
