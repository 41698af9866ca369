// The streamer WebSocket protocol (schwab-protocol.md §3–§4): LOGIN first, one logged-in connection per user,
// SUBS/ADD/UNSUBS/VIEW with Schwab's rules and response codes, heartbeats, level-one snapshots then deltas (equities,
// options, futures, futures options, forex), CHART_EQUITY and CHART_FUTURES bars, whole book and screener frames,
// ACCT_ACTIVITY, and the code 30 close after an empty subscription.
import { ItemRing } from './item-ring.js';
import { WebSocket, type RawData } from 'ws';
import type { ActivityEvent } from './accounts.js';
import { BOOK_SERVICES, type BookFeed, type BookService } from './books.js';
import type { ChartFeed } from './chart.js';
import type { FuturesChartFeed } from './chart-futures.js';
import type { FaultState } from './faults.js';
import { FOREX_META, type ForexMarket } from './forex.js';
import { FUTURES_META, FUTURES_OPTION_META, type FuturesMarket } from './futures.js';
import {
  ChangeTracker, LEVEL_ONE_SERVICES, equityRecord, optionRecord, type FieldRecord, type FieldValue, type LevelOneService, type SnapshotMeta,
} from './levelone.js';
import type { Market } from './market.js';
import { SCREENER_SERVICES, type ScreenerFeed, type ScreenerService } from './screeners.js';
import type { OAuthServer } from './oauth.js';
import type { Contract, OptionBook } from './options.js';
import type { StatsRecorder } from './stats.js';
import type { Timers } from './timers.js';

/** Response codes (GUIDE §1.4). */
export const CODE = {
  SUCCESS: 0,
  LOGIN_DENIED: 3,
  SERVICE_NOT_AVAILABLE: 11,
  CLOSE_CONNECTION: 12,
  REACHED_SYMBOL_LIMIT: 19,
  STREAM_CONN_NOT_FOUND: 20,
  BAD_COMMAND_FORMAT: 21,
  FAILED_COMMAND_SUBS: 22,
  FAILED_COMMAND_UNSUBS: 23,
  FAILED_COMMAND_ADD: 24,
  FAILED_COMMAND_VIEW: 25,
  STOP_STREAMING: 30,
} as const;

const FAILED: Record<string, number> = {
  SUBS: CODE.FAILED_COMMAND_SUBS, UNSUBS: CODE.FAILED_COMMAND_UNSUBS, ADD: CODE.FAILED_COMMAND_ADD, VIEW: CODE.FAILED_COMMAND_VIEW,
};

/** Schwab's thirteen streamer services; every one is served. */
export const SIMULATED_SERVICES = [...LEVEL_ONE_SERVICES, 'CHART_EQUITY', 'CHART_FUTURES', ...BOOK_SERVICES, ...SCREENER_SERVICES, 'ACCT_ACTIVITY'] as const;
type SimulatedService = (typeof SIMULATED_SERVICES)[number];
/** Whole-frame services: every subscribed key's full item, throttled to one per key per interval. */
type WholeService = BookService | ScreenerService;

/** A service Schwab no longer serves (a TD Ameritrade one, schwab-py#115): the unknownFields fault's unsolicited data. */
export const UNKNOWN_SERVICE = 'TIMESALE_EQUITY';

/** Keys per service Schwab accepts at once (SDV docs); more → code 19. */
export const MAX_KEYS_PER_SERVICE = 500;
/** Fast mode (updatesPerSecond 0) stops producing while this much is queued on the socket. */
const HIGH_WATER_BYTES = 1 << 20;
const FAST_BATCH = 200;
const LOGIN_DELAY_MS = 5;

export interface StreamerOptions {
  heartbeatIntervalMs: number;
  emptySubscriptionCloseMs: number;
  chartBarIntervalMs: number;
  /** One whole book frame per subscribed key this often (Schwab throttles books). */
  bookIntervalMs: number;
  /** One whole screener frame per subscribed key this often. */
  screenerIntervalMs: number;
  updatesPerSecond: number;
  /** > 0: level-one updates come from a ring of this many pre-rendered items (the benchmark's cheap feed). */
  itemRing: number;
  maxKeysPerService: number;
  customerId: string;
  serverName: string;
}

export interface StreamerContext {
  market: Market;
  book: OptionBook;
  chart: ChartFeed;
  futures: FuturesMarket;
  forex: ForexMarket;
  futuresChart: FuturesChartFeed;
  books: BookFeed;
  screeners: ScreenerFeed;
  oauth: OAuthServer;
  faults: FaultState;
  stats: StatsRecorder;
  timers: Timers;
  options: StreamerOptions;
}

