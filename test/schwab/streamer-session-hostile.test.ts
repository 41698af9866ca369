// The session against a peer that sends what Schwab should not: made-up services, commands and codes by the
// thousand, frames nested beyond any stack, frames over the size bound, and a capture that throws. The session
// stays up, its state and the metrics stay bounded, and later frames are still recorded.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startHttpServer, type HttpServer, type Readiness } from '../../src/http/server.js';
import { StreamerSession, type StreamerSessionOptions } from '../../src/schwab/streamer/session.js';
import { bufferLogger, memorySink, type MemorySink } from '../support/capture.js';
import { peerSessionOptions, startStreamerPeer, type StreamerPeer } from '../support/streamer-peer.js';
import { until } from '../support/until.js';

const frame = (service: string, key: string) => ({ service, timestamp: 1, command: 'SUBS', content: [{ key, 1: 10.5 }] });
const quote = (key: string) => JSON.stringify({ data: [frame('LEVELONE_EQUITIES', key)] });

describe('streamer session against a hostile peer', () => {
  let peer: StreamerPeer;
  let session: StreamerSession | undefined;
  let http: HttpServer;
  let log: ReturnType<typeof bufferLogger>;

  beforeAll(async () => {
    http = await startHttpServer({ port: 0, host: '127.0.0.1', readiness: async () => ({ ready: true }) as Readiness });
  });
  afterAll(async () => {
    await http?.close();
  });
  afterEach(async () => {
    await session?.stop();
    session = undefined;
    await peer?.close();
  });

  async function streaming(captured: MemorySink, overrides: Partial<StreamerSessionOptions> = {}): Promise<StreamerSession> {
    peer = await startStreamerPeer();
    log = bufferLogger('warn');
    session = new StreamerSession({ ...peerSessionOptions(peer), capture: captured, logger: log.logger, ...overrides });
    void session.start().catch(() => undefined);
    await until(() => session?.state === 'streaming', 10_000, 'streaming');
    return session;
  }

  const metrics = async (): Promise<string> => (await fetch(`${http.url}/metrics`)).text();
  const captures = (captured: MemorySink, text: string) => () => captured.frames.some((f) => f.text.includes(text));

  it('counts 20,000 made-up services, commands and codes as `other`: /metrics stays the same size', async () => {
    const captured = memorySink();
    await streaming(captured);
    peer.send(quote('BEFORE'));
    await until(captures(captured, 'BEFORE'), 5000, 'a known-service frame');
    const before = (await metrics()).split('\n').length;
    for (let batch = 0; batch < 20; batch += 1) {
      const ids = Array.from({ length: 1000 }, (_, i) => batch * 1000 + i);
      peer.send(JSON.stringify({ data: ids.map((id) => frame(`MADE_UP_${id}`, 'X')) }));
      peer.send(JSON.stringify({
        response: ids.map((id) => ({ service: `MADE_UP_${id}`, command: `CMD_${id}`, requestid: `r${id}`, content: { code: 1000 + id, msg: 'no' } })),
      }));
    }
    peer.send(quote('AFTER'));
    await until(captures(captured, 'AFTER'), 10_000, 'the frame after the flood');
    const text = await metrics();
    expect(text.split('\n').length - before).toBeLessThan(50); // the first `other` series and their help lines, not 40,000
    expect(text).toContain('schwab_stream_frames_received_total{kind="other"} 20000');
    expect(text).toContain('schwab_stream_responses_total{service="other",command="other",code="other"} 20000');
    expect(text).toMatch(/schwab_stream_last_data_timestamp_seconds\{service="other"\} \d/);
    expect(text).not.toContain('MADE_UP_');
    expect(session?.state).toBe('streaming');
  });

  it('reads a response nested 200,000 levels deep as empty and goes on', async () => {
    const captured = memorySink();
    await streaming(captured);
    const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
    peer.send(`{"response":[{"service":${deep},"command":${deep},"requestid":${deep},"content":{"code":${deep},"msg":${deep}}}]}`);
    peer.send(quote('AFTER'));
    await until(captures(captured, 'AFTER'), 5000, 'the frame after the deep one');
    expect(await metrics()).toContain('schwab_stream_responses_total{service="other",command="other",code="other"} 20001');
    expect(log.text()).toBe('');
    expect(session?.state).toBe('streaming');
  });

  it('keeps handling frames when capture throws: counted each time, logged once, the next frame recorded', async () => {
    const captured = memorySink();
    const keep = captured.wsFrame;
    captured.wsFrame = (text, parsed, receivedAt) => {
      if (text.includes('POISON')) throw new RangeError('Maximum call stack size exceeded');
      keep(text, parsed, receivedAt);
    };
    await streaming(captured);
    for (let i = 0; i < 100; i += 1) peer.send(quote(`POISON${i}`));
    peer.send(quote('AFTER'));
    await until(captures(captured, 'AFTER'), 5000, 'the frame after the poison');
    expect(await metrics()).toContain('schwab_stream_frame_errors_total{stage="capture"} 100');
    expect(await metrics()).toMatch(/schwab_stream_frames_received_total\{kind="LEVELONE_EQUITIES"\} 10[0-9]/);
    const lines = log.text().trim().split('\n').map((line) => JSON.parse(line) as { msg: string; stage: string; err: { message: string } });
    expect(lines.map((line) => [line.msg, line.stage, line.err.message])).toEqual([
      ['a streamer frame could not be handled; the session goes on', 'capture', 'Maximum call stack size exceeded'],
    ]);
    expect(session?.state).toBe('streaming');
  });

  it('ends a connection on a frame that inflates past maxFrameBytes, reconnects, and records the frames after it', async () => {
    const captured = memorySink();
    await streaming(captured, { maxFrameBytes: 64 * 1024 });
    // One megabyte of one letter deflates to about a kilobyte on the wire.
    peer.send(JSON.stringify({ data: [{ ...frame('LEVELONE_EQUITIES', 'HUGE'), content: [{ key: 'HUGE', 15: 'a'.repeat(1 << 20) }] }] }));
    await until(() => peer.logins === 2 && session?.state === 'streaming', 10_000, 'the reconnect');
    peer.send(quote('AFTER'));
    await until(captures(captured, 'AFTER'), 5000, 'a frame on the new connection');
    const disconnected = captured.events.filter((e) => e.event === 'disconnected').map((e) => e.detail.reason);
    expect(disconnected).toEqual(['frame_too_large: a frame over 65536 bytes (stream.maxFrameBytes)']);
    expect(captured.events.filter((e) => e.event === 'gap')).toHaveLength(1);
    expect(captured.frames.some((f) => f.text.includes('HUGE'))).toBe(false);
    expect(await metrics()).toContain('schwab_stream_reconnects_total{reason="frame_too_large"} 1');
  });
});
