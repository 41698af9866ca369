// SCREENER_EQUITY and SCREENER_OPTION over real captures (test/fixtures/captures/SOURCES.md): every column of
// screener_items, the units of the percent fields, and what a malformed screener costs.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeScreener, type ScreenerService } from '../../src/decode/screener.js';
import { StreamDecoder } from '../../src/decode/stream-decoder.js';
import { namedRow, TABLES, type NamedRow } from '../../src/decode/tables.js';
import { allFields } from '../../src/schwab/fields.js';

/** Line `line` (1-based) of a capture file: one streamer frame. */
function frame(file: string, line: number): { data: { service: string; timestamp: number; content: Record<string, unknown>[] }[] } {
  const text = readFileSync(new URL(`../fixtures/captures/${file}`, import.meta.url), 'utf8').split('\n')[line - 1];
  if (text === undefined || text === '') throw new Error(`${file} has no line ${line}`);
  return JSON.parse(text);
}
const item = (file: string, line: number) => frame(file, line).data[0]!.content[0]!;

const RECEIVED = Date.parse('2025-12-09T19:08:25.000Z');

function rowsOf(service: ScreenerService, raw: Record<string, unknown>): NamedRow[] {
  const outcome = decodeScreener(service, raw, RECEIVED);
  if (!outcome.ok) throw new Error(outcome.reason);
  expect(outcome.unknownFields).toEqual([]);
  return outcome.rows.map((row) => namedRow('screener_items', row));
}

const ENTRY_COLUMNS = ['rank', 'symbol', 'description', 'last_price', 'net_change', 'net_percent_change', 'market_share',
  'total_volume', 'volume', 'trades'] as const;
const entries = (rows: NamedRow[]) => rows.map((r) => ENTRY_COLUMNS.map((c) => r[c]));