interface Request {
  service: string;
  command: string;
  requestid: string;
  correlId: string;
  customerId: string;
  parameters: Record<string, unknown>;
}

interface Subscription {
  keys: Set<string>;
  fields: number[];
}

type Outcome = { code: number; msg: string; keys?: string[]; fields?: number[] };

type ItemGroups = Map<string, Record<string, unknown>[]>;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function frameText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data).toString('utf8');
}

function text(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}

export class Streamer {
  private readonly sessions = new Set<Session>();
  /** The one logged-in connection. */
  active: Session | undefined;

  constructor(readonly ctx: StreamerContext) {}

  accept(ws: WebSocket): void {
    const session = new Session(ws, this);
    this.sessions.add(session);
    this.ctx.stats.connections.current += 1;
    this.ctx.stats.connections.total += 1;
    ws.on('close', () => {
      this.sessions.delete(session);
      this.ctx.stats.connections.current -= 1;
      if (this.active === session) this.active = undefined;
      session.dispose();
    });
  }

  subscriptions(): Record<string, ReadonlySet<string>> {
    return this.active?.subscriptionSnapshot() ?? {};
  }

  dropSockets(): void {
    for (const session of this.sessions) session.terminate();
  }

  /** As Schwab sent for unknown symbols: raw bytes that are not UTF-8 where numbers should be (a text frame still). */
  sendInvalidJson(): void {
    const garbage = Buffer.from([0xff, 0xfe]);
    this.active?.sendRaw(Buffer.concat([
      Buffer.from(`{"data":[{"service":"LEVELONE_EQUITIES","timestamp":${Date.now()},"command":"SUBS","content":[{"key":"AAPL","1":`),
      garbage, Buffer.from(',"2":'), garbage, Buffer.from('}]}]}'),
    ]));
  }

  closeWithMaxConnections(): void {
    this.active?.notifyAndClose(CODE.CLOSE_CONNECTION, 'Closing connection: maximum number of streamer connections reached for this user.');
  }

  refresh(): void {
    for (const session of this.sessions) session.refreshTimers();
  }

  deliverActivity(accountNumber: string, events: readonly ActivityEvent[]): void {
    this.active?.deliverActivity(accountNumber, events);
  }

  closeAll(): void {
    for (const session of this.sessions) session.terminate();
  }
}

class Session {
  private state: 'connected' | 'pending' | 'active' | 'closed' = 'connected';
  private customerId = '';
  private correlId = '';
  private readonly subs = new Map<SimulatedService, Subscription>();
  private readonly trackers = Object.fromEntries(LEVEL_ONE_SERVICES.map((service) => [service, new ChangeTracker()])) as Record<LevelOneService, ChangeTracker>;
  private readonly contracts = new Map<string, Contract | null>();
  private acct: { key: string; seq: number } | undefined;
  private levelOneKeys: Array<[LevelOneService, string]> = [];
  /** Pre-rendered updates (options.itemRing), made once per set of subscribed keys. */
  private ring: ItemRing | undefined;
  private roundRobin = 0;
  private budget = 0;
  private lastTick = 0;
  private draining = false;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private emptyTimer: NodeJS.Timeout | undefined;
  private pumpTimer: NodeJS.Timeout | undefined;
  private chartTimer: NodeJS.Timeout | undefined;
  private futuresChartTimer: NodeJS.Timeout | undefined;
  private bookTimer: NodeJS.Timeout | undefined;
  private screenerTimer: NodeJS.Timeout | undefined;
  private unknownServiceTimer: NodeJS.Timeout | undefined;
  private readonly ctx: StreamerContext;

  constructor(private readonly ws: WebSocket, private readonly streamer: Streamer) {
    this.ctx = streamer.ctx;
    ws.on('message', (data: RawData) => this.onMessage(frameText(data)));
    ws.on('error', () => undefined);
  }

  // ---- transport ----

  private get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  private send(frame: unknown, done?: () => void): void {
    if (!this.open) return;
    this.ws.send(JSON.stringify(frame), done === undefined ? undefined : () => done());
  }

  /** A text frame as given: a Buffer is sent unvalidated, so it may hold bytes that are not UTF-8. */
  sendRaw(textFrame: string | Buffer): void {
    if (this.open) this.ws.send(textFrame, { binary: false });
  }

