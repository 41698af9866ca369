// HTTP routes: OAuth under /v1/oauth, the trader API under /trader/v1, market data under /marketdata/v1.
// Bearer tokens are checked on every API call; parameters are validated as Schwab does (required order and
// transaction dates in its format, price-history period/frequency combinations) and errors use its shapes.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ORDER_STATUSES, TRANSACTION_TYPES, type Brokerage, type SimAccount } from './accounts.js';
import { addDays, etDateOf } from './calendar.js';
import { expirationChain, optionChain, type ChainQuery } from './chains.js';
import type { FaultState } from './faults.js';
import type { Market } from './market.js';
import { SIMULATED_MARKETS, marketHours, type SimulatedMarket } from './markets.js';
import { moversBody, moversQuery } from './movers.js';
import { instrumentByCusip, instrumentsBody } from './instruments.js';
import type { HttpReply, OAuthServer } from './oauth.js';
import type { OptionBook } from './options.js';
import { priceHistory } from './price-history.js';
import { parseQuoteFields, quotesBody } from './quotes.js';
import type { ScreenerFeed } from './screeners.js';
import type { StatsRecorder } from './stats.js';

export interface StreamerIdentity {
  customerId: string;
  correlId: string;
  channel: string;
  functionId: string;
}

export interface RestContext {
  market: Market;
  book: OptionBook;
  /** The streamer's screeners: REST movers rank the same way. */
  screeners: ScreenerFeed;
  brokerage: Brokerage;
  oauth: OAuthServer;
  faults: FaultState;
  stats: StatsRecorder;
  identity: StreamerIdentity;
  wsUrl: () => string;
  baseUrl: () => string;
}

const TRADER = '/trader/v1';
const MARKETDATA = '/marketdata/v1';
const MAX_BODY_BYTES = 1 << 20;
const TIME_FORMAT = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3})(Z|[+-]\d{2}:?\d{2})$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const STATUS_TITLES: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 404: 'Not Found', 429: 'Too Many Requests', 500: 'Internal Server Error',
  503: 'Service Unavailable',
};

class HttpError extends Error {
  constructor(readonly reply: HttpReply) {
    super(`HTTP ${reply.status}`);
  }
}

/** Trader API errors: `{"message":"...","errors":["..."]}`. */
function traderError(status: number, message: string): HttpError {
  return new HttpError({ status, body: { message, errors: [message] } });
}

/** Market data errors: `{"errors":[{id,status,title,detail,source}]}` (status a string, as Schwab often sends it). */
function marketError(status: number, detail: string, parameter?: string): HttpError {
  return new HttpError({
    status,
    body: {
      errors: [{
        id: randomUUID(), status: String(status), title: STATUS_TITLES[status] ?? 'Error', detail,
        ...(parameter === undefined ? {} : { source: { parameter } }),
      }],
    },
  });
}

/** The shape of rest-error-trader-401.json; used for missing and expired tokens on both APIs. */
function unauthorized(): HttpReply {
  return { status: 401, body: { errors: [{ id: randomUUID(), status: 401, title: 'Unauthorized', detail: 'Client not authorized' }] } };
}

function write(res: ServerResponse, reply: HttpReply): void {
  const headers: Record<string, string> = { 'schwab-client-correlid': randomUUID(), ...reply.headers };
  if (reply.body === undefined) {
    res.writeHead(reply.status, headers).end();
    return;
  }
  const text = JSON.stringify(reply.body);
  res.writeHead(reply.status, { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) }).end(text);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw traderError(400, 'request body too large');
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function handleHttp(ctx: RestContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', ctx.baseUrl());
  const method = req.method ?? 'GET';
  const path = url.pathname;
  let reply: HttpReply;
  try {
    if (path === '/v1/oauth/authorize' && method === 'GET') reply = ctx.oauth.authorize(url.searchParams);
    else if (path === '/v1/oauth/token' && method === 'POST') {
      reply = ctx.oauth.token(req.headers.authorization, new URLSearchParams(await readBody(req)));
    } else if (path.startsWith(`${TRADER}/`) || path.startsWith(`${MARKETDATA}/`)) {
      reply = await api(ctx, req, method, url);
      ctx.stats.restRequests.push({ method, path: `${path}${url.search}`, status: reply.status });
    } else reply = { status: 404, body: { message: 'Not Found' } };
  } catch (error) {
    reply = error instanceof HttpError ? error.reply : { status: 500, body: { message: 'Internal Server Error' } };
    if (path.startsWith(`${TRADER}/`) || path.startsWith(`${MARKETDATA}/`)) {
      ctx.stats.restRequests.push({ method, path: `${path}${url.search}`, status: reply.status });
    }
  }
  write(res, reply);
}

