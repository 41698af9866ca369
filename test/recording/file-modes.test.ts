import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log/logger.js';
import { RecordingWriter } from '../../src/recording/writer.js';

const modeOf = async (file: string) => ((await stat(file)).mode & 0o777).toString(8);

describe('recording file modes', () => {
  let tmp: string;
  let umask: number;
  beforeEach(async () => {
    tmp = await mkdtemp(path.join(tmpdir(), 'recording-modes-'));
    umask = process.umask(0o022); // the common default, under which files come out world-readable
  });
  afterEach(async () => {
    process.umask(umask);
    await rm(tmp, { recursive: true, force: true });
  });

  it('writes recordings readable by their owner only: folders 0700, segments and gzipped segments 0600', async () => {
    const dir = path.join(tmp, 'recordings');
    const writer = await RecordingWriter.open({
      dir, segmentMaxBytes: 200, segmentMaxAgeMs: 3_600_000, gzipClosedSegments: true, logger: createLogger({ level: 'silent' }),
    });
    writer.appendEvent('connected', { url: 'ws://127.0.0.1', padding: 'x'.repeat(300) }, 1);
    await writer.sync(); // over the size: segment 1 is closed and gzipped, segment 2 is open
    expect(await modeOf(dir)).toBe('700');
    expect(await modeOf(writer.folder)).toBe('700');
    expect(await modeOf(path.join(writer.folder, '000002.ndjson'))).toBe('600');
    await writer.close();
    const segments = (await readdir(writer.folder)).filter((name) => !name.startsWith('.'));
    expect(segments).toEqual(['000001.ndjson.gz', '000002.ndjson.gz']);
    for (const name of segments) expect(await modeOf(path.join(writer.folder, name))).toBe('600');
  });
});
