// A simulator on loopback with a logged-in token manager and API client pointing at it: the real client stack
// against the project's own Schwab, for session and recorder tests.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CaptureSink } from '../../src/capture/sink.js';
import type { Logger } from '../../src/log/logger.js';
import { SchwabApi } from '../../src/schwab/endpoints.js';
import { OAuthClient } from '../../src/schwab/oauth.js';
import { RestClient } from '../../src/schwab/rest-client.js';
import type { StreamerInfo } from '../../src/schwab/streamer/protocol.js';
import { TokenManager } from '../../src/schwab/token-manager.js';
import { TokenStore } from '../../src/schwab/token-store.js';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/sim/index.js';
import { bufferLogger } from './capture.js';

export interface SimulatedSchwab {
  sim: Simulator;
  tokens: TokenManager;
  api: SchwabApi;
  /** Everything logged so far, as text: secrets must never appear in it. */
  logs: () => string;
  logger: Logger;
  streamerInfo(): Promise<StreamerInfo>;
  close(): Promise<void>;
}

export async function simulatedSchwab(options: SimulatorOptions = {}, capture?: CaptureSink): Promise<SimulatedSchwab> {
  const sim = await startSimulator(options);
  const dir = await mkdtemp(path.join(tmpdir(), 'schwab-tokens-'));
  const { logger, text: logs } = bufferLogger('debug');
  const settings = {
    apiBaseUrl: sim.baseUrl, ...sim.credentials, requestTimeoutMs: 5000, maxRetries: 3,
    requestsPerMinute: 6000, refreshLeewayMs: 60_000, refreshTokenWarnDays: 2,
  };
  const tokens = new TokenManager({
    settings, store: new TokenStore(path.join(dir, 'tokens.json'), { logger }),
    oauth: new OAuthClient(settings, { logger, backoff: { initialDelayMs: 10, maxDelayMs: 50 } }), logger,
  });
  await tokens.login(sim.authorizationCode());
  const rest = new RestClient({ settings, auth: tokens, logger, capture, backoff: { initialDelayMs: 10, maxDelayMs: 100 } });
  const api = new SchwabApi(rest);
  return {
    sim, tokens, api, logs, logger,
    streamerInfo: async () => (await api.userPreference()).streamerInfo[0] as StreamerInfo,
    close: async () => {
      await sim.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
