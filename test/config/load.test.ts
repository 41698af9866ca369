import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/errors.js';
import { repoRoot } from '../../src/paths.js';
import { runCli } from '../support/cli.js';

describe('loadConfig', () => {
  let dir: string;
  const file = async (name: string, content: unknown): Promise<string> => {
    const target = path.join(dir, name);
    await writeFile(target, typeof content === 'string' ? content : JSON.stringify(content));
    return target;
  };
  const problemsOf = (load: () => unknown): ConfigError => {
    try {
      load();
    } catch (error) {
      if (error instanceof ConfigError) return error;
      throw error;
    }
    throw new Error('expected a ConfigError');
  };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'config-test-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('loads config/default.json with relative paths resolved against the working directory', () => {
    const config = loadConfig({ env: {}, cwd: '/srv/recorder' });
    expect(config.database.url).toBeNull();
    expect(config.database.embedded).toMatchObject({ port: 54329, dataDir: '/srv/recorder/.data/postgres', database: 'schwab_recorder' });
    expect(config.schwab.tokenFile).toBe('/srv/recorder/.data/tokens.json');
    expect(config.partitions.ahead).toEqual({ daily: 7, weekly: 3, monthly: 3 });
    expect(config.log.level).toBe('info');
  });

  it('accepts config/example.json, which sets every key', () => {
    const config = loadConfig({ configFile: path.join(repoRoot, 'config', 'example.json'), env: {} });
    expect(config.partitions.retentionDays).toMatchObject({ equity_quotes: 30, option_quotes: 14 });
  });

  it('deep-merges a config file over the defaults, from --config or SCHWAB_RECORDER_CONFIG', async () => {
    const custom = await file('pool.json', { database: { pool: { max: 9 }, ssl: { mode: 'verify-full', caFile: 'ca.pem' } } });
    for (const config of [loadConfig({ configFile: custom, env: {}, cwd: dir }), loadConfig({ env: { SCHWAB_RECORDER_CONFIG: custom }, cwd: dir })]) {
      expect(config.database.pool).toEqual({ max: 9, idleTimeoutMs: 30000 });
      expect(config.database.ssl).toEqual({ mode: 'verify-full', caFile: path.join(dir, 'ca.pem') });
    }
  });

  it('applies environment variables over the config file', async () => {
    const custom = await file('port.json', { database: { embedded: { port: 1111 } } });
    const config = loadConfig({
      configFile: custom,
      env: {
        SCHWAB_RECORDER_PG_PORT: '2222',
        DATABASE_URL: 'postgres://u:p@db:5432/x',
        SCHWAB_RECORDER_DATA_DIR: '/var/pg',
        SCHWAB_RECORDER_LOG_LEVEL: 'debug',
        SCHWAB_RECORDER_WRITER_PASSWORD: 'w',
        SCHWAB_RECORDER_READER_PASSWORD: 'r',
        SCHWAB_APP_KEY: 'key',
        SCHWAB_APP_SECRET: 'secret',
        SCHWAB_CALLBACK_URL: 'https://127.0.0.1:9000/cb',
        SCHWAB_TOKEN_FILE: 'tokens.json',
      },
      cwd: dir,
    });
    expect(config.database.embedded.port).toBe(2222);
    expect(config.database.url).toBe('postgres://u:p@db:5432/x');
    expect(config.database.embedded.dataDir).toBe('/var/pg');
    expect(config.log.level).toBe('debug');
    expect(config.database.roles.writer.password).toBe('w');
    expect(config.database.roles.reader.password).toBe('r');
    expect(config.schwab).toMatchObject({ appKey: 'key', appSecret: 'secret', callbackUrl: 'https://127.0.0.1:9000/cb', tokenFile: path.join(dir, 'tokens.json') });
  });

  it('throws ConfigError naming every bad path and where its value came from', async () => {
    const bad = await file('bad.json', { database: { pool: { max: 'four' }, embedded: { colour: 'blue' } }, log: { level: 'loud' }, extra: true });
    const error = problemsOf(() => loadConfig({ configFile: bad, env: { SCHWAB_RECORDER_PG_PORT: 'abc' } }));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.problems.map((problem) => `${problem.path} <- ${problem.source}`).sort()).toEqual([
      `database.embedded.colour <- file ${bad}`,
      'database.embedded.port <- env SCHWAB_RECORDER_PG_PORT',
      `database.pool.max <- file ${bad}`,
      `extra <- file ${bad}`,
      `log.level <- file ${bad}`,
    ]);
  });

  it('never repeats a secret value in its errors, even from a file that is not valid JSON', async () => {
    const wrongType = await file('secret-type.json', { schwab: { appSecret: ['hunter2-secret'] } });
    const brokenJson = await file('secret-json.json', '{"schwab": {"appSecret": "hunter2-secret",}}');
    for (const configFile of [wrongType, brokenJson]) {
      const error = problemsOf(() => loadConfig({ configFile, env: {} }));
      expect(error.message).not.toContain('hunter2');
      expect(error.problems.length).toBeGreaterThan(0);
    }
  });

  it('makes the CLI exit 2 with one line per problem and no stack trace', async () => {
    const bad = await file('cli-bad.json', { database: { embedded: { port: 'not-a-port' } } });
    const failure = await runCli(['db', 'url', '--config', bad], { SCHWAB_RECORDER_LOG_LEVEL: 'nope' });
    expect(failure.code).toBe(2);
    expect(failure.stdout).toBe('');
    expect(failure.stderr.trim().split('\n')).toEqual([
      `config error: database.embedded.port: Invalid input: expected number, received string (from file ${bad})`,
      'config error: log.level: Invalid option: expected one of "fatal"|"error"|"warn"|"info"|"debug"|"trace"|"silent" (from env SCHWAB_RECORDER_LOG_LEVEL)',
    ]);
  });
});
