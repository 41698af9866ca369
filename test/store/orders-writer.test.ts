import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redactRestBody } from '../../src/capture/redact-rest.js';
import { decodeAccountNumbers } from '../../src/decode/rest/accounts.js';
import { decodeOrders } from '../../src/decode/rest/orders.js';
import { decodeQuotes } from '../../src/decode/rest/quotes.js';
import { decodeTransactions } from '../../src/decode/rest/transactions.js';
import type { RestDecoder } from '../../src/decode/rest/types.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { writerDatabase, recordsOf, tableCounts, writeSnapshots } from '../support/snapshot-writers.js';

const ORDERS = redactRestBody(JSON.parse(readFileSync(new URL('../fixtures/samples/rest-orders.json', import.meta.url), 'utf8'))) as Array<Record<string, unknown>>;
// The sample's ids are masked, so 15 orders share 3 ids; with ids of their own, every order is stored.
const UNIQUE = ORDERS.map((order, i) => ({ ...order, orderId: 900_000 + i }));
const HASH = 'E5B9D6C1A0F3E2D4C5B6A7980F1E2D3C4B5A69788796A5B4C3D2E1F0A9B8C7D6';
const PATH = `/trader/v1/accounts/${HASH}/orders?fromEnteredTime=2024-05-01T00:00:00.000Z&toEnteredTime=2024-06-10T00:00:00.000Z`;
const ALL_PATH = '/trader/v1/orders?fromEnteredTime=2024-05-01T00:00:00.000Z&toEnteredTime=2024-06-10T00:00:00.000Z';
const T0 = Date.parse('2024-06-10T14:00:00Z');

const decoded = (body: unknown, seq: number, receivedAt = T0 + seq * 1000, path = PATH) =>
  ({ result: decodeOrders(body, { path, receivedAt }), seq });

