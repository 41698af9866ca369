import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redactRestBody } from '../../src/capture/redact-rest.js';
import { decodeAccountNumbers, decodeAccounts } from '../../src/decode/rest/accounts.js';
import { decodeOrders } from '../../src/decode/rest/orders.js';
import { decodeQuotes } from '../../src/decode/rest/quotes.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { writerDatabase, recordsOf, writeSnapshots } from '../support/snapshot-writers.js';

const sample = (file: string): unknown => redactRestBody(JSON.parse(readFileSync(new URL(`../fixtures/samples/${file}`, import.meta.url), 'utf8')));
const T0 = Date.parse('2024-11-27T15:00:00Z');
const H1 = 'A'.repeat(64);
const H2 = 'B'.repeat(64);
const numbers = (list: Array<[string, string]>, seq: number) => ({
  result: decodeAccountNumbers(list.map(([accountNumber, hashValue]) => ({ accountNumber, hashValue })),
    { path: '/trader/v1/accounts/accountNumbers', receivedAt: T0 + seq * 1000 }),
  seq,
});

describe('accounts snapshot writer', () => {
  const db = writerDatabase(['accounts', 'symbols', 'orders']);

  const accounts = async () => (await db.pool.query(
    'SELECT account_hash, account_number, display_name, account_type, is_active, updated_at FROM accounts ORDER BY account_id')).rows;

  it('upserts accounts by hash: display name from accountNumbers, type from /accounts/{hash}, no account number ever', async () => {
    expect((await writeSnapshots(db.pool, recordsOf(numbers([['...678', H1], ['...321', H2]], 1)))).rejects).toEqual([]);
    const margin = (sample('rest-accounts.json') as unknown[])[1];
    await writeSnapshots(db.pool, recordsOf({ result: decodeAccounts(margin, { path: `/trader/v1/accounts/${H1}`, receivedAt: T0 + 2000 }), seq: 2 }));
    expect(await accounts()).toEqual([
      { account_hash: H1, account_number: null, display_name: '...678', account_type: 'MARGIN', is_active: true, updated_at: new Date(T0 + 2000) },
      { account_hash: H2, account_number: null, display_name: '...321', account_type: null, is_active: true, updated_at: new Date(T0 + 1000) },
    ]);
    // The same listing again changes nothing, not even updated_at.
    const again = await writeSnapshots(db.pool, recordsOf(numbers([['...678', H1], ['...321', H2]], 3)));
    expect(again.written['accounts']).toBe(0);
    expect((await accounts())[0].updated_at).toEqual(new Date(T0 + 2000));
  });

  it('marks an account the listing no longer names inactive, and active again when it returns', async () => {
    await writeSnapshots(db.pool, recordsOf(numbers([['...678', H1], ['...321', H2]], 1)));
    await writeSnapshots(db.pool, recordsOf(numbers([['...678', H1]], 2)));
    expect((await accounts()).map((a) => [a.account_hash, a.is_active])).toEqual([[H1, true], [H2, false]]);
    await writeSnapshots(db.pool, recordsOf(numbers([['...678', H1], ['...321', H2]], 3)));
    expect((await accounts()).map((a) => a.is_active)).toEqual([true, true]);
  });

  it('inserts the account of an orders path it does not know yet', async () => {
    const orders = sample('rest-orders.json') as unknown[];
    await writeSnapshots(db.pool, recordsOf({ result: decodeOrders([orders[0]], { path: `/trader/v1/accounts/${H2}/orders`, receivedAt: T0 }), seq: 1 }));
    expect(await accounts()).toEqual([expect.objectContaining({ account_hash: H2, display_name: '...678', account_type: null })]);
  });
});

