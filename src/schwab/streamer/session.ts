// One streamer connection that never gives up (design.md §3.4): connect, LOGIN, subscribe, watch liveness, and on
// any loss reconnect with backoff, log in again and re-subscribe everything. Every inbound frame is handed to
// capture before the session looks at it; connects, disconnects and gaps become capture events.
import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';
import type { CaptureSink } from '../../capture/sink.js';
import { redactOutboundRequest } from '../../capture/redact.js';
import { RecorderError, isRecorderError } from '../../errors.js';
import type { Logger } from '../../log/logger.js';
import { isStreamService } from '../../metrics/labels.js';
import {
  streamConnected, streamDelay, streamFrameErrors, streamFrames, streamBytes, streamLastData, streamLastHeartbeat, streamReconnects,
  streamResponses, streamSubscribedKeys,
} from '../../metrics/registry.js';
import { SERVICES, type RecordedService } from '../fields.js';
import { Backoff } from './backoff.js';
import {
  CODE, classifyFrame, dropsConnection, isSuccess, loginRequest, logoutRequest, subscriptionRequest,
  type ResponseItem, type StreamerInfo, type StreamerRequest,
} from './protocol.js';
import { changePlan, initialPlan, overLimit, type KeyLimits, type SubscriptionPlan } from './subscriptions.js';

export interface StreamerAuth {
  accessToken(): Promise<string>;
  refreshNow(reason: string): Promise<string>;
}

export interface StreamerSessionOptions {
  /** Streamer URL and ids, from REST user preference (called again after a failed connect). */
  streamerInfo(): Promise<StreamerInfo>;
  auth: StreamerAuth;
  capture: CaptureSink;
  logger: Logger;
  keys: Partial<Record<RecordedService, string[]>>;
  limits: KeyLimits;
  heartbeatTimeoutMs: number;
  dataSilenceTimeoutMs: number;
  reconnect: { initialDelayMs: number; maxDelayMs: number; healthyAfterMs: number };
  /** Whether data silence counts (market hours); heartbeat silence always counts. */
  isMarketOpen?: () => boolean;
  /** Consecutive CLOSE_CONNECTION (code 12) refusals before giving up: another client holds the one connection. */
  maxConnectionRefusals?: number;
  /** How long to wait for the response to one request. */
  responseTimeoutMs?: number;
  /** The largest frame taken, after inflation (ws maxPayload); a larger one ends the connection (1009), which reconnects. */
  maxFrameBytes?: number;
  now?: () => number;
  random?: () => number;
}

export type SessionState = 'idle' | 'connecting' | 'subscribing' | 'streaming' | 'waiting' | 'stopped' | 'failed';

/** Data silence applies to the level-one services only: they tick all session long; bars and account activity do not. */
/** How long a clean close may take before the socket is cut. */
const CLOSE_GRACE_MS = 2000;
/** How long a suspended session sleeps between checks when nothing wakes it (resume() and stop() do). */
const SUSPENDED_WAIT_MS = 60_000;

/**
 * Services that tick all through equity market hours (when silence is checked): a subscribed one going quiet means a
 * dead feed. Futures options, books, screeners and charts can be quiet for minutes with the feed alive.
 */
const SILENCE_WATCHED: readonly RecordedService[] = ['LEVELONE_EQUITIES', 'LEVELONE_OPTIONS', 'LEVELONE_FUTURES', 'LEVELONE_FOREX'];
/** ws's default maxPayload is 100 MiB; Schwab's largest frames (a 500-key level-one snapshot) are well under 1 MiB. */
const DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024;
/** A frame the session cannot handle is logged at most this often per stage; every one is counted. */
const FRAME_ERROR_LOG_INTERVAL_MS = 60_000;

type FrameStage = 'capture' | 'handle';

interface Connection {
  socket: WebSocket;
  info: StreamerInfo;
  loggedInAt: number | null;
  subscribed: Map<RecordedService, Set<string>>;
  pending: Map<string, { resolve: (response: ResponseItem) => void; reject: (error: Error) => void }>;
  /** Set when the server gave a reason before closing (a response code), or when we closed it. */
  closeReason: string | null;
}

