import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

describe('db maintenance commands', () => {
  let db: TestDatabase;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    db = await createTestDatabase();
    env = { DATABASE_URL: db.url, SCHWAB_RECORDER_CONFIG: '' };
  });
  afterAll(async () => { await db?.drop(); });

  it('db partitions ensure creates partitions ahead and db partitions lists them with their bounds', async () => {
    const ensure = await runCli(['db', 'partitions', 'ensure'], env);
    expect(ensure.stderr).toBe('');
    expect(ensure.code).toBe(0);
    expect(ensure.stdout).toMatch(/^created equity_quotes_p\d{8}$/m);
    expect((await runCli(['db', 'partitions', 'ensure'], env)).stdout).toBe('none missing\n');

    const list = await runCli(['db', 'partitions'], env);
    expect(list.code).toBe(0);
    expect(list.stdout.split('\n')[0]).toMatch(/^table\s+partition\s+from\s+to\s+rows\s+size_kb$/);
    expect(list.stdout).toMatch(/^price_data\s+price_data_default\s+DEFAULT/m);
    expect(list.stdout).toMatch(/^options_chains\s+options_chains_p\d{8}\s+\d{4}-\d\d-\d\dT00:00:00.000Z/m);
  });

  it('db partitions retention --dry-run drops nothing when no retention is configured', async () => {
    const run = await runCli(['db', 'partitions', 'retention', '--dry-run'], env);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('nothing older than the retention limits\n');
  });

  it('db query runs a seed query pattern with parameters and db health prints both checks', async () => {
    await db.pool.query(`INSERT INTO options_expirations (underlying_symbol, expiration_date, expiration_type) VALUES ('SPY', '2026-12-18', 'S')`);
    await db.pool.query(`INSERT INTO options_chains (underlying_symbol, expiration_id, snapshot_datetime, underlying_price)
                         VALUES ('SPY', 1, '2026-11-25T15:00:00Z', 590.25)`);
    const query = await runCli(['db', 'query', 'latest-chain', '-p', 'symbol=SPY'], env);
    expect(query.code).toBe(0);
    expect(query.stdout).toMatch(/^chain_id\s+underlying_symbol/);
    expect(query.stdout).toMatch(/^1\s+SPY\s+1\s+2026-11-25T15:00:00.000Z\s+SINGLE\s+590.2500/m);

    const health = await runCli(['db', 'health'], env);
    expect(health.code).toBe(0);
    expect(health.stdout).toContain('# table-sizes');
    expect(health.stdout).toContain('# index-usage');
  });

  it('db query with an unknown name exits non-zero and names the known queries', async () => {
    const run = await runCli(['db', 'query', 'everything'], env);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('unknown query "everything"; known: latest-chain, order-history, options-volume');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
