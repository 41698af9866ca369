import { z } from 'zod';

/**
 * The recorder's configuration. Objects are strict so a misspelt key is an error rather than a silently ignored
 * setting. Messages must never echo the input value: several fields are secrets.
 */

const port = z.number().int().min(1).max(65535);
const nullableText = z.string().min(1).nullable();

const embedded = z.strictObject({
  dataDir: z.string().min(1),
  port,
  user: z.string().min(1),
  password: z.string().min(1),
  database: z.string().min(1),
});

const ssl = z.strictObject({
  mode: z.enum(['disable', 'require', 'verify-ca', 'verify-full']),
  caFile: nullableText,
});

const role = z.strictObject({ name: z.string().regex(/^[a-z_][a-z0-9_]*$/), password: nullableText });

const database = z.strictObject({
  url: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .nullable(),
  embedded,
  ssl,
  pool: z.strictObject({ max: z.number().int().min(1), idleTimeoutMs: z.number().int().min(0) }),
  roles: z.strictObject({ writer: role, reader: role }),
});

const partitions = z.strictObject({
  /** Partitions created ahead of today, in units of each table's period. */
  ahead: z.strictObject({
    daily: z.number().int().min(1),
    weekly: z.number().int().min(1),
    monthly: z.number().int().min(1),
  }),
  /** Table name -> days; a partition is dropped once its whole range ended more than that many days ago. */
  retentionDays: z.record(z.string().regex(/^[a-z_][a-z0-9_]*$/), z.number().int().positive().nullable()),
});

const schwab = z.strictObject({
  appKey: nullableText,
  appSecret: nullableText,
  callbackUrl: z.url(),
  tokenFile: z.string().min(1),
});

const log = z.strictObject({
  level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
});

export const configSchema = z.strictObject({ database, partitions, schwab, log });

export type Config = z.infer<typeof configSchema>;
export type SslMode = Config['database']['ssl']['mode'];
export type LogLevel = Config['log']['level'];
