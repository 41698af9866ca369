// Accounts, positions, orders that evolve (WORKING → FILLED) and transactions, shaped like rest-accounts.json,
// rest-orders.json and rest-transactions.json. Each fill posts a TRADE transaction and announces itself on
// ACCT_ACTIVITY through the listener.
import { createHash } from 'node:crypto';
import { activityMessage, executionId, type ActivityOrder, type ActivityType } from './acct-activity.js';
import { etDateOf, etMs, orderTime, previousTradingDay, type IsoDate } from './calendar.js';
import { holdings } from './holdings.js';
import type { Instrument } from './instruments.js';
import { round2, type Market } from './market.js';
import { Prng, hash32 } from './prng.js';
import type { Timers } from './timers.js';

export interface PlaceOrderInput {
  /** Default: SPY. */
  symbol: string;
  instruction: 'BUY' | 'SELL';
  /** Shares; default 1–10. */
  quantity: number;
  /** Default LIMIT at the touch (marketable). */
  orderType: 'MARKET' | 'LIMIT';
  price: number;
  /** Plain account number; default the primary account. */
  accountNumber: string;
  /** Wall ms from WORKING to FILLED; default 50. */
  fillAfterMs: number;
}

export interface ActivityEvent {
  type: ActivityType;
  message: string;
}

export type ActivityListener = (accountNumber: string, events: ActivityEvent[]) => void;

interface Position {
  quantity: number;
  averagePrice: number;
  previousSessionQuantity: number;
}

export interface SimAccount {
  accountNumber: string;
  hashValue: string;
  type: 'MARGIN' | 'CASH';
  nickName: string;
  primary: boolean;
  cash: number;
  positions: Map<string, Position>;
}

type OrderStatus = 'WORKING' | 'FILLED' | 'CANCELED' | 'REJECTED';

interface SimOrder {
  orderId: number;
  account: SimAccount;
  instrument: Instrument;
  instruction: 'BUY' | 'SELL';
  quantity: number;
  orderType: 'MARKET' | 'LIMIT';
  price: number | undefined;
  status: OrderStatus;
  enteredTime: number;
  closeTime?: number;
  fillPrice?: number;
  activityId?: number;
  destination: string;
  statusDescription?: string;
}

export interface Transaction {
  time: number;
  type: string;
  accountNumber: string;
  symbols: string[];
  activityId: number;
  body: Record<string, unknown>;
}

export const TRANSACTION_TYPES = [
  'TRADE', 'RECEIVE_AND_DELIVER', 'DIVIDEND_OR_INTEREST', 'ACH_RECEIPT', 'ACH_DISBURSEMENT', 'CASH_RECEIPT',
  'CASH_DISBURSEMENT', 'ELECTRONIC_FUND', 'WIRE_OUT', 'WIRE_IN', 'JOURNAL', 'MEMORANDUM', 'MARGIN_CALL', 'MONEY_MARKET',
  'SMA_ADJUSTMENT',
] as const;

export const ORDER_STATUSES = [
  'AWAITING_PARENT_ORDER', 'AWAITING_CONDITION', 'AWAITING_STOP_CONDITION', 'AWAITING_MANUAL_REVIEW', 'ACCEPTED',
  'AWAITING_UR_OUT', 'PENDING_ACTIVATION', 'QUEUED', 'WORKING', 'REJECTED', 'PENDING_CANCEL', 'CANCELED',
  'PENDING_REPLACE', 'REPLACED', 'FILLED', 'EXPIRED', 'NEW', 'AWAITING_RELEASE_TIME', 'PENDING_ACKNOWLEDGEMENT',
  'PENDING_RECALL', 'UNKNOWN',
] as const;

const USD = { assetType: 'CURRENCY', status: 'ACTIVE', symbol: 'CURRENCY_USD', description: 'USD currency', instrumentId: 1, closingPrice: 0 };
const FEE_TYPES = ['COMMISSION', 'SEC_FEE', 'OPT_REG_FEE', 'TAF_FEE'] as const;
const ROUTES = ['HRT_NMS_EQ_F1_Z1', 'CES_NMS_F3_J2', 'VIRTU_NMS_EQ_A1', 'JNST_NMS_EQ_B2'];
const VENUES = ['JNST', 'CDRG', 'NITE', 'VIRT'];

