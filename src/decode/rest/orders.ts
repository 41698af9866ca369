// GET /trader/v1/accounts/{hash}/orders, /trader/v1/orders (all accounts) and .../orders/{id} bodies → an 'orders'
// snapshot: rows of orders, order_legs, order_activities and execution_legs that name each other by Schwab's ids
// (schwab-protocol.md §6.5), plus the legs' instruments as symbols. The writer resolves database ids with joins.
//
// Orders nested in childOrderStrategies (OCO, TRIGGER) or replacingOrderCollection become orders of their own that
// name the order they were nested in. executionType CANCELED is kept as sent. One order that does not match its
// schema is rejected whole; the others still decode.
import { jsonExcerpt } from '../json-text.js';
import { orderSchema, type Order } from '../../schwab/schemas/orders.js';
import type { ColumnSpec } from '../tables.js';
import { symbolsSnapshot, type SymbolRow } from './quotes.js';
import {
  accountDisplay, accountHashOf, bool, INSTRUMENT_COLUMNS, instrumentColumns, instrumentSymbol, int, int4, num, schwabTime, text,
  validElements, type InstrumentValues,
} from './trader.js';
import { emptyResult, type RestDecoder } from './types.js';
import { bool as flag, int8, numeric, text as txt, timestamptz as time } from '../columns.js';

export type ParentRelation = 'CHILD' | 'REPLACING';

export interface OrderRow {
  schwab_order_id: number;
  /** From the request path; null on /trader/v1/orders (the writer then tries the display name). */
  account_hash: string | null;
  /** The order's masked accountNumber ("...678"). */
  account_display: string | null;
  /** The order this one is nested in, and how: CHILD (childOrderStrategies) or REPLACING (replacingOrderCollection). */
  parent_schwab_order_id: number | null;
  parent_relation: ParentRelation | null;
  session: string | null;
  duration: string | null;
  order_type: string | null;
  order_strategy_type: string | null;
  complex_order_strategy_type: string | null;
  quantity: number | null;
  filled_quantity: number | null;
  remaining_quantity: number | null;
  price: number | null;
  stop_price: number | null;
  status: string | null;
  status_description: string | null;
  entered_time: number | null; // epoch ms
  close_time: number | null;
  cancel_time: number | null;
  release_time: number | null;
  cancelable: boolean | null;
  editable: boolean | null;
  /** Capture time of the body (epoch ms): updated_at of the rows it changes. */
  observed_at: number;
}

export interface OrderLegRow extends InstrumentValues {
  schwab_order_id: number;
  schwab_leg_id: number | null;
  order_leg_type: string | null;
  instruction: string | null;
  position_effect: string | null;
  quantity: number | null;
  quantity_type: string | null;
  observed_at: number;
}

/**
 * An activity is named by Schwab's activityId within its order; one without an id (real CANCELED activities have
 * none) by its position in orderActivityCollection instead. Exactly one of the two is set.
 */
export interface ActivityKey {
  schwab_order_id: number;
  schwab_activity_id: number | null;
  activity_ordinal: number | null;
}

export interface OrderActivityRow extends ActivityKey {
  activity_type: string | null;
  execution_type: string | null;
  quantity: number | null;
  order_remaining_quantity: number | null;
  observed_at: number;
}

export interface ExecutionLegRow extends ActivityKey {
  /** legId: the order leg it executes (order_legs.schwab_leg_id of the same order). */
  schwab_leg_id: number | null;
  price: number | null;
  quantity: number | null;
  mismarked_quantity: number | null;
  instrument_id: number | null;
  execution_time: number | null;
  observed_at: number;
}

/** One order as one body shows it, with its own legs and activities (a nested order is an entry of its own). */
export interface OrderEntry {
  order: OrderRow;
  legs: OrderLegRow[];
  activities: OrderActivityRow[];
  executions: ExecutionLegRow[];
}

export interface OrdersSnapshot {
  orders: OrderEntry[];
}

// ---------------------------------------------------------------- columns (types of sql/001 + 003)

const OBSERVED: ColumnSpec = time('observed_at');

