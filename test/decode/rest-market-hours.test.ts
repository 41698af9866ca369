// GET /marketdata/v1/markets → market_hours rows, over the real bodies: Schwabdev's open day (2024-10-18, samples)
// and z-Wind's closed day (2024-05-18) joined by its author with an open one (2022-04-14) (fixtures/captures).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeMarketHours } from '../../src/decode/rest/market-hours.js';
import { decodeRestBody } from '../../src/decode/rest/router.js';
import { namedRow, TABLES, type NamedRow } from '../../src/decode/tables.js';
import { captureFrame } from '../support/captures.js';

const AT = Date.parse('2024-10-18T11:00:00Z');
const OPEN_DAY = JSON.parse(readFileSync(new URL('../fixtures/samples/rest-markets-equity-option-2024-10-18.json', import.meta.url), 'utf8')) as unknown;
const ZW = captureFrame('markets.jsonl', 1);
const PATH = '/marketdata/v1/markets?markets=equity%2Coption&date=2024-10-18';
const t = (iso: string) => Date.parse(iso);

function rows(body: unknown, path = PATH): NamedRow[] {
  const result = decodeMarketHours(body, { path, receivedAt: AT });
  expect(result.rejects).toEqual([]);
  expect(result.snapshots).toEqual([]);
  return result.rows.map(({ table, row }) => {
    expect(table).toBe('market_hours');
    return namedRow('market_hours', row);
  });
}

const sessions = (regular: [string, string], pre?: [string, string], post?: [string, string]) => ({
  pre_market_start: pre ? t(pre[0]) : null, pre_market_end: pre ? t(pre[1]) : null,
  regular_market_start: t(regular[0]), regular_market_end: t(regular[1]),
  post_market_start: post ? t(post[0]) : null, post_market_end: post ? t(post[1]) : null,
});