  private sendData(groups: ItemGroups, done?: () => void): boolean {
    const now = Date.now();
    const data = [...groups].filter(([, items]) => items.length > 0)
      .map(([service, content]) => ({ service, timestamp: now, command: 'SUBS', content }));
    if (data.length === 0 || !this.open || this.ctx.faults.silent) return false;
    this.ctx.stats.dataFrame(new Map(data.map((entry) => [entry.service, entry.content.length])));
    this.send({ data }, done);
    return true;
  }

  private respond(request: Request, code: number, msg: string): void {
    this.send({
      response: [{
        service: request.service, command: request.command, requestid: request.requestid,
        SchwabClientCorrelId: request.correlId, timestamp: Date.now(), content: { code, msg },
      }],
    });
  }

  notifyAndClose(code: number, msg: string): void {
    this.send({ notify: [{ service: 'ADMIN', timestamp: Date.now(), content: { code, msg } }] });
    this.close();
  }

  private close(): void {
    this.stopTimers();
    this.state = 'closed';
    if (this.open) this.ws.close(1000);
  }

  terminate(): void {
    this.stopTimers();
    this.state = 'closed';
    this.ws.terminate();
  }

  dispose(): void {
    this.stopTimers();
    this.state = 'closed';
  }

  private stopTimers(): void {
    const { timers } = this.ctx;
    const handles = [this.heartbeatTimer, this.emptyTimer, this.pumpTimer, this.chartTimer, this.futuresChartTimer, this.bookTimer, this.screenerTimer, this.unknownServiceTimer];
    for (const handle of handles) timers.clear(handle);
    this.heartbeatTimer = this.emptyTimer = this.pumpTimer = this.chartTimer = this.futuresChartTimer = undefined;
    this.bookTimer = this.screenerTimer = this.unknownServiceTimer = undefined;
    this.draining = false;
  }

  // ---- requests ----