/** orders columns the rows fill (account_id and parent_order_id are resolved by the writer). */
export const ORDER_VALUE_COLUMNS: readonly ColumnSpec[] = [
  txt('session', 20), txt('duration', 20), txt('order_type', 20), txt('order_strategy_type', 20),
  txt('complex_order_strategy_type', 50), numeric('quantity', 15, 4), numeric('filled_quantity', 15, 4),
  numeric('remaining_quantity', 15, 4), numeric('price', 12, 4), numeric('stop_price', 12, 4), txt('status', 50),
  txt('status_description'), time('entered_time'), time('close_time'), time('cancel_time'), time('release_time'),
  flag('cancelable'), flag('editable'),
];
export const ORDER_COLUMNS: readonly ColumnSpec[] = [
  int8('schwab_order_id'), txt('account_hash'), txt('account_display'), int8('parent_schwab_order_id'), txt('parent_relation'),
  ...ORDER_VALUE_COLUMNS, OBSERVED,
];

export const LEG_VALUE_COLUMNS: readonly ColumnSpec[] = [
  txt('order_leg_type', 30), txt('instruction', 20), txt('position_effect', 20), numeric('quantity', 15, 4),
  txt('quantity_type', 20),
  ...INSTRUMENT_COLUMNS,
];
export const LEG_COLUMNS: readonly ColumnSpec[] = [
  int8('schwab_order_id'), { name: 'schwab_leg_id', type: 'int4' }, ...LEG_VALUE_COLUMNS, OBSERVED,
];

const ACTIVITY_KEY_COLUMNS: readonly ColumnSpec[] = [
  int8('schwab_order_id'), int8('schwab_activity_id'), { name: 'activity_ordinal', type: 'int4' },
];
export const ACTIVITY_VALUE_COLUMNS: readonly ColumnSpec[] = [
  txt('activity_type', 20), txt('execution_type', 20), numeric('quantity', 15, 4), numeric('order_remaining_quantity', 15, 4),
];
export const ACTIVITY_COLUMNS: readonly ColumnSpec[] = [...ACTIVITY_KEY_COLUMNS, ...ACTIVITY_VALUE_COLUMNS, OBSERVED];

export const EXECUTION_VALUE_COLUMNS: readonly ColumnSpec[] = [
  numeric('price', 12, 4), numeric('quantity', 15, 4), numeric('mismarked_quantity', 15, 4), int8('instrument_id'),
];
export const EXECUTION_COLUMNS: readonly ColumnSpec[] = [
  ...ACTIVITY_KEY_COLUMNS, { name: 'schwab_leg_id', type: 'int4' }, ...EXECUTION_VALUE_COLUMNS, time('execution_time'), OBSERVED,
];

// ---------------------------------------------------------------- decoder

export const decodeOrders: RestDecoder = (body, context) => {
  const result = emptyResult();
  const accountHash = accountHashOf(context.path);
  const snapshot: OrdersSnapshot = { orders: [] };
  const symbols: (SymbolRow | null)[] = [];
  for (const { value: order, raw } of validElements(body, orderSchema, 'orders', 'order', result)) {
    const problem = badOrderId(order);
    if (problem !== null) {
      result.rejects.push({ table: 'orders', reason: problem, raw: jsonExcerpt(raw) });
      continue;
    }
    flatten(order, null, { accountHash, observedAt: context.receivedAt, snapshot, symbols });
  }
  if (snapshot.orders.length > 0) result.snapshots.push({ kind: 'orders', data: snapshot });
  result.snapshots.push(...symbolsSnapshot(symbols));
  return result;
};

/** An orderId that is not an exact integer cannot be upserted on: the whole tree is refused (JSON rounds past 2^53). */
function badOrderId(order: Order): string | null {
  if (int(order.orderId) === null) return `orderId is not an exact integer (${String(order.orderId)})`;
  for (const nested of [...(order.childOrderStrategies ?? []), ...(order.replacingOrderCollection ?? [])]) {
    const problem = badOrderId(nested);
    if (problem !== null) return `nested ${problem}`;
  }
  return null;
}

