// One measured job in a fresh process, so CPU and peak RSS are this job's alone:
//   node --import tsx bench/child.ts '<JobSpec JSON>'
// prints one line `RESULT <JobResult JSON>` at the end.
import { clientJob, psqlCopyJob } from './jobs/baseline.js';
import { liveJob } from './jobs/live.js';
import { flushPathJob, replayJob } from './jobs/replay.js';
import type { JobOutput, JobResult, JobSpec } from './jobs/types.js';
import { peakRssMb, reapedChildrenCpuSeconds } from './measure.js';

const RUN: Record<JobSpec['kind'], (spec: JobSpec) => Promise<JobOutput>> = {
  'replay': replayJob,
  'flush-path': flushPathJob,
  'live': liveJob,
  'psql-copy': psqlCopyJob,
  'chain-ceiling': psqlCopyJob,
  'binary-copy': clientJob,
  'text-copy': clientJob,
  'insert': clientJob,
  'staging': clientJob,
};

const spec = JSON.parse(process.argv[2] ?? '{}') as JobSpec;
const childrenBefore = await reapedChildrenCpuSeconds();
const output = await RUN[spec.kind](spec);
const result: JobResult = {
  ...output,
  childCpuSeconds: (await reapedChildrenCpuSeconds()) - childrenBefore,
  peakRssMb: peakRssMb(),
};
process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
process.exit(0);
