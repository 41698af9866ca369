// Building blocks of the REST schemas. Schwab adds enum values and fields without notice, and its spec disagrees
// with its traffic (shared/schwab-protocol.md §8.12), so schemas follow real captures: objects keep unknown fields,
// enums are open strings, and only what every capture carries and the recorder needs is required.
import { z } from 'zod';

/** An enum on the wire (status, orderType, assetType, ...): any string, so a new Schwab value never fails a batch. */
export const openEnum = z.string();

/** Analytics (greeks, volatility, theoretical values) arrive as numbers, and as "NaN" strings when undefined. */
export const analytic = z.union([z.number(), z.string()]);

/** Implied volatility and the greeks, as chains and option quotes both carry them. */
export const greeks = {
  volatility: analytic.optional(),
  delta: analytic.optional(),
  gamma: analytic.optional(),
  theta: analytic.optional(),
  vega: analytic.optional(),
  rho: analytic.optional(),
};

/**
 * A plain account number: a string in most bodies, a number in orders — and in recordings always the masked string
 * "...123" (capture/redact-rest.ts), which is what parsing sees live too.
 */
export const accountNumber = z.union([z.string(), z.number()]);

export const optionalNumber = z.number().optional();
export const optionalString = z.string().optional();
export const optionalBoolean = z.boolean().optional();

/** `{start, end}` with ISO times carrying an offset (`2024-10-18T09:30:00-04:00`). */
export const interval = z.looseObject({ start: z.string(), end: z.string() });