  private onMessage(raw: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      this.respond({ service: 'ADMIN', command: '', requestid: '', correlId: '', customerId: '', parameters: {} }, CODE.BAD_COMMAND_FORMAT, 'Bad command formatting: the frame is not JSON');
      return;
    }
    const list = isObject(parsed) && Array.isArray(parsed['requests']) ? parsed['requests'] : isObject(parsed) && 'service' in parsed ? [parsed] : undefined;
    if (list === undefined) {
      this.respond({ service: 'ADMIN', command: '', requestid: '', correlId: '', customerId: '', parameters: {} }, CODE.BAD_COMMAND_FORMAT, 'Bad command formatting: expected {"requests":[...]}');
      return;
    }
    for (const entry of list) this.handle(this.parse(entry));
  }

  private parse(entry: unknown): Request {
    const request = isObject(entry) ? entry : {};
    return {
      service: text(request['service']).toUpperCase(),
      command: text(request['command']).toUpperCase(),
      requestid: text(request['requestid']),
      correlId: text(request['SchwabClientCorrelId']),
      customerId: text(request['SchwabClientCustomerId']),
      parameters: isObject(request['parameters']) ? request['parameters'] : {},
    };
  }

  private handle(request: Request): void {
    if (this.state === 'closed') return;
    if (request.service === 'ADMIN' && request.command === 'LOGIN') {
      this.login(request);
      return;
    }
    let outcome: Outcome;
    if (this.state !== 'active') {
      outcome = { code: CODE.STREAM_CONN_NOT_FOUND, msg: 'Stream connection not found: LOGIN first and wait for its response' };
    } else if (request.customerId !== this.customerId || request.correlId !== this.correlId) {
      outcome = { code: CODE.STREAM_CONN_NOT_FOUND, msg: 'Stream connection not found: SchwabClientCustomerId/SchwabClientCorrelId differ from the LOGIN' };
    } else if (request.service === 'ADMIN') {
      outcome = request.command === 'LOGOUT' ? { code: CODE.SUCCESS, msg: 'SUCCESS' } : { code: CODE.BAD_COMMAND_FORMAT, msg: `Bad command formatting: unknown ADMIN command ${request.command}` };
    } else {
      outcome = this.serviceCommand(request);
    }
    this.record(request, outcome);
    this.respond(request, outcome.code, outcome.msg);
    if (request.service === 'ADMIN' && request.command === 'LOGOUT' && outcome.code === CODE.SUCCESS) this.close();
    else if (outcome.code === CODE.SUCCESS || outcome.code === CODE.REACHED_SYMBOL_LIMIT) this.afterChange(request, outcome);
  }

  private record(request: Request, outcome: Outcome): void {
    this.ctx.stats.commands.push({
      service: request.service, command: request.command, requestid: request.requestid,
      keys: outcome.keys ?? [], fields: outcome.fields ?? [], code: outcome.code,
    });
  }

  private login(request: Request): void {
    if (this.state !== 'connected') {
      const outcome = { code: CODE.BAD_COMMAND_FORMAT, msg: 'Bad command formatting: already logged in' };
      this.record(request, outcome);
      this.respond(request, outcome.code, outcome.msg);
      return;
    }
    this.state = 'pending';
    // The response comes a moment later: commands sent without waiting for it race the LOGIN (code 20).
    this.ctx.timers.timeout(() => this.completeLogin(request), LOGIN_DELAY_MS);
  }

  private completeLogin(request: Request): void {
    if (this.state !== 'pending') return;
    const token = text(request.parameters['Authorization']);
    const deny = (code: number, msg: string): void => {
      this.ctx.stats.logins.denied += 1;
      this.record(request, { code, msg });
      this.respond(request, code, msg);
      this.close();
    };
    if (this.ctx.faults.takeDeniedLogin() || !this.ctx.oauth.isValidAccessToken(token)) {
      deny(CODE.LOGIN_DENIED, 'Login Denied.: token is invalid or has expired.');
      return;
    }
    if (request.customerId !== this.ctx.options.customerId) {
      deny(CODE.LOGIN_DENIED, 'Login Denied.: unknown SchwabClientCustomerId');
      return;
    }
    const other = this.streamer.active;
    if (other !== undefined && other !== this) {
      deny(CODE.CLOSE_CONNECTION, 'Closing connection: maximum number of streamer connections reached for this user.');
      return;
    }
    this.state = 'active';
    this.customerId = request.customerId;
    this.correlId = request.correlId;
    this.streamer.active = this;
    this.ctx.stats.logins.ok += 1;
    this.record(request, { code: CODE.SUCCESS, msg: '' });
    this.respond(request, CODE.SUCCESS, `server=${this.ctx.options.serverName};status=NP`);
    this.heartbeat();
    this.heartbeatTimer = this.ctx.timers.interval(() => this.heartbeat(), this.ctx.options.heartbeatIntervalMs);
    this.refreshTimers();
  }

  private heartbeat(): void {
    if (this.ctx.faults.silent || !this.open) return;
    this.ctx.stats.heartbeatsSent += 1;
    this.send({ notify: [{ heartbeat: String(Date.now()) }] });
  }

  private serviceCommand(request: Request): Outcome {
    const service = request.service as SimulatedService;
    const { command } = request;
    if (!(SIMULATED_SERVICES as readonly string[]).includes(service)) {
      return { code: CODE.SERVICE_NOT_AVAILABLE, msg: 'Service not available or temporary down.' };
    }
    const failed = FAILED[command];
    if (failed === undefined) return { code: CODE.BAD_COMMAND_FORMAT, msg: `Bad command formatting: unknown command ${command}` };
    if (service === 'ACCT_ACTIVITY' && (command === 'ADD' || command === 'VIEW')) {
      return { code: failed, msg: `Failed command ${command} for ACCT_ACTIVITY: only SUBS and UNSUBS are supported` };
    }
    const keys = this.keys(request.parameters['keys']);
    if (keys === undefined && command !== 'VIEW') return { code: CODE.BAD_COMMAND_FORMAT, msg: 'Bad command formatting: parameters.keys is required' };
    const fields = this.fields(request.parameters['fields']);
    if (command !== 'UNSUBS') {
      if (fields === undefined) return { code: CODE.BAD_COMMAND_FORMAT, msg: 'Bad command formatting: parameters.fields is required' };
      if (fields === 'unordered') return { code: failed, msg: `Failed command ${command}: fields must be in ascending order`, keys: keys ?? [] };
    }
    const fieldList = Array.isArray(fields) ? fields : [];
    const current = this.subs.get(service);
    switch (command) {
      case 'SUBS': {
        const accepted = (keys ?? []).slice(0, this.ctx.options.maxKeysPerService);
        this.subs.set(service, { keys: new Set(accepted), fields: fieldList });
        return this.limitOutcome(command, accepted, fieldList, (keys ?? []).length - accepted.length);
      }
      case 'ADD': {
        const subscription = current ?? { keys: new Set<string>(), fields: [] };
        const added: string[] = [];
        let refused = 0;
        for (const key of keys ?? []) {
          if (subscription.keys.has(key)) continue;
          if (subscription.keys.size >= this.ctx.options.maxKeysPerService) {
            refused += 1;
            continue;
          }
          subscription.keys.add(key);
          added.push(key);
        }
        subscription.fields = [...new Set([...subscription.fields, ...fieldList])].sort((a, b) => a - b);
        this.subs.set(service, subscription);
        return this.limitOutcome(command, added, subscription.fields, refused);
      }
      case 'UNSUBS': {
        for (const key of keys ?? []) current?.keys.delete(key);
        if (current !== undefined && current.keys.size === 0) this.subs.delete(service);
        return { code: CODE.SUCCESS, msg: 'UNSUBS command succeeded', keys: keys ?? [] };
      }
      default: {
        if (current === undefined) return { code: failed, msg: `Failed command VIEW: no subscription for ${service}`, fields: fieldList };
        current.fields = fieldList;
        return { code: CODE.SUCCESS, msg: 'VIEW command succeeded', fields: fieldList };
      }
    }
  }

  private limitOutcome(command: string, keys: string[], fields: number[], refused: number): Outcome {
    if (refused > 0) {
      return { code: CODE.REACHED_SYMBOL_LIMIT, msg: `Reached symbol limit: at most ${this.ctx.options.maxKeysPerService} keys per service; ${refused} keys refused`, keys, fields };
    }
    return { code: CODE.SUCCESS, msg: `${command} command succeeded`, keys, fields };
  }

  private keys(value: unknown): string[] | undefined {
    if (typeof value !== 'string') return undefined;
    const keys = [...new Set(value.split(',').map((key) => key.trim()).filter((key) => key !== ''))];
    return keys.length === 0 ? undefined : keys;
  }

  private fields(value: unknown): number[] | 'unordered' | undefined {
    if (typeof value !== 'string' && typeof value !== 'number') return undefined;
    const parts = String(value).split(',').map((part) => part.trim()).filter((part) => part !== '');
    if (parts.length === 0 || parts.some((part) => !/^\d+$/.test(part))) return undefined;
    const numbers = parts.map(Number);
    for (let i = 1; i < numbers.length; i++) if ((numbers[i] ?? 0) <= (numbers[i - 1] ?? 0)) return 'unordered';
    return numbers;
  }

  // ---- after a subscription change ----

  private afterChange(request: Request, outcome: Outcome): void {
    const service = request.service as SimulatedService;
    const keys = outcome.keys ?? [];
    const { command } = request;
    if (service === 'ACCT_ACTIVITY') {
      if (command === 'SUBS') {
        const key = keys[0] ?? '';
        this.acct = { key, seq: 0 };
        // seq restarts at 0 on every subscription; the SUBSCRIBED ack carries it.
        this.sendData(new Map([['ACCT_ACTIVITY', [{ 1: '', 2: 'SUBSCRIBED', 3: '', seq: 0, key }]]]));
      } else if (!this.subs.has('ACCT_ACTIVITY')) {
        this.acct = undefined;
      }
    } else if (service === 'CHART_EQUITY') {
      if (command === 'SUBS' || command === 'ADD') this.sendLatestBars(keys);
    } else if (service === 'CHART_FUTURES') {
      if (command === 'SUBS' || command === 'ADD') this.sendFuturesBars(keys, false);
    } else if (isWhole(service)) {
      if (command === 'SUBS' || command === 'ADD') this.sendWhole(service, keys);
      if (command === 'VIEW') this.sendWhole(service, [...(this.subs.get(service)?.keys ?? [])]);
    } else {
      const tracker = this.trackers[service];
      if (command === 'SUBS') tracker.clear();
      if (command === 'UNSUBS') for (const key of keys) tracker.reset(key);
      if (command === 'SUBS' || command === 'ADD') this.sendSnapshots(service, keys);
      if (command === 'VIEW') this.sendSnapshots(service, [...(this.subs.get(service)?.keys ?? [])], true);
    }
    this.refreshTimers();
  }

  private sendSnapshots(service: LevelOneService, keys: readonly string[], valuesOnly = false): void {
    const items: Record<string, FieldValue>[] = [];
    for (const key of keys) {
      if (!valuesOnly) this.trackers[service].reset(key);
      else this.trackers[service].forgetValues(key);
      const item = this.levelOneItem(service, key, false);
      if (item !== undefined) items.push(item);
    }
    this.sendData(new Map([[service, items]]));
  }

  private sendLatestBars(keys: readonly string[]): void {
    const fields = this.subs.get('CHART_EQUITY')?.fields ?? [];
    const items: Record<string, FieldValue>[] = [];
    for (const key of keys) {
      if (this.ctx.market.instrument(key) === undefined) continue;
      const item = this.ctx.chart.item(key, this.ctx.chart.latest(key), fields);
      if (item !== undefined) items.push(item);
    }
    this.sendData(new Map([['CHART_EQUITY', items]]));
  }

  /** CHART_FUTURES bars of `keys`: the latest completed one (after SUBS/ADD) or each key's next minute (a tick). */
  private sendFuturesBars(keys: Iterable<string>, advance: boolean): void {
    const { futuresChart } = this.ctx;
    const fields = this.subs.get('CHART_FUTURES')?.fields ?? [];
    const items: Record<string, FieldValue>[] = [];
    for (const key of keys) {
      if (this.ctx.futures.contract(key) === undefined) continue;
      const item = futuresChart.item(key, advance ? futuresChart.advance(key) : futuresChart.latest(key), fields);
      if (item !== undefined) items.push(item);
    }
    this.sendData(new Map([['CHART_FUTURES', items]]));
  }

  /** The whole current item of each key (books, screeners): Schwab sends these whole, never as deltas. */
  private sendWhole(service: WholeService, keys: Iterable<string>): void {
    const fields = this.subs.get(service)?.fields ?? [];
    const items: Record<string, unknown>[] = [];
    for (const key of keys) {
      const item = isBook(service) ? this.ctx.books.item(service, key, fields) : this.ctx.screeners.item(service, key, fields);
      if (item !== undefined) items.push(item);
    }
    this.sendData(new Map([[service, items]]));
  }

  private wholeTick(services: readonly WholeService[]): void {
    if (this.ctx.faults.silent) return;
    for (const service of services) {
      const keys = this.subs.get(service)?.keys;
      if (keys !== undefined && keys.size > 0) this.sendWhole(service, keys);
    }
  }

  /** Starts or stops the timers the current subscriptions and faults call for. */
  refreshTimers(): void {
    if (this.state !== 'active') return;
    const { timers, options, faults } = this.ctx;
    const total = [...this.subs.values()].reduce((sum, subscription) => sum + subscription.keys.size, 0);
    if (total === 0 && this.emptyTimer === undefined) {
      this.emptyTimer = timers.timeout(() => {
        this.emptyTimer = undefined;
        this.notifyAndClose(CODE.STOP_STREAMING, 'Stop streaming due to empty subscription');
      }, options.emptySubscriptionCloseMs);
    } else if (total > 0 && this.emptyTimer !== undefined) {
      timers.clear(this.emptyTimer);
      this.emptyTimer = undefined;
    }
    this.levelOneKeys = [];
    this.ring = undefined;
    for (const service of LEVEL_ONE_SERVICES) {
      for (const key of this.subs.get(service)?.keys ?? []) if (this.known(service, key)) this.levelOneKeys.push([service, key]);
    }
    if (this.levelOneKeys.length === 0) {
      timers.clear(this.pumpTimer);
      this.pumpTimer = undefined;
      this.draining = false;
    } else if (options.updatesPerSecond > 0 && this.pumpTimer === undefined) {
      const tick = Math.max(10, Math.min(100, Math.floor(1000 / options.updatesPerSecond)));
      this.lastTick = Date.now();
      this.budget = 0;
      this.pumpTimer = timers.interval(() => this.pumpTick(), tick);
    } else if (options.updatesPerSecond === 0 && !this.draining && !faults.silent) {
      this.draining = true;
      setImmediate(() => this.drain());
    }
    const subscribed = (...services: SimulatedService[]): boolean => services.some((service) => (this.subs.get(service)?.keys.size ?? 0) > 0);
    this.chartTimer = this.periodic(this.chartTimer, subscribed('CHART_EQUITY'), options.chartBarIntervalMs, () => this.chartTick());
    this.futuresChartTimer = this.periodic(this.futuresChartTimer, subscribed('CHART_FUTURES'), options.chartBarIntervalMs, () => {
      if (!this.ctx.faults.silent) this.sendFuturesBars(this.subs.get('CHART_FUTURES')?.keys ?? [], true);
    });
    this.bookTimer = this.periodic(this.bookTimer, subscribed(...BOOK_SERVICES), options.bookIntervalMs, () => this.wholeTick(BOOK_SERVICES));
    this.screenerTimer = this.periodic(this.screenerTimer, subscribed(...SCREENER_SERVICES), options.screenerIntervalMs, () => this.wholeTick(SCREENER_SERVICES));
    const unknownRunning = this.unknownServiceTimer !== undefined;
    this.unknownServiceTimer = this.periodic(this.unknownServiceTimer, faults.unknownFields, 1000, () => this.unknownServiceTick());
    if (!unknownRunning && this.unknownServiceTimer !== undefined) this.unknownServiceTick();
  }

  /** The timer `handle` running `tick` every `intervalMs` while `wanted`, started or cleared as needed. */
  private periodic(handle: NodeJS.Timeout | undefined, wanted: boolean, intervalMs: number, tick: () => void): NodeJS.Timeout | undefined {
    if (!wanted) {
      this.ctx.timers.clear(handle);
      return undefined;
    }
    return handle ?? this.ctx.timers.interval(tick, intervalMs);
  }

  private known(service: LevelOneService, key: string): boolean {
    switch (service) {
      case 'LEVELONE_EQUITIES': return this.ctx.market.instrument(key) !== undefined;
      case 'LEVELONE_OPTIONS': return this.contract(key) !== undefined;
      case 'LEVELONE_FUTURES': return this.ctx.futures.contract(key) !== undefined;
      case 'LEVELONE_FUTURES_OPTIONS': return this.ctx.futures.option(key) !== undefined;
      default: return this.ctx.forex.known(key);
    }
  }

  private contract(key: string): Contract | undefined {
    let contract = this.contracts.get(key);
    if (contract === undefined) {
      contract = this.ctx.book.resolve(key) ?? null;
      this.contracts.set(key, contract);
    }
    return contract ?? undefined;
  }

  // ---- level-one data ----

  private levelOneItem(service: LevelOneService, key: string, step: boolean): Record<string, FieldValue> | undefined {
    const fields = this.subs.get(service)?.fields ?? [];
    const extra = this.ctx.faults.unknownFields ? { 99: 1 } : undefined;
    const other = this.otherLevelOne(service, key, step);
    if (other !== undefined) {
      const [record, meta] = other;
      return record === undefined ? undefined : this.trackers[service].item(key, record, fields, meta, extra);
    }
    if (service === 'LEVELONE_EQUITIES') {
      const { market } = this.ctx;
      const instrument = market.instrument(key);
      const quote = step ? market.step(key) : market.quote(key);
      if (instrument === undefined || quote === undefined) return undefined;
      const meta: SnapshotMeta = {
        delayed: false, assetMainType: instrument.assetMainType, assetSubType: instrument.assetSubType, cusip: instrument.cusip,
      };
      return this.trackers.LEVELONE_EQUITIES.item(key, equityRecord(instrument, quote, market), fields, meta, extra);
    }
    const contract = this.contract(key);
    if (contract === undefined) return undefined;
    const quote = step ? this.ctx.book.step(contract) : this.ctx.book.quote(contract);
    return this.trackers.LEVELONE_OPTIONS.item(key, optionRecord(quote), fields, { delayed: false, assetMainType: 'OPTION' }, extra);
  }

  /** The record and snapshot metadata of a futures, futures-option or forex key; undefined for equities and options. */
  private otherLevelOne(service: LevelOneService, key: string, step: boolean): [FieldRecord | undefined, SnapshotMeta] | undefined {
    const { futures, forex } = this.ctx;
    switch (service) {
      case 'LEVELONE_FUTURES': return [futures.futuresRecord(key, step), FUTURES_META];
      case 'LEVELONE_FUTURES_OPTIONS': return [futures.optionRecord(key, step), FUTURES_OPTION_META];
      case 'LEVELONE_FOREX': return [forex.record(key, step), FOREX_META];
      default: return undefined;
    }
  }

  private updates(count: number): ItemGroups {
    const groups: ItemGroups = new Map(LEVEL_ONE_SERVICES.map((service) => [service, []]));
    const keys = this.levelOneKeys;
    for (let i = 0; i < count && keys.length > 0; i++) {
      const entry = keys[this.roundRobin++ % keys.length];
      if (entry === undefined) continue;
      const item = this.levelOneItem(entry[0], entry[1], true);
      if (item !== undefined) groups.get(entry[0])?.push(item);
    }
    return groups;
  }

  private pumpTick(): void {
    const now = Date.now();
    const elapsed = now - this.lastTick;
    this.lastTick = now;
    if (this.ctx.faults.silent) return;
    this.budget += (this.ctx.options.updatesPerSecond * elapsed) / 1000;
    const count = Math.min(Math.floor(this.budget), 20_000);
    this.budget -= Math.floor(this.budget);
    if (count > 0) this.sendUpdates(count);
  }

  /** `count` level-one updates: fresh ones, or the next of the pre-rendered ring. */
  private sendUpdates(count: number, done?: () => void): boolean {
    const ring = this.itemRing();
    if (ring === undefined) return this.sendData(this.updates(count), done);
    if (!this.open || this.ctx.faults.silent) return false;
    const { text, counts } = ring.frame(count, Date.now());
    this.ctx.stats.dataFrame(counts);
    this.ws.send(text, done === undefined ? undefined : () => done());
    return true;
  }

  private itemRing(): ItemRing | undefined {
    const size = this.ctx.options.itemRing;
    if (size <= 0 || this.levelOneKeys.length === 0) return undefined;
    if (this.ring === undefined) {
      const items: Array<[LevelOneService, string]> = [];
      for (let added = -1; items.length < size && added !== 0;) {
        const before = items.length;
        for (const [service, list] of this.updates(Math.min(FAST_BATCH, size - items.length))) {
          for (const item of list) items.push([service as LevelOneService, JSON.stringify(item)]);
        }
        added = items.length - before;
      }
      if (items.length === 0) return undefined;
      this.ring = new ItemRing(items);
    }
    return this.ring;
  }

  /** updatesPerSecond 0: produce as fast as the socket drains, never past HIGH_WATER_BYTES queued. */
  private drain(): void {
    if (!this.draining || this.state !== 'active' || !this.open || this.ctx.faults.silent || this.levelOneKeys.length === 0) {
      this.draining = false;
      return;
    }
    if (this.ws.bufferedAmount > HIGH_WATER_BYTES) {
      this.ctx.timers.timeout(() => this.drain(), 1);
      return;
    }
    const sent = this.sendUpdates(FAST_BATCH, () => setImmediate(() => this.drain()));
    if (!sent) setImmediate(() => this.drain());
  }

  // ---- chart, account activity, unknown-service data ----

  private chartTick(): void {
    if (this.ctx.faults.silent) return;
    const subscription = this.subs.get('CHART_EQUITY');
    if (subscription === undefined) return;
    const items: Record<string, FieldValue>[] = [];
    for (const key of subscription.keys) {
      if (this.ctx.market.instrument(key) === undefined) continue;
      const item = this.ctx.chart.item(key, this.ctx.chart.advance(key), subscription.fields);
      if (item !== undefined) items.push(item);
    }
    this.sendData(new Map([['CHART_EQUITY', items]]));
  }

  deliverActivity(accountNumber: string, events: readonly ActivityEvent[]): void {
    const acct = this.acct;
    if (acct === undefined || this.state !== 'active' || this.ctx.faults.silent || events.length === 0) return;
    const items = events.map((event) => ({ 1: accountNumber, 2: event.type, 3: event.message, seq: (acct.seq += 1), key: acct.key }));
    this.sendData(new Map([['ACCT_ACTIVITY', items]]));
  }

  /** Data of a service nobody subscribed to and Schwab does not serve (the unknownFields fault). */
  private unknownServiceTick(): void {
    if (this.ctx.faults.silent || !this.ctx.faults.unknownFields) return;
    const now = Date.now();
    const last = this.ctx.market.instrument('AAPL') === undefined ? 230 : this.ctx.market.last('AAPL');
    this.sendData(new Map([[UNKNOWN_SERVICE, [{ key: 'AAPL', 1: now, 2: last, 3: 100, 4: 0, 99: 1 }]]]));
  }

  subscriptionSnapshot(): Record<string, ReadonlySet<string>> {
    const out: Record<string, ReadonlySet<string>> = {};
    for (const [service, subscription] of this.subs) if (subscription.keys.size > 0) out[service] = new Set(subscription.keys);
    return out;
  }
}

function isBook(service: string): service is BookService {
  return (BOOK_SERVICES as readonly string[]).includes(service);
}

function isWhole(service: string): service is WholeService {
  return isBook(service) || (SCREENER_SERVICES as readonly string[]).includes(service);
}
