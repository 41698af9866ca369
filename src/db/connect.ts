import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import pg from 'pg';
import type { Config } from '../config/schema.js';
import { ConfigError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { startEmbedded } from './embedded.js';

export interface ResolvedDatabase {
  /** Full connection URL, password included: log redactUrl(url), never url. */
  url: string;
  /** True when the URL points at the embedded server (DATABASE_URL unset). */
  embedded: boolean;
  /** Stops the embedded server if this call started it; leaves a reused or external server alone. Idempotent. */
  release(): Promise<void>;
}

/** database.url (DATABASE_URL) when set, otherwise the embedded server, started or reused. */
export async function resolveDatabase(config: Config, logger: Logger): Promise<ResolvedDatabase> {
  const { url } = config.database;
  if (url !== null) {
    logger.debug({ url: redactUrl(url) }, 'using external database');
    return { url, embedded: false, release: async () => undefined };
  }
  const server = await startEmbedded(config.database.embedded, logger);
  return { url: server.url, embedded: true, release: () => (server.ownedByUs ? server.stop() : Promise.resolve()) };
}

export function createPool(url: string, config: Config, logger: Logger): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: config.database.pool.max,
    idleTimeoutMillis: config.database.pool.idleTimeoutMs,
    ssl: sslOptions(config.database.ssl),
  });
  // An idle client losing its connection (server restart, network) emits here; unhandled it would kill the process.
  pool.on('error', (error) => logger.warn({ err: error, url: redactUrl(url) }, 'idle database connection failed'));
  // A checked-out client has no pool listener: a server shutdown arriving between two statements of a flush would be
  // an unhandled 'error' event. The statement in progress (or the next one) fails and the caller retries.
  pool.on('connect', (client) => client.on('error', (error) => logger.warn({ err: error }, 'database connection lost')));
  return pool;
}

/** Mirrors libpq's sslmode. Without a caFile, verify-* trusts Node's bundled CA list. */
export function sslOptions(ssl: Config['database']['ssl']): false | ConnectionOptions {
  switch (ssl.mode) {
    case 'disable':
      return false;
    case 'require':
      return { rejectUnauthorized: false };
    case 'verify-ca':
      // verify-ca checks the chain but, unlike verify-full, not the host name.
      return { rejectUnauthorized: true, ca: readCa(ssl.caFile), checkServerIdentity: () => undefined };
    case 'verify-full':
      return { rejectUnauthorized: true, ca: readCa(ssl.caFile) };
  }
}

function readCa(caFile: string | null): string | undefined {
  if (caFile === null) return undefined;
  try {
    return readFileSync(caFile, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ConfigError([{ path: 'database.ssl.caFile', message: `cannot read ${caFile} (${reason})` }]);
  }
}

/** The URL with its password replaced, for logs and errors. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<unparseable database url>';
  }
}
