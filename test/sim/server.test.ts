import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../src/paths.js';
import { until } from '../support/until.js';

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs a TypeScript entry point under tsx; `interact` may talk to it before it is left to exit. */
function run(args: string[], timeoutMs: number, interact?: (child: ReturnType<typeof spawn>, stdout: () => string) => Promise<void>): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
      cwd: repoRoot, env: { ...process.env, SCHWAB_RECORDER_CONFIG: '' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`did not exit within ${timeoutMs} ms; stdout: ${stdout} stderr: ${stderr}`));
    }, timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    interact?.(child, () => stdout).catch(reject);
  });
}

describe('simulator lifecycle', () => {
  it('leaves no timer or socket behind after close(): the process exits by itself', async () => {
    const exit = await run(['test/sim/fixtures/close-and-exit.ts'], 20_000);
    expect(exit.stderr).toBe('');
    expect(exit.code).toBe(0);
    expect(exit.stdout).toMatch(/^closed after \d+ frames$/m);
  });

  it('schwab-recorder sim prints the URLs and credentials, serves OAuth, and stops cleanly on SIGTERM', async () => {
    const exit = await run(['src/cli/main.ts', 'sim', '--port', '0', '--seed', '7'], 30_000, async (child, stdout) => {
      await until(() => stdout().includes('authorize:'), 20_000);
      const authorize = /^authorize:\s+(\S+)$/m.exec(stdout())?.[1] ?? '';
      const response = await fetch(authorize, { redirect: 'manual' });
      expect(response.status).toBe(302);
      child.kill('SIGTERM');
    });
    expect(exit.code).toBe(0);
    expect(exit.stdout).toMatch(/^base url:\s+http:\/\/127\.0\.0\.1:\d+$/m);
    expect(exit.stdout).toMatch(/^ws url:\s+ws:\/\/127\.0\.0\.1:\d+\/ws$/m);
    expect(exit.stdout).toMatch(/^app key:\s+\w{32}$/m);
    expect(exit.stdout).toMatch(/^app secret:\s+\w{16}$/m);
    expect(exit.stdout).toMatch(/^callback url:\s+https:\/\/127\.0\.0\.1:8182$/m);
  });
});
