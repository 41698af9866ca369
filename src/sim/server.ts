// Composition: one loopback port serving Schwab's REST paths (node:http) and the streamer (ws, path /ws).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { Brokerage, type PlaceOrderInput } from './accounts.js';
import { BookFeed } from './books.js';
import { ChartFeed } from './chart.js';
import { FuturesChartFeed } from './chart-futures.js';
import { FaultState, createFaults, type SimulatorFaults } from './faults.js';
import { ForexMarket } from './forex.js';
import { FuturesMarket } from './futures.js';
import { DEFAULT_SYMBOLS, DEFAULT_UNDERLYINGS, InstrumentTable } from './instruments.js';
import { Market } from './market.js';
import { OAuthServer } from './oauth.js';
import { OptionBook } from './options.js';
import { Prng } from './prng.js';
import { handleHttp, type StreamerIdentity } from './rest-routes.js';
import { ScreenerFeed } from './screeners.js';
import { StatsRecorder, type SimulatorStats } from './stats.js';
import { MAX_KEYS_PER_SERVICE, Streamer } from './streamer.js';
import { Timers } from './timers.js';

export interface SimulatorOptions {
  /** 0 (default) picks a free port; the host is always 127.0.0.1. */
  port?: number;
  /** Seeds prices, accounts, ids and credentials (default 1). */
  seed?: number;
  /** Level-one updates per second across all subscribed keys; 0 = as fast as the socket drains (default 50). */
  updatesPerSecond?: number;
  /** > 0: level-one updates are replayed from this many items rendered once (the benchmark's feed); default 0. */
  itemRing?: number;
  heartbeatIntervalMs?: number;
  /** Keys per service accepted on the connection (default MAX_KEYS_PER_SERVICE, Schwab's 500); the benchmark streams more. */
  maxKeysPerService?: number;
  /** Logged in with nothing subscribed this long → code 30 notify, then close (default 30 000). */
  emptySubscriptionCloseMs?: number;
  /** Wall ms between CHART_EQUITY and CHART_FUTURES bars per key; each bar is the next chart minute (default 60 000). */
  chartBarIntervalMs?: number;
  /** Wall ms between whole book frames per key (NYSE_BOOK, NASDAQ_BOOK, OPTIONS_BOOK; default 1000). */
  bookIntervalMs?: number;
  /** Wall ms between whole screener frames per key (SCREENER_EQUITY, SCREENER_OPTION; default 5000). */
  screenerIntervalMs?: number;
  accessTokenTtlSeconds?: number;
  refreshTokenTtlSeconds?: number;
  /** Place and fill an order every N ms (ACCT_ACTIVITY announces it); null (default) = only via placeOrder(). */
  orderIntervalMs?: number | null;
  /** Equities the simulator knows besides its ~20 built-in liquid names and $SPX (the screeners rank all of them). */
  symbols?: string[];
  /** Underlyings it serves chains for (default AAPL, SPY, $SPX); they are added to `symbols`. */
  underlyings?: string[];
  /** OAuth app credentials; default derived from the seed. */
  appKey?: string;
  appSecret?: string;
  /** Default https://127.0.0.1:8182 (Schwab requires https and no trailing slash). */
  callbackUrl?: string;
}

export interface SimulatorCredentials {
  appKey: string;
  appSecret: string;
  callbackUrl: string;
}

export interface TokenResponse {
  expires_in: number;
  token_type: 'Bearer';
  scope: 'api';
  refresh_token: string;
  access_token: string;
  id_token: string;
}

