// CHART_FUTURES over real captures (test/fixtures/captures/chart-futures.jsonl): chart time is field 1, unlike
// CHART_EQUITY, and the bars land in price_data next to the equity bars.
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { decodeChartFutures } from '../../src/decode/chart-futures.js';
import { StreamDecoder } from '../../src/decode/stream-decoder.js';
import { namedRow, TABLES, type NamedRow } from '../../src/decode/tables.js';
import { captureFrame } from '../support/captures.js';

const AT = 1765307265100;
const eastern = (ms: unknown) => DateTime.fromMillis(ms as number, { zone: 'America/New_York' }).toFormat('yyyy-MM-dd HH:mm');

function rowsOf(line: number): NamedRow[] {
  const result = new StreamDecoder().decodeFrame(captureFrame('chart-futures.jsonl', line), AT);
  expect(result).toMatchObject({ rejects: [], unknown: [] });
  expect(result.rows.every((r) => r.table === 'price_data')).toBe(true);
  return result.rows.map(({ row }) => namedRow('price_data', row));
}

const BAR = (symbol: string, ms: number, ohlc: number[], volume: number, sentAt: number): NamedRow => ({
  symbol, datetime_ms: ms, datetime_utc: ms,
  open_price: ohlc[0]!, high_price: ohlc[1]!, low_price: ohlc[2]!, close_price: ohlc[3]!, volume,
  previous_close: null, previous_close_date_ms: null, is_empty: false,
  data_source: 'schwab_stream', frequency_type: 'minute', sent_at: sentAt,
});

describe('CHART_FUTURES', () => {
  it('reads the 2025-12-09 14:06 ET /ES bar (field 1 the chart time, seq 2224) into every price_data column', () => {
    const [row] = rowsOf(1);
    expect(row).toStrictEqual(BAR('/ES', 1765307160000, [6858.25, 6858.75, 6857.75, 6858.5], 897, 1765307265036));
    expect(eastern(row!.datetime_ms)).toBe('2025-12-09 14:06');
    expect(Object.keys(row!)).toEqual(TABLES.price_data.columns.map((c) => c.name));
  });

  it('decodes every bar of a frame, volumes sent as doubles (/ES and /CL, 2020-05-27)', () => {
    expect(rowsOf(2)).toStrictEqual([
      BAR('/ES', 1590597840000, [2996.25, 2997.25, 2995.25, 2997.25], 1501, 1590597913941),
      BAR('/CL', 1590597840000, [33.34, 33.35, 33.32, 33.35], 186, 1590597913941),
    ]);
  });

  it('knows seq, key and fields 1–6, and reports anything else', () => {
    const bar = { '1': 1765307160000, '2': 1, '3': 1, '4': 1, '5': 1, '6': 1, seq: 1, key: '/ESZ25' };
    expect(decodeChartFutures(bar)).toMatchObject({ ok: true, unknownFields: [] });
    expect(decodeChartFutures({ ...bar, '7': 1 })).toMatchObject({ ok: true, unknownFields: ['7'] });
  });

  it.each([
    ['no chart time', { '1': undefined }, 'no chart time (field 1)'],
    ['a chart time in seconds', { '1': 1765307160 }, 'chart time (field 1) 1765307160 is not epoch milliseconds in 1990-2100'],
    ['a non-numeric open', { '2': 'NaN' }, 'open_price (field 2) is not a number'],
    ['a price numeric(12,4) cannot hold', { '3': 1e8 }, 'high_price (field 3) out of range'],
    ['no volume', { '6': null }, 'volume (field 6) is not a number'],
    ['a key longer than price_data.symbol holds', { key: '/ESZ25-TOO-LONG' }, 'symbol longer than 10 characters'],
  ])('refuses a bar with %s', (_what, change, reason) => {
    const bar = { '1': 1765307160000, '2': 1, '3': 1, '4': 1, '5': 1, '6': 1, seq: 1, key: '/ES', ...change };
    const outcome = decodeChartFutures(bar);
    expect(outcome).toMatchObject({ ok: false });
    expect(outcome.ok ? '' : outcome.reason).toContain(reason);
  });
});
