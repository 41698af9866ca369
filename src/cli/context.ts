import { loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { createLogger, type Logger } from '../log/logger.js';

/** Options every command accepts (declared on the root program). */
export interface GlobalOptions {
  config?: string;
  verbose?: boolean;
}

/**
 * What a command body needs from the CLI. Config and logger load on first use, after argument parsing (so that
 * `--config` is known) and only for commands that need them (so that `--help` works with a broken config).
 */
export interface CliContext {
  config(): Config;
  logger(): Logger;
  verbose(): boolean;
}

export function createContext(globalOptions: () => GlobalOptions): CliContext {
  let config: Config | undefined;
  let logger: Logger | undefined;
  const context: CliContext = {
    config: () => (config ??= loadConfig({ configFile: globalOptions().config })),
    logger: () => (logger ??= createLogger({ level: context.verbose() ? 'debug' : context.config().log.level })),
    verbose: () => globalOptions().verbose === true,
  };
  return context;
}
