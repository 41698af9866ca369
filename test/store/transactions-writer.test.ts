import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { redactRestBody } from '../../src/capture/redact-rest.js';
import { decodeOrders } from '../../src/decode/rest/orders.js';
import { decodeTransactions } from '../../src/decode/rest/transactions.js';
import { ensurePartitionsFor } from '../../src/db/partitions.js';
import { transactionPartitionInstants } from '../../src/store/snapshots/transactions.js';
import { writerDatabase, recordsOf, tableCounts, writeSnapshots } from '../support/snapshot-writers.js';

const sample = (file: string) => redactRestBody(JSON.parse(readFileSync(new URL(`../fixtures/samples/${file}`, import.meta.url), 'utf8'))) as Array<Record<string, unknown>>;
const TRANSACTIONS = sample('rest-transactions.json');
const ORDERS = sample('rest-orders.json');
const HASH = 'E5B9D6C1A0F3E2D4C5B6A7980F1E2D3C4B5A69788796A5B4C3D2E1F0A9B8C7D6';
const PATH = `/trader/v1/accounts/${HASH}/transactions?startDate=2024-01-01T00:00:00.000Z&endDate=2024-05-25T00:00:00.000Z&types=TRADE`;
const ORDERS_PATH = `/trader/v1/accounts/${HASH}/orders?fromEnteredTime=2024-05-01T00:00:00.000Z&toEnteredTime=2024-06-10T00:00:00.000Z`;
const T0 = Date.parse('2024-06-10T14:00:00Z');

const transactions = (body: unknown, seq: number, receivedAt = T0 + seq * 1000) =>
  ({ result: decodeTransactions(body, { path: PATH, receivedAt }), seq });
const orders = (body: unknown, seq: number) => ({ result: decodeOrders(body, { path: ORDERS_PATH, receivedAt: T0 + seq * 1000 }), seq });

// The first real TRADE with fee items (four CURRENCY_USD fees, then the BNDX leg).
const TRADE = TRANSACTIONS.find((t) => t['type'] === 'TRADE' && t['time'] === '2024-03-21T12:40:17+0000')!;
const itemsOf = (t: Record<string, unknown>) => t['transferItems'] as Array<Record<string, unknown>>;

