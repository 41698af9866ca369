// A raw streamer client for simulator tests: it speaks the wire protocol by hand (no recorder code), keeps every
// frame it receives, and waits for frames by predicate.
import WebSocket from 'ws';
import type { Simulator, TokenResponse } from '../../src/sim/index.js';

export type Frame = Record<string, unknown>;

export interface DataBlock {
  service: string;
  timestamp: number;
  command: string;
  content: Record<string, unknown>[];
}

export interface Ids {
  customerId: string;
  correlId: string;
  channel: string;
  functionId: string;
}

export async function streamerIds(sim: Simulator, tokens: TokenResponse): Promise<Ids> {
  const response = await fetch(`${sim.baseUrl}/trader/v1/userPreference`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
  const body = (await response.json()) as { streamerInfo: Array<Record<string, string>> };
  const info = body.streamerInfo[0] ?? {};
  return {
    customerId: info['schwabClientCustomerId'] ?? '',
    correlId: info['schwabClientCorrelId'] ?? '',
    channel: info['schwabClientChannel'] ?? '',
    functionId: info['schwabClientFunctionId'] ?? '',
  };
}

export class StreamClient {
  readonly frames: Frame[] = [];
  readonly texts: string[] = [];
  closeCode: number | undefined;
  private nextId = 0;
  private readonly waiters = new Set<() => void>();
  private closed: Promise<void>;

  private constructor(readonly ws: WebSocket, readonly ids: Ids) {
    ws.on('message', (data) => {
      const text = data.toString();
      this.texts.push(text);
      try {
        this.frames.push(JSON.parse(text) as Frame);
      } catch {
        // kept in texts only
      }
      for (const wake of this.waiters) wake();
    });
    this.closed = new Promise((resolve) => ws.once('close', (code) => {
      this.closeCode = code;
      for (const wake of this.waiters) wake();
      resolve();
    }));
  }

  static async connect(url: string, ids: Ids): Promise<StreamClient> {
    const ws = new WebSocket(url, { skipUTF8Validation: true }); // the invalid-JSON fault sends bytes that are not UTF-8
    const client = new StreamClient(ws, ids);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return client;
  }

  request(service: string, command: string, parameters: Record<string, unknown>): Record<string, unknown> {
    return {
      service, command, requestid: String(this.nextId++), SchwabClientCustomerId: this.ids.customerId,
      SchwabClientCorrelId: this.ids.correlId, parameters,
    };
  }

  send(...requests: Record<string, unknown>[]): string[] {
    this.ws.send(JSON.stringify({ requests }));
    return requests.map((r) => String(r['requestid']));
  }

  /** Sends one request and resolves with its response content ({code, msg}). */
  async command(service: string, command: string, parameters: Record<string, unknown>): Promise<{ code: number; msg: string }> {
    const [id] = this.send(this.request(service, command, parameters));
    const response = await this.waitFor(() => this.responses().find((r) => r['requestid'] === id));
    return response['content'] as { code: number; msg: string };
  }

  async login(token: string): Promise<{ code: number; msg: string }> {
    return this.command('ADMIN', 'LOGIN', {
      Authorization: token, SchwabClientChannel: this.ids.channel, SchwabClientFunctionId: this.ids.functionId,
    });
  }

  responses(): Record<string, unknown>[] {
    return this.frames.flatMap((f) => (Array.isArray(f['response']) ? (f['response'] as Record<string, unknown>[]) : []));
  }

  notifies(): Record<string, unknown>[] {
    return this.frames.flatMap((f) => (Array.isArray(f['notify']) ? (f['notify'] as Record<string, unknown>[]) : []));
  }

  blocks(service?: string): DataBlock[] {
    return this.frames
      .flatMap((f) => (Array.isArray(f['data']) ? (f['data'] as DataBlock[]) : []))
      .filter((b) => service === undefined || b.service === service);
  }

  items(service: string): Record<string, unknown>[] {
    return this.blocks(service).flatMap((b) => b.content);
  }

  /**
   * Resolves with the first truthy value of `probe`, re-evaluated on every frame, on close, and every 25 ms (a probe
   * may watch the server side, which changes without a frame reaching this client).
   */
  async waitFor<T>(probe: () => T | undefined | false, timeoutMs = 10_000): Promise<T> {
    const first = probe();
    if (first !== undefined && first !== false) return first;
    return new Promise<T>((resolve, reject) => {
      const finish = (): void => {
        clearTimeout(timer);
        clearInterval(poll);
        this.waiters.delete(wake);
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`timed out after ${timeoutMs} ms; last frames: ${this.texts.slice(-3).join(' | ').slice(0, 800)}`));
      }, timeoutMs);
      const wake = (): void => {
        const value = probe();
        if (value === undefined || value === false) return;
        finish();
        resolve(value);
      };
      const poll = setInterval(wake, 25);
      this.waiters.add(wake);
    });
  }

  async waitClosed(timeoutMs = 3000): Promise<number | undefined> {
    await Promise.race([this.closed, new Promise((_, reject) => setTimeout(() => reject(new Error('socket not closed')), timeoutMs).unref())]);
    return this.closeCode;
  }

  close(): void {
    this.ws.terminate();
  }
}

export async function loggedIn(sim: Simulator): Promise<{ client: StreamClient; tokens: TokenResponse }> {
  const tokens = sim.issueTokens();
  const client = await StreamClient.connect(sim.wsUrl, await streamerIds(sim, tokens));
  const content = await client.login(tokens.access_token);
  if (content.code !== 0) throw new Error(`login failed: ${JSON.stringify(content)}`);
  return { client, tokens };
}
