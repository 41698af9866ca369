#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Command, CommanderError } from 'commander';
import { ConfigError, formatConfigProblem, isRecorderError } from '../errors.js';
import { repoRoot } from '../paths.js';
import { registerAuthCommands } from './commands/auth.js';
import { registerBackfillCommand } from './commands/backfill.js';
import { registerDbMaintenanceCommands } from './commands/db-maintenance.js';
import { registerDbCommands } from './commands/db.js';
import { registerRecordCommand } from './commands/record.js';
import { registerReplayCommand } from './commands/replay.js';
import { registerSimCommand } from './commands/sim.js';
import { createContext, type CliContext, type GlobalOptions } from './context.js';

/** Exit statuses: 0 success, 1 runtime failure, 2 usage or configuration error. */
const EXIT_RUNTIME = 1;
const EXIT_USAGE = 2;

function buildProgram(): { program: Command; ctx: CliContext } {
  const program = new Command('schwab-recorder');
  const ctx = createContext(() => program.opts<GlobalOptions>());
  // Set before any subcommand exists: commander copies these settings into subcommands when they are created.
  program
    .exitOverride()
    .description('Records the Charles Schwab Trader API into partitioned PostgreSQL')
    .version(packageVersion())
    .option('-c, --config <file>', 'JSON config file merged over config/default.json (env: SCHWAB_RECORDER_CONFIG)')
    .option('-v, --verbose', 'debug logging, and stack traces on errors')
    .showHelpAfterError('(add --help for usage)');
  const db = registerDbCommands(program, ctx);
  registerDbMaintenanceCommands(db, ctx);
  registerAuthCommands(program, ctx);
  registerRecordCommand(program, ctx);
  registerReplayCommand(program, ctx);
  registerBackfillCommand(program, ctx);
  registerSimCommand(program, ctx);
  return { program, ctx };
}

function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string };
  return manifest.version;
}

async function main(argv: string[]): Promise<number> {
  const { program, ctx } = buildProgram();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (error) {
    return report(error, ctx);
  }
}

/** One clear line per problem on stderr; the stack only when asked for. Returns the exit status. */
function report(error: unknown, ctx: CliContext): number {
  // commander has already printed its message (or the help / version it was asked for).
  if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : EXIT_USAGE;
  if (error instanceof ConfigError) {
    for (const problem of error.problems) process.stderr.write(`config error: ${formatConfigProblem(problem)}\n`);
    return EXIT_USAGE;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`error: ${message}\n`);
  if (error instanceof Error && wantsStack(ctx)) process.stderr.write(`${error.stack ?? ''}\n`);
  return isRecorderError(error, 'USAGE') ? EXIT_USAGE : EXIT_RUNTIME;
}

function wantsStack(ctx: CliContext): boolean {
  if (ctx.verbose()) return true;
  try {
    return ['debug', 'trace'].includes(ctx.config().log.level);
  } catch {
    return false;
  }
}

process.exitCode = await main(process.argv);
