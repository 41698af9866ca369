// What the session should be subscribed to, and the requests that get it there (shared/schwab-protocol.md §3.1, §7):
// SUBS replaces a service's key set and ADD appends, so a fresh connection sends SUBS for the first chunk of keys and
// ADD for the rest; ACCT_ACTIVITY takes SUBS only and one key.
import { allFields, type RecordedService } from '../fields.js';

export interface SubscriptionPlan {
  service: RecordedService;
  command: 'SUBS' | 'ADD' | 'UNSUBS';
  keys: string[];
  fields: number[];
}

export interface KeyLimits {
  maxKeysPerRequest: number;
  maxKeysPerService: number;
}

/** Keys beyond the per-service limit, refused locally before Schwab refuses them with code 19. */
export function overLimit(keys: readonly string[], limits: KeyLimits): { kept: string[]; refused: string[] } {
  return { kept: keys.slice(0, limits.maxKeysPerService), refused: keys.slice(limits.maxKeysPerService) };
}

/** Requests that establish `keys` on a connection that has nothing subscribed for the service. */
export function initialPlan(service: RecordedService, keys: readonly string[], limits: KeyLimits): SubscriptionPlan[] {
  if (keys.length === 0) return [];
  const fields = allFields(service);
  if (service === 'ACCT_ACTIVITY') return [{ service, command: 'SUBS', keys: keys.slice(0, 1), fields }];
  return chunk(keys, limits.maxKeysPerRequest).map((part, i) => ({ service, command: i === 0 ? 'SUBS' : 'ADD', keys: part, fields }));
}

/** Requests that move a live subscription from `current` to `wanted`: UNSUBS what went, ADD what came. */
export function changePlan(
  service: RecordedService, current: ReadonlySet<string>, wanted: readonly string[], limits: KeyLimits,
): SubscriptionPlan[] {
  if (current.size === 0) return initialPlan(service, wanted, limits);
  const fields = allFields(service);
  const removed = [...current].filter((k) => !wanted.includes(k));
  const added = service === 'ACCT_ACTIVITY' ? [] : wanted.filter((k) => !current.has(k));
  return [
    ...chunk(removed, limits.maxKeysPerRequest).map((keys) => ({ service, command: 'UNSUBS' as const, keys, fields })),
    ...chunk(added, limits.maxKeysPerRequest).map((keys) => ({ service, command: 'ADD' as const, keys, fields })),
  ];
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