export class Brokerage {
  readonly accounts: SimAccount[];
  private readonly orders: SimOrder[] = [];
  private readonly transactions: Transaction[] = [];
  private readonly prng: Prng;
  private nextOrderId: number;
  private nextActivityId: number;
  private executionSequence: number;
  private listener: ActivityListener | undefined;

  constructor(
    seed: number,
    private readonly market: Market,
    private readonly timers: Timers,
  ) {
    this.prng = new Prng(seed + 3);
    this.nextOrderId = 1_000_000_000_000 + this.prng.int(0, 99_999_999) * 1000;
    this.nextActivityId = 90_000_000_000 + this.prng.int(0, 9_999_999) * 100;
    this.executionSequence = this.prng.int(1_000_000, 8_000_000);
    const number = (): string => this.prng.digits(8);
    const hash = (accountNumber: string): string =>
      createHash('sha256').update(`${seed}:${accountNumber}`).digest('hex').toUpperCase();
    const margin = number();
    const cash = number();
    this.accounts = [
      { accountNumber: margin, hashValue: hash(margin), type: 'MARGIN', nickName: 'Individual', primary: true, cash: 0, positions: new Map() },
      { accountNumber: cash, hashValue: hash(cash), type: 'CASH', nickName: 'Roth IRA', primary: false, cash: 0, positions: new Map() },
    ];
    this.seedHistory();
  }

  onActivity(listener: ActivityListener | undefined): void {
    this.listener = listener;
  }

  primary(): SimAccount {
    const account = this.accounts[0];
    if (account === undefined) throw new Error('no accounts');
    return account;
  }

  byHash(hashValue: string): SimAccount | undefined {
    return this.accounts.find((account) => account.hashValue === hashValue);
  }

  byNumber(accountNumber: string): SimAccount | undefined {
    return this.accounts.find((account) => account.accountNumber === accountNumber);
  }

  /** A deposit, a wire, fills, a rejection and a cancellation in the past weeks, so a fresh simulator has history. */
  private seedHistory(): void {
    const [margin, cash] = this.accounts as [SimAccount, SimAccount];
    let day = etDateOf(this.market.clock());
    const days: IsoDate[] = [];
    for (let i = 0; i < 30; i++) days.unshift((day = previousTradingDay(day)));
    const at = (index: number, hour: number, minute: number): number => etMs(days[index] ?? days[0] ?? day, hour, minute);
    this.cashTransaction(margin, 'ELECTRONIC_FUND', 'ACH Credit Received', 250_000, at(0, 3, 32));
    this.cashTransaction(cash, 'WIRE_IN', 'Wire Incoming', 40_000, at(1, 9, 14));
    this.historicalOrder(margin, 'SPY', 'BUY', 40, at(3, 10, 2), 'FILLED');
    this.historicalOrder(margin, 'AAPL', 'BUY', 100, at(5, 11, 45), 'FILLED');
    this.historicalOrder(margin, 'QQQ', 'BUY', 10, at(8, 9, 31), 'REJECTED');
    this.historicalOrder(cash, 'IWM', 'BUY', 25, at(9, 14, 20), 'FILLED');
    this.historicalOrder(margin, 'NVDA', 'BUY', 50, at(12, 15, 1), 'CANCELED');
    this.historicalOrder(margin, 'AAPL', 'SELL', 30, at(20, 13, 37), 'FILLED');
    this.cashTransaction(margin, 'DIVIDEND_OR_INTEREST', 'Ordinary Dividend~SPY', round2(40 * 1.78), at(24, 11, 55));
    this.cashTransaction(margin, 'JOURNAL', 'Free Balance Interest Adjustment', 12.41, at(25, 7, 30));
    for (const account of this.accounts) {
      for (const position of account.positions.values()) position.previousSessionQuantity = position.quantity;
    }
  }

  private cashTransaction(account: SimAccount, type: string, description: string, amount: number, time: number): void {
    account.cash += amount;
    const midnight = orderTime(etMs(etDateOf(time), 0));
    const activityId = this.activityId();
    this.transactions.push({
      time, type, accountNumber: account.accountNumber, symbols: [], activityId,
      body: {
        activityId, time: orderTime(time), description, accountNumber: account.accountNumber, type, status: 'VALID',
        subAccount: 'CASH', tradeDate: midnight, settlementDate: midnight, netAmount: amount,
        transferItems: [{ instrument: USD, amount, cost: 0, price: 0 }],
      },
    });
  }

