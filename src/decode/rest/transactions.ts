// GET /trader/v1/accounts/{hash}/transactions and .../transactions/{activityId} bodies → a 'transactions' snapshot:
// transactions rows keyed by (activityId, time) and their transferItems as transaction_items rows in body order
// (schwab-protocol.md §6.6), plus the items' instruments as symbols. The writer links a transaction to its order
// through orders.schwab_order_id.
//
// Real bodies carry no `user` object (the spec has one): the user columns fill only when it is there. Every fee is
// an item of its own (instrument CURRENCY_USD, a feeType); the security item carries price and positionEffect. A
// duplicated key in a captured body (one real capture repeats "assetType") was settled by JSON.parse, the last wins.
import { jsonExcerpt } from '../json-text.js';
import { transactionSchema, type Transaction } from '../../schwab/schemas/transactions.js';
import { isObject } from '../item.js';
import type { ColumnSpec } from '../tables.js';
import { symbolsSnapshot, type SymbolRow } from './quotes.js';
import {
  accountDisplay, accountHashOf, INSTRUMENT_COLUMNS, instrumentColumns, instrumentSymbol, int, num, schwabDate, schwabTime, text,
  validElements, type InstrumentValues,
} from './trader.js';
import { emptyResult, type RestDecoder } from './types.js';
import { int8, numeric, text as txt } from '../columns.js';

export interface TransactionKey {
  schwab_activity_id: number;
  transaction_time: number; // epoch ms; the partition key
}

export interface TransactionRow extends TransactionKey {
  /** From the request path (always there for this endpoint); null otherwise. */
  account_hash: string | null;
  account_display: string | null;
  /** orderId (trades only): transactions.order_id is linked through it once the order is stored. */
  schwab_order_id: number | null;
  trade_date: string | null; // YYYY-MM-DD
  settlement_date: string | null;
  description: string | null;
  transaction_type: string | null;
  activity_type: string | null;
  status: string | null;
  sub_account: string | null;
  net_amount: number | null;
  position_id: number | null;
  user_cd_domain_id: string | null;
  user_login: string | null;
  user_type: string | null;
  user_id: number | null;
  user_system_name: string | null;
  user_first_name: string | null;
  user_last_name: string | null;
  broker_rep_code: string | null;
  /** Capture time of the body (epoch ms): updated_at of the rows it changes. */
  observed_at: number;
}

export interface TransactionItemRow extends TransactionKey, InstrumentValues {
  /** Position in transferItems: the stored items of a transaction keep this order. */
  item_index: number;
  amount: number | null;
  cost: number | null;
  price: number | null;
  position_effect: string | null;
  fee_type: string | null;
}

/** One transaction as one body shows it, with its items. */
export interface TransactionEntry {
  transaction: TransactionRow;
  items: TransactionItemRow[];
}

export interface TransactionsSnapshot {
  transactions: TransactionEntry[];
}

// ---------------------------------------------------------------- columns (types of sql/001)

const KEY_COLUMNS: readonly ColumnSpec[] = [int8('schwab_activity_id'), { name: 'transaction_time', type: 'timestamptz' }];

/**
 * transactions columns the rows fill besides the key (account_id and order_id are resolved by the writer;
 * schwab_order_id is kept so that an order stored later still links its transactions).
 */
export const TRANSACTION_VALUE_COLUMNS: readonly ColumnSpec[] = [
  { name: 'trade_date', type: 'date' }, { name: 'settlement_date', type: 'date' }, txt('description'),
  txt('transaction_type', 50), txt('activity_type', 50), txt('status', 20), txt('sub_account', 20),
  numeric('net_amount', 15, 4), int8('position_id'), int8('schwab_order_id'), txt('user_cd_domain_id', 50), txt('user_login', 100),
  txt('user_type', 20), int8('user_id'), txt('user_system_name', 100), txt('user_first_name', 100),
  txt('user_last_name', 100), txt('broker_rep_code', 20),
];
export const TRANSACTION_COLUMNS: readonly ColumnSpec[] = [
  ...KEY_COLUMNS, txt('account_hash'), txt('account_display'), ...TRANSACTION_VALUE_COLUMNS,
  { name: 'observed_at', type: 'timestamptz' },
];

export const ITEM_VALUE_COLUMNS: readonly ColumnSpec[] = [
  // price as sent (sql/011): dividend reinvestments carry 5 decimals (71.38722), which NUMERIC(12,4) rounded.
  numeric('amount', 15, 4), numeric('cost', 15, 4), { name: 'price', type: 'float8' }, txt('position_effect', 20),
  txt('fee_type', 30),
  ...INSTRUMENT_COLUMNS,
];
export const ITEM_COLUMNS: readonly ColumnSpec[] = [...KEY_COLUMNS, { name: 'item_index', type: 'int4' }, ...ITEM_VALUE_COLUMNS];

// ---------------------------------------------------------------- decoder

export const decodeTransactions: RestDecoder = (body, context) => {
  const result = emptyResult();
  const accountHash = accountHashOf(context.path);
  const snapshot: TransactionsSnapshot = { transactions: [] };
  const symbols: (SymbolRow | null)[] = [];
  for (const { value: transaction, raw: element } of validElements(body, transactionSchema, 'transactions', 'transaction', result)) {
    const activityId = int(transaction.activityId);
    const time = schwabTime(transaction.time);
    if (activityId === null || time === null) {
      const what = activityId === null ? 'activityId is not an exact integer' : 'time is not a timestamp';
      result.rejects.push({ table: 'transactions', reason: `transaction ${what}: it has no key`, raw: jsonExcerpt(element) });
      continue;
    }
    const key: TransactionKey = { schwab_activity_id: activityId, transaction_time: time };
    const entry: TransactionEntry = { transaction: transactionRow(transaction, key, accountHash, context.receivedAt), items: [] };
    snapshot.transactions.push(entry);
    (transaction.transferItems ?? []).forEach((item, index) => {
      const instrument = item.instrument;
      entry.items.push({
        ...key,
        item_index: index,
        amount: num(item.amount),
        cost: num(item.cost),
        price: num(item.price),
        position_effect: text(item.positionEffect),
        fee_type: text(item.feeType),
        ...instrumentColumns(instrument),
      });
      symbols.push(instrumentSymbol(instrument, context.receivedAt));
    });
  }
  if (snapshot.transactions.length > 0) result.snapshots.push({ kind: 'transactions', data: snapshot });
  result.snapshots.push(...symbolsSnapshot(symbols));
  return result;
};

function transactionRow(transaction: Transaction, key: TransactionKey, accountHash: string | null, observedAt: number): TransactionRow {
  const user = isObject(transaction.user) ? transaction.user : {};
  return {
    ...key,
    account_hash: accountHash,
    account_display: accountDisplay(transaction.accountNumber),
    schwab_order_id: int(transaction.orderId),
    trade_date: schwabDate(transaction.tradeDate),
    settlement_date: schwabDate(transaction.settlementDate),
    description: text(transaction.description),
    transaction_type: text(transaction.type),
    activity_type: text(transaction.activityType),
    status: text(transaction.status),
    sub_account: text(transaction.subAccount),
    net_amount: num(transaction.netAmount),
    position_id: int(transaction.positionId),
    user_cd_domain_id: text(user['cdDomainId']),
    user_login: text(user['login']),
    user_type: text(user['type']),
    user_id: int(user['userId']),
    user_system_name: text(user['systemUserName']),
    user_first_name: text(user['firstName']),
    user_last_name: text(user['lastName']),
    broker_rep_code: text(user['brokerRepCode']),
    observed_at: observedAt,
  };
}
