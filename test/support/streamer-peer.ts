// A streamer on loopback that answers LOGIN and every subscription command with success and otherwise sends what the
// test tells it to: frames the simulator would never send (made-up services, oversized or malformed frames).
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { StreamerSessionOptions } from '../../src/schwab/streamer/session.js';
import type { StreamerInfo } from '../../src/schwab/streamer/protocol.js';

export interface StreamerPeer {
  info: StreamerInfo;
  /** LOGINs answered so far: one per connection of the session. */
  logins: number;
  /** Sends one text frame to the current logged-in connection. */
  send(text: string): void;
  close(): Promise<void>;
}

export async function startStreamerPeer(): Promise<StreamerPeer> {
  // perMessageDeflate as Schwab negotiates it: a frame travels small and is inflated by the client.
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: true });
  let current: WebSocket | null = null;
  const peer: StreamerPeer = {
    info: {
      streamerSocketUrl: '', schwabClientCustomerId: 'customer', schwabClientCorrelId: 'correl',
      schwabClientChannel: 'N9', schwabClientFunctionId: 'APIAPP',
    },
    logins: 0,
    send: (text) => current?.send(text),
    close: () => new Promise((resolve) => {
      for (const client of server.clients) client.terminate();
      server.close(() => resolve());
    }),
  };
  server.on('connection', (socket) => {
    socket.on('message', (data) => {
      const { requests } = JSON.parse(String(data)) as { requests: Array<{ service: string; command: string; requestid: string }> };
      for (const request of requests) {
        if (request.command === 'LOGIN') {
          current = socket;
          peer.logins += 1;
        }
        socket.send(JSON.stringify({ response: [{ ...request, timestamp: Date.now(), content: { code: 0, msg: `${request.command} command succeeded` } }] }));
      }
    });
  });
  await new Promise((resolve) => server.once('listening', resolve));
  peer.info.streamerSocketUrl = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/ws`;
  return peer;
}

/** Session options against the peer: one key per level-one service, a token that never needs a refresh. */
export function peerSessionOptions(peer: StreamerPeer): Pick<StreamerSessionOptions, 'streamerInfo' | 'auth' | 'keys' | 'limits' | 'heartbeatTimeoutMs' | 'dataSilenceTimeoutMs' | 'reconnect' | 'responseTimeoutMs'> {
  return {
    streamerInfo: async () => peer.info,
    auth: { accessToken: async () => 'peer-token', refreshNow: async () => 'peer-token' },
    keys: { LEVELONE_EQUITIES: ['AAPL'] },
    limits: { maxKeysPerRequest: 250, maxKeysPerService: 500 },
    heartbeatTimeoutMs: 60_000, dataSilenceTimeoutMs: 60_000,
    reconnect: { initialDelayMs: 20, maxDelayMs: 100, healthyAfterMs: 60_000 },
    responseTimeoutMs: 3000,
  };
}
