import { readFileSync } from 'node:fs';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { decodePriceHistory } from '../../src/decode/rest/price-history.js';
import { namedRow, TABLES, type NamedRow } from '../../src/decode/tables.js';

const MONTHLY = JSON.parse(readFileSync(new URL('../fixtures/samples/rest-pricehistory-AAPL-monthly-2024.json', import.meta.url), 'utf8')) as {
  candles: Array<Record<string, number>>;
  symbol: string;
  empty: boolean;
};
const MONTHLY_PATH = '/marketdata/v1/pricehistory?symbol=AAPL&periodType=year&period=1&frequencyType=monthly&frequency=1';
const MINUTE_PATH = '/marketdata/v1/pricehistory?symbol=AAPL&periodType=day&frequencyType=minute&frequency=1'
  + '&startDate=1729238400000&endDate=1729238640000&needExtendedHoursData=true&needPreviousClose=true';

// AAPL 2024-10-18 from 04:00 ET (08:00Z), extended hours: 04:02 had no trade, so Schwab leaves it out.
const MINUTE_BODY = {
  candles: [
    { open: 233.5, high: 233.61, low: 233.4, close: 233.6, volume: 1520, datetime: 1729238400000 },
    { open: 233.6, high: 233.7, low: 233.55, close: 233.69, volume: 311, datetime: 1729238460000 },
    { open: 233.68, high: 233.68, low: 233.5, close: 233.52, volume: 905, datetime: 1729238580000 },
  ],
  symbol: 'AAPL',
  empty: false,
  previousClose: 232.15,
  previousCloseDate: 1729141200000, // 2024-10-17 00:00 US/Central
};

const decode = (body: unknown, path = MINUTE_PATH) => decodePriceHistory(body, { path, receivedAt: 1729260000000 });
const rowsOf = (body: unknown, path?: string): NamedRow[] => {
  const result = decode(body, path);
  expect(result.snapshots).toEqual([]);
  expect(result.rows.every((r) => r.table === 'price_data')).toBe(true);
  return result.rows.map((r) => namedRow('price_data', r.row));
};
const chicago = (ms: unknown) => DateTime.fromMillis(ms as number, { zone: 'America/Chicago' }).toFormat('yyyy-MM-dd HH:mm');

