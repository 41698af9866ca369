import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { startEmbedded } from '../../src/db/embedded.js';
import { migrate } from '../../src/db/migrations.js';
import { isRecorderError } from '../../src/errors.js';
import { createLogger } from '../../src/log/logger.js';
import { databaseUrl, freePort, queryServer, uniqueName } from './server.js';

interface TestServer {
  url: string;
  stop(): Promise<void>;
}

/**
 * One PostgreSQL for the whole run: DATABASE_URL when set, otherwise an embedded server in a fresh temp dir on a free
 * port. A template database is migrated once; each test file clones it instead of migrating again.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await testServer();
  const template = uniqueName('schwab_template');
  const teardown = async (): Promise<void> => {
    await queryServer(server.url, `DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
    await server.stop();
  };
  try {
    await buildTemplate(server.url, template);
  } catch (error) {
    // vitest runs no teardown for a setup that throws: the server must not outlive the run.
    await teardown();
    throw error;
  }
  project.provide('databaseUrl', server.url);
  project.provide('templateDatabase', template);
  return teardown;
}

async function testServer(): Promise<TestServer> {
  const external = process.env['DATABASE_URL'];
  if (external !== undefined && external !== '') return { url: external, stop: async () => undefined };
  const dir = await mkdtemp(path.join(tmpdir(), 'schwab-recorder-test-'));
  // As root the server runs as the postgres user, which must be able to enter this folder (mkdtemp makes it 0700);
  // its data dir and log file are created here for it.
  await chmod(dir, 0o755);
  const options = {
    dataDir: path.join(dir, 'pgdata'),
    port: await freePort(),
    user: 'postgres',
    password: randomBytes(12).toString('hex'),
    database: 'postgres',
  };
  const server = await startEmbedded(options, createLogger({ level: 'warn' })).catch(async (error: unknown) => {
    await rm(dir, { recursive: true, force: true });
    throw oneLine(error);
  });
  return {
    url: server.url,
    stop: async () => {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** What keeps the server from starting, in one line as the CLI says it: vitest would add a stack and a code frame. */
function oneLine(error: unknown): unknown {
  if (!isRecorderError(error)) return error;
  const plain = new Error(`the tests' embedded PostgreSQL cannot start (set DATABASE_URL to use another server): ${error.message}`);
  plain.stack = plain.message;
  return plain;
}

async function buildTemplate(serverUrl: string, template: string): Promise<void> {
  await queryServer(serverUrl, `CREATE DATABASE ${template}`);
  // The pool must be closed before tests clone the template: CREATE DATABASE ... TEMPLATE needs it unused.
  const pool = new pg.Pool({ connectionString: databaseUrl(serverUrl, template), max: 1 });
  try {
    await migrate(pool);
  } finally {
    await pool.end();
  }
}
