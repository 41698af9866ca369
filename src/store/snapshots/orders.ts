// 'orders' snapshots → orders, order_legs, order_activities, execution_legs (and the accounts their paths name).
//
// - orders are upserted by schwab_order_id: a status change updates the row, and updated_at becomes the capture time
//   of the body that changed it. A batch holding the same order twice keeps the last snapshot, legs and activities
//   included; a body older than the stored row (a replay of an old recording) changes nothing.
// - account_id: the account of the request path (inserted when unknown), else the one stored account that shows the
//   order's masked number (all-accounts listing); a known account_id is never cleared.
// - parent_order_id: an order nested in childOrderStrategies or replacingOrderCollection points at its parent.
// - transactions already stored with this order's orderId are linked to it (order_id).
// - legs upsert by (order, legId), activities by (order, activityId or position), execution legs by (activity, leg,
//   time), each leg resolved through its order's legs by legId.
import type { AccountRow } from '../../decode/rest/accounts.js';
import {
  ACTIVITY_COLUMNS, ACTIVITY_VALUE_COLUMNS, EXECUTION_COLUMNS, EXECUTION_VALUE_COLUMNS, LEG_COLUMNS, LEG_VALUE_COLUMNS,
  ORDER_COLUMNS, ORDER_VALUE_COLUMNS,
  type ExecutionLegRow, type OrderActivityRow, type OrderEntry, type OrderLegRow, type OrderRow, type OrdersSnapshot,
} from '../../decode/rest/orders.js';
import { upsertAccounts } from './accounts.js';
import {
  ACCOUNT_OF_STAGE, changes, dataOf, emptyResult, keyOf, lastPerKey, names, runStep, updates, type Staged, type Step,
} from './stage.js';
import type { SnapshotWriter } from './types.js';

const ORDER_UPSERT = `
  INSERT INTO orders AS t (schwab_order_id, account_id, ${names(ORDER_VALUE_COLUMNS)}, created_at, updated_at)
  SELECT s.schwab_order_id, ${ACCOUNT_OF_STAGE}, ${names(ORDER_VALUE_COLUMNS, 's.')}, s.observed_at, s.observed_at
    FROM stage_orders s WHERE s.row_index = ANY($1::int[])
  ON CONFLICT (schwab_order_id) DO UPDATE SET ${updates(ORDER_VALUE_COLUMNS)},
    account_id = COALESCE(EXCLUDED.account_id, t.account_id),
    updated_at = EXCLUDED.updated_at
  WHERE ((${names(ORDER_VALUE_COLUMNS, 't.')}, t.account_id)
         IS DISTINCT FROM (${names(ORDER_VALUE_COLUMNS, 'EXCLUDED.')}, COALESCE(EXCLUDED.account_id, t.account_id)))
    AND t.updated_at <= EXCLUDED.updated_at`;

// Parents are in the same body as their children, so both rows exist once the upsert has run. A link is only ever
// set, never cleared: a child listed on its own elsewhere stays linked.
const ORDER_LINK = `
  UPDATE orders c SET parent_order_id = p.order_id, parent_relation = s.parent_relation
    FROM stage_orders s JOIN orders p ON p.schwab_order_id = s.parent_schwab_order_id
   WHERE c.schwab_order_id = s.schwab_order_id AND s.row_index = ANY($1::int[]) AND p.order_id <> c.order_id
     AND (c.parent_order_id, c.parent_relation) IS DISTINCT FROM (p.order_id, s.parent_relation)`;

// Transactions seen before their order (polled separately) are linked once the order is stored. updated_at of the
// transaction stays: it is the capture time of the transaction's own body.
const LINK_TRANSACTIONS = `
  UPDATE transactions t SET order_id = o.order_id
    FROM stage_orders s JOIN orders o ON o.schwab_order_id = s.schwab_order_id
   WHERE s.row_index = ANY($1::int[]) AND t.order_id IS NULL AND t.schwab_order_id = s.schwab_order_id`;

const ORDERS: Step<OrderRow> = { table: 'orders', stage: 'stage_orders', columns: ORDER_COLUMNS, write: [ORDER_UPSERT] };

/** The stage row's order `o`, unless the stored order is newer than the body (then its children are left alone too). */
const ORDER_OF_ROW = 'o.schwab_order_id = s.schwab_order_id AND o.updated_at <= s.observed_at';
const MISSING_ORDER = 'NOT EXISTS (SELECT 1 FROM orders o WHERE o.schwab_order_id = s.schwab_order_id)';
const missingOrder = (r: { schwab_order_id: number }): string => `its orders row (schwab_order_id ${r.schwab_order_id}) was not written`;

const LEGS: Step<OrderLegRow> = {
  table: 'order_legs',
  stage: 'stage_order_legs',
  columns: LEG_COLUMNS,
  orphans: MISSING_ORDER,
  orphanReason: missingOrder,
  write: [`
    INSERT INTO order_legs AS t (order_id, schwab_leg_id, ${names(LEG_VALUE_COLUMNS)}, created_at)
    SELECT o.order_id, s.schwab_leg_id, ${names(LEG_VALUE_COLUMNS, 's.')}, s.observed_at
      FROM stage_order_legs s JOIN orders o ON ${ORDER_OF_ROW}
     WHERE s.row_index = ANY($1::int[])
    ON CONFLICT (order_id, schwab_leg_id) DO UPDATE SET ${updates(LEG_VALUE_COLUMNS)}
    WHERE ${changes(LEG_VALUE_COLUMNS)}`],
};

