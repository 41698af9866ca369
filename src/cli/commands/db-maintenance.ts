import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import {
  applyRetention, ensurePartitionsAhead, listPartitions, type PartitionAction,
} from '../../db/partitions.js';
import { HEALTH_QUERIES, QUERIES, runQuery } from '../../db/queries.js';
import { ensureRoles } from '../../db/roles.js';
import type { CliContext } from '../context.js';
import { printFields, printRows } from '../output.js';
import { withDatabase } from '../with-database.js';

/** Maintenance subcommands of `db` (partitions, roles, health, query). */
export function registerDbMaintenanceCommands(db: Command, ctx: CliContext): void {
  const partitions = db.command('partitions')
    .description('list the partitions of every partitioned table (subcommands: ensure, retention)')
    .action(() => listAll(ctx));
  partitions.command('ensure')
    .description('create the current and the configured number of future partitions (partitions.ahead)')
    .action(() => ensureAhead(ctx));
  partitions.command('retention')
    .description('detach and drop partitions older than partitions.retentionDays allows')
    .option('--dry-run', 'list what would be dropped, drop nothing')
    .action((options: { dryRun?: boolean }) => retention(ctx, options.dryRun === true));

  db.command('roles')
    .description('create or update the writer role (owns the tables) and the read-only role for Grafana')
    .action(() => roles(ctx));

  db.command('health')
    .description("run the seed's health checks: table sizes and index usage")
    .action(() => withDatabase(ctx.config(), ctx.logger(), async (pool) => {
      for (const name of HEALTH_QUERIES) {
        console.log(`# ${name}`);
        printRows((await runQuery(pool, name)).rows);
      }
    }));

  db.command('query')
    .description(`run one of the seed's query patterns: ${QUERIES.map((q) => q.name).join(', ')}`)
    .argument('<name>', 'query name')
    .option('-p, --param <name=value>', 'a query parameter (repeatable), e.g. --param symbol=SPY', collectParam, {})
    .action((name: string, options: { param: Record<string, string> }) =>
      withDatabase(ctx.config(), ctx.logger(), async (pool) => printRows((await runQuery(pool, name, options.param)).rows)));
}

async function listAll(ctx: CliContext): Promise<void> {
  const rows = await withDatabase(ctx.config(), ctx.logger(), (pool) => listPartitions(pool));
  printRows(rows.map((p) => ({
    table: p.parent,
    partition: p.name,
    from: p.isDefault ? 'DEFAULT' : p.from?.toISOString() ?? '',
    to: p.to?.toISOString() ?? '',
    rows: p.estimatedRows,
    size_kb: Math.round(p.bytes / 1024),
  })));
}

async function ensureAhead(ctx: CliContext): Promise<void> {
  const { ahead } = ctx.config().partitions;
  printActions(await withDatabase(ctx.config(), ctx.logger(), (pool) => ensurePartitionsAhead(pool, ahead)), 'none missing');
}

async function retention(ctx: CliContext, dryRun: boolean): Promise<void> {
  const { retentionDays } = ctx.config().partitions;
  const actions = await withDatabase(ctx.config(), ctx.logger(), (pool) => applyRetention(pool, retentionDays, new Date(), dryRun));
  printActions(actions.map((a) => (dryRun ? { ...a, action: 'would drop' } : a)), 'nothing older than the retention limits');
}

async function roles(ctx: CliContext): Promise<void> {
  const config = ctx.config().database.roles;
  const report = await withDatabase(ctx.config(), ctx.logger(), (pool) => ensureRoles(pool, config));
  printFields([
    ['writer', `${report.writer} (owns ${report.tablesOwnedByWriter} tables)${config.writer.password ? '' : ' — no password set'}`],
    ['reader', `${report.reader} (SELECT on every table, now and later)${config.reader.password ? '' : ' — no password set'}`],
  ]);
}

function printActions(actions: ReadonlyArray<PartitionAction | { action: string; partition: string; detail?: string }>, none: string): void {
  if (actions.length === 0) console.log(none);
  for (const a of actions) console.log(`${a.action} ${a.partition}${a.detail ? ` (${a.detail})` : ''}`);
}

function collectParam(value: string, previous: Record<string, string>): Record<string, string> {
  const at = value.indexOf('=');
  if (at < 1) throw new InvalidArgumentError('expected name=value');
  return { ...previous, [value.slice(0, at)]: value.slice(at + 1) };
}
