import type { Command } from 'commander';
import type { Pool } from 'pg';
import type pg from 'pg';
import type { Config } from '../../config/schema.js';
import { createPool, redactUrl, resolveDatabase } from '../../db/connect.js';
import { embeddedUrl, runningPostmaster, startEmbedded, stopEmbedded } from '../../db/embedded.js';
import { ensurePartitionsAhead, type PartitionAction } from '../../db/partitions.js';
import { currentVersion, history, migrate, rollback, type MigrateResult } from '../../db/migrations.js';
import { RecorderError } from '../../errors.js';
import type { Logger } from '../../log/logger.js';
import type { CliContext } from '../context.js';
import { integerOption } from '../options.js';
import { printFields } from '../output.js';
import { withDatabase } from '../with-database.js';

/** Registers `db` and its lifecycle and migration subcommands; returns `db` so other files can add theirs. */
export function registerDbCommands(program: Command, ctx: CliContext): Command {
  const db = program.command('db').description('run the database: embedded PostgreSQL lifecycle and schema migrations');

  db.command('start')
    .description('start the embedded PostgreSQL server (or find it running) and leave it running')
    .action(() => start(ctx));
  db.command('stop')
    .description('stop the embedded PostgreSQL server')
    .action(() => stop(ctx));
  db.command('status')
    .description('show whether the embedded server runs (pid, port, data dir) and the schema version')
    .action(() => status(ctx));
  db.command('url')
    .description('print the full connection URL, password included (for psql and other tools)')
    .action(() => printUrl(ctx));
  db.command('up')
    .description('start or reuse the database, migrate it to the latest version, create partitions ahead and leave it running')
    .action(() => up(ctx));
  db.command('migrate')
    .description('migrate the schema to the latest version, or to --to')
    .option('--to <version>', 'target version (lower than the current one migrates down)', integerOption(0))
    .action((options: { to?: number }) => runMigration(ctx, (pool) => migrate(pool, { to: options.to })));
  db.command('rollback')
    .description('undo the last applied migration, or the last --steps')
    .option('--steps <n>', 'how many migrations to undo', integerOption(1), 1)
    .action((options: { steps: number }) => runMigration(ctx, (pool) => rollback(pool, { steps: options.steps })));
  db.command('current')
    .description('print the current schema version (0 when nothing is applied)')
    .action(() => withDatabase(ctx.config(), ctx.logger(), async (pool) => console.log(String(await currentVersion(pool)))));
  db.command('history')
    .description('list every migration, whether it is applied and when')
    .action(() => printHistory(ctx));
  return db;
}

async function start(ctx: CliContext): Promise<void> {
  const server = await startEmbedded(embeddedOptions(ctx.config()), ctx.logger());
  printFields([
    ['embedded postgres', server.ownedByUs ? 'started' : 'already running'],
    ['pid', server.pid],
    ['port', server.port],
    ['data dir', ctx.config().database.embedded.dataDir],
  ]);
}

async function stop(ctx: CliContext): Promise<void> {
  const { dataDir } = embeddedOptions(ctx.config());
  const stopped = await stopEmbedded(dataDir, ctx.logger());
  printFields([['embedded postgres', stopped ? 'stopped' : 'was not running'], ['data dir', dataDir]]);
}

async function status(ctx: CliContext): Promise<void> {
  const config = ctx.config();
  const { url } = config.database;
  if (url !== null) {
    printFields([
      ['database', 'external (database.url / DATABASE_URL)'],
      ['url', redactUrl(url)],
      ['schema version', await versionAt(url, config, ctx.logger())],
    ]);
    return;
  }
  const options = config.database.embedded;
  const running = await runningPostmaster(options.dataDir);
  const base: Array<[string, string | number]> = [['database', 'embedded'], ['running', running ? 'yes' : 'no']];
  if (running === undefined) {
    printFields([...base, ['data dir', options.dataDir]]);
    return;
  }
  const version = await versionAt(embeddedUrl(options, running.port), config, ctx.logger());
  printFields([...base, ['pid', running.pid], ['port', running.port], ['data dir', options.dataDir], ['schema version', version]]);
}

async function printUrl(ctx: CliContext): Promise<void> {
  const config = ctx.config();
  if (config.database.url !== null) {
    console.log(config.database.url);
    return;
  }
  // A server already running on the data dir may listen on another port than the one configured now.
  const running = await runningPostmaster(config.database.embedded.dataDir);
  console.log(embeddedUrl(config.database.embedded, running?.port));
}

/** Like `db migrate`, but the server is left running afterwards: this is the one-command setup. */
async function up(ctx: CliContext): Promise<void> {
  const config = ctx.config();
  const logger = ctx.logger();
  const database = await resolveDatabase(config, logger);
  const pool = createPool(database.url, config, logger);
  const { result, partitions } = await migrateAndPartition(pool, config).finally(() => pool.end());
  printMigration(result);
  console.log(`partitions: ${partitions.length} created ahead`);
  const fields: Array<[string, string]> = [['url', redactUrl(database.url)]];
  if (database.embedded) fields.push(['data dir', config.database.embedded.dataDir]);
  fields.push(['connect with', 'psql "$(npm run -s cli -- db url)"']);
  printFields(fields);
}

async function migrateAndPartition(pool: Pool, config: Config): Promise<{ result: MigrateResult; partitions: PartitionAction[] }> {
  const result = await migrate(pool);
  return { result, partitions: await ensurePartitionsAhead(pool, config.partitions.ahead) };
}

async function runMigration(ctx: CliContext, run: (pool: pg.Pool) => Promise<MigrateResult>): Promise<void> {
  printMigration(await withDatabase(ctx.config(), ctx.logger(), run));
}

function printMigration({ from, to, steps }: MigrateResult): void {
  for (const step of steps) console.log(`${step.action === 'do' ? 'applied' : 'undone '} ${step.version} ${step.name}`);
  printFields([['schema version', from === to ? `${to} (unchanged)` : `${from} -> ${to}`]]);
}

async function printHistory(ctx: CliContext): Promise<void> {
  const entries = await withDatabase(ctx.config(), ctx.logger(), (pool) => history(pool));
  if (entries.length === 0) {
    console.log('no migrations');
    return;
  }
  for (const entry of entries) {
    const state = entry.applied ? `applied ${entry.appliedAt?.toISOString() ?? '(time not recorded)'}` : 'pending';
    const missing = entry.fileMissing ? ' (file missing)' : '';
    console.log(`${String(entry.version).padStart(4)}  ${entry.name.padEnd(32)} ${state}${missing}`);
  }
}

async function versionAt(url: string, config: Config, logger: Logger): Promise<number> {
  const pool = createPool(url, config, logger);
  return currentVersion(pool).finally(() => pool.end());
}

/** start/stop act on the embedded server only; with database.url set there is none to manage. */
function embeddedOptions(config: Config): Config['database']['embedded'] {
  if (config.database.url !== null) {
    throw new RecorderError('USAGE', 'database.url (DATABASE_URL) is set, so the embedded server is not used; unset it to manage the embedded server');
  }
  return config.database.embedded;
}
