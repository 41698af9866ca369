import { once } from 'node:events';
import type { Command } from 'commander';
import { startSimulator } from '../../sim/index.js';
import type { CliContext } from '../context.js';
import { integerOption } from '../options.js';
import { printFields } from '../output.js';

interface SimCommandOptions {
  port?: number;
  seed?: number;
  updatesPerSecond?: number;
  orders?: number;
  chartBarMs?: number;
}

/** Registers `sim`: the Schwab simulator on loopback, until SIGINT/SIGTERM. */
export function registerSimCommand(program: Command, ctx: CliContext): Command {
  return program.command('sim')
    .description('run the Schwab simulator (OAuth, REST and streamer on 127.0.0.1) until interrupted')
    .option('--port <n>', 'port to listen on (default: simulator.port; 0 = a free port)', integerOption(0))
    .option('--seed <n>', 'seed of prices, accounts and credentials (default: simulator.seed)', integerOption(0))
    .option('--updates-per-second <n>', 'level-one updates per second, 0 = as fast as the socket drains (default: simulator.updatesPerSecond)', integerOption(0))
    .option('--orders <ms>', 'place and fill an order every <ms> (announced on ACCT_ACTIVITY)', integerOption(1))
    .option('--chart-bar-ms <ms>', 'wall milliseconds between CHART_EQUITY bars (each bar is the next minute)', integerOption(1), 60_000)
    .action((options: SimCommandOptions) => runSimulator(ctx, options));
}

async function runSimulator(ctx: CliContext, options: SimCommandOptions): Promise<void> {
  const config = ctx.config();
  const sim = await startSimulator({
    port: options.port ?? config.simulator.port,
    seed: options.seed ?? config.simulator.seed,
    updatesPerSecond: options.updatesPerSecond ?? config.simulator.updatesPerSecond,
    heartbeatIntervalMs: config.simulator.heartbeatIntervalMs,
    chartBarIntervalMs: options.chartBarMs,
    orderIntervalMs: options.orders ?? null,
    callbackUrl: config.schwab.callbackUrl,
  });
  const { appKey, appSecret, callbackUrl } = sim.credentials;
  printFields([
    ['base url', sim.baseUrl],
    ['ws url', sim.wsUrl],
    ['app key', appKey],
    ['app secret', appSecret],
    ['callback url', callbackUrl],
    ['authorize', `${sim.baseUrl}/v1/oauth/authorize?client_id=${encodeURIComponent(appKey)}&redirect_uri=${encodeURIComponent(callbackUrl)}`],
  ]);
  process.stdout.write(`\nPoint the recorder at it: config schwab.apiBaseUrl = ${sim.baseUrl}, env SCHWAB_APP_KEY and `
    + 'SCHWAB_APP_SECRET as above. Simulated data only. Ctrl-C stops it.\n');
  const signal = await Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')]);
  ctx.logger().info({ signal: String(signal[0] ?? '') }, 'simulator stopping');
  await sim.close();
}
