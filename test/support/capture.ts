// A CaptureSink that keeps what it is handed, and a logger that writes into a string, for assertions.
import { Writable } from 'node:stream';
import type { CaptureSink } from '../../src/capture/sink.js';
import { createLogger, type Logger } from '../../src/log/logger.js';

export interface MemorySink extends CaptureSink {
  rests: Array<{ method: string; path: string; status: number; body: unknown; receivedAt: number }>;
  frames: Array<{ text: string; parsed: unknown; receivedAt: number }>;
  events: Array<{ event: string; detail: Record<string, unknown>; at: number }>;
}

export function memorySink(): MemorySink {
  const sink: MemorySink = {
    rests: [],
    frames: [],
    events: [],
    rest: (response, receivedAt) => sink.rests.push({ ...response, receivedAt }),
    wsFrame: (text, parsed, receivedAt) => sink.frames.push({ text, parsed, receivedAt }),
    event: (event, detail, at) => sink.events.push({ event, detail, at }),
  };
  return sink;
}

export function bufferLogger(level: 'debug' | 'info' | 'warn' = 'debug'): { logger: Logger; text: () => string } {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      chunks.push(chunk.toString());
      callback();
    },
  });
  return { logger: createLogger({ level, destination }), text: () => chunks.join('') };
}