describe('orders snapshot writer', () => {
  const db = writerDatabase(['accounts', 'symbols', 'orders', 'order_legs', 'order_activities', 'execution_legs', 'transactions', 'transaction_items']);

  it('writes the real orders sample twice with identical counts, the second time changing nothing', async () => {
    const first = await writeSnapshots(db.pool, recordsOf(decoded(ORDERS, 1)));
    expect(first.rejects).toEqual([]);
    const counts = await tableCounts(db.pool);
    // Three distinct (masked) ids: each is one row holding the last of its snapshots in the body.
    expect(counts).toMatchObject({ accounts: 1, orders: 3 });
    const { rows } = await db.pool.query('SELECT schwab_order_id::float8 AS id, status FROM orders ORDER BY 1');
    expect(rows).toEqual([{ id: 12345678, status: 'CANCELED' }, { id: 123456789, status: 'REJECTED' }, { id: 1234567890123, status: 'CANCELED' }]);

    const again = await writeSnapshots(db.pool, recordsOf(decoded(ORDERS, 1)));
    expect(again.rejects).toEqual([]);
    expect(Object.values(again.written).every((n) => n === 0)).toBe(true);
    expect(await tableCounts(db.pool)).toEqual(counts);
  });

  it('stores every seed column of each order, with legs, activities and execution legs belonging to their order', async () => {
    const result = await writeSnapshots(db.pool, recordsOf(decoded(UNIQUE, 7)));
    expect(result.rejects).toEqual([]);
    expect(result.written).toMatchObject({ accounts: 1, orders: 15, order_legs: 15, order_activities: 6, execution_legs: 6 });

    const { rows: [filled] } = await db.pool.query(`
      SELECT o.*, a.account_hash FROM orders o JOIN accounts a USING (account_id) WHERE schwab_order_id = 900000`);
    expect(filled).toMatchObject({
      account_hash: HASH, session: 'NORMAL', duration: 'DAY', order_type: 'LIMIT', order_strategy_type: 'SINGLE',
      complex_order_strategy_type: 'NONE', quantity: '10.0000', filled_quantity: '10.0000', remaining_quantity: '0.0000',
      price: '48.7200', stop_price: null, status: 'FILLED', status_description: null,
      entered_time: new Date('2024-06-06T13:46:03Z'), close_time: new Date('2024-06-06T13:46:03Z'), cancel_time: null,
      release_time: null, cancelable: false, editable: false, parent_order_id: null, parent_relation: null,
      created_at: new Date(T0 + 7000), updated_at: new Date(T0 + 7000),
    });
    const { rows: executions } = await db.pool.query(`
      SELECT o.schwab_order_id::float8 AS order_id, a.activity_type, a.execution_type, a.schwab_activity_id::float8 AS activity,
             a.activity_ordinal, l.schwab_leg_id, l.instrument_symbol, l.order_id = a.order_id AS same_order,
             e.price::float8, e.quantity::float8, e.mismarked_quantity::float8, e.instrument_id::float8, e.execution_time
        FROM execution_legs e JOIN order_activities a USING (activity_id) JOIN orders o ON o.order_id = a.order_id
        LEFT JOIN order_legs l ON l.leg_id = e.leg_id
       ORDER BY 1`);
    expect(executions).toHaveLength(6);
    expect(executions.every((e) => e.same_order === true)).toBe(true);
    expect(executions[0]).toEqual({
      order_id: 900000, activity_type: 'EXECUTION', execution_type: 'FILL', activity: 12345678, activity_ordinal: null,
      schwab_leg_id: 1, instrument_symbol: 'BNDX', same_order: true, price: 48.72, quantity: 10, mismarked_quantity: 0,
      instrument_id: 3148252, execution_time: new Date('2024-06-06T13:46:03Z'),
    });
    // REPLACED (index 6): its CANCELED activity has no activityId and goes by its position.
    expect(executions.find((e) => e.order_id === 900006)).toMatchObject({ execution_type: 'CANCELED', activity: null, activity_ordinal: 0 });
    const { rows: legs } = await db.pool.query(`
      SELECT count(*)::int AS n, count(DISTINCT order_id)::int AS orders FROM order_legs
       WHERE order_leg_type = 'EQUITY' AND instruction = 'BUY' AND position_effect = 'OPENING'
         AND instrument_type = 'COLLECTIVE_INVESTMENT' AND instrument_cusip IS NOT NULL AND instrument_id IS NOT NULL`);
    expect(legs[0]).toEqual({ n: 15, orders: 15 });
    const { rows: [rejected] } = await db.pool.query(`SELECT status_description FROM orders WHERE schwab_order_id = 900001`);
    expect(rejected.status_description).toMatch(/^Orders above \$1 can be entered/);
  });

  it('keeps one row per order holding its last status; updated_at moves with each change, an older body changes nothing', async () => {
    const working = { ...UNIQUE[0], status: 'WORKING', filledQuantity: 0, remainingQuantity: 10, closeTime: undefined, orderActivityCollection: undefined, cancelable: true };
    const pending = { ...working, status: 'PENDING_CANCEL' };
    const filled = UNIQUE[0];
    await writeSnapshots(db.pool, recordsOf(decoded([working], 1)));
    const before = (await db.pool.query('SELECT order_id, status, created_at, updated_at FROM orders')).rows;
    expect(before).toEqual([expect.objectContaining({ status: 'WORKING', updated_at: new Date(T0 + 1000) })]);

    // Two more snapshots of the same order in one batch: the last one is what is stored.
    const result = await writeSnapshots(db.pool, recordsOf(decoded([pending], 2), decoded([filled], 3)));
    expect(result.written['orders']).toBe(1);
    const after = (await db.pool.query('SELECT order_id, status, filled_quantity::float8, cancelable, created_at, updated_at FROM orders')).rows;
    expect(after).toEqual([{
      order_id: before[0].order_id, status: 'FILLED', filled_quantity: 10, cancelable: false,
      created_at: new Date(T0 + 1000), updated_at: new Date(T0 + 3000),
    }]);
    expect((await tableCounts(db.pool))).toMatchObject({ orders: 1, order_legs: 1, order_activities: 1, execution_legs: 1 });

    // Replaying the first body (an old recording) does not take the order back to WORKING.
    const replay = await writeSnapshots(db.pool, recordsOf(decoded([working], 1)));
    expect(replay.written['orders']).toBe(0);
    expect((await db.pool.query('SELECT status, updated_at FROM orders')).rows).toEqual([{ status: 'FILLED', updated_at: new Date(T0 + 3000) }]);
  });

  it('quarantines an order PostgreSQL refuses, with its seq, and its children as orphans; the rest commits', async () => {
    const overflow = { ...UNIQUE[0], price: 1e12 }; // numeric(12,4)
    const result = await writeSnapshots(db.pool, recordsOf(decoded([UNIQUE[1], overflow, UNIQUE[2]], 42)));
    expect(result.rejects).toEqual([
      { table: 'orders', seq: 42, reason: expect.stringMatching(/^22003: numeric field overflow/), raw: expect.stringContaining('"schwab_order_id":900000') },
      { table: 'order_legs', seq: 42, reason: 'its orders row (schwab_order_id 900000) was not written', raw: expect.any(String) },
      { table: 'order_activities', seq: 42, reason: 'its orders row (schwab_order_id 900000) was not written', raw: expect.any(String) },
      { table: 'execution_legs', seq: 42, reason: 'its order_activities row (schwab_order_id 900000, activityId 12345678) was not written', raw: expect.any(String) },
    ]);
    const { rows } = await db.pool.query('SELECT schwab_order_id::float8 AS id FROM orders ORDER BY 1');
    expect(rows.map((r) => r.id)).toEqual([900001, 900002]);
    expect(await tableCounts(db.pool)).toMatchObject({ order_legs: 2, order_activities: 1, execution_legs: 1 });
  });

  it('links the orders nested in childOrderStrategies and replacingOrderCollection to their parent', async () => {
    const base = UNIQUE[0]!;
    const trigger = {
      ...base, orderId: 2001, orderStrategyType: 'TRIGGER', status: 'WORKING', orderActivityCollection: undefined,
      childOrderStrategies: [{
        orderStrategyType: 'OCO', orderId: 2002, status: 'AWAITING_PARENT_ORDER', enteredTime: '2024-06-06T13:46:03+0000',
        childOrderStrategies: [{ ...base, orderId: 2003 }, { ...base, orderId: 2004, orderActivityCollection: undefined }],
      }],
      replacingOrderCollection: [{ ...base, orderId: 2005, orderActivityCollection: undefined }],
    };
    expect((await writeSnapshots(db.pool, recordsOf(decoded([trigger], 1)))).rejects).toEqual([]);
    const links = async () => (await db.pool.query(`
      SELECT c.schwab_order_id::float8 AS id, p.schwab_order_id::float8 AS parent, c.parent_relation AS relation, c.account_id
        FROM orders c LEFT JOIN orders p ON p.order_id = c.parent_order_id ORDER BY 1`)).rows;
    expect(await links()).toEqual([
      { id: 2001, parent: null, relation: null, account_id: '1' },
      { id: 2002, parent: 2001, relation: 'CHILD', account_id: '1' },
      { id: 2003, parent: 2002, relation: 'CHILD', account_id: '1' },
      { id: 2004, parent: 2002, relation: 'CHILD', account_id: '1' },
      { id: 2005, parent: 2001, relation: 'REPLACING', account_id: '1' },
    ]);
    // A child polled on its own later keeps its link.
    await writeSnapshots(db.pool, recordsOf(decoded([{ ...base, orderId: 2003, status: 'CANCELED' }], 2)));
    expect((await links())[2]).toEqual({ id: 2003, parent: 2002, relation: 'CHILD', account_id: '1' });
  });

  it('finds the account of an all-accounts listing by its masked number when exactly one account shows it', async () => {
    await db.pool.query(`INSERT INTO accounts (account_hash, display_name) VALUES ('H1', '...678'), ('H2', '...999')`);
    await writeSnapshots(db.pool, recordsOf(decoded([UNIQUE[0]], 1, T0, ALL_PATH)));
    expect((await db.pool.query('SELECT a.account_hash FROM orders o JOIN accounts a USING (account_id)')).rows).toEqual([{ account_hash: 'H1' }]);

    await db.pool.query(`INSERT INTO accounts (account_hash, display_name) VALUES ('H3', '...678')`);
    await writeSnapshots(db.pool, recordsOf(decoded([UNIQUE[1]], 2, T0, ALL_PATH)));
    const { rows } = await db.pool.query('SELECT schwab_order_id::float8 AS id, account_id FROM orders ORDER BY 1');
    // Ambiguous now: the new order has no account, and the known one keeps its own.
    expect(rows).toEqual([{ id: 900000, account_id: '1' }, { id: 900001, account_id: null }]);
  });
});

