import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { decodeChartEquity } from '../../src/decode/chart-equity.js';
import { TABLES, namedRow, type NamedRow } from '../../src/decode/tables.js';
import { contentOf, sampleLine } from '../support/samples.js';

const bars = (line: number) => contentOf(sampleLine('stream-chart-equity.jsonl', line));

function rowOf(item: Record<string, unknown> | undefined): NamedRow {
  const outcome = decodeChartEquity(item ?? {});
  if (!outcome.ok) throw new Error(outcome.reason);
  return namedRow('price_data', outcome.row);
}

const eastern = (ms: unknown) => DateTime.fromMillis(ms as number, { zone: 'America/New_York' }).toFormat('yyyy-MM-dd HH:mm');

describe('decodeChartEquity', () => {
  it('reads the real field order: the 2024-05-16 19:59 ET MSFT bar (sequence index 779)', () => {
    const row = rowOf(bars(1)[0]);
    expect(row).toStrictEqual({
      symbol: 'MSFT', datetime_ms: 1715903940000, datetime_utc: 1715903940000,
      open_price: 421.65, high_price: 421.79, low_price: 421.65, close_price: 421.755, volume: 26,
      previous_close: null, previous_close_date_ms: null, is_empty: false,
      data_source: 'schwab_stream', frequency_type: 'minute', sent_at: null,
    });
    expect(eastern(row.datetime_ms)).toBe('2024-05-16 19:59');
    expect(Object.keys(row)).toEqual(TABLES.price_data.columns.map((c) => c.name));
  });

  it('decodes every bar of a frame (GOOG next to MSFT)', () => {
    expect(rowOf(bars(1)[1])).toMatchObject({
      symbol: 'GOOG', datetime_ms: 1715903940000, open_price: 175.16, high_price: 175.21, low_price: 175.06,
      close_price: 175.06, volume: 145,
    });
  });

  it('reads the AMD 14:05 ET bar of 2025-12-09 (index 425, content seq 202)', () => {
    const row = rowOf(bars(2)[0]);
    expect(row).toStrictEqual({
      symbol: 'AMD', datetime_ms: 1765307100000, datetime_utc: 1765307100000,
      open_price: 221.133, high_price: 221.18, low_price: 221.02, close_price: 221.02, volume: 11730,
      previous_close: null, previous_close_date_ms: null, is_empty: false,
      data_source: 'schwab_stream', frequency_type: 'minute', sent_at: null,
    });
    expect(eastern(row.datetime_ms)).toBe('2025-12-09 14:05');
  });

  it('knows seq, key and fields 1–8, and reports anything else', () => {
    expect(decodeChartEquity({ ...bars(2)[0], '9': 1 })).toMatchObject({ ok: true, unknownFields: ['9'] });
    expect(decodeChartEquity(bars(2)[0]!)).toMatchObject({ ok: true, unknownFields: [] });
  });

  it.each([
    ['no chart time', { '7': undefined }, 'no chart time (field 7)'],
    ['a chart time that is a string', { '7': '1765307100000' }, 'no chart time (field 7)'],
    ['a non-numeric open', { '2': 'NaN' }, 'open_price (field 2) is not a number'],
    ['a missing close', { '5': undefined }, 'close_price (field 5) is not a number'],
    ['a price numeric(12,4) cannot hold', { '3': 1e8 }, 'high_price (field 3) out of range'],
    ['no volume', { '6': null }, 'volume (field 6) is not a number'],
    ['no key', { key: undefined }, 'no key (symbol)'],
    ['a symbol longer than price_data.symbol takes', { key: 'ABCDEFGHIJK' }, 'longer than 10'],
  ])('rejects a bar with %s', (_what, change, reason) => {
    const bar: Record<string, unknown> = { ...bars(2)[0], ...change };
    for (const [k, v] of Object.entries(change)) if (v === undefined) delete bar[k];
    const outcome = decodeChartEquity(bar);
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.reason).toContain(reason);
  });
});