describe('transactions snapshot writer', () => {
  const db = writerDatabase(['accounts', 'symbols', 'orders', 'order_legs', 'order_activities', 'execution_legs', 'transactions', 'transaction_items']);

  it('writes the real transactions sample twice with identical counts and untouched items the second time', async () => {
    const first = await writeSnapshots(db.pool, recordsOf(transactions(TRANSACTIONS, 1)));
    expect(first.rejects).toEqual([]);
    const counts = await tableCounts(db.pool);
    // The sample masks every activityId to one value: 122 transactions fall on 103 distinct (id, time) keys.
    expect(counts).toMatchObject({ accounts: 1, transactions: 103 });
    expect(counts['transaction_items']).toBeGreaterThan(103);
    const itemIds = (await db.pool.query('SELECT array_agg(item_id ORDER BY item_id) AS ids FROM transaction_items')).rows[0].ids;

    const again = await writeSnapshots(db.pool, recordsOf(transactions(TRANSACTIONS, 1)));
    expect(again.rejects).toEqual([]);
    expect(again.written).toMatchObject({ transactions: 0, transaction_items: 0 });
    expect(await tableCounts(db.pool)).toEqual(counts);
    expect((await db.pool.query('SELECT array_agg(item_id ORDER BY item_id) AS ids FROM transaction_items')).rows[0].ids).toEqual(itemIds);
  });

  it('stores a TRADE with its fee items in body order and links it to its order', async () => {
    const order = { ...ORDERS[0], orderId: 12345678910 };
    const result = await writeSnapshots(db.pool, recordsOf(orders([order], 1), transactions([TRADE], 2)));
    expect(result.rejects).toEqual([]);
    const { rows: [trade] } = await db.pool.query(`
      SELECT t.*, o.schwab_order_id::float8 AS linked_order, a.account_hash
        FROM transactions t JOIN orders o USING (order_id) JOIN accounts a ON a.account_id = t.account_id`);
    expect(trade).toMatchObject({
      schwab_activity_id: '12345678910', transaction_time: new Date('2024-03-21T12:40:17Z'), account_hash: HASH,
      linked_order: 12345678910, transaction_type: 'TRADE', status: 'VALID', sub_account: 'CASH', net_amount: '-12.3400',
      position_id: '12345678', settlement_date: null, description: null, activity_type: null, user_login: null,
      created_at: new Date(T0 + 2000), updated_at: new Date(T0 + 2000),
    });
    expect((await db.pool.query(`SELECT to_char(trade_date, 'YYYY-MM-DD') AS d FROM transactions`)).rows[0].d).toBe('2024-03-21');
    const { rows: items } = await db.pool.query(`
      SELECT i.amount::float8, i.cost::float8, i.price::float8, i.position_effect, i.fee_type, i.instrument_cusip, i.instrument_symbol,
             i.instrument_description, i.instrument_id::float8, i.instrument_type, i.instrument_net_change,
             i.transaction_time = t.transaction_time AS same_time
        FROM transaction_items i JOIN transactions t USING (transaction_id) ORDER BY i.item_id`);
    expect(items.map((i) => i.fee_type)).toEqual(['COMMISSION', 'SEC_FEE', 'OPT_REG_FEE', 'TAF_FEE', null]);
    expect(items[0]).toEqual({
      amount: 0, cost: 0, price: null, position_effect: null, fee_type: 'COMMISSION', instrument_cusip: null,
      instrument_symbol: 'CURRENCY_USD', instrument_description: 'USD currency', instrument_id: 1, instrument_type: 'CURRENCY',
      instrument_net_change: null, same_time: true,
    });
    expect(items[4]).toMatchObject({ amount: 237, cost: -12.34, price: 48.9885, position_effect: 'OPENING', instrument_symbol: 'BNDX', instrument_type: 'COLLECTIVE_INVESTMENT' });
  });

  it('leaves order_id NULL while the order is unknown, and links it as soon as the order is stored', async () => {
    await writeSnapshots(db.pool, recordsOf(transactions([TRADE], 1)));
    expect((await db.pool.query('SELECT order_id, schwab_order_id::float8 FROM transactions')).rows).toEqual([{ order_id: null, schwab_order_id: 12345678910 }]);
    // The order arrives in a later flush, with no new body of the transaction: the orders writer links it.
    await writeSnapshots(db.pool, recordsOf(orders([{ ...ORDERS[0], orderId: 12345678910 }], 2)));
    const { rows } = await db.pool.query('SELECT o.schwab_order_id::float8 AS id, t.updated_at FROM transactions t JOIN orders o USING (order_id)');
    expect(rows).toEqual([{ id: 12345678910, updated_at: new Date(T0 + 1000) }]);
    // A later body of the transaction changes nothing.
    expect((await writeSnapshots(db.pool, recordsOf(transactions([TRADE], 3)))).written['transactions']).toBe(0);
  });

  it('replaces the items of a transaction whose items changed, without duplicating them', async () => {
    await writeSnapshots(db.pool, recordsOf(transactions([TRADE], 1)));
    const corrected = { ...TRADE, transferItems: itemsOf(TRADE).map((item) => (item['feeType'] === 'COMMISSION' ? { ...item, amount: 0.65, cost: -0.65 } : item)) };
    const result = await writeSnapshots(db.pool, recordsOf(transactions([corrected], 2)));
    expect(result.written).toMatchObject({ transactions: 0, transaction_items: 5 });
    const { rows } = await db.pool.query('SELECT fee_type, amount::float8 FROM transaction_items ORDER BY item_id');
    expect(rows).toHaveLength(5);
    expect(rows[0]).toEqual({ fee_type: 'COMMISSION', amount: 0.65 });
    // Fewer items in a later body: the dropped ones go.
    await writeSnapshots(db.pool, recordsOf(transactions([{ ...corrected, transferItems: itemsOf(corrected).slice(3) }], 3)));
    expect((await db.pool.query('SELECT fee_type FROM transaction_items ORDER BY item_id')).rows).toEqual([{ fee_type: 'TAF_FEE' }, { fee_type: null }]);
  });

  it('quarantines what PostgreSQL refuses, with its seq, and commits the rest', async () => {
    const tooLongFee = { ...TRADE, transferItems: itemsOf(TRADE).map((item, i) => (i === 1 ? { ...item, feeType: 'A_FEE_TYPE_NAME_LONGER_THAN_THIRTY' } : item)) };
    const overflow = { ...TRANSACTIONS.find((t) => t['type'] === 'DIVIDEND_OR_INTEREST')!, netAmount: 1e15 }; // numeric(15,4)
    const fine = TRANSACTIONS.find((t) => t['type'] === 'WIRE_IN')!;
    const result = await writeSnapshots(db.pool, recordsOf(transactions([tooLongFee, overflow, fine], 77)));
    expect(result.rejects).toEqual([
      { table: 'transactions', seq: 77, reason: expect.stringMatching(/^22003: numeric field overflow/), raw: expect.stringContaining('"transaction_type":"DIVIDEND_OR_INTEREST"') },
      { table: 'transaction_items', seq: 77, reason: expect.stringMatching(/^22001: value too long for type character varying\(30\)/), raw: expect.stringContaining('A_FEE_TYPE_NAME') },
      { table: 'transaction_items', seq: 77, reason: expect.stringMatching(/^its transactions row \(activityId 12345678910 at .*\) was not written$/), raw: expect.any(String) },
    ]);
    const { rows } = await db.pool.query(`
      SELECT t.transaction_type, count(i.item_id)::int AS items FROM transactions t LEFT JOIN transaction_items i USING (transaction_id)
       GROUP BY 1 ORDER BY 1`);
    expect(rows).toEqual([{ transaction_type: 'TRADE', items: 4 }, { transaction_type: 'WIRE_IN', items: 1 }]);
  });

  it('stores item prices as Schwab sends them: the 5 decimals of a real dividend reinvestment are not rounded', async () => {
    // The sample's first transaction: BND bought at 71.38722 with a dividend (NUMERIC(12,4) stored 71.3872).
    const reinvest = TRANSACTIONS[0]!;
    expect(itemsOf(reinvest)[0]!['price']).toBe(71.38722);
    const result = await writeSnapshots(db.pool, recordsOf(transactions([reinvest, TRANSACTIONS[2]!], 5)));
    expect(result.rejects).toEqual([]);
    const { rows } = await db.pool.query(`
      SELECT i.item_id::int, i.transaction_id::int, i.transaction_time, i.amount, i.cost, i.price, i.position_effect, i.fee_type,
             i.instrument_cusip, i.instrument_symbol, i.instrument_description, i.instrument_id, i.instrument_type,
             i.instrument_net_change, i.created_at
        FROM transaction_items i ORDER BY item_id`);
    const item = (id: number, time: string, symbol: string, description: string, instrumentId: string, price: number) => ({
      item_id: id, transaction_id: id, transaction_time: new Date(time), amount: '12.3400', cost: '-12.3400', price,
      position_effect: 'OPENING', fee_type: null, instrument_cusip: null, instrument_symbol: symbol, instrument_description: description,
      instrument_id: instrumentId, instrument_type: 'COLLECTIVE_INVESTMENT', instrument_net_change: null, created_at: new Date(T0 + 5000),
    });
    expect(rows).toEqual([
      item(1, '2024-05-06T15:57:00Z', 'BND', 'VANGUARD TOTAL BOND MARKET ETF', '5224897', 71.38722),
      item(2, '2024-04-04T15:56:07Z', 'BND', 'VANGUARD TOTAL BOND MARKET ETF', '5224897', 71.96188),
    ]);
    // Written again: the stored prices equal the body's, so the items are left alone.
    const again = await writeSnapshots(db.pool, recordsOf(transactions([reinvest, TRANSACTIONS[2]!], 5)));
    expect(again.written).toMatchObject({ transactions: 0, transaction_items: 0 });
  });

  it('names the months of its transactions, whose partitions then hold the rows and their items', async () => {
    const records = recordsOf(transactions(TRANSACTIONS, 1));
    const instants = transactionPartitionInstants(records);
    const months = [...new Set(TRANSACTIONS.map((t) => (t['time'] as string).slice(0, 7)))].sort();
    expect(months.length).toBeGreaterThan(5);
    expect(instants.map((d) => d.toISOString())).toEqual(months.map((m) => `${m}-01T00:00:00.000Z`));
    await ensurePartitionsFor(db.pool, 'transactions', instants);
    await ensurePartitionsFor(db.pool, 'transaction_items', instants);
    await writeSnapshots(db.pool, records);
    const { rows } = await db.pool.query(`
      SELECT tableoid::regclass::text AS partition, count(*)::int AS n FROM transactions GROUP BY 1 ORDER BY 1`);
    expect(rows.map((r) => r.partition)).toEqual(months.map((m) => `transactions_p${m.replace('-', '')}`));
    const { rows: misplaced } = await db.pool.query(`
      SELECT count(*)::int AS n FROM transaction_items WHERE tableoid::regclass::text = 'transaction_items_default'`);
    expect(misplaced[0].n).toBe(0);
  });
});
