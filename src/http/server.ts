// The recorder's own HTTP server (design.md §6): /metrics for Prometheus, /healthz (the process is alive) and
// /readyz (connected and subscribed when the schedule says so, database writable, backlog under a bound) with a JSON
// body that says why.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { httpRequests, registry } from '../metrics/registry.js';
import type { ScheduleDecision } from '../schedule/market-hours.js';

export interface Readiness {
  ready: boolean;
  /** Why it is not ready, or why it is ready while idle; empty when streaming normally. */
  reasons: string[];
  schedule: Pick<ScheduleDecision, 'open' | 'why' | 'next'>;
  stream: { state: string; connected: boolean; subscribed: boolean };
  database: { writable: boolean; error?: string };
  backlog: { lines: number; seconds: number; bound: number };
  commits: ReadinessInputs['commits'];
}

export interface ReadinessInputs {
  schedule: ScheduleDecision;
  stream: { state: string; connected: boolean; missingServices: string[] };
  database: { writable: boolean; error?: string };
  backlog: { lines: number; seconds: number; bound: number };
  /** Whether commits advance: how long they have been stuck, and since when and why flushes fail (epoch ms). */
  commits: { stuckSeconds: number; failingSince: number | null; failure: string | null };
}

/** Ready: the stream is up and subscribed when the schedule says it should be (or the schedule is idle), the database
 * takes writes, and the oldest uncommitted line is younger than the bound. */
export function evaluateReadiness(inputs: ReadinessInputs): Readiness {
  const { schedule, stream, database, backlog, commits } = inputs;
  const reasons: string[] = [];
  const subscribed = stream.connected && stream.missingServices.length === 0;
  if (schedule.open) {
    if (!stream.connected) reasons.push(`stream not connected (state ${stream.state})`);
    else if (!subscribed) reasons.push(`stream not subscribed: ${stream.missingServices.join(', ')}`);
  }
  if (!database.writable) reasons.push(`database not writable${database.error ? `: ${database.error}` : ''}`);
  // Commits stuck past the bound need no reason of their own: the backlog is at least as old (checked below).
  if (commits.failingSince !== null) reasons.push(`flush failing since ${new Date(commits.failingSince).toISOString()}: ${commits.failure ?? 'unknown'}`);
  if (backlog.seconds > backlog.bound) reasons.push(`backlog ${Math.round(backlog.seconds)} s over the ${backlog.bound} s bound (${backlog.lines} lines)`);
  const ready = reasons.length === 0;
  if (!schedule.open) reasons.push(`idle by schedule: ${schedule.why}${schedule.next ? ` until ${schedule.next}` : ''}`);
  return {
    ready, reasons,
    schedule: { open: schedule.open, why: schedule.why, next: schedule.next },
    stream: { state: stream.state, connected: stream.connected, subscribed },
    database, backlog, commits,
  };
}

export interface HttpServerOptions {
  port: number;
  host: string;
  readiness: () => Promise<Readiness>;
}

export interface HttpServer {
  /** e.g. http://127.0.0.1:9464 (a wildcard host is shown as 127.0.0.1). */
  url: string;
  close(): Promise<void>;
}

const KNOWN_PATHS = new Set(['/metrics', '/healthz', '/readyz']);
const TEXT = 'text/plain; charset=utf-8';

export async function startHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  // Whatever a request holds, it gets an HTTP answer: nothing it sends may throw out of here and end the recorder.
  const server = http.createServer((request, response) => {
    answer(request, response, options).catch((error: unknown) => failed(request, response, error));
  });
  server.on('clientError', refuse);
  server.keepAliveTimeout = 65_000; // longer than Prometheus' scrape interval: keep-alive connections get reused
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.address === '0.0.0.0' || address.address === '::' ? '127.0.0.1'
    : address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

async function answer(request: http.IncomingMessage, response: http.ServerResponse, options: HttpServerOptions): Promise<void> {
  const pathname = pathOf(request.url);
  const send = (code: number, type: string, body: string): void => {
    httpRequests.inc({ path: pathname !== null && KNOWN_PATHS.has(pathname) ? pathname : 'other', code: String(code) });
    response.writeHead(code, { 'content-type': type, 'cache-control': 'no-store' });
    response.end(request.method === 'HEAD' ? undefined : body);
  };
  if (pathname === null) return send(400, TEXT, 'bad request: the request target is not a URL\n');
  if (request.method !== 'GET' && request.method !== 'HEAD') return send(405, TEXT, 'method not allowed\n');
  switch (pathname) {
    case '/metrics':
      return send(200, registry.contentType, await registry.metrics());
    case '/healthz':
      return send(200, TEXT, 'ok\n');
    case '/readyz': {
      const readiness = await options.readiness();
      return send(readiness.ready ? 200 : 503, 'application/json; charset=utf-8', `${JSON.stringify(readiness, null, 2)}\n`);
    }
    default:
      return send(404, TEXT, 'not found: try /metrics, /healthz or /readyz\n');
  }
}

/** The path of an origin-form (`/metrics?x`) or absolute-form (`http://host/metrics`) target; null when it is not a URL. */
function pathOf(target: string | undefined): string | null {
  try {
    return new URL(target ?? '/', 'http://localhost').pathname;
  } catch {
    return null;
  }
}

function failed(request: http.IncomingMessage, response: http.ServerResponse, error: unknown): void {
  if (response.headersSent) return void response.destroy();
  httpRequests.inc({ path: 'other', code: '500' });
  response.writeHead(500, { 'content-type': TEXT, 'cache-control': 'no-store' });
  response.end(request.method === 'HEAD' ? undefined : `${error instanceof Error ? error.message : String(error)}\n`);
}

/**
 * A request node's parser refuses (bad request line or header, headers over the size limit, a timeout) never reaches
 * the handler: answer it here, the way node does without a listener, count it, and close the connection.
 */
function refuse(error: NodeJS.ErrnoException, socket: Duplex): void {
  const [code, reason] = error.code === 'HPE_HEADER_OVERFLOW' ? [431, 'Request Header Fields Too Large']
    : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? [408, 'Request Timeout'] : [400, 'Bad Request'];
  if (error.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
  httpRequests.inc({ path: 'other', code: String(code) });
  socket.end(`HTTP/1.1 ${code} ${reason}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`, () => socket.destroy());
}
