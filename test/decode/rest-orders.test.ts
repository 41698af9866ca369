import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { redactRestBody } from '../../src/capture/redact-rest.js';
import { decodeOrders, type OrdersSnapshot } from '../../src/decode/rest/orders.js';
import type { SymbolsSnapshot } from '../../src/decode/rest/quotes.js';
import type { RestDecodeResult } from '../../src/decode/rest/types.js';

// As the decoder sees it live and in replay: account numbers masked by capture.
const ORDERS = redactRestBody(JSON.parse(readFileSync(new URL('../fixtures/samples/rest-orders.json', import.meta.url), 'utf8'))) as Array<Record<string, unknown>>;
const HASH = 'E5B9D6C1A0F3E2D4C5B6A7980F1E2D3C4B5A69788796A5B4C3D2E1F0A9B8C7D6';
const PATH = `/trader/v1/accounts/${HASH}/orders?fromEnteredTime=2024-05-01T00:00:00.000Z&toEnteredTime=2024-06-10T00:00:00.000Z`;
const RECEIVED = Date.parse('2024-06-10T14:00:00Z');
const at = (iso: string): number => Date.parse(iso);

const decode = (body: unknown, path = PATH): RestDecodeResult => decodeOrders(body, { path, receivedAt: RECEIVED });
function ordersOf(result: RestDecodeResult): OrdersSnapshot {
  const snapshot = result.snapshots.find((s) => s.kind === 'orders');
  if (snapshot === undefined) throw new Error('no orders snapshot');
  return snapshot.data as OrdersSnapshot;
}
const entry = (body: unknown, index = 0) => ordersOf(decode(body)).orders[index]!;

