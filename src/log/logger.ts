import pino, { type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';
import type { LogLevel } from '../config/schema.js';

export type { Logger } from 'pino';

/** Keys whose values never reach a log line, at any of the depths we log objects. */
const SECRET_KEYS = [
  'appSecret',
  'password',
  'access_token',
  'refresh_token',
  'id_token',
  'accountNumber',
  'Authorization',
  'authorization',
];

export const REDACT_PATHS = SECRET_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]);

export interface LoggerOptions {
  level: LogLevel;
  /** Defaults to stderr, so stdout carries only command output. */
  destination?: DestinationStream;
}

export function createLogger({ level, destination = stderrDestination() }: LoggerOptions): Logger {
  return pino({ level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, destination);
}

/**
 * Pretty for a person at a terminal, JSON for machines. We test stderr, not stdout, because that is where the lines
 * go: `cmd | jq` at a terminal still wants pretty logs, `cmd 2>log` does not. Both writers are synchronous so that
 * the last lines before process.exit are not lost.
 */
function stderrDestination(): DestinationStream {
  if (process.stderr.isTTY) return pretty({ destination: 2, sync: true, colorize: true });
  return pino.destination({ fd: 2, sync: true });
}
