// Baseline jobs: everything they need is read, decoded or encoded before the clock starts; the clock covers the
// writes only.
import path from 'node:path';
import pg from 'pg';
import type { TableName } from '../../src/decode/tables.js';
import { BATCH_ROWS, binaryBatches, binaryCopy, multiRowInsert, stagingUpsert, textBatches, textCopy } from '../baselines/client.js';
import { chainStagingScript, plainCopyScript, runPsql } from '../baselines/psql.js';
import { cpuSecondsSince, startClock } from '../measure.js';
import { decodeRecording } from './decoded.js';
import type { JobOutput, JobSpec } from './types.js';

/** psql \copy of each plain table's file, then (workloads with chain snapshots) the chain staging script. */
export async function psqlCopyJob(spec: JobSpec): Promise<JobOutput> {
  const files = spec.copyFiles!;
  const plain = Object.fromEntries(Object.entries(files).filter(([table]) => !table.startsWith('stage:')));
  const staged = Object.fromEntries(Object.entries(files).filter(([table]) => table.startsWith('stage:')).map(([t, f]) => [t.slice(6), f]));
  const dir = path.dirname(Object.values(files)[0]!);
  let rows = 0;
  let seconds = 0;
  const cpu = process.cpuUsage();
  if (Object.keys(plain).length > 0) {
    const r = await runPsql(spec.url, plainCopyScript(plain), path.join(dir, `plain-${process.pid}.sql`), 'COPY');
    rows += r.rows;
    seconds += r.seconds;
  }
  if (Object.keys(staged).length > 0) {
    const r = await runPsql(spec.url, chainStagingScript(staged), path.join(dir, `chains-${process.pid}.sql`), 'INSERT');
    rows += r.rows;
    seconds += r.seconds;
  }
  // psql's own CPU is reported separately (the child's reaped children); this is the waiting node process.
  return { rows, seconds, cpuSeconds: cpuSecondsSince(cpu) };
}

/** One table's client baseline (text COPY, binary COPY, staging + ON CONFLICT, multi-row INSERT). */
export async function clientJob(spec: JobSpec): Promise<JobOutput> {
  const table = spec.tables![0] as TableName;
  const client = new pg.Client({ connectionString: spec.url });
  await client.connect();
  try {
    const write = await prepare(spec, table, client);
    const clock = startClock();
    const rows = await write();
    return { rows, ...clock.stop(), extra: { batchRows: BATCH_ROWS } };
  } finally {
    await client.end();
  }
}

async function prepare(spec: JobSpec, table: TableName, client: pg.Client): Promise<() => Promise<number>> {
  switch (spec.kind) {
    case 'text-copy': case 'staging': {
      const batches = await textBatches(spec.copyFiles![table]!);
      const rows = batches.reduce((n, b) => n + b.split('\n').length - 1, 0);
      return async () => {
        await (spec.kind === 'text-copy' ? textCopy : stagingUpsert)(client, table, batches);
        return rows;
      };
    }
    case 'binary-copy': case 'insert': {
      const rows = (await decodeRecording(spec.recording!)).tables.get(table) ?? [];
      if (spec.kind === 'insert') return async () => { await multiRowInsert(client, table, rows); return rows.length; };
      const batches = binaryBatches(table, rows);
      return async () => { await binaryCopy(client, table, batches); return rows.length; };
    }
    default: throw new Error(`not a client baseline: ${spec.kind}`);
  }
}
