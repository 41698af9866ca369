// The last line of defence of a long-running command. Node's default for an uncaught exception or an unhandled
// rejection is to print a stack and exit at once — mid-write, without the final flush. Guarded, the first one is
// logged with its reason and handed to the command, which stops cleanly and exits non-zero.
import type { Logger } from '../log/logger.js';
import { errorMessage } from '../errors.js';

export type FailureKind = 'uncaught exception' | 'unhandled rejection';

export interface UncaughtFailure {
  kind: FailureKind;
  /** The error's message (or the rejection reason as text). */
  reason: string;
}

export interface ProcessGuard {
  /** Resolves with the first uncaught failure; never rejects. */
  failure: Promise<UncaughtFailure>;
  /** The first failure, once there has been one. */
  failed(): UncaughtFailure | null;
}

/** Later failures (while stopping) are logged too, up to this many: a timer that throws every tick must not flood the log. */
const MAX_LOGGED = 10;

export function guardProcess(logger: Logger): ProcessGuard {
  let first: UncaughtFailure | null = null;
  let logged = 0;
  let resolve: (failure: UncaughtFailure) => void = () => undefined;
  const failure = new Promise<UncaughtFailure>((settle) => { resolve = settle; });
  const handle = (kind: FailureKind) => (error: unknown): void => {
    const reason = errorMessage(error);
    if (logged < MAX_LOGGED) {
      const err = error instanceof Error ? error : undefined;
      if (first === null) logger.error({ kind, reason, err }, `${kind}: stopping cleanly`);
      else logger.warn({ kind, reason, err }, `another ${kind} while stopping${logged + 1 === MAX_LOGGED ? ' (further ones are not logged)' : ''}`);
      logged += 1;
    }
    if (first !== null) return;
    first = { kind, reason };
    resolve(first);
  };
  // For the rest of the process: a failure during the stop, or after it, must not crash the stop either.
  process.on('uncaughtException', handle('uncaught exception'));
  process.on('unhandledRejection', handle('unhandled rejection'));
  return { failure, failed: () => first };
}