export class StreamerSession extends EventEmitter {
  private readonly wanted = new Map<RecordedService, string[]>();
  private readonly backoff: Backoff;
  private readonly now: () => number;
  private connection: Connection | null = null;
  private stopping = false;
  private suspended = false;
  private stateValue: SessionState = 'idle';
  private lastFrameAt = 0;
  /** Only services Schwab documents: a peer that makes up service names must not grow it. */
  private readonly lastDataAt = new Map<string, number>();
  private readonly frameErrors: Record<FrameStage, { loggedAt: number | null; since: number }> = {
    capture: { loggedAt: null, since: 0 }, handle: { loggedAt: null, since: 0 },
  };
  private lostAt: number | null = null;
  private refusals = 0;
  private requestCounter = 0;
  private wake: AbortController | null = null;
  private loop: Promise<void> | null = null;

  constructor(private readonly options: StreamerSessionOptions) {
    super();
    this.now = options.now ?? Date.now;
    this.backoff = new Backoff({ ...options.reconnect, random: options.random });
    for (const service of SERVICES) this.setWanted(service, options.keys[service] ?? []);
  }

  get state(): SessionState {
    return this.stateValue;
  }

  /** Keys acknowledged by the server, per service, on the current connection. */
  subscribedKeys(service: RecordedService): string[] {
    return [...(this.connection?.subscribed.get(service) ?? [])];
  }

  /** Starts the connect loop; resolves when the session stops, rejects when it gives up for good. */
  start(): Promise<void> {
    this.loop ??= this.run();
    return this.loop;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.abort();
    this.closeConnection();
    await this.loop?.catch(() => undefined);
  }

  /**
   * Outside the schedule (market closed): closes the connection and stays disconnected until resume(). Not a gap and
   * not a reconnect: nothing was missed that the schedule wanted.
   */
  suspend(reason: string): void {
    if (this.suspended) return;
    this.suspended = true;
    this.event('suspended', { reason });
    this.closeConnection();
  }

  resume(): void {
    if (!this.suspended) return;
    this.suspended = false;
    this.backoff.reset();
    this.event('resumed', {});
    this.wake?.abort();
  }

  private closeConnection(): void {
    const connection = this.connection;
    if (!connection) return;
    connection.closeReason = this.stopping ? 'stopped' : 'suspended';
    if (connection.socket.readyState === WebSocket.OPEN) {
      if (connection.loggedInAt !== null) this.send(connection, logoutRequest(connection.info, this.nextRequestId()));
      connection.socket.close(1000, 'recorder stopping');
      // A server that never answers the close frame must not hold the stop up.
      setTimeout(() => connection.socket.terminate(), CLOSE_GRACE_MS).unref();
    } else {
      connection.socket.terminate();
    }
  }

  /** Changes a service's keys; on a live connection only the difference is sent (UNSUBS / ADD). */
  async setKeys(service: RecordedService, keys: string[]): Promise<void> {
    this.setWanted(service, keys);
    const connection = this.connection;
    if (connection?.loggedInAt == null) return;
    const current = connection.subscribed.get(service) ?? new Set<string>();
    await this.execute(connection, changePlan(service, current, this.wanted.get(service) ?? [], this.options.limits));
  }