async function api(ctx: RestContext, req: IncomingMessage, method: string, url: URL): Promise<HttpReply> {
  const failure = ctx.faults.takeRestFailure();
  if (failure !== undefined) {
    const title = STATUS_TITLES[failure.status] ?? 'Error';
    return {
      status: failure.status,
      headers: failure.retryAfterSeconds === undefined ? {} : { 'retry-after': String(failure.retryAfterSeconds) },
      body: { errors: [{ id: randomUUID(), status: failure.status, title, detail: `${title} (simulated fault)` }] },
    };
  }
  const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
  if (bearer?.[1] === undefined || !ctx.oauth.isValidAccessToken(bearer[1])) return unauthorized();
  if (url.pathname.startsWith(`${TRADER}/`)) return trader(ctx, req, method, url);
  if (method !== 'GET') throw marketError(404, `No route for ${method} ${url.pathname}`);
  return marketData(ctx, url);
}

// ---- trader API ----

async function trader(ctx: RestContext, req: IncomingMessage, method: string, url: URL): Promise<HttpReply> {
  const parts = url.pathname.slice(TRADER.length + 1).split('/').map(decodeURIComponent);
  const query = url.searchParams;
  const { brokerage } = ctx;
  const ok = (body: unknown): HttpReply => ({ status: 200, body });
  const route = `${method} ${parts.map((part, i) => (i === 1 && parts[0] === 'accounts' && part !== 'accountNumbers' ? '{hash}' : i === 3 ? '{id}' : part)).join('/')}`;
  const account = (): SimAccount => {
    const found = brokerage.byHash(parts[1] ?? '');
    if (found === undefined) throw traderError(400, 'Invalid account number');
    return found;
  };
  switch (route) {
    case 'GET userPreference': return ok(userPreference(ctx));
    case 'GET accounts/accountNumbers':
      return ok(brokerage.accounts.map((a) => ({ accountNumber: a.accountNumber, hashValue: a.hashValue })));
    case 'GET accounts': return ok(brokerage.accounts.map((a) => brokerage.accountJson(a, wantsPositions(query))));
    case 'GET accounts/{hash}': return ok(brokerage.accountJson(account(), wantsPositions(query)));
    case 'GET accounts/{hash}/orders': return ok(brokerage.listOrders({ accountNumber: account().accountNumber, ...orderFilter(query) }));
    case 'GET orders': return ok(brokerage.listOrders(orderFilter(query)));
    case 'GET accounts/{hash}/orders/{id}': {
      const order = brokerage.order(account().accountNumber, Number(parts[3]));
      if (order === undefined) throw traderError(404, 'Order not found');
      return ok(order);
    }
    case 'POST accounts/{hash}/orders': {
      const target = account();
      const orderId = submitOrder(ctx, target, await readBody(req));
      return { status: 201, headers: { location: `${ctx.baseUrl()}${TRADER}/accounts/${target.hashValue}/orders/${orderId}` } };
    }
    case 'GET accounts/{hash}/transactions': {
      const target = account();
      const types = query.get('types');
      if (types === null || types === '') throw traderError(400, 'types is required');
      const list = types.split(',').map((type) => type.trim());
      const bad = list.find((type) => !(TRANSACTION_TYPES as readonly string[]).includes(type));
      if (bad !== undefined) throw traderError(400, `'${bad}' is not a valid value for types`);
      return ok(brokerage.listTransactions({
        accountNumber: target.accountNumber, from: traderTime(query, 'startDate'), to: traderTime(query, 'endDate'),
        types: list, symbol: query.get('symbol') ?? undefined,
      }));
    }
    case 'GET accounts/{hash}/transactions/{id}': {
      const transaction = brokerage.transaction(account().accountNumber, Number(parts[3]));
      if (transaction === undefined) throw traderError(404, 'Transaction not found');
      return ok(transaction);
    }
    default: throw traderError(404, `No route for ${method} ${url.pathname}`);
  }
}