export interface Simulator {
  /** http://127.0.0.1:<port>: the client's apiBaseUrl; paths below it are Schwab's. */
  readonly baseUrl: string;
  /** ws://127.0.0.1:<port>/ws, returned as userPreference streamerInfo[0].streamerSocketUrl. */
  readonly wsUrl: string;
  readonly credentials: SimulatorCredentials;
  readonly faults: SimulatorFaults;
  readonly stats: SimulatorStats;
  /** A fresh valid authorization code, URL-encoded as the browser redirect carries it (decode once before POSTing). */
  authorizationCode(): string;
  /** The whole callback URL the browser would land on: `<callbackUrl>?code=<url-encoded>&session=<id>`. */
  authorizationRedirectUrl(): string;
  /** Tokens as the authorization_code grant returns them, without the HTTP round trip (tests, benchmark). */
  issueTokens(): TokenResponse;
  /** An order that goes WORKING then FILLED, announced on ACCT_ACTIVITY; resolves with its id once filled. */
  placeOrder(order?: Partial<PlaceOrderInput>): Promise<number>;
  /** Terminates sockets, stops listening and clears every timer. */
  close(): Promise<void>;
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const seed = options.seed ?? 1;
  const prng = new Prng(seed);
  const timers = new Timers();
  const underlyings = options.underlyings ?? [...DEFAULT_UNDERLYINGS];
  const symbols = [...new Set([...DEFAULT_SYMBOLS, ...(options.symbols ?? []), ...underlyings])];
  const instruments = new InstrumentTable(symbols);
  const market = new Market(seed, instruments);
  const book = new OptionBook(seed, market, underlyings);
  const chart = new ChartFeed(market);
  const futures = new FuturesMarket(seed, market);
  const forex = new ForexMarket(seed, market);
  const futuresChart = new FuturesChartFeed(seed, futures);
  const books = new BookFeed(seed, market, book);
  const screeners = new ScreenerFeed(seed, market, book);
  const brokerage = new Brokerage(seed, market, timers);
  const faultState = new FaultState();
  const credentials: SimulatorCredentials = {
    appKey: options.appKey ?? alphanumeric(prng, 32),
    appSecret: options.appSecret ?? alphanumeric(prng, 16),
    callbackUrl: options.callbackUrl ?? 'https://127.0.0.1:8182',
  };
  const oauth = new OAuthServer({
    ...credentials,
    accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? 1800,
    refreshTokenTtlSeconds: options.refreshTokenTtlSeconds ?? 7 * 24 * 3600,
    codeTtlMs: 30_000,
  });
  const identity: StreamerIdentity = {
    customerId: prng.hex(64),
    correlId: `${prng.hex(8)}-${prng.hex(4)}-${prng.hex(4)}-${prng.hex(4)}-${prng.hex(12)}`,
    channel: 'N9',
    functionId: 'APIAPP',
  };
  const stats: StatsRecorder = new StatsRecorder((): Record<string, ReadonlySet<string>> => activeStreamer.subscriptions());
  const activeStreamer: Streamer = new Streamer({
    market, book, chart, futures, forex, futuresChart, books, screeners, oauth, faults: faultState, stats, timers,
    options: {
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? 10_000,
      emptySubscriptionCloseMs: options.emptySubscriptionCloseMs ?? 30_000,
      chartBarIntervalMs: options.chartBarIntervalMs ?? 60_000,
      bookIntervalMs: options.bookIntervalMs ?? 1000,
      screenerIntervalMs: options.screenerIntervalMs ?? 5000,
      updatesPerSecond: options.updatesPerSecond ?? 50,
      itemRing: options.itemRing ?? 0,
      maxKeysPerService: options.maxKeysPerService ?? MAX_KEYS_PER_SERVICE,
      customerId: identity.customerId,
      serverName: `s${prng.hex(4)}sim-1`,
    },
  });
  brokerage.onActivity((accountNumber, events) => activeStreamer.deliverActivity(accountNumber, events));

  let baseUrl = '';
  let wsUrl = '';
  const server: Server = createServer((req, res) => {
    handleHttp({ market, book, screeners, brokerage, oauth, faults: faultState, stats, identity, wsUrl: () => wsUrl, baseUrl: () => baseUrl }, req, res)
      .catch(() => {
        if (!res.headersSent) res.writeHead(500).end();
      });
  });
  // permessage-deflate as Schwab negotiates it, at level 1: the simulator shares the machine with the recorder in
  // tests, demos and the bench, and zlib's default level 6 cost it ~0.4 of a core at 100k rows/s (a flood over the
  // socket went from 66k to ~100k rows/s committed). Inflating costs the recorder about the same whatever the level.
  const wss = new WebSocketServer({ server, path: '/ws', perMessageDeflate: { threshold: 1024, zlibDeflateOptions: { level: 1 } } });
  wss.on('connection', (ws) => activeStreamer.accept(ws));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  baseUrl = `http://127.0.0.1:${port}`;
  wsUrl = `ws://127.0.0.1:${port}/ws`;
  if (options.orderIntervalMs !== undefined && options.orderIntervalMs !== null && options.orderIntervalMs > 0) {
    const interval = options.orderIntervalMs;
    const tradable = symbols.filter((symbol) => instruments.get(symbol)?.assetMainType === 'EQUITY');
    timers.interval(() => {
      const symbol = prng.pick(tradable);
      void brokerage.placeOrder({ symbol, instruction: prng.chance(0.7) ? 'BUY' : 'SELL', fillAfterMs: Math.min(500, interval / 2) })
        .catch(() => undefined);
    }, interval);
  }

  const faults = createFaults(faultState, {
    dropSockets: () => activeStreamer.dropSockets(),
    silenceChanged: () => activeStreamer.refresh(),
    sendInvalidJson: () => activeStreamer.sendInvalidJson(),
    unknownFieldsChanged: () => activeStreamer.refresh(),
    closeWithMaxConnections: () => activeStreamer.closeWithMaxConnections(),
    expireAccessTokens: () => oauth.expireAccessTokens(),
    expireRefreshTokens: () => oauth.expireRefreshTokens(),
  });

  let closing: Promise<void> | undefined;
  return {
    baseUrl,
    wsUrl,
    credentials,
    faults,
    stats,
    authorizationCode: () => encodeURIComponent(oauth.issueCode()),
    authorizationRedirectUrl: () => oauth.redirectUrl(oauth.issueCode()),
    issueTokens: () => {
      const reply = oauth.token(
        `Basic ${Buffer.from(`${credentials.appKey}:${credentials.appSecret}`).toString('base64')}`,
        new URLSearchParams({ grant_type: 'authorization_code', code: oauth.issueCode(), redirect_uri: credentials.callbackUrl }),
      );
      return reply.body as TokenResponse;
    },
    placeOrder: (order) => brokerage.placeOrder(order),
    close: () => (closing ??= (async () => {
      timers.closeAll();
      activeStreamer.closeAll();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      timers.closeAll();
    })()),
  };
}

function alphanumeric(prng: Prng, length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[prng.int(0, alphabet.length - 1)];
  return out;
}