describe('decodeMarketHours', () => {
  it('stores every product of the real 2024-10-18 body with every column: session windows as instants', () => {
    const stored = rows(OPEN_DAY);
    expect(stored).toStrictEqual([
      {
        market: 'equity', product: 'EQ', product_name: 'equity', date: '2024-10-18', is_open: true,
        ...sessions(['2024-10-18T13:30:00Z', '2024-10-18T20:00:00Z'], ['2024-10-18T11:00:00Z', '2024-10-18T13:30:00Z'], ['2024-10-18T20:00:00Z', '2024-10-19T00:00:00Z']),
        session_hours: {
          preMarket: [{ start: '2024-10-18T07:00:00-04:00', end: '2024-10-18T09:30:00-04:00' }],
          regularMarket: [{ start: '2024-10-18T09:30:00-04:00', end: '2024-10-18T16:00:00-04:00' }],
          postMarket: [{ start: '2024-10-18T16:00:00-04:00', end: '2024-10-18T20:00:00-04:00' }],
        },
        received_at: AT, seq: null,
      },
      {
        market: 'option', product: 'EQO', product_name: 'equity option', date: '2024-10-18', is_open: true,
        ...sessions(['2024-10-18T13:30:00Z', '2024-10-18T20:00:00Z']),
        session_hours: { regularMarket: [{ start: '2024-10-18T09:30:00-04:00', end: '2024-10-18T16:00:00-04:00' }] },
        received_at: AT, seq: null,
      },
      {
        // Index options close at 16:15 ET.
        market: 'option', product: 'IND', product_name: 'index option', date: '2024-10-18', is_open: true,
        ...sessions(['2024-10-18T13:30:00Z', '2024-10-18T20:15:00Z']),
        session_hours: { regularMarket: [{ start: '2024-10-18T09:30:00-04:00', end: '2024-10-18T16:15:00-04:00' }] },
        received_at: AT, seq: null,
      },
    ]);
    for (const row of stored) expect(Object.keys(row)).toEqual(TABLES.market_hours.columns.map((c) => c.name));
  });

  it('stores a closed day (product named after the market, no sessions) and names the market by marketType', () => {
    const stored = rows(ZW, '/marketdata/v1/markets?markets=option%2Cequity');
    const closed = { product_name: null, is_open: false, ...nulls(), session_hours: null, received_at: AT, seq: null };
    expect(stored.slice(0, 2)).toStrictEqual([
      { market: 'option', product: 'option', date: '2024-05-18', ...closed },
      { market: 'equity', product: 'equity', date: '2024-05-18', ...closed },
    ]);
    // The author's `equity2`/`option2` keys (two bodies joined): marketType still says which market.
    expect(stored.slice(2).map((r) => [r.market, r.product, r.date, r.is_open, r.regular_market_end])).toEqual([
      ['equity', 'EQ', '2022-04-14', true, t('2022-04-14T20:00:00Z')],
      ['option', 'EQO', '2022-04-14', true, t('2022-04-14T20:00:00Z')],
      ['option', 'IND', '2022-04-14', true, t('2022-04-14T20:15:00Z')],
    ]);
  });

  it('is routed for /markets and /markets/{market}', () => {
    expect(decodeRestBody(OPEN_DAY, { path: PATH, receivedAt: AT })?.rows).toHaveLength(3);
    expect(decodeRestBody(ZW, { path: '/marketdata/v1/markets/equity?date=2024-05-18', receivedAt: AT })?.rows).toHaveLength(5);
  });

  it('takes the earliest start and latest end of a session with two spans, and keeps both spans', () => {
    const body = { equity: { EQ: { date: '2024-12-24', marketType: 'EQUITY', product: 'EQ', isOpen: true, sessionHours: {
      regularMarket: [{ start: '2024-12-24T09:30:00-05:00', end: '2024-12-24T11:00:00-05:00' }, { start: '2024-12-24T11:30:00-05:00', end: '2024-12-24T13:00:00-05:00' }],
    } } } };
    const [row] = rows(body);
    expect(row).toMatchObject({ regular_market_start: t('2024-12-24T14:30:00Z'), regular_market_end: t('2024-12-24T18:00:00Z'), pre_market_start: null });
    expect((row!.session_hours as Record<string, unknown[]>).regularMarket).toHaveLength(2);
  });

  it('reads a session of 200,000 spans from the wire without overflowing the stack', () => {
    const span = { start: '2024-12-24T09:30:00-05:00', end: '2024-12-24T11:00:00-05:00' };
    const body = { equity: { EQ: { date: '2024-12-24', marketType: 'EQUITY', product: 'EQ', isOpen: true, sessionHours: {
      regularMarket: Array.from({ length: 200_000 }, () => span),
    } } } };
    expect(rows(body)[0]).toMatchObject({ regular_market_start: t('2024-12-24T14:30:00Z'), regular_market_end: t('2024-12-24T16:00:00Z') });
  });

  it('quarantines a product it cannot read, and keeps the others of the body', () => {
    const good = (OPEN_DAY as Record<string, Record<string, unknown>>).equity!;
    const cases: [unknown, string][] = [
      [{ date: '2024-10-18' }, 'has no isOpen flag'],
      [{ date: '18/10/2024', isOpen: true }, 'has no date (yyyy-MM-dd)'],
      [{ date: '2024-10-18', isOpen: true, sessionHours: { regularMarket: [{ start: '2024-10-18T09:30:00', end: '2024-10-18T16:00:00' }] } },
        'has a sessionHours.regularMarket span without start and end times with an offset'],
      [{ date: '2024-10-18', isOpen: true, sessionHours: { regularMarket: 'all day' } }, 'has sessionHours.regularMarket that is not a list'],
      ['closed', 'is not an object'],
    ];
    for (const [product, reason] of cases) {
      const result = decodeMarketHours({ equity: good, option: { EQO: product } }, { path: PATH, receivedAt: AT });
      expect(result.rows).toHaveLength(1);
      expect(result.rejects).toEqual([{ table: 'market_hours', reason: `market hours of "option/EQO" ${reason}`, raw: JSON.stringify(product) }]);
    }
    expect(decodeMarketHours([1], { path: PATH, receivedAt: AT }).rejects[0]?.reason).toBe('markets body is not an object');
  });
});

function nulls() {
  return {
    pre_market_start: null, pre_market_end: null, regular_market_start: null, regular_market_end: null,
    post_market_start: null, post_market_end: null,
  };
}