function wantsPositions(query: URLSearchParams): boolean {
  return (query.get('fields') ?? '').split(',').map((f) => f.trim()).includes('positions');
}

function userPreference(ctx: RestContext): Record<string, unknown> {
  return {
    accounts: ctx.brokerage.accounts.map((a) => ({
      accountNumber: a.accountNumber, primaryAccount: a.primary, type: 'BROKERAGE', nickName: a.nickName,
      displayAcctId: `...${a.accountNumber.slice(-3)}`, autoPositionEffect: false, accountColor: a.primary ? 'Green' : 'Blue',
    })),
    streamerInfo: [{
      streamerSocketUrl: ctx.wsUrl(), schwabClientCustomerId: ctx.identity.customerId,
      schwabClientCorrelId: ctx.identity.correlId, schwabClientChannel: ctx.identity.channel,
      schwabClientFunctionId: ctx.identity.functionId,
    }],
    offers: [{ level2Permissions: true, mktDataPermission: 'NP' }],
  };
}

/** `yyyy-MM-dd'T'HH:mm:ss.SSSZ` (Z or a numeric offset), required. */
function traderTime(query: URLSearchParams, name: string): number {
  const value = query.get(name);
  if (value === null || value === '') throw traderError(400, `${name} is required`);
  const match = TIME_FORMAT.exec(value);
  const offset = match?.[2] === 'Z' ? 'Z' : (match?.[2] ?? '').replace(/^([+-]\d{2}):?(\d{2})$/, '$1:$2');
  const ms = match === null ? Number.NaN : Date.parse(`${match[1]}${offset}`);
  if (Number.isNaN(ms)) throw traderError(400, `'${value}' is not a valid value for ${name}`);
  return ms;
}

function orderFilter(query: URLSearchParams): { from: number; to: number; maxResults: number; status?: string } {
  const from = traderTime(query, 'fromEnteredTime');
  const to = traderTime(query, 'toEnteredTime');
  if (to < from) throw traderError(400, 'toEnteredTime must not be before fromEnteredTime');
  if (to - from > 366 * 86_400_000) throw traderError(400, 'The date range may not exceed one year');
  const max = query.get('maxResults');
  if (max !== null && !/^[1-9]\d*$/.test(max)) throw traderError(400, `'${max}' is not a valid value for maxResults`);
  const status = query.get('status') ?? undefined;
  if (status !== undefined && !(ORDER_STATUSES as readonly string[]).includes(status)) {
    throw traderError(400, `'${status}' is not a valid value for status`);
  }
  return { from, to, maxResults: max === null ? 3000 : Math.min(Number(max), 3000), status };
}

/** POST orders: a single-leg equity order in Schwab's order JSON. Returns the new order id. */
function submitOrder(ctx: RestContext, account: SimAccount, text: string): number {
  let order: unknown;
  try {
    order = JSON.parse(text);
  } catch {
    throw traderError(400, 'The order is not valid JSON');
  }
  const o = (typeof order === 'object' && order !== null ? order : {}) as Record<string, unknown>;
  const legs = Array.isArray(o['orderLegCollection']) ? (o['orderLegCollection'] as Array<Record<string, unknown>>) : [];
  const leg = legs[0];
  const instrument = (leg?.['instrument'] ?? {}) as Record<string, unknown>;
  const symbol = typeof instrument['symbol'] === 'string' ? instrument['symbol'] : '';
  const instruction = leg?.['instruction'];
  const quantity = Number(leg?.['quantity']);
  const orderType = o['orderType'];
  const price = o['price'] === undefined ? undefined : Number(o['price']);
  if (legs.length !== 1 || instrument['assetType'] !== 'EQUITY' || ctx.market.instrument(symbol)?.assetMainType !== 'EQUITY') {
    throw traderError(400, 'The simulator accepts single-leg EQUITY orders of a known symbol');
  }
  if ((instruction !== 'BUY' && instruction !== 'SELL') || !(quantity > 0) || (orderType !== 'MARKET' && orderType !== 'LIMIT')) {
    throw traderError(400, 'instruction must be BUY or SELL, quantity positive, orderType MARKET or LIMIT');
  }
  if (orderType === 'LIMIT' && !(price !== undefined && price > 0)) throw traderError(400, 'A LIMIT order needs a positive price');
  return ctx.brokerage.submit({ symbol, instruction, quantity, orderType, price, accountNumber: account.accountNumber }).orderId;
}

