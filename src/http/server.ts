// The recorder's own HTTP server (design.md §6): /metrics for Prometheus, /healthz (the process is alive) and
// /readyz (connected and subscribed when the schedule says so, database writable, backlog under a bound) with a JSON
// body that says why.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
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
}

export interface ReadinessInputs {
  schedule: ScheduleDecision;
  stream: { state: string; connected: boolean; missingServices: string[] };
  database: { writable: boolean; error?: string };
  backlog: { lines: number; seconds: number; bound: number };
}

/** Ready: the stream is up and subscribed when the schedule says it should be (or the schedule is idle), the database
 * takes writes, and the oldest uncommitted line is younger than the bound. */
export function evaluateReadiness(inputs: ReadinessInputs): Readiness {
  const { schedule, stream, database, backlog } = inputs;
  const reasons: string[] = [];
  const subscribed = stream.connected && stream.missingServices.length === 0;
  if (schedule.open) {
    if (!stream.connected) reasons.push(`stream not connected (state ${stream.state})`);
    else if (!subscribed) reasons.push(`stream not subscribed: ${stream.missingServices.join(', ')}`);
  }
  if (!database.writable) reasons.push(`database not writable${database.error ? `: ${database.error}` : ''}`);
  if (backlog.seconds > backlog.bound) reasons.push(`backlog ${Math.round(backlog.seconds)} s over the ${backlog.bound} s bound (${backlog.lines} lines)`);
  const ready = reasons.length === 0;
  if (!schedule.open) reasons.push(`idle by schedule: ${schedule.why}${schedule.next ? ` until ${schedule.next}` : ''}`);
  return {
    ready, reasons,
    schedule: { open: schedule.open, why: schedule.why, next: schedule.next },
    stream: { state: stream.state, connected: stream.connected, subscribed },
    database, backlog,
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

export async function startHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const server = http.createServer((request, response) => {
    const pathname = new URL(request.url ?? '/', 'http://localhost').pathname;
    const send = (code: number, type: string, body: string): void => {
      httpRequests.inc({ path: KNOWN_PATHS.has(pathname) ? pathname : 'other', code: String(code) });
      response.writeHead(code, { 'content-type': type, 'cache-control': 'no-store' });
      response.end(request.method === 'HEAD' ? undefined : body);
    };
    if (request.method !== 'GET' && request.method !== 'HEAD') return send(405, 'text/plain; charset=utf-8', 'method not allowed\n');
    const answer = async (): Promise<void> => {
      switch (pathname) {
        case '/metrics':
          return send(200, registry.contentType, await registry.metrics());
        case '/healthz':
          return send(200, 'text/plain; charset=utf-8', 'ok\n');
        case '/readyz': {
          const readiness = await options.readiness();
          return send(readiness.ready ? 200 : 503, 'application/json; charset=utf-8', `${JSON.stringify(readiness, null, 2)}\n`);
        }
        default:
          return send(404, 'text/plain; charset=utf-8', 'not found: try /metrics, /healthz or /readyz\n');
      }
    };
    answer().catch((error: unknown) => {
      if (response.headersSent) return void response.destroy();
      send(500, 'text/plain; charset=utf-8', `${error instanceof Error ? error.message : String(error)}\n`);
    });
  });
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
