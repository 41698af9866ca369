// A recorder's config as a user sets it up: settings in a config file, the database and the recordings folder from
// the environment — what the recorder tests start `startRecorder` with.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';

/** `settings` written to `<dir>/config.json`; DATABASE_URL and the recordings folder `<dir>/recordings` from the environment. */
export async function recorderConfig(dir: string, databaseUrl: string, settings: object): Promise<Config> {
  const configFile = path.join(dir, 'config.json');
  await writeFile(configFile, JSON.stringify(settings));
  return loadConfig({ configFile, env: { DATABASE_URL: databaseUrl, SCHWAB_RECORDER_RECORDINGS_DIR: path.join(dir, 'recordings') } });
}
