/**
 * Every error we raise on purpose carries a stable `code`, so callers and tests match on the code and the CLI can
 * tell a user mistake (exit 2) from a runtime failure (exit 1) without parsing messages.
 */
export type ErrorCode =
  | 'CONFIG_INVALID'
  | 'USAGE'
  | 'EMBEDDED_PG_FAILED'
  | 'MIGRATIONS_INVALID'
  | 'MIGRATION_FAILED'
  | 'AUTH_REFRESH_EXPIRED'
  | 'AUTH_NO_TOKENS'
  | 'AUTH_TOKEN_REQUEST_FAILED'
  | 'TOKEN_FILE_INVALID'
  | 'SCHWAB_HTTP_ERROR'
  | 'SCHWAB_RETRIES_EXHAUSTED'
  | 'SCHWAB_BODY_INVALID'
  | 'STREAM_MAX_CONNECTIONS'
  | 'RECORDING_LOCKED'
  | 'RECORDING_WRITE_FAILED';

export class RecorderError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RecorderError';
    this.code = code;
  }
}

export function isRecorderError(error: unknown, code?: ErrorCode): error is RecorderError {
  return error instanceof RecorderError && (code === undefined || error.code === code);
}

/** One thing wrong with the configuration. Never carries the offending value: it may be a secret. */
export interface ConfigProblem {
  /** Dotted config path (`database.embedded.port`), or '' when the problem is a whole file. */
  path: string;
  message: string;
  /** Where the value came from: `env SCHWAB_RECORDER_PG_PORT`, `file /etc/recorder.json`. */
  source?: string;
}

export function formatConfigProblem(problem: ConfigProblem): string {
  const where = problem.path === '' ? '' : `${problem.path}: `;
  const from = problem.source === undefined ? '' : ` (from ${problem.source})`;
  return `${where}${problem.message}${from}`;
}

export class ConfigError extends RecorderError {
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    super('CONFIG_INVALID', `invalid configuration:\n${problems.map(formatConfigProblem).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** Text of a thrown value without coercing objects (String() of a deep array recurses; an object may hold anything). */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string' || typeof error === 'number' || typeof error === 'boolean') return String(error);
  return Object.prototype.toString.call(error);
}

/** An error as one bounded line: its SQLSTATE or code, and its message, never its stack. */
export function errorText(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return `${typeof code === 'string' ? `${code}: ` : ''}${errorMessage(error)}`.slice(0, 500);
}