describe('orders, transactions, accounts and symbols of the simulator', () => {
  let db: TestDatabase;
  let sim: Simulator;
  beforeAll(async () => {
    db = await createTestDatabase();
    sim = await startSimulator({ seed: 17 });
  });
  afterAll(async () => {
    await sim?.close();
    await db?.drop();
  });

  it('decodes and writes its bodies consistently: filled orders with executions, trades linked to their orders', async () => {
    const placed = await Promise.all([sim.placeOrder({ symbol: 'AAPL', quantity: 5 }), sim.placeOrder({ symbol: 'SPY', instruction: 'SELL', quantity: 2 })]);
    const token = sim.issueTokens().access_token;
    let seq = 0;
    // As the recorder sees a body: fetched, account numbers masked by capture, decoded by path.
    const fetchDecoded = async (path: string, decoder: RestDecoder) => {
      const response = await fetch(`${sim.baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
      expect(response.status, path).toBe(200);
      const body = redactRestBody(await response.json());
      seq += 1;
      return { result: decoder(body, { path, receivedAt: Date.now() }), seq, body };
    };
    const numbers = await fetchDecoded('/trader/v1/accounts/accountNumbers', decodeAccountNumbers);
    const hashes = (numbers.body as Array<{ hashValue: string }>).map((a) => a.hashValue);
    const from = new Date(Date.now() - 60 * 86_400_000).toISOString();
    const to = new Date(Date.now() + 86_400_000).toISOString();
    const bodies = [numbers];
    for (const hash of hashes) {
      bodies.push(await fetchDecoded(`/trader/v1/accounts/${hash}/orders?fromEnteredTime=${from}&toEnteredTime=${to}`, decodeOrders));
      bodies.push(await fetchDecoded(`/trader/v1/accounts/${hash}/transactions?startDate=${from}&endDate=${to}&types=${TYPES}`, decodeTransactions));
    }
    bodies.push(await fetchDecoded('/marketdata/v1/quotes?symbols=AAPL,SPY,QQQ', decodeQuotes));
    for (const { result } of bodies) expect(result.rejects).toEqual([]);

    const records = recordsOf(...bodies);
    const first = await writeSnapshots(db.pool, records);
    expect(first.rejects).toEqual([]);
    const counts = await tableCounts(db.pool);
    const orderBodies = bodies.filter((b) => b.result.snapshots.some((s) => s.kind === 'orders')).flatMap((b) => b.body as unknown[]);
    const transactionBodies = bodies.filter((b) => b.result.snapshots.some((s) => s.kind === 'transactions')).flatMap((b) => b.body as unknown[]);
    expect(counts).toMatchObject({ accounts: 2, orders: orderBodies.length, transactions: transactionBodies.length });

    // Every order has its account; the placed ones are FILLED with an execution of their only leg.
    expect((await db.pool.query('SELECT count(*)::int AS n FROM orders WHERE account_id IS NULL')).rows[0].n).toBe(0);
    const { rows: fills } = await db.pool.query(`
      SELECT o.schwab_order_id::float8 AS id, o.status, l.instrument_symbol, e.quantity::float8 AS quantity, e.price::float8 AS price
        FROM orders o JOIN order_activities a USING (order_id) JOIN execution_legs e USING (activity_id)
        JOIN order_legs l ON l.leg_id = e.leg_id AND l.order_id = o.order_id
       WHERE o.schwab_order_id = ANY($1::bigint[]) ORDER BY 1`, [placed]);
    const [aapl, spy] = placed;
    expect(fills).toHaveLength(2);
    expect(fills.find((f) => f.id === aapl)).toMatchObject({ status: 'FILLED', instrument_symbol: 'AAPL', quantity: 5 });
    expect(fills.find((f) => f.id === spy)).toMatchObject({ status: 'FILLED', instrument_symbol: 'SPY', quantity: 2 });
    // Each trade is linked to its order, in the same account; its SEC and TAF fees are items of their own.
    const { rows: trades } = await db.pool.query(`
      SELECT t.transaction_type, o.schwab_order_id::float8 AS order_id, t.account_id = o.account_id AS same_account,
             array_agg(i.fee_type ORDER BY i.item_id) AS fees
        FROM transactions t LEFT JOIN orders o USING (order_id) JOIN transaction_items i USING (transaction_id, transaction_time)
       WHERE t.transaction_type = 'TRADE' GROUP BY t.transaction_id, t.transaction_type, o.schwab_order_id, t.account_id, o.account_id`);
    expect(trades.length).toBeGreaterThanOrEqual(2);
    for (const trade of trades) {
      expect(trade.order_id).not.toBeNull();
      expect(trade.same_account).toBe(true);
      expect(trade.fees).toEqual(['COMMISSION', 'SEC_FEE', 'OPT_REG_FEE', 'TAF_FEE', null]);
    }
    expect(trades.map((t) => t.order_id)).toEqual(expect.arrayContaining(placed));
    const { rows: symbols } = await db.pool.query(`SELECT symbol, asset_type, exchange FROM symbols WHERE symbol IN ('AAPL', 'SPY') ORDER BY 1`);
    expect(symbols).toEqual([expect.objectContaining({ symbol: 'AAPL', asset_type: 'EQUITY' }), expect.objectContaining({ symbol: 'SPY', asset_type: 'EQUITY' })]);

    const again = await writeSnapshots(db.pool, records);
    expect(again.rejects).toEqual([]);
    expect(Object.values(again.written).every((n) => n === 0)).toBe(true);
    expect(await tableCounts(db.pool)).toEqual(counts);
  });
});

const TYPES = [
  'TRADE', 'RECEIVE_AND_DELIVER', 'DIVIDEND_OR_INTEREST', 'ACH_RECEIPT', 'ACH_DISBURSEMENT', 'CASH_RECEIPT', 'CASH_DISBURSEMENT',
  'ELECTRONIC_FUND', 'WIRE_OUT', 'WIRE_IN', 'JOURNAL', 'MEMORANDUM', 'MARGIN_CALL', 'MONEY_MARKET', 'SMA_ADJUSTMENT',
].join(',');
