import { constants } from 'node:os';
import type pg from 'pg';
import type { Config } from '../config/schema.js';
import { createPool, resolveDatabase, type ResolvedDatabase } from '../db/connect.js';
import type { Logger } from '../log/logger.js';

/**
 * Runs `body` with a pool on the configured database, then closes the pool and stops the embedded server if this
 * call started it (a server someone started with `db start` keeps running). SIGINT/SIGTERM take the same exit path.
 */
export async function withDatabase<T>(
  config: Config,
  logger: Logger,
  body: (pool: pg.Pool, database: ResolvedDatabase) => Promise<T>,
): Promise<T> {
  const database = await resolveDatabase(config, logger);
  const removeSignalHandlers = onTerminationSignal(logger, () => database.release());
  const pool = createPool(database.url, config, logger);
  try {
    return await body(pool, database);
  } finally {
    await pool.end();
    removeSignalHandlers();
    await database.release();
  }
}

/** On the first SIGINT/SIGTERM: clean up, then exit 128+signal. Repeated signals during cleanup are ignored. */
export function onTerminationSignal(logger: Logger, cleanup: () => Promise<void>): () => void {
  let exiting = false;
  const handler = (signal: NodeJS.Signals): void => {
    if (exiting) return;
    exiting = true;
    logger.info({ signal }, 'shutting down');
    cleanup()
      .catch((error: unknown) => logger.error({ err: error }, 'cleanup after signal failed'))
      .finally(() => process.exit(128 + constants.signals[signal]));
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];
  for (const signal of signals) process.on(signal, handler);
  return () => {
    for (const signal of signals) process.off(signal, handler);
  };
}
