// Validation of REST bodies, shared by live polling and replay of recorded bodies.
import type { z } from 'zod';
import { RecorderError } from '../../errors.js';

const MAX_LISTED = 8;

/** A body that does not match its schema. Names the endpoint and the paths; never a value (bodies hold accounts). */
export class SchwabBodyInvalidError extends RecorderError {
  readonly endpoint: string;
  readonly paths: readonly string[];

  constructor(endpoint: string, problems: ReadonlyArray<{ path: string; message: string }>) {
    const listed = problems.slice(0, MAX_LISTED).map((p) => `${p.path}: ${p.message}`).join('; ');
    const more = problems.length > MAX_LISTED ? `; and ${problems.length - MAX_LISTED} more` : '';
    super('SCHWAB_BODY_INVALID', `Schwab ${endpoint} response does not match its schema: ${listed}${more}`);
    this.name = 'SchwabBodyInvalidError';
    this.endpoint = endpoint;
    this.paths = problems.map((p) => p.path);
  }
}

export function parseBody<S extends z.ZodType>(endpoint: string, schema: S, body: unknown): z.infer<S> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  // zod's default messages name expected and received types, never the input value.
  throw new SchwabBodyInvalidError(endpoint, result.error.issues.map((issue) => ({
    path: formatPath(issue.path),
    message: issue.message,
  })));
}

/** `[0].orderLegCollection[1].instrument`, `callExpDateMap["2024-10-18:0"]["5.0"][0].bid`; `(root)` for the body. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  if (path.length === 0) return '(root)';
  return path.map((key, index) => {
    if (typeof key === 'number') return `[${key}]`;
    const name = String(key);
    if (/^[A-Za-z_$][\w$]*$/.test(name)) return index === 0 ? name : `.${name}`;
    return `[${JSON.stringify(name)}]`;
  }).join('');
}