  private setWanted(service: RecordedService, keys: string[]): void {
    const unique = [...new Set(keys.map((k) => k.toUpperCase()))];
    const { kept, refused } = overLimit(unique, this.options.limits);
    if (refused.length > 0) {
      this.options.logger.warn({ service, refused: refused.length, limit: this.options.limits.maxKeysPerService }, 'keys over the per-service limit are not subscribed');
      this.event('subscription_refused', { service, keys: refused.length, reason: 'over maxKeysPerService' });
    }
    this.wanted.set(service, kept);
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      if (this.suspended) {
        this.setState('idle');
        await this.sleep(SUSPENDED_WAIT_MS); // resume() and stop() wake it
        continue;
      }
      const reason = await this.connectOnce().catch((error: unknown) => this.failure(error));
      if (this.stopping) break;
      if (this.suspended) continue;
      streamReconnects.inc({ reason: reason.split(':')[0] ?? reason });
      if (reason.startsWith('close_connection') && ++this.refusals >= (this.options.maxConnectionRefusals ?? 3)) {
        this.setState('failed');
        this.event('gave_up', { reason });
        throw new RecorderError('STREAM_MAX_CONNECTIONS',
          'Schwab refused the streamer connection repeatedly (code 12: one streamer connection per user). '
          + 'Another program is streaming with this login; stop it and start the recorder again.');
      }
      const delay = reason === 'login_denied' && this.backoff.attempts === 0 ? 0 : this.backoff.next();
      this.setState('waiting');
      this.options.logger.warn({ reason, delayMs: delay }, 'streamer disconnected; reconnecting');
      await this.sleep(delay);
    }
    this.setState('stopped');
  }

  /** One connection from open to close; returns why it ended. */
  private async connectOnce(): Promise<string> {
    this.setState('connecting');
    const info = await this.options.streamerInfo();
    const token = await this.options.auth.accessToken();
    if (this.stopping || this.suspended) return 'stopped';
    // skipUTF8Validation: Schwab has sent frames with raw invalid bytes (schwab-protocol.md §3.2). Validating would
    // close the socket (1007) and lose the session; unvalidated, the frame is decoded with U+FFFD, journaled and
    // quarantined like any unparsable frame. It also saves a pass over every byte received.
    // maxPayload bounds a frame after inflation: a small deflated frame must not expand into gigabytes.
    const socket = new WebSocket(info.streamerSocketUrl, {
      perMessageDeflate: true, handshakeTimeout: this.responseTimeout(), skipUTF8Validation: true, maxPayload: this.maxFrameBytes(),
    });
    const connection: Connection = { socket, info, loggedInAt: null, subscribed: new Map(), pending: new Map(), closeReason: null };
    this.connection = connection;
    const closed = new Promise<string>((resolve) => {
      socket.on('close', (code) => {
        connection.closeReason ??= `socket_closed:${code}`;
        for (const waiting of connection.pending.values()) waiting.reject(new SessionEnded(connection.closeReason));
        resolve(connection.closeReason);
      });
      socket.on('error', (error) => { connection.closeReason ??= this.socketErrorReason(error); });
    });
    socket.on('message', (data) => this.onMessage(connection, data.toString()));
    const watchdog = setInterval(() => this.checkLiveness(connection), Math.min(1000, this.options.heartbeatTimeoutMs / 4));
    try {
      await onceOpen(socket);
      this.lastFrameAt = this.now();
      await this.login(connection, token);
      await this.subscribeAll(connection);
      if (connection.socket.readyState === WebSocket.OPEN) this.streaming(connection);
      return await closed;
    } finally {
      clearInterval(watchdog);
      this.disconnected(connection);
    }
  }

  private async login(connection: Connection, token: string): Promise<void> {
    const response = await this.request(connection, loginRequest(connection.info, this.nextRequestId(), token));
    if (response.code === CODE.LOGIN_DENIED) {
      connection.closeReason = 'login_denied';
      this.event('login_denied', { code: response.code, msg: response.msg });
      connection.socket.close();
      await this.options.auth.refreshNow('streamer login denied');
      throw new SessionEnded('login_denied');
    }
    if (!isSuccess(response.code)) this.endFor(connection, response);
    connection.loggedInAt = this.now();
    this.refusals = 0;
    this.event('login', { msg: response.msg });
  }

  private async subscribeAll(connection: Connection): Promise<void> {
    this.setState('subscribing');
    for (const service of SERVICES) {
      await this.execute(connection, initialPlan(service, this.wanted.get(service) ?? [], this.options.limits));
    }
  }

  /** Sends plans one request at a time: Schwab fails commands it processes in parallel (codes 22-25). */
  private async execute(connection: Connection, plans: SubscriptionPlan[]): Promise<void> {
    for (const plan of plans) {
      if (connection.socket.readyState !== WebSocket.OPEN) return;
      const request = subscriptionRequest(connection.info, this.nextRequestId(), plan.service, plan.command, plan.keys, plan.fields);
      const response = await this.request(connection, request);
      this.applyResponse(connection, plan, response);
    }
  }

  private applyResponse(connection: Connection, plan: SubscriptionPlan, response: ResponseItem): void {
    if (dropsConnection(response.code)) this.endFor(connection, response);
    const keys = connection.subscribed.get(plan.service) ?? new Set<string>();
    if (isSuccess(response.code)) {
      if (plan.command === 'SUBS') keys.clear();
      for (const key of plan.keys) {
        if (plan.command === 'UNSUBS') keys.delete(key);
        else keys.add(key);
      }
      connection.subscribed.set(plan.service, keys);
      streamSubscribedKeys.set({ service: plan.service }, keys.size);
      this.event('subscribed', { service: plan.service, command: plan.command, keys: plan.keys.length, total: keys.size });
      return;
    }
    const refused = response.code === CODE.REACHED_SYMBOL_LIMIT ? 'symbol limit reached' : response.msg;
    this.options.logger.warn({ service: plan.service, command: plan.command, code: response.code, msg: response.msg, keys: plan.keys.length }, 'subscription refused');
    this.event('subscription_refused', { service: plan.service, command: plan.command, code: response.code, reason: refused, keys: plan.keys.length });
  }

  private request(connection: Connection, request: StreamerRequest): Promise<ResponseItem> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        connection.closeReason ??= `no_response:${request.command}`;
        connection.socket.terminate();
      }, this.responseTimeout());
      const settle = <T>(fn: (value: T) => void) => (value: T) => {
        clearTimeout(timer);
        connection.pending.delete(request.requestid);
        fn(value);
      };
      connection.pending.set(request.requestid, { resolve: settle(resolve), reject: settle(reject) });
      this.send(connection, request);
    });
  }

  private send(connection: Connection, request: StreamerRequest): void {
    this.event('sent', { request: redactOutboundRequest(request) });
    connection.socket.send(JSON.stringify({ requests: [request] }));
  }

  /**
   * Capture first, then the session's own reading of the frame. Neither may throw out of the socket's message
   * handler (that would end the process): a failure is counted, logged now and then, and the next frame goes on.
   */
  private onMessage(connection: Connection, text: string): void {
    const receivedAt = this.now();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    this.guarded('capture', () => this.options.capture.wsFrame(text, parsed, receivedAt));
    this.lastFrameAt = receivedAt;
    this.guarded('handle', () => this.handleFrame(connection, text, parsed, receivedAt));
  }

  private handleFrame(connection: Connection, text: string, parsed: unknown, receivedAt: number): void {
    streamBytes.inc(Buffer.byteLength(text));
    if (parsed === undefined) {
      streamFrames.inc({ kind: 'invalid' });
      return;
    }
    const frame = classifyFrame(parsed);
    if (frame.heartbeat) {
      streamFrames.inc({ kind: 'heartbeat' });
      streamLastHeartbeat.set(receivedAt / 1000);
    }
    for (const item of frame.data) {
      streamFrames.inc({ kind: item.service });
      if (isStreamService(item.service)) this.lastDataAt.set(item.service, receivedAt);
      streamLastData.set({ service: item.service }, receivedAt / 1000);
      // Clocks differ by milliseconds: a block "sent" a little after it arrived is a delay of 0, not negative.
      if (item.sentAt !== null) streamDelay.observe({ service: item.service }, Math.max(0, receivedAt - item.sentAt) / 1000);
      this.emit('data', item.service);
    }
    for (const response of [...frame.responses, ...frame.notices]) this.onResponse(connection, response);
  }

  private onResponse(connection: Connection, response: ResponseItem): void {
    streamFrames.inc({ kind: 'response' });
    streamResponses.inc({ service: response.service, command: response.command, code: String(response.code) });
    const waiting = connection.pending.get(response.requestid);
    if (waiting) {
      waiting.resolve(response);
    } else if (dropsConnection(response.code)) {
      // An unsolicited notice such as code 30 (stop streaming): the server is about to drop us.
      connection.closeReason = codeReason(response.code);
      this.event('server_notice', { code: response.code, msg: response.msg, service: response.service });
    }
  }

  private guarded(stage: FrameStage, work: () => void): void {
    try {
      work();
    } catch (error) {
      this.frameFailed(stage, error);
    }
  }

  private frameFailed(stage: FrameStage, error: unknown): void {
    streamFrameErrors.inc({ stage });
    const state = this.frameErrors[stage];
    state.since += 1;
    const now = this.now();
    if (state.loggedAt !== null && now - state.loggedAt < FRAME_ERROR_LOG_INTERVAL_MS) return;
    this.options.logger.error({ stage, err: error, frames: state.since }, 'a streamer frame could not be handled; the session goes on');
    state.loggedAt = now;
    state.since = 0;
  }

  private socketErrorReason(error: Error): string {
    if ((error as NodeJS.ErrnoException).code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
      this.options.logger.warn({ maxFrameBytes: this.maxFrameBytes() }, 'a streamer frame is over stream.maxFrameBytes; reconnecting');
      return `frame_too_large: a frame over ${this.maxFrameBytes()} bytes (stream.maxFrameBytes)`;
    }
    return `socket_error:${error.message}`;
  }

  private checkLiveness(connection: Connection): void {
    if (connection.socket.readyState !== WebSocket.OPEN) return;
    const now = this.now();
    if (now - this.lastFrameAt > this.options.heartbeatTimeoutMs) return this.dropDead(connection, 'heartbeat_timeout');
    // Pings keep idle NAT paths open; only frames from Schwab count as liveness (a socket can pong and stay mute).
    if (now - this.lastFrameAt > this.options.heartbeatTimeoutMs / 3) connection.socket.ping();
    if (connection.loggedInAt === null || !(this.options.isMarketOpen?.() ?? true)) return;
    for (const service of SILENCE_WATCHED) {
      if ((connection.subscribed.get(service)?.size ?? 0) === 0) continue;
      const since = Math.max(this.lastDataAt.get(service) ?? 0, connection.loggedInAt);
      if (now - since > this.options.dataSilenceTimeoutMs) return this.dropDead(connection, `data_silence:${service}`);
    }
    if (now - connection.loggedInAt > this.options.reconnect.healthyAfterMs) this.backoff.reset();
  }

  private dropDead(connection: Connection, reason: string): void {
    connection.closeReason = reason;
    this.options.logger.warn({ reason }, 'streamer connection is silent; dropping it');
    connection.socket.terminate();
  }

  private endFor(connection: Connection, response: ResponseItem): never {
    connection.closeReason = codeReason(response.code);
    connection.socket.close();
    throw new SessionEnded(`${connection.closeReason}: ${response.msg}`);
  }

  private streaming(connection: Connection): void {
    this.setState('streaming');
    streamConnected.set(1);
    const detail: Record<string, unknown> = { url: redactedUrl(connection.info.streamerSocketUrl) };
    this.event('connected', detail);
    if (this.lostAt !== null && connection.loggedInAt !== null) {
      this.event('gap', { from: this.lostAt, to: connection.loggedInAt, seconds: (connection.loggedInAt - this.lostAt) / 1000 });
    }
    this.lostAt = null;
  }

  private disconnected(connection: Connection): void {
    if (this.connection === connection) this.connection = null;
    streamConnected.set(0);
    for (const service of SERVICES) streamSubscribedKeys.set({ service }, 0);
    if (connection.loggedInAt !== null && this.lostAt === null && !this.suspended) this.lostAt = this.lastFrameAt || this.now();
    if (connection.socket.readyState !== WebSocket.CLOSED) connection.socket.terminate();
    this.event('disconnected', { reason: connection.closeReason ?? 'unknown' });
  }

  private failure(error: unknown): string {
    if (error instanceof SessionEnded) return error.reason;
    if (isRecorderError(error, 'AUTH_REFRESH_EXPIRED')) throw error;
    this.options.logger.warn({ err: error }, 'streamer connection failed');
    return `connect_failed:${error instanceof Error ? error.message : String(error)}`;
  }

  private async sleep(ms: number): Promise<void> {
    this.wake = new AbortController();
    await sleep(ms, undefined, { signal: this.wake.signal }).catch(() => undefined);
    this.wake = null;
  }

  private event(name: string, detail: Record<string, unknown>): void {
    this.options.capture.event(name, detail, this.now());
    this.emit(name, detail);
  }

  private setState(state: SessionState): void {
    this.stateValue = state;
    this.emit('state', state);
  }

  private nextRequestId(): string {
    this.requestCounter += 1;
    return String(this.requestCounter);
  }

  private responseTimeout(): number {
    return this.options.responseTimeoutMs ?? 10_000;
  }

  private maxFrameBytes(): number {
    return this.options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  }
}

/** A connection ended for a known reason; the loop reconnects. */
class SessionEnded extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

function codeReason(code: number): string {
  switch (code) {
    case CODE.LOGIN_DENIED: return 'login_denied';
    case CODE.CLOSE_CONNECTION: return 'close_connection';
    case CODE.STOP_STREAMING: return 'stop_streaming';
    case CODE.STREAM_CONN_NOT_FOUND: return 'stream_conn_not_found';
    default: return `code_${code}`;
  }
}

function onceOpen(socket: WebSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
    socket.once('close', (code) => reject(new SessionEnded(`socket_closed:${code}`)));
  });
}

/** The streamer URL without any query string (nothing secret is expected there, but nothing is assumed). */
function redactedUrl(url: string): string {
  return url.split('?')[0] ?? url;
}