describe('decodeScreener', () => {
  it('stores NASDAQ_VOLUME_30 (2025-12-09) as ten ranked rows, every column', () => {
    const rows = rowsOf('SCREENER_EQUITY', item('screener-equity.jsonl', 1));
    for (const row of rows) {
      expect(row).toMatchObject({
        received_at: RECEIVED, source: 'stream', service: 'SCREENER_EQUITY', screener_key: 'NASDAQ_VOLUME_30',
        sort_field: 'VOLUME', frequency: 30, snapshot_time: 1765307297706, seq: null, sent_at: null,
      });
    }
    expect(entries(rows)).toEqual([
      [1, 'WBD', 'WARNER BROS DISCOVER Series A', 28.095, 0.865, 0.03176643, 3.93926404, 345149877, 13596365, 21302],
      [2, 'ASST', 'STRIVE INC A', 1, 0.0152, 0.01543461, 2.45609098, 345149877, 8477195, 6351],
      [3, 'PAVS', 'PARANOVUS ENTERTAINM Class A', 0.0428, -0.0061, -0.12474438, 2.35480223, 345149877, 8127597, 4031],
      [4, 'NCPL', 'NETCAPITAL INC EQUIT Equity', 1.2997, 0.6408, 0.97252997, 2.20918636, 345149877, 7625004, 16488],
      [5, 'PLUG', 'PLUG PWR INC', 2.2601, 0.1001, 0.04634259, 2.08706376, 345149877, 7203498, 11949],
      [6, 'OCG', 'ORIENTAL CULTURE HLD', 7.9, 5.28, 2.01526718, 1.64665769, 345149877, 5683437, 68181],
      [7, 'NVDA', 'NVIDIA CORP', 184.59, -0.96, -0.00517381, 1.52208891, 345149877, 5253488, 67812],
      [8, 'OPEN', 'OPENDOOR TECHNOLOGIE Class A', 7.11, 0.06, 0.00851064, 1.45892591, 345149877, 5035481, 8315],
      [9, 'TSLS', 'DIREXION DAILY TSLA BEAR 1X ETF', 5.16, -0.1, -0.01901141, 1.45537441, 345149877, 5023223, 1399],
      [10, 'POM', 'POMDOCTOR LTD ADR', 5.26, -0.31, -0.0556553, 1.33459674, 345149877, 4606359, 6679],
    ]);
    expect(Object.keys(rows[0]!)).toEqual(TABLES.screener_items.columns.map((c) => c.name));
  });

  it('stores OPTION_CALL_TRADES_30 with space-padded OCC symbols', () => {
    const rows = rowsOf('SCREENER_OPTION', item('screener-option.jsonl', 1));
    for (const row of rows) {
      expect(row).toMatchObject({
        source: 'stream', service: 'SCREENER_OPTION', screener_key: 'OPTION_CALL_TRADES_30', sort_field: 'TRADES',
        frequency: 30, snapshot_time: 1765307359566,
      });
    }
    expect(entries(rows)).toEqual([
      [1, 'SPXW  251209C06855000', 'SPXW   Dec 9 2025 6855.0 Call', 2.75, -8.891, -0.763766, 3.47850842, 1761266, 21020, 7820],
      [2, 'SPY   251209C00684000', 'SPY    Dec 9 2025 684.0 Call', 0.46, -0.91, -0.66423358, 2.98297666, 1761266, 75572, 6706],
      [3, 'SPXW  251209C06860000', 'SPXW   Dec 9 2025 6860.0 Call', 1.27, -8.2092, -0.86602245, 2.45230396, 1761266, 16323, 5513],
      [4, 'SPXW  251209C06850000', 'SPXW   Dec 9 2025 6850.0 Call', 5.2, -8.6028, -0.62326484, 2.32641932, 1761266, 14262, 5230],
      [5, 'SPY   251209C00685000', 'SPY    Dec 9 2025 685.0 Call', 0.11, -0.795, -0.87845304, 2.25213403, 1761266, 66332, 5063],
      [6, 'QQQ   251209C00625000', 'QQQ    Dec 9 2025 625.0 Call', 0.75, -0.7296, -0.49310624, 1.51773283, 1761266, 27545, 3412],
      [7, 'QQQ   251209C00626000', 'QQQ    Dec 9 2025 626.0 Call', 0.27, -0.77, -0.74038462, 1.45634739, 1761266, 33176, 3274],
      [8, 'SPY   251209C00683000', 'SPY    Dec 9 2025 683.0 Call', 1.15, -0.8338, -0.42030447, 1.2730807, 1761266, 30149, 2862],
      [9, 'SPXW  251209C06865000', 'SPXW   Dec 9 2025 6865.0 Call', 0.57, -6.7474, -0.92210348, 1.1156137, 1761266, 7895, 2508],
      [10, 'SPXW  251209C06845000', 'SPXW   Dec 9 2025 6845.0 Call', 8.6, -7.3646, -0.46130814, 0.76109053, 1761266, 4362, 1711],
    ]);
  });

  it('stores the 2024 captures as sent, netChange equal to lastPrice and netPercentChange 1 included (NYSE_VOLUME_5)', () => {
    const equity = rowsOf('SCREENER_EQUITY', item('screener-equity.jsonl', 2));
    expect(equity).toHaveLength(10);
    expect(equity[0]).toMatchObject({
      screener_key: 'NYSE_VOLUME_5', sort_field: 'VOLUME', frequency: 5, snapshot_time: 1718996308700, rank: 1, symbol: 'XLF',
      description: 'SELECT STR FINANCIAL SELECT SPDR ETF', last_price: 41.305, net_change: 41.305, net_percent_change: 1,
      market_share: 3.40228332, total_volume: 51730877, volume: 1760031, trades: 644,
    });
    expect(entries(equity)[9]).toEqual([10, 'DNN', 'DENISON MINES CORP', 2.02, 2.02, 1, 0.82405717, 51730877, 426292, 270]);
    const option = rowsOf('SCREENER_OPTION', item('screener-option.jsonl', 2));
    expect(option.map((r) => [r.screener_key, r.sort_field, r.frequency, r.snapshot_time])).toEqual(
      new Array(10).fill(['OPTION_PUT_VOLUME_5', 'VOLUME', 5, 1718996045310]));
    expect(entries(option)[2]).toEqual([3, 'NVDA  240621P00130000', 'NVDA   Jun 21 2024 130.0 Put', 3.35, 1.895, 1.3024055, 2.6544752, 218951, 5812, 213]);
  });

  it.each([['screener-equity.jsonl', 1], ['screener-option.jsonl', 1], ['screener-option.jsonl', 2]] as const)(
    '%s:%i: net_percent_change is a fraction of the previous close; market_share a percent of the sort field\'s total', (file, line) => {
      const rows = rowsOf(file.startsWith('screener-equity') ? 'SCREENER_EQUITY' : 'SCREENER_OPTION', item(file, line));
      for (const r of rows) {
        const [last, change] = [r.last_price as number, r.net_change as number];
        expect(r.net_percent_change as number).toBeCloseTo(change / (last - change), 5);
      }
      // The total of the sort field is the same for every entry: each entry's share of it agrees.
      const field = rows[0]!.sort_field === 'TRADES' ? 'trades' : 'volume';
      const totals = rows.map((r) => ((r[field] as number) / (r.market_share as number)) * 100);
      for (const total of totals) expect(total / totals[0]!).toBeCloseTo(1, 5);
      if (field === 'volume') expect(totals[0]).toBeCloseTo(rows[0]!.total_volume as number, -1);
    });

  it('subscribes fields 0-4, ascending, on both screener services', () => {
    expect(allFields('SCREENER_EQUITY')).toEqual([0, 1, 2, 3, 4]);
    expect(allFields('SCREENER_OPTION')).toEqual([0, 1, 2, 3, 4]);
  });

  it('gives a row per entry through the stream decoder, each with the block timestamp as sent_at', () => {
    const result = new StreamDecoder().decodeFrame(frame('screener-equity.jsonl', 1), RECEIVED);
    expect(result.rejects).toEqual([]);
    expect(result.unknown).toEqual([]);
    expect(result.rows.map((r) => r.table)).toEqual(new Array(10).fill('screener_items'));
    expect(result.rows.map((r) => [namedRow('screener_items', r.row).rank, namedRow('screener_items', r.row).sent_at]))
      .toEqual(Array.from({ length: 10 }, (_, i) => [i + 1, 1765307304646]));
  });

  it('stores nothing for an empty list, NULL for odd values, and reports unknown fields', () => {
    expect(decodeScreener('SCREENER_EQUITY', { key: 'NYSE_VOLUME_5', 1: 1718996308700, 2: 'VOLUME', 3: 5, 4: [] }, RECEIVED))
      .toEqual({ ok: true, rows: [], unknownFields: [] });
    const outcome = decodeScreener('SCREENER_EQUITY', {
      key: '$SPX_VOLUME_0', 1: 'soon', 2: 7, 3: 'x', 5: 'new',
      4: [{ symbol: 'AAPL', lastPrice: 'NaN', totalVolume: 1.5, trades: 2 ** 60, spread: 0.01 }],
    }, RECEIVED);
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(new Set(outcome.unknownFields)).toEqual(new Set(['5', '4.spread']));
    expect(namedRow('screener_items', outcome.rows[0]!)).toMatchObject({
      screener_key: '$SPX_VOLUME_0', sort_field: '7', frequency: null, snapshot_time: null, rank: 1, symbol: 'AAPL',
      description: null, last_price: null, net_change: null, total_volume: 2, trades: null,
    });
  });

  it.each([
    ['no key', { 4: [] }, 'screener has no key'],
    ['no list', { key: 'NASDAQ_VOLUME_30', 4: 'none' }, 'screener NASDAQ_VOLUME_30 has no ranked list (field 4)'],
    ['an entry that is not an object', { key: 'K', 4: [{ symbol: 'A' }, 3] }, 'screener K entry 2 is not an object'],
    ['an entry without a symbol', { key: 'K', 4: [{ symbol: 'A' }, { lastPrice: 1 }] }, 'screener K entry 2 has no symbol'],
  ])('refuses a screener with %s, whole, as a reject with its reason and an excerpt', (_, raw, reason) => {
    expect(decodeScreener('SCREENER_OPTION', raw as Record<string, unknown>, RECEIVED)).toEqual({ ok: false, reason });
    const result = new StreamDecoder().decodeFrame({ data: [{ service: 'SCREENER_OPTION', timestamp: 1, content: [raw] }] }, RECEIVED);
    expect(result.rows).toEqual([]);
    expect(result.rejects).toEqual([{ table: 'screener_items', reason: `SCREENER_OPTION ${reason}`, raw: JSON.stringify(raw) }]);
  });
});
