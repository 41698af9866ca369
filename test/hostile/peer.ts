// A Schwab peer on loopback that a test can make hostile: REST (OAuth, userPreference, polls) is passed through to
// the simulator, with userPreference pointing the streamer at this peer; the streamer is this peer's own, answering
// LOGIN, SUBS, ADD and the rest with code 0 and sending nothing unasked, so every frame after the login is one the
// test injected, in order.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import type { Simulator } from '../../src/sim/index.js';

export interface HostilePeer {
  baseUrl: string;
  /** Sends one text frame, exactly these bytes, to the connected recorder; resolves once written. */
  inject(wire: string | Buffer): Promise<void>;
  close(): Promise<void>;
}

export async function startHostilePeer(sim: Simulator): Promise<HostilePeer> {
  let wsUrl = '';
  const server = createServer((request, response) => {
    void forward(sim, request, response, () => wsUrl).catch(() => {
      if (!response.headersSent) response.writeHead(502).end();
    });
  });
  const wss = new WebSocketServer({ server, path: '/ws' });
  let client: WebSocket | null = null;
  wss.on('connection', (ws) => {
    client = ws;
    ws.on('message', (data) => answer(ws, data.toString()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  wsUrl = `ws://127.0.0.1:${port}/ws`;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    inject: (wire) => new Promise((resolve, reject) => {
      if (client?.readyState !== WebSocket.OPEN) return reject(new Error('no recorder connected to the peer'));
      client.send(wire, { binary: false }, (error) => (error ? reject(error) : resolve()));
    }),
    close: async () => {
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Code 0 to every request of `{"requests":[...]}`, as Schwab acknowledges LOGIN, SUBS and ADD. */
function answer(ws: WebSocket, text: string): void {
  const { requests } = JSON.parse(text) as { requests: Array<Record<string, unknown>> };
  const response = requests.map((r) => ({
    service: r['service'], command: r['command'], requestid: r['requestid'], SchwabClientCorrelId: r['SchwabClientCorrelId'],
    timestamp: Date.now(), content: { code: 0, msg: `${String(r['command'])} command succeeded` },
  }));
  ws.send(JSON.stringify({ response }));
}

async function forward(sim: Simulator, request: IncomingMessage, response: ServerResponse, wsUrl: () => string): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const headers: Record<string, string> = {};
  for (const name of ['authorization', 'content-type', 'accept']) {
    const value = request.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  const method = request.method ?? 'GET';
  const upstream = await fetch(`${sim.baseUrl}${request.url ?? '/'}`, {
    method, headers, body: method === 'GET' || method === 'HEAD' ? undefined : Buffer.concat(chunks),
  });
  let body = await upstream.text();
  if ((request.url ?? '').startsWith('/trader/v1/userPreference') && upstream.ok) {
    const preference = JSON.parse(body) as { streamerInfo: Array<Record<string, unknown>> };
    for (const info of preference.streamerInfo) info['streamerSocketUrl'] = wsUrl();
    body = JSON.stringify(preference);
  }
  const passed: Record<string, string> = {};
  for (const name of ['content-type', 'retry-after', 'location']) {
    const value = upstream.headers.get(name);
    if (value !== null) passed[name] = value;
  }
  response.writeHead(upstream.status, passed).end(body);
}