interface Sink {
  accountHash: string | null;
  observedAt: number;
  snapshot: OrdersSnapshot;
  symbols: (SymbolRow | null)[];
}

interface Parent {
  id: number;
  relation: ParentRelation;
  accountDisplay: string | null;
}

function flatten(order: Order, parent: Parent | null, sink: Sink): void {
  const id = order.orderId;
  const observedAt = sink.observedAt;
  // A nested order without an accountNumber belongs to its parent's account.
  const display = accountDisplay(order.accountNumber) ?? parent?.accountDisplay ?? null;
  const entry: OrderEntry = { order: orderRow(order, parent, display, sink), legs: [], activities: [], executions: [] };
  sink.snapshot.orders.push(entry);

  (order.orderLegCollection ?? []).forEach((leg, index) => {
    const instrument = leg.instrument;
    entry.legs.push({
      schwab_order_id: id,
      // Schwab numbers legs 1..n in collection order; a leg without legId keeps that number, so it has a key.
      schwab_leg_id: int4(leg.legId) ?? index + 1,
      order_leg_type: text(leg.orderLegType),
      instruction: text(leg.instruction),
      position_effect: text(leg.positionEffect),
      quantity: num(leg.quantity),
      quantity_type: text(leg.quantityType),
      ...instrumentColumns(instrument),
      observed_at: observedAt,
    });
    sink.symbols.push(instrumentSymbol(instrument, observedAt));
  });

  const seenActivityIds = new Set<number>();
  (order.orderActivityCollection ?? []).forEach((activity, index) => {
    const activityId = int(activity.activityId);
    // An id repeated within one order (masked captures) cannot name two activities: the repeat goes by position.
    const byId = activityId !== null && !seenActivityIds.has(activityId);
    if (byId) seenActivityIds.add(activityId);
    const key: ActivityKey = {
      schwab_order_id: id,
      schwab_activity_id: byId ? activityId : null,
      activity_ordinal: byId ? null : index,
    };
    entry.activities.push({
      ...key,
      activity_type: text(activity.activityType),
      execution_type: text(activity.executionType),
      quantity: num(activity.quantity),
      order_remaining_quantity: num(activity.orderRemainingQuantity),
      observed_at: observedAt,
    });
    for (const execution of activity.executionLegs ?? []) {
      entry.executions.push({
        ...key,
        schwab_leg_id: int4(execution.legId),
        price: num(execution.price),
        quantity: num(execution.quantity),
        mismarked_quantity: num(execution.mismarkedQuantity),
        instrument_id: int(execution.instrumentId),
        execution_time: schwabTime(execution.time),
        observed_at: observedAt,
      });
    }
  });

  for (const child of order.childOrderStrategies ?? []) flatten(child, { id, relation: 'CHILD', accountDisplay: display }, sink);
  for (const replacing of order.replacingOrderCollection ?? []) {
    flatten(replacing, { id, relation: 'REPLACING', accountDisplay: display }, sink);
  }
}

function orderRow(order: Order, parent: Parent | null, display: string | null, sink: Sink): OrderRow {
  return {
    schwab_order_id: order.orderId,
    account_hash: sink.accountHash,
    account_display: display,
    parent_schwab_order_id: parent?.id ?? null,
    parent_relation: parent?.relation ?? null,
    session: text(order.session),
    duration: text(order.duration),
    order_type: text(order.orderType),
    order_strategy_type: text(order.orderStrategyType),
    complex_order_strategy_type: text(order.complexOrderStrategyType),
    quantity: num(order.quantity),
    filled_quantity: num(order.filledQuantity),
    remaining_quantity: num(order.remainingQuantity),
    price: num(order.price),
    stop_price: num(order.stopPrice),
    status: text(order.status),
    status_description: text(order.statusDescription),
    entered_time: schwabTime(order.enteredTime),
    close_time: schwabTime(order.closeTime),
    cancel_time: schwabTime(order.cancelTime),
    release_time: schwabTime(order.releaseTime),
    cancelable: bool(order.cancelable),
    editable: bool(order.editable),
    observed_at: sink.observedAt,
  };
}
