// Requests as an attacker or a confused proxy sends them, raw over TCP: every one gets an HTTP status line, the
// connection is closed where node cannot read on, and the server answers /healthz afterwards.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpServer, type HttpServer, type Readiness } from '../../src/http/server.js';

/** Writes `request` and collects what comes back until the server closes the connection. */
function raw(server: HttpServer, request: string | Buffer, { thenDestroy = false } = {}): Promise<string> {
  const { hostname, port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = net.connect(Number(port), hostname, () => {
      socket.write(request);
      if (thenDestroy) socket.destroy();
    });
    socket.setTimeout(5000, () => reject(new Error(`the server kept the connection open after: ${String(request).slice(0, 60)}`)));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
  });
}

const statusLine = (response: string) => response.split('\r\n')[0];

describe('HTTP server under hostile requests', () => {
  let server: HttpServer;
  let failReadiness = false;

  beforeAll(async () => {
    server = await startHttpServer({
      port: 0, host: '127.0.0.1',
      readiness: async () => {
        if (failReadiness) throw new Error('database probe failed');
        return { ready: true } as Readiness;
      },
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  const healthy = async () => {
    const health = await fetch(`${server.url}/healthz`);
    expect([health.status, await health.text()]).toEqual([200, 'ok\n']);
  };

  it('answers 400 to a request target that is not a URL, and still answers /healthz', async () => {
    expect(statusLine(await raw(server, 'GET http://[ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'))).toBe('HTTP/1.1 400 Bad Request');
    expect(statusLine(await raw(server, 'GET http://[ HTTP/1.1\r\n\r\n'))).toBe('HTTP/1.1 400 Bad Request');
    await healthy();
  });

  it('answers an absolute-form target by its path', async () => {
    const response = await raw(server, 'GET http://somewhere.example/healthz?x=1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect([statusLine(response), response.includes('\r\n\r\n3\r\nok\n\r\n')]).toEqual(['HTTP/1.1 200 OK', true]); // chunked
  });

  it('refuses what node cannot parse with 400 or 431 and closes the connection', async () => {
    expect(statusLine(await raw(server, 'GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ' + 'a'.repeat(20_000) + '\r\n\r\n')))
      .toBe('HTTP/1.1 431 Request Header Fields Too Large');
    expect(statusLine(await raw(server, '\u0000\u0001 nonsense\r\n\r\n'))).toBe('HTTP/1.1 400 Bad Request');
    expect(statusLine(await raw(server, 'GET /healthz HTTP/1.1\r\nBad Header: x\r\n\r\n'))).toBe('HTTP/1.1 400 Bad Request');
    expect(statusLine(await raw(server, 'GET /healthz HTTP/9.9\r\n\r\n'))).toBe('HTTP/1.1 400 Bad Request');
    expect(statusLine(await raw(server, 'GET /healthz HTTP/1.1\r\nContent-Length: -1\r\n\r\n'))).toBe('HTTP/1.1 400 Bad Request');
    await healthy();
  });

  it('survives a request cut off mid-body and a readiness probe that throws', async () => {
    await raw(server, 'POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\npartial', { thenDestroy: true });
    failReadiness = true;
    const ready = await fetch(`${server.url}/readyz`);
    expect([ready.status, await ready.text()]).toEqual([500, 'database probe failed\n']);
    failReadiness = false;
    await healthy();
  });

  it('counts what it refused, under path other', async () => {
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/recorder_http_requests_total\{path="other",code="400"\} [1-9]/);
    expect(metrics).toContain('recorder_http_requests_total{path="other",code="431"} 1');
  });
});