describe('decodePriceHistory', () => {
  it('turns every candle of the real monthly AAPL sample into a price_data row with every column', () => {
    const result = decode(MONTHLY, MONTHLY_PATH);
    expect(result.rejects).toEqual([]);
    const rows = rowsOf(MONTHLY, MONTHLY_PATH);
    expect(rows).toHaveLength(12);
    expect(rows[0]).toStrictEqual({
      symbol: 'AAPL', datetime_ms: 1698814800000, datetime_utc: 1698814800000,
      open_price: 171.0, high_price: 192.93, low_price: 170.12, close_price: 189.95, volume: 1099760711,
      previous_close: null, previous_close_date_ms: null, is_empty: false,
      data_source: 'schwab_api', frequency_type: 'monthly', sent_at: null,
    });
    expect(rows[1]).toMatchObject({ low_price: 187.4511, datetime_ms: 1701410400000 });
    expect(rows[11]).toStrictEqual({
      symbol: 'AAPL', datetime_ms: 1727758800000, datetime_utc: 1727758800000,
      open_price: 229.52, high_price: 237.49, low_price: 221.33, close_price: 235.0, volume: 550590311,
      previous_close: null, previous_close_date_ms: null, is_empty: false,
      data_source: 'schwab_api', frequency_type: 'monthly', sent_at: null,
    });
    for (const row of rows) expect(Object.keys(row)).toEqual(TABLES.price_data.columns.map((c) => c.name));
  });

  it('keeps the 00:00 US/Central stamps as the epoch ms Schwab sent, across both daylight-saving offsets', () => {
    const rows = rowsOf(MONTHLY, MONTHLY_PATH);
    expect(rows.map((r) => r.datetime_ms)).toEqual(MONTHLY.candles.map((c) => c.datetime));
    expect(rows.map((r) => r.datetime_utc)).toEqual(MONTHLY.candles.map((c) => c.datetime));
    expect(rows.map((r) => chicago(r.datetime_ms))).toEqual([
      '2023-11-01 00:00', '2023-12-01 00:00', '2024-01-01 00:00', '2024-02-01 00:00', '2024-03-01 00:00', '2024-04-01 00:00',
      '2024-05-01 00:00', '2024-06-01 00:00', '2024-07-01 00:00', '2024-08-01 00:00', '2024-09-01 00:00', '2024-10-01 00:00',
    ]);
    // 05:00Z in daylight time, 06:00Z in standard time: not UTC midnight, not New York midnight.
    expect(new Date(rows[0]!.datetime_ms as number).toISOString()).toBe('2023-11-01T05:00:00.000Z');
    expect(new Date(rows[1]!.datetime_ms as number).toISOString()).toBe('2023-12-01T06:00:00.000Z');
  });

  it('puts the body\'s previous close on every candle when Schwab sends one', () => {
    const rows = rowsOf({ ...MONTHLY, previousClose: 170.77, previousCloseDate: 1696136400000 }, MONTHLY_PATH);
    expect(rows).toHaveLength(12);
    for (const row of rows) expect(row).toMatchObject({ previous_close: 170.77, previous_close_date_ms: 1696136400000 });
    expect(chicago(1696136400000)).toBe('2023-10-01 00:00');
  });

  it('decodes a minute body: minute-start stamps, previous close, frequency_type minute (as the streamer\'s bars)', () => {
    const rows = rowsOf(MINUTE_BODY);
    expect(rows).toStrictEqual(MINUTE_BODY.candles.map((c) => ({
      symbol: 'AAPL', datetime_ms: c.datetime, datetime_utc: c.datetime,
      open_price: c.open, high_price: c.high, low_price: c.low, close_price: c.close, volume: c.volume,
      previous_close: 232.15, previous_close_date_ms: 1729141200000, is_empty: false,
      data_source: 'schwab_api', frequency_type: 'minute', sent_at: null,
    })));
    expect(rows.map((r) => DateTime.fromMillis(r.datetime_ms as number, { zone: 'America/New_York' }).toFormat('HH:mm')))
      .toEqual(['04:00', '04:01', '04:03']);
  });

  it('takes the frequency type from the request path, with Schwab\'s defaults when it is left out', () => {
    const type = (path: string) => rowsOf(MINUTE_BODY, path)[0]?.frequency_type;
    expect(type('/marketdata/v1/pricehistory?symbol=AAPL&periodType=year&frequencyType=daily')).toBe('daily');
    expect(type('/marketdata/v1/pricehistory?symbol=AAPL&periodType=year&frequencyType=weekly&frequency=1')).toBe('weekly');
    expect(type('/marketdata/v1/pricehistory?symbol=AAPL')).toBe('minute');
    expect(type('/marketdata/v1/pricehistory?symbol=AAPL&periodType=month')).toBe('weekly');
    expect(type('/marketdata/v1/pricehistory?symbol=AAPL&periodType=year')).toBe('monthly');
    // A 5-minute candle must not replace the 1-minute candle of the same start; both fit VARCHAR(10).
    expect(type('/marketdata/v1/pricehistory?symbol=AAPL&frequencyType=minute&frequency=5')).toBe('5minute');
    expect(type('/marketdata/v1/pricehistory?symbol=AAPL&frequencyType=minute&frequency=30')).toBe('30minute');
  });

  it('takes the symbol from the request when the body has none', () => {
    const { symbol: _symbol, ...body } = MINUTE_BODY;
    const path = MINUTE_PATH.replace('symbol=AAPL', 'symbol=%24SPX');
    expect(rowsOf(body, path).map((r) => r.symbol)).toEqual(['$SPX', '$SPX', '$SPX']);
  });

  it('yields no rows and no rejects for an empty answer', () => {
    expect(decode({ candles: [], symbol: 'NOPE', empty: true })).toEqual({ rows: [], snapshots: [], rejects: [] });
    expect(decode({ candles: [], symbol: 'AAPL', empty: false })).toEqual({ rows: [], snapshots: [], rejects: [] });
  });

  it.each([
    ['a price numeric(12,4) cannot hold', { high: 1e8 }, 'price history candle high out of range for high_price'],
    ['a negative price beyond the range', { low: -1e9 }, 'price history candle low out of range for low_price'],
    ['a non-numeric close', { close: 'NaN' }, 'price history candle close is not a number'],
    ['a missing open', { open: undefined }, 'price history candle open is not a number'],
    ['no datetime', { datetime: undefined }, 'price history candle has no datetime'],
    ['a string datetime', { datetime: '1729238460000' }, 'price history candle has no datetime'],
    ['no volume', { volume: null }, 'price history candle volume is not a number'],
  ])('rejects a candle with %s, with its raw text, and keeps the others', (_name, change, reason) => {
    const bad = { ...MINUTE_BODY.candles[1], ...change };
    const result = decode({ ...MINUTE_BODY, candles: [MINUTE_BODY.candles[0], bad, MINUTE_BODY.candles[2]] });
    expect(result.rows.map((r) => namedRow('price_data', r.row).datetime_ms)).toEqual([1729238400000, 1729238580000]);
    expect(result.rejects).toEqual([{ table: 'price_data', reason, raw: JSON.stringify(bad) }]);
  });

  it('rejects a candle that is not an object', () => {
    const result = decode({ ...MINUTE_BODY, candles: [MINUTE_BODY.candles[0], 42] });
    expect(result.rows).toHaveLength(1);
    expect(result.rejects).toEqual([{ table: 'price_data', reason: 'price history candle is not an object', raw: '42' }]);
  });

  it('stores NULL for a previous close the column cannot hold, and keeps the candles', () => {
    const rows = rowsOf({ ...MINUTE_BODY, previousClose: 1e12, previousCloseDate: 'yesterday' });
    expect(rows).toHaveLength(3);
    for (const row of rows) expect(row).toMatchObject({ previous_close: null, previous_close_date_ms: null });
  });

  it('rounds a fractional volume as the stream decoder does', () => {
    const rows = rowsOf({ ...MINUTE_BODY, candles: [{ ...MINUTE_BODY.candles[0], volume: 26.0000001 }] });
    expect(rows[0]?.volume).toBe(26);
  });

  it.each([
    ['a body that is not an object', [1, 2], MINUTE_PATH, 'price history body is not an object'],
    ['a body without candles', { symbol: 'AAPL', empty: false }, MINUTE_PATH, 'price history body has no candles array'],
    ['no symbol anywhere', { candles: MINUTE_BODY.candles }, '/marketdata/v1/pricehistory?frequencyType=minute', 'price history has no symbol (body or request)'],
    ['a symbol longer than VARCHAR(10)', { ...MINUTE_BODY, symbol: 'ABCDEFGHIJK' }, MINUTE_PATH, 'price history symbol longer than 10 characters'],
    ['an unknown frequencyType', MINUTE_BODY, '/marketdata/v1/pricehistory?symbol=AAPL&frequencyType=hourly', 'price history request has an unknown frequencyType'],
  ])('quarantines %s as one reject of the body', (_name, body, path, reason) => {
    const result = decode(body, path);
    expect(result.rows).toEqual([]);
    expect(result.rejects).toEqual([{ table: 'price_data', reason, raw: JSON.stringify(body) }]);
  });
});