// ---- market data ----

function marketData(ctx: RestContext, url: URL): HttpReply {
  const parts = url.pathname.slice(MARKETDATA.length + 1).split('/').map(decodeURIComponent);
  const query = url.searchParams;
  const ok = (body: unknown): HttpReply => ({ status: 200, body });
  if (parts.length === 2 && parts[1] === 'quotes' && parts[0] !== undefined) {
    return ok(quotesBody(ctx.market, ctx.book, [parts[0]], quoteBlocks(query)));
  }
  switch (parts.join('/')) {
    case 'quotes': {
      const symbols = (query.get('symbols') ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
      if (symbols.length === 0) throw marketError(400, 'symbols is required', 'symbols');
      return ok(quotesBody(ctx.market, ctx.book, symbols, quoteBlocks(query)));
    }
    case 'chains': return chains(ctx, query);
    case 'expirationchain': {
      const symbol = query.get('symbol');
      if (symbol === null || symbol === '') throw marketError(400, 'symbol is required', 'symbol');
      return ok(expirationChain(ctx.book, ctx.market, symbol));
    }
    case 'pricehistory': {
      const symbol = query.get('symbol');
      if (symbol === null || symbol === '') throw marketError(400, 'symbol is required', 'symbol');
      const result = priceHistory(ctx.market, {
        symbol, periodType: query.get('periodType'), period: query.get('period'), frequencyType: query.get('frequencyType'),
        frequency: query.get('frequency'), startDate: query.get('startDate'), endDate: query.get('endDate'),
        needExtendedHoursData: query.get('needExtendedHoursData'), needPreviousClose: query.get('needPreviousClose'),
      });
      if (!result.ok) throw marketError(400, result.detail, result.parameter);
      return ok(result.body);
    }
    case 'markets': return markets(ctx, (query.get('markets') ?? '').split(','), query.get('date'));
    case 'instruments': return instruments(ctx, query);
    default:
      if (parts[0] === 'markets' && parts.length === 2 && parts[1] !== undefined) return markets(ctx, [parts[1]], query.get('date'));
      if (parts[0] === 'movers' && parts.length === 2 && parts[1] !== undefined) return movers(ctx, parts[1], query);
      if (parts[0] === 'instruments' && parts.length === 2 && parts[1] !== undefined) {
        const found = instrumentByCusip(ctx.market.instruments, parts[1], etDateOf(ctx.market.clock()));
        if (found === undefined) throw marketError(404, `No instrument with cusip ${parts[1]}`);
        return ok(found);
      }
      throw marketError(404, `No route for GET ${url.pathname}`);
  }
}

function quoteBlocks(query: URLSearchParams): Set<'quote' | 'fundamental' | 'extended' | 'reference' | 'regular'> {
  const blocks = parseQuoteFields(query.get('fields'));
  if (blocks === undefined) throw marketError(400, 'fields must be a comma list of quote, fundamental, extended, reference, regular, all', 'fields');
  return blocks;
}

/** symbol-search and fundamental (exact symbols, comma separated); the regex and description searches are not simulated. */
function instruments(ctx: RestContext, query: URLSearchParams): HttpReply {
  const symbols = (query.get('symbol') ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (symbols.length === 0) throw marketError(400, 'symbol is required', 'symbol');
  const projection = query.get('projection');
  if (projection !== 'symbol-search' && projection !== 'fundamental') {
    throw marketError(400, 'projection must be symbol-search or fundamental (the searches by regex or description are not simulated)', 'projection');
  }
  return { status: 200, body: instrumentsBody(ctx.market.instruments, symbols, projection, etDateOf(ctx.market.clock())) };
}

function movers(ctx: RestContext, index: string, query: URLSearchParams): HttpReply {
  const parsed = moversQuery(index, query.get('sort'), query.get('frequency'));
  if (!parsed.ok) throw marketError(400, parsed.detail, parsed.parameter);
  return { status: 200, body: moversBody(ctx.screeners, parsed) };
}

function markets(ctx: RestContext, requested: string[], dateParameter: string | null): HttpReply {
  const names = requested.map((m) => m.trim().toLowerCase()).filter((m) => m !== '');
  if (names.length === 0) throw marketError(400, 'markets is required', 'markets');
  const unsupported = names.find((name) => !(SIMULATED_MARKETS as readonly string[]).includes(name));
  if (unsupported !== undefined) throw marketError(400, `market '${unsupported}' is not simulated (equity and option are)`, 'markets');
  const today = etDateOf(ctx.market.clock());
  const date = dateParameter ?? today;
  if (!ISO_DATE.test(date) || date < today || date > addDays(today, 366)) {
    throw marketError(400, 'date must be yyyy-MM-dd, from today up to one year ahead', 'date');
  }
  return { status: 200, body: marketHours(names as SimulatedMarket[], date) };
}

function chains(ctx: RestContext, query: URLSearchParams): HttpReply {
  const symbol = query.get('symbol');
  if (symbol === null || symbol === '') throw marketError(400, 'symbol is required', 'symbol');
  const contractType = (query.get('contractType') ?? 'ALL').toUpperCase();
  if (contractType !== 'CALL' && contractType !== 'PUT' && contractType !== 'ALL') {
    throw marketError(400, 'contractType must be CALL, PUT or ALL', 'contractType');
  }
  const strikeCountText = query.get('strikeCount');
  const strikeCount = strikeCountText === null ? undefined : Number(strikeCountText);
  if (strikeCount !== undefined && !(Number.isInteger(strikeCount) && strikeCount > 0)) {
    throw marketError(400, 'strikeCount must be a positive integer', 'strikeCount');
  }
  const strikeText = query.get('strike');
  const strike = strikeText === null ? undefined : Number(strikeText);
  if (strike !== undefined && !(strike > 0)) throw marketError(400, 'strike must be a positive number', 'strike');
  const fromDate = query.get('fromDate') ?? undefined;
  const toDate = query.get('toDate') ?? undefined;
  for (const [name, value] of [['fromDate', fromDate], ['toDate', toDate]] as const) {
    if (value !== undefined && !ISO_DATE.test(value)) throw marketError(400, `${name} must be yyyy-MM-dd`, name);
  }
  const strategy = (query.get('strategy') ?? 'SINGLE').toUpperCase();
  if (strategy !== 'SINGLE' && strategy !== 'ANALYTICAL') {
    throw marketError(400, `strategy ${strategy} is not simulated (SINGLE and ANALYTICAL are)`, 'strategy');
  }
  const range = (query.get('range') ?? 'ALL').toUpperCase();
  if (!['ITM', 'NTM', 'OTM', 'SAK', 'SBK', 'SNK', 'ALL'].includes(range)) throw marketError(400, 'range is invalid', 'range');
  const expMonth = (query.get('expMonth') ?? 'ALL').toUpperCase();
  if (!['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC', 'ALL'].includes(expMonth)) {
    throw marketError(400, 'expMonth is invalid', 'expMonth');
  }
  // An unbounded $SPX chain is too big for Schwab's gateway (SDV troubleshooting).
  if (symbol === '$SPX' && strikeCount === undefined && strike === undefined && fromDate === undefined && toDate === undefined) {
    return { status: 500, body: { fault: { faultstring: 'Body buffer overflow', detail: { errorcode: 'protocol.http.TooBigBody' } } } };
  }
  const chainQuery: ChainQuery = {
    symbol, contractType, strikeCount, includeUnderlyingQuote: query.get('includeUnderlyingQuote') === 'true', strategy,
    range, strike, fromDate, toDate, expMonth,
  };
  return { status: 200, body: optionChain(ctx.book, ctx.market, chainQuery) };
}