describe('decodeOrders', () => {
  it('decodes all 15 real orders without a reject, one entry each, in body order', () => {
    const result = decode(ORDERS);
    expect(result.rejects).toEqual([]);
    expect(result.rows).toEqual([]);
    const { orders } = ordersOf(result);
    expect(orders.map((e) => e.order.status)).toEqual(ORDERS.map((o) => o['status']));
  });

  it('fills every column of a FILLED order, its leg, its activity and its execution leg', () => {
    const filled = entry([ORDERS[0]]);
    expect(filled.order).toStrictEqual({
      schwab_order_id: 123456789, account_hash: HASH, account_display: '...678',
      parent_schwab_order_id: null, parent_relation: null,
      session: 'NORMAL', duration: 'DAY', order_type: 'LIMIT', order_strategy_type: 'SINGLE', complex_order_strategy_type: 'NONE',
      quantity: 10, filled_quantity: 10, remaining_quantity: 0, price: 48.72, stop_price: null,
      status: 'FILLED', status_description: null,
      entered_time: at('2024-06-06T13:46:03Z'), close_time: at('2024-06-06T13:46:03Z'), cancel_time: null, release_time: null,
      cancelable: false, editable: false, observed_at: RECEIVED,
    });
    expect(filled.legs).toStrictEqual([{
      schwab_order_id: 123456789, schwab_leg_id: 1, order_leg_type: 'EQUITY', instruction: 'BUY', position_effect: 'OPENING',
      quantity: 10, quantity_type: null, instrument_cusip: '92203J407', instrument_symbol: 'BNDX',
      instrument_description: 'VANGUARD TOTAL INTERNATL BND ETF IV', instrument_id: 3148252,
      instrument_type: 'COLLECTIVE_INVESTMENT', instrument_net_change: null, observed_at: RECEIVED,
    }]);
    expect(filled.activities).toStrictEqual([{
      schwab_order_id: 123456789, schwab_activity_id: 12345678, activity_ordinal: null,
      activity_type: 'EXECUTION', execution_type: 'FILL', quantity: 10, order_remaining_quantity: 0, observed_at: RECEIVED,
    }]);
    expect(filled.executions).toStrictEqual([{
      schwab_order_id: 123456789, schwab_activity_id: 12345678, activity_ordinal: null, schwab_leg_id: 1,
      price: 48.72, quantity: 10, mismarked_quantity: 0, instrument_id: 3148252, execution_time: at('2024-06-06T13:46:03Z'),
      observed_at: RECEIVED,
    }]);
  });

  it('keeps the reject reason of a REJECTED order, which has no activities', () => {
    const rejected = entry([ORDERS[1]]);
    expect(rejected.order).toMatchObject({
      schwab_order_id: 12345678, status: 'REJECTED', price: 48.705, filled_quantity: 0,
      status_description: 'Orders above $1 can be entered in no more than two decimals; orders below $1, no more than four decimals.',
      entered_time: at('2024-06-06T13:38:24Z'), close_time: at('2024-06-06T13:38:24Z'),
    });
    expect(rejected.activities).toEqual([]);
    expect(rejected.executions).toEqual([]);
  });

  it('keeps executionType CANCELED, and keys an activity without activityId by its position', () => {
    const canceled = entry([ORDERS[2]]);
    expect(canceled.order).toMatchObject({ status: 'CANCELED', close_time: at('2024-06-01T04:12:39Z') });
    expect(canceled.activities).toEqual([expect.objectContaining({ execution_type: 'CANCELED', schwab_activity_id: 12345678, activity_ordinal: null })]);
    expect(canceled.executions).toEqual([expect.objectContaining({ price: 0, quantity: 1, execution_time: at('2024-06-01T04:12:39Z') })]);

    const replaced = entry([ORDERS[6]]);
    expect(replaced.order).toMatchObject({ schwab_order_id: 1234567890123, status: 'REPLACED', price: 30, remaining_quantity: 0 });
    expect(replaced.activities).toStrictEqual([{
      schwab_order_id: 1234567890123, schwab_activity_id: null, activity_ordinal: 0, activity_type: 'EXECUTION',
      execution_type: 'CANCELED', quantity: 1, order_remaining_quantity: 1, observed_at: RECEIVED,
    }]);
    expect(replaced.executions).toEqual([expect.objectContaining({ schwab_activity_id: null, activity_ordinal: 0, schwab_leg_id: 1, instrument_id: 5215623 })]);
  });

  it('leaves close_time NULL on a working order and keeps its flags', () => {
    expect(entry([ORDERS[4]]).order).toMatchObject({ status: 'PENDING_ACTIVATION', close_time: null, cancelable: true, editable: true });
  });

  it('flattens childOrderStrategies and replacingOrderCollection into orders that name their parent', () => {
    const base = ORDERS[0]!;
    const trigger = {
      ...base, orderId: 2001, orderStrategyType: 'TRIGGER', status: 'WORKING',
      childOrderStrategies: [{
        orderStrategyType: 'OCO', orderId: 2002, status: 'AWAITING_PARENT_ORDER', enteredTime: '2024-06-06T13:46:03+0000',
        childOrderStrategies: [
          { ...base, orderId: 2003, orderActivityCollection: undefined, accountNumber: undefined, orderType: 'LIMIT' },
          { ...base, orderId: 2004, orderActivityCollection: undefined, orderType: 'STOP', stopPrice: 45.1 },
        ],
      }],
      replacingOrderCollection: [{ ...base, orderId: 2005, status: 'WORKING', orderActivityCollection: [] }],
    };
    const { orders } = ordersOf(decode([trigger]));
    expect(orders.map(({ order }) => [order.schwab_order_id, order.parent_schwab_order_id, order.parent_relation])).toEqual([
      [2001, null, null], [2002, 2001, 'CHILD'], [2003, 2002, 'CHILD'], [2004, 2002, 'CHILD'], [2005, 2001, 'REPLACING'],
    ]);
    // An OCO parent has no legs of its own; a child without accountNumber belongs to its parent's account.
    expect(orders[1]!.legs).toEqual([]);
    expect(orders[2]!.order.account_display).toBe('...678');
    expect(orders[3]!.order).toMatchObject({ order_type: 'STOP', stop_price: 45.1 });
    expect(orders[3]!.legs.map((l) => l.schwab_order_id)).toEqual([2004]);
  });

  it('takes the account from the path; the all-accounts listing has only the masked number', () => {
    expect(entry([ORDERS[0]]).order.account_hash).toBe(HASH);
    const all = ordersOf(decode([ORDERS[0]], '/trader/v1/orders?fromEnteredTime=2024-05-01T00:00:00.000Z&toEnteredTime=2024-06-10T00:00:00.000Z'));
    expect(all.orders[0]!.order).toMatchObject({ account_hash: null, account_display: '...678' });
  });

  it('decodes the single order of GET .../orders/{id}', () => {
    const one = decode(ORDERS[0], `/trader/v1/accounts/${HASH}/orders/123456789`);
    expect(ordersOf(one).orders.map((e) => e.order.schwab_order_id)).toEqual([123456789]);
  });

  it('rejects an order that does not match its schema or whose id is not exact, and decodes the others', () => {
    const result = decode([{ ...ORDERS[0], orderId: 'abc' }, ORDERS[1], { ...ORDERS[2], orderId: 2 ** 60 }]);
    expect(result.rejects).toEqual([
      { table: 'orders', reason: expect.stringMatching(/^order does not match its schema: orderId: /), raw: expect.any(String) },
      { table: 'orders', reason: expect.stringMatching(/orderId is not an exact integer/), raw: expect.any(String) },
    ]);
    expect(ordersOf(result).orders.map((e) => e.order.status)).toEqual(['REJECTED']);
    expect(decode({ message: 'Invalid account number' }).rejects).toHaveLength(1);
  });

  it('turns odd values into NULL instead of failing: bad times, NUL in text', () => {
    const odd = entry([{ ...ORDERS[0], closeTime: '2024-02-30T00:00:00+0000', cancelTime: '', statusDescription: 'a\u0000b' }]);
    expect(odd.order).toMatchObject({ close_time: null, cancel_time: null, status_description: null });
  });

  it('names the legs\' instruments as symbols, which fill only what quotes have not said', () => {
    const result = decode(ORDERS);
    const symbols = result.snapshots.find((s) => s.kind === 'symbols')?.data as SymbolsSnapshot;
    expect(symbols.symbols).toContainEqual({
      symbol: 'BNDX', company_name: null, description: 'VANGUARD TOTAL INTERNATL BND ETF IV',
      asset_type: 'COLLECTIVE_INVESTMENT', exchange: null, authoritative: false, observed_at: RECEIVED,
    });
    expect(new Set(symbols.symbols.map((s) => s.symbol))).toEqual(new Set(['BNDX', 'VEA', 'VWO', 'VTI']));
  });
});