describe('symbols snapshot writer', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  const symbol = async (name: string) => (await db.pool.query(
    'SELECT symbol, company_name, description, asset_type, exchange, updated_at FROM symbols WHERE symbol = $1', [name])).rows[0];

  it('stores every quote of the real body; instruments fill only what quotes left NULL and never overwrite them', async () => {
    const orders = sample('rest-orders.json') as unknown[];
    // An order first: BNDX as its leg names it.
    await writeSnapshots(db.pool, recordsOf({ result: decodeOrders([orders[0]], { path: `/trader/v1/accounts/${H1}/orders`, receivedAt: T0 }), seq: 1 }));
    expect(await symbol('BNDX')).toMatchObject({ asset_type: 'COLLECTIVE_INVESTMENT', description: 'VANGUARD TOTAL INTERNATL BND ETF IV', exchange: null });

    const quotes = sample('rest-quotes-multi-asset-2024-05.json');
    const result = await writeSnapshots(db.pool, recordsOf({ result: decodeQuotes(quotes, { path: '/marketdata/v1/quotes', receivedAt: T0 + 1000 }), seq: 2 }));
    expect(result.rejects).toEqual([]);
    expect(result.written['symbols']).toBe(6);
    expect(await symbol('AAPL')).toEqual({
      symbol: 'AAPL', company_name: 'Apple Inc', description: 'Apple Inc', asset_type: 'EQUITY', exchange: 'NASDAQ', updated_at: new Date(T0 + 1000),
    });
    expect(await symbol('AAAIX')).toMatchObject({ exchange: 'Mutual Fund' });

    // An instrument naming AAPL differently does not overwrite the quote's values.
    const instrumentOrder = { ...(orders[0] as Record<string, unknown>), orderLegCollection: [{ legId: 1, orderLegType: 'EQUITY', instrument: { assetType: 'EQUITY', symbol: 'AAPL', description: 'APPLE INC' } }] };
    const after = await writeSnapshots(db.pool, recordsOf({ result: decodeOrders([instrumentOrder], { path: `/trader/v1/accounts/${H1}/orders`, receivedAt: T0 + 2000 }), seq: 3 }));
    expect(after.written['symbols']).toBe(0);
    expect(await symbol('AAPL')).toMatchObject({ description: 'Apple Inc', updated_at: new Date(T0 + 1000) });

    // A quote is the authority: a newer one replaces what an instrument said, an older one changes nothing.
    const bndx = { BNDX: { symbol: 'BNDX', assetMainType: 'EQUITY', assetSubType: 'ETF', reference: { description: 'Vanguard Total International Bond ETF', exchange: 'Q', exchangeName: 'NASDAQ' } } };
    await writeSnapshots(db.pool, recordsOf({ result: decodeQuotes(bndx, { path: '/marketdata/v1/quotes', receivedAt: T0 + 3000 }), seq: 4 }));
    expect(await symbol('BNDX')).toMatchObject({ asset_type: 'EQUITY', exchange: 'NASDAQ', description: 'Vanguard Total International Bond ETF' });
    const older = { BNDX: { ...bndx.BNDX, reference: { description: 'old name' } } };
    await writeSnapshots(db.pool, recordsOf({ result: decodeQuotes(older, { path: '/marketdata/v1/quotes', receivedAt: T0 + 500 }), seq: 5 }));
    expect(await symbol('BNDX')).toMatchObject({ description: 'Vanguard Total International Bond ETF', updated_at: new Date(T0 + 3000) });
  });

  it('quarantines a symbol too long for its column and stores the others', async () => {
    const long = 'X'.repeat(51);
    const body = { [long]: { symbol: long, assetMainType: 'EQUITY' }, MSFT: { symbol: 'MSFT', assetMainType: 'EQUITY' } };
    const result = await writeSnapshots(db.pool, recordsOf({ result: decodeQuotes(body, { path: '/marketdata/v1/quotes', receivedAt: T0 }), seq: 9 }));
    expect(result.rejects).toEqual([{ table: 'symbols', seq: 9, reason: expect.stringMatching(/^22001: value too long/), raw: expect.stringContaining(long) }]);
    expect(await symbol('MSFT')).toMatchObject({ asset_type: 'EQUITY' });
  });
});
