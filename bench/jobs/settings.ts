// The recorder settings every recorder job uses: the defaults of config/default.json (nothing tuned for the bench).
import { loadConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';

export function defaultConfig(): Config {
  return loadConfig({ env: {} });
}

export function pipelineSettings(config: Config = defaultConfig()) {
  const p = config.pipeline;
  return {
    buffers: { flushRows: p.flushRows, maxRows: p.maxBufferedRows, maxBytes: p.maxBufferedBytes },
    flushIntervalMs: p.flushIntervalMs,
    retry: { initialDelayMs: p.retryInitialDelayMs, maxDelayMs: p.retryMaxDelayMs },
  };
}