const ACTIVITIES: Step<OrderActivityRow> = {
  table: 'order_activities',
  stage: 'stage_order_activities',
  columns: ACTIVITY_COLUMNS,
  orphans: MISSING_ORDER,
  orphanReason: missingOrder,
  write: [`
    INSERT INTO order_activities AS t (order_id, schwab_activity_id, activity_ordinal, ${names(ACTIVITY_VALUE_COLUMNS)}, created_at)
    SELECT o.order_id, s.schwab_activity_id, s.activity_ordinal, ${names(ACTIVITY_VALUE_COLUMNS, 's.')}, s.observed_at
      FROM stage_order_activities s JOIN orders o ON ${ORDER_OF_ROW}
     WHERE s.row_index = ANY($1::int[])
    ON CONFLICT (order_id, schwab_activity_id, activity_ordinal) DO UPDATE SET ${updates(ACTIVITY_VALUE_COLUMNS)}
    WHERE ${changes(ACTIVITY_VALUE_COLUMNS)}`],
};

const ACTIVITY_OF_ROW = `a.order_id = o.order_id AND a.schwab_activity_id IS NOT DISTINCT FROM s.schwab_activity_id
     AND a.activity_ordinal IS NOT DISTINCT FROM s.activity_ordinal`;

const EXECUTIONS: Step<ExecutionLegRow> = {
  table: 'execution_legs',
  stage: 'stage_execution_legs',
  columns: EXECUTION_COLUMNS,
  orphans: `NOT EXISTS (SELECT 1 FROM orders o JOIN order_activities a ON ${ACTIVITY_OF_ROW} WHERE o.schwab_order_id = s.schwab_order_id)`,
  orphanReason: (r) => `its order_activities row (schwab_order_id ${r.schwab_order_id}, `
    + `${r.schwab_activity_id === null ? `activity #${r.activity_ordinal}` : `activityId ${r.schwab_activity_id}`}) was not written`,
  // DISTINCT ON: two execution legs whose legIds match no leg of the order share the key (activity, NULL, time).
  write: [`
    INSERT INTO execution_legs AS t (activity_id, leg_id, ${names(EXECUTION_VALUE_COLUMNS)}, execution_time, created_at)
    SELECT DISTINCT ON (a.activity_id, l.leg_id, s.execution_time)
           a.activity_id, l.leg_id, ${names(EXECUTION_VALUE_COLUMNS, 's.')}, s.execution_time, s.observed_at
      FROM stage_execution_legs s
      JOIN orders o ON ${ORDER_OF_ROW}
      JOIN order_activities a ON ${ACTIVITY_OF_ROW}
      LEFT JOIN order_legs l ON l.order_id = o.order_id AND l.schwab_leg_id = s.schwab_leg_id
     WHERE s.row_index = ANY($1::int[])
     ORDER BY a.activity_id, l.leg_id, s.execution_time, s.row_index DESC
    ON CONFLICT (activity_id, leg_id, execution_time) DO UPDATE SET ${updates(EXECUTION_VALUE_COLUMNS)}
    WHERE ${changes(EXECUTION_VALUE_COLUMNS)}`],
};

export const ordersWriter: SnapshotWriter = {
  kind: 'orders',
  async write(client, records) {
    const out = emptyResult();
    const snapshots = dataOf<OrdersSnapshot>('orders', records);

    // The last snapshot of each order in the batch, with its own legs and activities; a parent link from any.
    const entries = lastPerKey(snapshots.flatMap(({ data, seq }) => data.orders.map((row) => ({ row, seq }))),
      (e) => keyOf(e.order.schwab_order_id));
    const links = new Map<number, OrderRow>();
    for (const { data } of snapshots) {
      for (const { order } of data.orders) if (order.parent_schwab_order_id !== null) links.set(order.schwab_order_id, order);
    }
    const orders = entries.map(({ row: { order }, seq }): Staged<OrderRow> => {
      const link = links.get(order.schwab_order_id);
      return { seq, row: link === undefined ? order : { ...order, parent_schwab_order_id: link.parent_schwab_order_id, parent_relation: link.parent_relation } };
    });
    const children = <R>(select: (entry: OrderEntry) => R[]): Staged<R>[] =>
      entries.flatMap(({ row, seq }) => select(row).map((child) => ({ row: child, seq })));

    await upsertAccounts(client, orders.flatMap(({ row, seq }): Staged<AccountRow>[] => (row.account_hash === null ? [] : [{
      seq, row: { account_hash: row.account_hash, display_name: row.account_display, account_type: null, observed_at: row.observed_at },
    }])), out);
    const written = await runStep(client, ORDERS, orders, out);
    if (links.size > 0) await client.query(ORDER_LINK, [written]);
    await client.query(LINK_TRANSACTIONS, [written]);
    await runStep(client, LEGS, lastPerKey(children((e) => e.legs), (r) => keyOf(r.schwab_order_id, r.schwab_leg_id)), out);
    await runStep(client, ACTIVITIES, lastPerKey(children((e) => e.activities), activityKey), out);
    await runStep(client, EXECUTIONS, lastPerKey(children((e) => e.executions),
      (r) => keyOf(activityKey(r), r.schwab_leg_id, r.execution_time)), out);
    return out;
  },
};

const activityKey = (r: { schwab_order_id: number; schwab_activity_id: number | null; activity_ordinal: number | null }): string =>
  keyOf(r.schwab_order_id, r.schwab_activity_id, r.activity_ordinal);
