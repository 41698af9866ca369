// A value a body does not have never erases one the symbols table knows: Schwab omits `reference` from a quotes
// body when only `quote` is requested, and an order's instrument may lack what another body said. Whether the two
// bodies are flushed together (a replay batches many) or apart (live), the stored rows are the same.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { redactRestBody } from '../../src/capture/redact-rest.js';
import { decodeOrders } from '../../src/decode/rest/orders.js';
import { decodeQuotes } from '../../src/decode/rest/quotes.js';
import { decodeTransactions } from '../../src/decode/rest/transactions.js';
import { recordsOf, writeSnapshots, writerDatabase } from '../support/snapshot-writers.js';

const sample = (file: string): unknown => redactRestBody(JSON.parse(readFileSync(new URL(`../fixtures/samples/${file}`, import.meta.url), 'utf8')));
const T0 = Date.parse('2024-05-17T20:00:00Z');
const QUOTES = sample('rest-quotes-multi-asset-2024-05.json') as Record<string, Record<string, unknown>>;
/** The same quotes as `fields=quote` returns them: no `reference` (nor fundamental, regular). */
const QUOTE_ONLY = Object.fromEntries(Object.entries(QUOTES).map(([key, { reference: _r, fundamental: _f, regular: _g, ...rest }]) => [key, rest]));
const HASH = 'C'.repeat(64);

const quotes = (body: unknown, seq: number) => ({ result: decodeQuotes(body, { path: '/marketdata/v1/quotes?symbols=AAPL', receivedAt: T0 + seq * 1000 }), seq });

/** Every symbols row as the full real body states it, created and last changed by the body of seq 1. */
const FROM_FULL_BODY = [
  ['$SPX', null, 'S&P 500 INDEX', 'INDEX', 'Index'],
  ['/ESZ24', null, 'E-mini S&P 500 Index Futures,Dec-2024,ETH', 'FUTURE', 'XCME'],
  ['AAAIX', null, 'AMERICAN CENTURY STRAT ALLC: AGRSV I', 'MUTUAL_FUND', 'Mutual Fund'],
  ['AAPL', 'Apple Inc', 'Apple Inc', 'EQUITY', 'NASDAQ'],
  ['AAPL  240517C00100000', null, 'AAPL 05/17/2024 100.00 C', 'OPTION', 'OPR'],
  ['EUR/USD', null, 'Euro/USDollar Spot', 'FOREX', 'GFT'],
].map(([symbol, company, description, type, exchange]) => ({
  symbol, company_name: company, description, asset_type: type, exchange, is_active: true,
  created_at: new Date(T0 + 1000), updated_at: new Date(T0 + 1000),
}));

describe('symbols keep what is known', () => {
  const db = writerDatabase(['accounts', 'symbols', 'orders', 'transactions', 'transaction_items']);

  const symbols = async () => (await db.pool.query(
    'SELECT symbol, company_name, description, asset_type, exchange, is_active, created_at, updated_at FROM symbols ORDER BY symbol COLLATE "C"')).rows;

  it('decodes a quote-only body to rows that say nothing about description, company or exchange', () => {
    const rows = (decodeQuotes(QUOTE_ONLY, { path: '/marketdata/v1/quotes', receivedAt: T0 }).snapshots[0]?.data as { symbols: unknown[] }).symbols;
    expect(rows).toHaveLength(6);
    expect(rows).toContainEqual({ symbol: 'AAPL', company_name: null, description: null, asset_type: 'EQUITY', exchange: null, authoritative: true, observed_at: T0 });
  });

  it('a quote-only body in the same flush as a full one erases nothing', async () => {
    const result = await writeSnapshots(db.pool, recordsOf(quotes(QUOTES, 1), quotes(QUOTE_ONLY, 2)));
    expect(result.rejects).toEqual([]);
    expect(await symbols()).toEqual(FROM_FULL_BODY);
  });

  it('a quote-only body in a later flush erases nothing, and the rows equal those of one flush', async () => {
    await writeSnapshots(db.pool, recordsOf(quotes(QUOTES, 1)));
    const later = await writeSnapshots(db.pool, recordsOf(quotes(QUOTE_ONLY, 2)));
    expect(later.written['symbols']).toBe(0);
    expect(await symbols()).toEqual(FROM_FULL_BODY);
  });

  it('an instrument without a description does not erase the one an earlier instrument of the same flush gave', async () => {
    const [order] = sample('rest-orders.json') as Array<Record<string, unknown>>;
    const [reinvest] = sample('rest-transactions.json') as Array<Record<string, unknown>>;
    // The transaction's BND instrument as a body might send it with less: no description, no assetType.
    const item = (reinvest!['transferItems'] as Array<Record<string, unknown>>)[0]!;
    const bare = { ...reinvest, transferItems: [{ ...item, instrument: { symbol: 'BND', instrumentId: 5224897 } }] };
    const bndOrder = { ...order, orderLegCollection: [{ legId: 1, orderLegType: 'EQUITY', instrument: { assetType: 'EQUITY', symbol: 'BND', description: 'VANGUARD TOTAL BOND MARKET ETF' } }] };
    const ordersPath = `/trader/v1/accounts/${HASH}/orders`;
    const result = await writeSnapshots(db.pool, recordsOf(
      { result: decodeOrders([bndOrder], { path: ordersPath, receivedAt: T0 + 1000 }), seq: 1 },
      { result: decodeTransactions([bare], { path: `/trader/v1/accounts/${HASH}/transactions`, receivedAt: T0 + 2000 }), seq: 2 },
    ));
    expect(result.rejects).toEqual([]);
    expect(await symbols()).toEqual([{
      symbol: 'BND', company_name: null, description: 'VANGUARD TOTAL BOND MARKET ETF', asset_type: 'EQUITY', exchange: null,
      is_active: true, created_at: new Date(T0 + 1000), updated_at: new Date(T0 + 1000),
    }]);
  });
});