  private historicalOrder(account: SimAccount, symbol: string, instruction: 'BUY' | 'SELL', quantity: number, time: number, status: OrderStatus): void {
    const instrument = this.market.instrument(symbol);
    if (instrument === undefined) return;
    const price = round2(this.market.pathPrice(symbol, time));
    const order: SimOrder = {
      orderId: this.orderId(), account, instrument, instruction, quantity, orderType: 'LIMIT',
      price: round2(price + (instruction === 'BUY' ? 0.03 : -0.03)), status: 'WORKING', enteredTime: time,
      destination: 'AutoRoute',
    };
    this.orders.push(order);
    if (status === 'FILLED') this.fill(order, price, time + 1200);
    else {
      order.status = status;
      order.closeTime = status === 'REJECTED' ? time : time + 26 * 60_000;
      if (status === 'REJECTED') order.statusDescription = 'You do not have enough available cash/buying power for this order.';
    }
  }

  private orderId(): number {
    this.nextOrderId += this.prng.int(1, 997);
    return this.nextOrderId;
  }

  private activityId(): number {
    this.nextActivityId += this.prng.int(1, 97);
    return this.nextActivityId;
  }

  /** WORKING now, FILLED after `fillAfterMs`; resolves with the order id once filled. */
  placeOrder(input: Partial<PlaceOrderInput> = {}): Promise<number> {
    try {
      return this.submit(input).filled;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Enters an order (WORKING, ACCT_ACTIVITY announces it) and schedules its fill. */
  submit(input: Partial<PlaceOrderInput> = {}): { orderId: number; filled: Promise<number> } {
    const symbol = input.symbol ?? 'SPY';
    const instrument = this.market.instrument(symbol);
    if (instrument === undefined || instrument.assetMainType !== 'EQUITY') throw new Error(`simulator: cannot trade ${symbol}`);
    const account = input.accountNumber === undefined ? this.primary() : this.byNumber(input.accountNumber);
    if (account === undefined) throw new Error('simulator: unknown account');
    const instruction = input.instruction ?? 'BUY';
    const quote = this.market.quote(symbol);
    const bid = quote?.bid ?? 0;
    const ask = quote?.ask ?? 0;
    const orderType = input.orderType ?? 'LIMIT';
    const order: SimOrder = {
      orderId: this.orderId(), account, instrument, instruction, quantity: input.quantity ?? this.prng.int(1, 10),
      orderType, price: orderType === 'MARKET' ? undefined : (input.price ?? (instruction === 'BUY' ? ask : bid)),
      status: 'WORKING', enteredTime: this.market.clock(), destination: 'AutoRoute',
    };
    this.orders.push(order);
    const activity = this.activityOrder(order, bid, ask, quote?.bidSize ?? 0, quote?.askSize ?? 0);
    this.announce(account, activity, ['OrderCreated', 'OrderAccepted', 'ExecutionRequested', 'ExecutionRequestCreated', 'ExecutionRequestCompleted']);
    const filled = new Promise<number>((resolve) => {
      this.timers.timeout(() => {
        const last = this.market.step(symbol);
        const touch = instruction === 'BUY' ? (last?.ask ?? ask) : (last?.bid ?? bid);
        const limit = order.price;
        const price = limit === undefined ? touch : instruction === 'BUY' ? Math.min(limit, touch) : Math.max(limit, touch);
        const fillTime = this.market.clock();
        this.fill(order, round2(price), fillTime);
        activity.fillPrice = order.fillPrice;
        activity.fillTime = fillTime;
        activity.executionId = executionId(fillTime, (this.executionSequence += 1));
        this.announce(account, activity, ['ExecutionCreated', 'OrderFillCompleted']);
        resolve(order.orderId);
      }, input.fillAfterMs ?? 50);
    });
    return { orderId: order.orderId, filled };
  }

  private activityOrder(order: SimOrder, bid: number, ask: number, bidSize: number, askSize: number): ActivityOrder {
    return {
      orderId: order.orderId, accountNumber: order.account.accountNumber, instrument: order.instrument,
      buy: order.instruction === 'BUY', quantity: order.quantity, limitPrice: order.price, bid, ask, bidSize, askSize,
      legId: order.orderId + 1, enteredTime: order.enteredTime, route: this.prng.pick(ROUTES),
      integerEnums: order.orderId % 2 === 1,
    };
  }

  private announce(account: SimAccount, order: ActivityOrder, types: ActivityType[]): void {
    const at = this.market.clock();
    this.listener?.(account.accountNumber, types.map((type) => ({ type, message: activityMessage(order, type, at) })));
  }

  private fill(order: SimOrder, price: number, time: number): void {
    order.status = 'FILLED';
    order.fillPrice = price;
    order.closeTime = time;
    order.activityId = this.activityId();
    order.destination = this.prng.pick(VENUES);
    const { account, instrument, quantity } = order;
    const buy = order.instruction === 'BUY';
    const notional = round2(price * quantity);
    const secFee = buy ? 0 : Math.ceil(notional * 0.0000278 * 100) / 100;
    const tafFee = buy ? 0 : Math.min(8.3, Math.ceil(quantity * 0.000166 * 100) / 100);
    const netAmount = round2(buy ? -notional : notional - secFee - tafFee);
    account.cash = round2(account.cash + netAmount);
    const position = account.positions.get(instrument.symbol) ?? { quantity: 0, averagePrice: 0, previousSessionQuantity: 0 };
    if (buy) {
      position.averagePrice = (position.averagePrice * position.quantity + notional) / (position.quantity + quantity);
      position.quantity += quantity;
    } else {
      position.quantity -= quantity;
    }
    if (position.quantity === 0) account.positions.delete(instrument.symbol);
    else account.positions.set(instrument.symbol, position);
    const fee = (feeType: string, amount: number): Record<string, unknown> => ({ instrument: USD, amount, cost: amount === 0 ? 0 : -amount, feeType });
    const activityId = this.activityId();
    this.transactions.push({
      time, type: 'TRADE', accountNumber: account.accountNumber, symbols: [instrument.symbol], activityId,
      body: {
        activityId, time: orderTime(time), accountNumber: account.accountNumber, type: 'TRADE', status: 'VALID',
        subAccount: account.type === 'MARGIN' ? 'MARGIN' : 'CASH', tradeDate: orderTime(time),
        positionId: 100_000_000 + (hash32(account.accountNumber, instrument.symbol) % 900_000_000), orderId: order.orderId,
        netAmount,
        transferItems: [
          ...FEE_TYPES.map((type) => fee(type, type === 'SEC_FEE' ? secFee : type === 'TAF_FEE' ? tafFee : 0)),
          {
            instrument: this.transactionInstrument(instrument), amount: buy ? quantity : -quantity,
            cost: buy ? -notional : notional, price, positionEffect: buy ? 'OPENING' : 'CLOSING',
          },
        ],
      },
    });
  }

  private transactionInstrument(instrument: Instrument): Record<string, unknown> {
    const etf = instrument.assetSubType === 'ETF';
    return {
      assetType: etf ? 'COLLECTIVE_INVESTMENT' : 'EQUITY', status: 'ACTIVE', symbol: instrument.symbol,
      description: instrument.longDescription, instrumentId: instrument.ssid,
      closingPrice: this.market.quote(instrument.symbol)?.close ?? 0, type: etf ? 'EXCHANGE_TRADED_FUND' : 'COMMON_STOCK',
    };
  }

  private orderInstrument(instrument: Instrument): Record<string, unknown> {
    const etf = instrument.assetSubType === 'ETF';
    return {
      assetType: etf ? 'COLLECTIVE_INVESTMENT' : 'EQUITY', cusip: instrument.cusip, symbol: instrument.symbol,
      description: instrument.longDescription, instrumentId: instrument.ssid, ...(etf ? { type: 'EXCHANGE_TRADED_FUND' } : {}),
    };
  }

  orderJson(order: SimOrder): Record<string, unknown> {
    const filled = order.status === 'FILLED';
    const open = order.status === 'WORKING';
    const remaining = open ? order.quantity : 0;
    const json: Record<string, unknown> = {
      session: 'NORMAL', duration: 'DAY', orderType: order.orderType, complexOrderStrategyType: 'NONE',
      quantity: order.quantity, filledQuantity: filled ? order.quantity : 0, remainingQuantity: remaining,
      requestedDestination: 'AUTO', destinationLinkName: order.destination,
      ...(order.price === undefined ? {} : { price: order.price }),
      orderLegCollection: [{
        orderLegType: 'EQUITY', legId: 1, instrument: this.orderInstrument(order.instrument), instruction: order.instruction,
        positionEffect: order.instruction === 'BUY' ? 'OPENING' : 'CLOSING', quantity: order.quantity,
      }],
      orderStrategyType: 'SINGLE', orderId: order.orderId, cancelable: open, editable: open, status: order.status,
      enteredTime: orderTime(order.enteredTime),
      ...(order.closeTime === undefined ? {} : { closeTime: orderTime(order.closeTime) }),
      tag: 'TA_schwabrecordersim',
      accountNumber: Number(order.account.accountNumber),
    };
    if (filled || order.status === 'CANCELED') {
      const time = orderTime(order.closeTime ?? order.enteredTime);
      json['orderActivityCollection'] = [{
        activityType: 'EXECUTION', activityId: order.activityId ?? order.orderId % 100_000_000,
        executionType: filled ? 'FILL' : 'CANCELED', quantity: order.quantity, orderRemainingQuantity: 0,
        executionLegs: [{
          legId: 1, quantity: order.quantity, mismarkedQuantity: 0, price: filled ? order.fillPrice : 0, time,
          instrumentId: order.instrument.ssid,
        }],
      }];
    }
    if (order.statusDescription !== undefined) json['statusDescription'] = order.statusDescription;
    return json;
  }

  /** Orders entered in [from, to] (ms), newest first. */
  listOrders(filter: { accountNumber?: string; from: number; to: number; maxResults: number; status?: string }): Record<string, unknown>[] {
    return this.orders
      .filter((o) => filter.accountNumber === undefined || o.account.accountNumber === filter.accountNumber)
      .filter((o) => o.enteredTime >= filter.from && o.enteredTime <= filter.to)
      .filter((o) => filter.status === undefined || o.status === filter.status)
      .sort((a, b) => b.enteredTime - a.enteredTime)
      .slice(0, filter.maxResults)
      .map((o) => this.orderJson(o));
  }

  order(accountNumber: string, orderId: number): Record<string, unknown> | undefined {
    const order = this.orders.find((o) => o.orderId === orderId && o.account.accountNumber === accountNumber);
    return order === undefined ? undefined : this.orderJson(order);
  }

  /** Transactions in [from, to] (ms) of the given types, oldest first. */
  listTransactions(filter: { accountNumber: string; from: number; to: number; types: readonly string[]; symbol?: string }): Record<string, unknown>[] {
    return this.transactions
      .filter((t) => t.accountNumber === filter.accountNumber && t.time >= filter.from && t.time <= filter.to)
      .filter((t) => filter.types.includes(t.type))
      .filter((t) => filter.symbol === undefined || t.symbols.includes(filter.symbol))
      .sort((a, b) => a.time - b.time)
      .slice(0, 3000)
      .map((t) => t.body);
  }

  transaction(accountNumber: string, activityId: number): Record<string, unknown> | undefined {
    return this.transactions.find((t) => t.accountNumber === accountNumber && t.activityId === activityId)?.body;
  }

  /** `GET /accounts` / `/accounts/{hash}` body for one account. */
  accountJson(account: SimAccount, withPositions: boolean): Record<string, unknown> {
    let longValue = 0;
    const positions: Record<string, unknown>[] = [];
    for (const [symbol, position] of account.positions) {
      const instrument = this.market.instrument(symbol);
      const quote = this.market.quote(symbol);
      if (instrument === undefined || quote === undefined) continue;
      const marketValue = round2(position.quantity * quote.last);
      const profit = round2(position.previousSessionQuantity * (quote.last - quote.close));
      longValue += marketValue;
      const etf = instrument.assetSubType === 'ETF';
      positions.push({
        shortQuantity: 0, averagePrice: round4(position.averagePrice), currentDayProfitLoss: profit,
        currentDayProfitLossPercentage: quote.close > 0 ? round2(((quote.last - quote.close) / quote.close) * 100) : 0,
        longQuantity: position.quantity, settledLongQuantity: position.previousSessionQuantity, settledShortQuantity: 0,
        instrument: {
          assetType: etf ? 'COLLECTIVE_INVESTMENT' : 'EQUITY', cusip: instrument.cusip, symbol,
          description: instrument.longDescription, instrumentId: instrument.ssid, netChange: round2(quote.last - quote.close),
          ...(etf ? { type: 'EXCHANGE_TRADED_FUND' } : {}),
        },
        marketValue, maintenanceRequirement: round2(marketValue * 0.25), averageLongPrice: round4(position.averagePrice),
        taxLotAverageLongPrice: round4(position.averagePrice),
        longOpenProfitLoss: round2(marketValue - position.quantity * position.averagePrice),
        previousSessionLongQuantity: position.previousSessionQuantity, currentDayCost: 0,
      });
    }
    // An option, a mutual fund and the cash sweep the accounts hold without trading (holdings.ts).
    for (const held of holdings(account.type, this.market)) {
      positions.push(held.json);
      longValue += held.marketValue;
    }
    longValue = round2(longValue);
    const cash = round2(account.cash);
    const liquidation = round2(cash + longValue);
    const head = {
      type: account.type, accountNumber: account.accountNumber, roundTrips: 0, isDayTrader: false,
      isClosingOnlyRestricted: false, pfcbFlag: false,
    };
    const listing = withPositions ? { positions } : account.type === 'MARGIN' ? { position: null } : {};
    if (account.type === 'CASH') {
      return {
        securitiesAccount: {
          ...head, ...listing,
          initialBalances: {
            accruedInterest: 0, cashAvailableForTrading: cash, cashAvailableForWithdrawal: cash, cashBalance: cash,
            bondValue: 0, cashReceipts: 0, liquidationValue: liquidation, longOptionMarketValue: 0, longStockValue: longValue,
            moneyMarketFund: 0, mutualFundValue: 0, shortOptionMarketValue: 0, shortStockValue: 0, isInCall: false,
            unsettledCash: 0, cashDebitCallValue: 0, pendingDeposits: 0, accountValue: liquidation,
          },
          currentBalances: {
            accruedInterest: 0, cashBalance: cash, cashReceipts: 0, longOptionMarketValue: 0, liquidationValue: liquidation,
            longMarketValue: longValue, moneyMarketFund: 0, savings: 0, shortMarketValue: 0, pendingDeposits: 0,
            mutualFundValue: 0, bondValue: 0, shortOptionMarketValue: 0, cashAvailableForTrading: cash,
            cashAvailableForWithdrawal: cash, cashCall: 0, longNonMarginableMarketValue: longValue, totalCash: cash,
            cashDebitCallValue: 0, unsettledCash: 0,
          },
          projectedBalances: { cashAvailableForTrading: cash, cashAvailableForWithdrawal: cash },
        },
      };
    }
    const maintenance = round2(longValue * 0.25);
    const available = round2(Math.max(0, liquidation - maintenance));
    const buyingPower = round2(available * 2);
    return {
      securitiesAccount: {
        ...head, ...listing,
        initialBalances: {
          accruedInterest: 0, availableFundsNonMarginableTrade: available, bondValue: 0, buyingPower,
          cashBalance: cash, cashAvailableForTrading: 0, cashReceipts: 0, dayTradingBuyingPower: round2(available * 4),
          dayTradingBuyingPowerCall: 0, dayTradingEquityCall: 0, equity: liquidation, equityPercentage: 100,
          liquidationValue: liquidation, longMarginValue: longValue, longOptionMarketValue: 0, longStockValue: longValue,
          maintenanceCall: 0, maintenanceRequirement: maintenance, margin: cash, marginEquity: liquidation,
          moneyMarketFund: 0, mutualFundValue: 0, regTCall: 0, shortMarginValue: 0, shortOptionMarketValue: 0,
          shortStockValue: 0, totalCash: 0, isInCall: false, pendingDeposits: 0, marginBalance: 0, shortBalance: 0,
          accountValue: liquidation,
        },
        currentBalances: {
          availableFunds: available, availableFundsNonMarginableTrade: available, buyingPower,
          buyingPowerNonMarginableTrade: available, dayTradingBuyingPower: round2(available * 4), equity: liquidation,
          equityPercentage: 100, longMarginValue: longValue, maintenanceCall: 0, maintenanceRequirement: maintenance,
          marginBalance: 0, regTCall: 0, shortBalance: 0, shortMarginValue: 0, sma: available,
        },
        projectedBalances: {
          availableFunds: available, availableFundsNonMarginableTrade: available, buyingPower,
          dayTradingBuyingPower: round2(available * 4), dayTradingBuyingPowerCall: 0, maintenanceCall: 0, regTCall: 0,
          isInCall: false, stockBuyingPower: buyingPower,
        },
      },
    };
  }
}

const round4 = (value: number): number => Math.round(value * 10_000) / 10_000;
